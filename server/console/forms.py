"""The entry form: HTML form fields <-> entry dicts, errors by field, and field-by-field diffs.

The inputs are named after the entry fields. ``sources`` is a textarea
with one source a line, "title | url"; ``related`` one domain a line;
``jurisdictions`` the items as JSON (a list of objects).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..contract import ENTRY_FIELDS
from ..entries import EntryError

FORM_FIELDS = [f for f in ENTRY_FIELDS if f not in ("created", "updated")]
_FIELD = re.compile(r"^([a-z_]+)")
_LOCALE = Path(__file__).resolve().parents[2] / "extension" / "_locales" / "en" / "messages.json"


def _jurisdictions(text: str):
    if not text.strip():
        return []
    try:
        return json.loads(text)
    except ValueError as exc:
        raise EntryError([f"jurisdictions: is not valid JSON ({exc.msg} at line {exc.lineno})"]) from None


def entry_from_form(form) -> dict:
    """The entry a submitted form describes (validated later, by the maintenance layer);
    EntryError when the jurisdictions are not JSON."""
    sources = []
    for line in form.get("sources", "").splitlines():
        if not line.strip():
            continue
        title, bar, url = line.rpartition("|")
        if not bar:
            title, url = "", line
        sources.append({"title": title.strip(), "url": url.strip()})
    return {
        "domain": form.get("domain", "").strip(),
        "name": form.get("name", ""),
        "status": form.get("status", ""),
        "summary": form.get("summary", ""),
        "details": form.get("details", "").replace("\r\n", "\n"),
        "sources": sources,
        "related": [line.strip() for line in form.get("related", "").splitlines() if line.strip()],
        "include_subdomains": form.get("include_subdomains") == "on",
        "reviewed": form.get("reviewed", "").strip(),
        "jurisdictions": _jurisdictions(form.get("jurisdictions", "")),
    }


def form_from_entry(entry: dict) -> dict:
    """The form's values for an entry (the inverse of entry_from_form)."""
    return {
        **{key: entry.get(key, "") for key in ("domain", "name", "status", "summary", "details", "reviewed")},
        "sources": "\n".join(f"{s.get('title', '')} | {s.get('url', '')}" for s in entry.get("sources", [])),
        "related": "\n".join(entry.get("related", [])),
        "include_subdomains": entry.get("include_subdomains", True),
        "jurisdictions": json.dumps(entry["jurisdictions"], ensure_ascii=False, indent=1)
        if entry.get("jurisdictions") else "",
    }


def errors_by_field(errors: list[str]) -> dict[str, list[str]]:
    """Validation errors ("sources[0].url: ...") grouped by the form field they concern."""
    grouped: dict[str, list[str]] = {}
    for error in errors:
        match = _FIELD.match(error)
        field = match.group(1) if match and match.group(1) in FORM_FIELDS else "entry"
        grouped.setdefault(field, []).append(error)
    return grouped


def field_diff(old: dict | None, new: dict | None) -> list[dict]:
    """The fields that differ between two versions of an entry: name, before, after (as text)."""
    old, new = old or {}, new or {}
    rows = []
    for field in FORM_FIELDS:
        if old.get(field) != new.get(field):
            rows.append({"field": field, "before": _text(old.get(field)), "after": _text(new.get(field))})
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1)


@lru_cache(maxsize=1)
def _messages() -> dict:
    try:
        return {key: value["message"] for key, value in json.loads(_LOCALE.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


BANNER_FALLBACK = {
    "bannerHeadline_disputed": "Caveat: the legality of $NAME$ is disputed",
    "bannerHeadline_unlawful": "Caveat: $NAME$ has been ruled unlawful",
    "bannerHeadline_defunct": "Caveat: $NAME$ has closed; this site may now be run by someone else",
    "bannerReviewed": "sources last checked on $DATE$",
    "bannerSources": "Sources",
    "bannerRelated": "Related sites: $SITES$",
    "bannerDisclaimer": "This warning comes from the Caveat list.",
}


def banner_text(entry: dict) -> dict:
    """The banner's texts for ``entry``, in the extension's English strings (the preview)."""
    messages = {**BANNER_FALLBACK, **_messages()}
    headline = messages.get(f"bannerHeadline_{entry.get('status')}", messages["bannerHeadline_disputed"])
    return {
        "headline": headline.replace("$NAME$", entry.get("name") or entry.get("domain", "")),
        "reviewed": messages["bannerReviewed"].replace("$DATE$", entry.get("reviewed", "")),
        "sources": messages["bannerSources"],
        "related": messages["bannerRelated"].replace("$SITES$", ", ".join(entry.get("related", []))),
        "disclaimer": messages["bannerDisclaimer"],
    }
