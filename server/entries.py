"""Validation of warning entries and list documents; the canonical entry form.

Pure: no I/O. Every rule of the entry contract (docs/api.md, design.md) is
checked here, with the limits of server/contract.json, so the API, the CLI,
the importer, the curated-list loader and build.py refuse exactly the same
things. Validators collect every problem rather than
stopping at the first, so a maintainer fixes a file in one pass.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from .contract import (COUNTRY_CODES, ENTRY_FIELDS, JURISDICTION_FIELDS, JURISDICTION_STATUSES, LIMITS,
                       LIST_FIELDS, LIST_FORMAT, SOURCE_FIELDS, STATUSES)
from .domains import DomainError, normalize_domain

# Field order (of the canonical, published and exported form), status values
# and limits all come from the one entry contract (server/contract.json);
# the names stay importable from here.

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$")
# Something that looks like markup: entry text is plain text only.
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&[a-zA-Z]+;|&#")
# Control characters other than tab and newline (allowed only in details).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Unpaired surrogates: a JSON file can spell them ("\ud800") but they are not
# text, and the database (UTF-8) cannot store them.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


_COUNTRIES = frozenset(COUNTRY_CODES)


class EntryError(ValueError):
    """An invalid entry; ``errors`` lists every problem as "field: message"."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = list(errors)


class ListError(ValueError):
    """An invalid list document; each error is prefixed by the entry it is about."""

    def __init__(self, errors: list[str]):
        count = len(errors)
        super().__init__(f"{count} error{'s' if count != 1 else ''}: " + "; ".join(errors))
        self.errors = list(errors)


def utc_now() -> str:
    """The current time as RFC 3339 UTC with a 'Z', second precision."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_timestamp(value) -> bool:
    """True for an RFC 3339 UTC timestamp ending in 'Z' that names a real time."""
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _text(errors, field, value, max_length, *, required, multiline=False):
    """Check a plain-text field; returns the stripped text or None."""
    if value is None or (value == "" and not required):
        if required:
            errors.append(f"{field}: is required")
        return "" if not required else None
    if not isinstance(value, str):
        errors.append(f"{field}: must be a string")
        return None
    value = value.strip()
    if required and not value:
        errors.append(f"{field}: must not be empty")
        return None
    if len(value) > max_length:
        errors.append(f"{field}: is {len(value)} characters long; the limit is {max_length}")
    if multiline:
        bad = _CONTROL.search(value)
    else:
        bad = _CONTROL.search(value) or ("\n" in value) or ("\t" in value)
    if bad:
        errors.append(f"{field}: must not contain control characters" + ("" if multiline else " or line breaks"))
    if _SURROGATE.search(value):
        errors.append(f"{field}: is not valid Unicode text (it contains an unpaired surrogate)")
    if _MARKUP.search(value):
        errors.append(f"{field}: must be plain text, not HTML")
    return value


def _url(errors, field, value):
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{field}: must be a non-empty string")
        return None
    value = value.strip()
    limit = LIMITS["source_url"]
    if len(value) > limit:
        errors.append(f"{field}: is {len(value)} characters long; the limit is {limit}")
        return None
    if re.search(r"[\s\x00-\x1f\x7f\ud800-\udfff]", value):
        errors.append(f"{field}: must not contain spaces or control characters")
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # raises ValueError on a bad port
    except ValueError:
        errors.append(f"{field}: is not a valid URL")
        return None
    if parts.scheme.lower() not in ("http", "https"):
        errors.append(f"{field}: must be an http or https URL")
        return None
    if not host:
        errors.append(f"{field}: must name a host")
        return None
    return value


def _is_bounded_list(errors, field, value, items, noun, limit_name=None):
    """Whether ``value`` is a list; notes an error when it is not, or when it is
    longer than the contract's limit for ``field`` (or ``limit_name``)."""
    if not isinstance(value, list):
        errors.append(f"{field}: must be a list of {items}")
        return False
    if len(value) > (limit := LIMITS[limit_name or field]):
        errors.append(f"{field}: at most {limit} {noun}")
    return True


def _objects(errors, field, value, fields, what):
    """``(where, item)`` for each object in the list ``value``; errors name the
    items that are not objects and every key not in ``fields``."""
    for i, item in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(item, dict):
            errors.append(f"{where}: must be an object with {what}")
            continue
        for key in sorted(set(item) - set(fields)):
            errors.append(f"{where}.{key}: unknown field")
        yield where, item


def _sources(errors, value, field="sources"):
    if not _is_bounded_list(errors, field, value, "{title, url}", "sources", "sources"):
        return None
    if not value:
        errors.append(f"{field}: at least one source is required")
        return None
    sources = []
    for where, source in _objects(errors, field, value, SOURCE_FIELDS, "title and url"):
        title = _text(errors, f"{where}.title", source.get("title"), LIMITS["source_title"], required=True)
        url = _url(errors, f"{where}.url", source.get("url"))
        sources.append({"title": title, "url": url})
    return sources


def _related(errors, value, own_domain):
    if value is None:
        return []
    if not _is_bounded_list(errors, "related", value, "domains", "domains"):
        return None
    related = []
    for i, item in enumerate(value):
        try:
            domain = normalize_domain(item)
        except DomainError as exc:
            errors.append(f"related[{i}]: {exc}")
            continue
        if domain == own_domain:
            errors.append(f"related[{i}]: is the entry's own domain")
        elif domain in related:
            errors.append(f"related[{i}]: {domain} is listed twice")
        else:
            related.append(domain)
    return related


def _date(errors, field, value, today):
    """A past date written YYYY-MM-DD (``reviewed``, a jurisdiction's ``since``)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        value = value.isoformat()  # YAML reads an unquoted date as a date
    if not isinstance(value, str) or not _DATE.match(value):
        errors.append(f"{field}: must be a date written YYYY-MM-DD")
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.append(f"{field}: {value} is not a real date")
        return None
    # One day of grace: a maintainer east of UTC may already be "tomorrow".
    if day > today + timedelta(days=1):
        errors.append(f"{field}: {value} is in the future")
        return None
    return value


def _country(errors, where, value, seen):
    if not isinstance(value, str) or value not in _COUNTRIES:
        hint = f" (write {value.upper()})" if isinstance(value, str) and value.upper() in _COUNTRIES else ""
        errors.append(f"{where}.country: must be an ISO 3166-1 alpha-2 code in upper case, such as RU, US or DK,"
                      f" or EU{hint}")
    elif value in seen:
        errors.append(f"{where}.country: {value} is listed twice (also at {seen[value]})")
    else:
        seen[value] = where
    return value


def _jurisdictions(errors, value, today):
    """The items of ``jurisdictions`` (design.md, "A jurisdiction item"), in the contract's field order."""
    if value is None:
        return []
    if not isinstance(value, list):  # at most one item per country: no limit of its own
        errors.append("jurisdictions: must be a list of {country, status, note, sources, since}")
        return None
    items, seen = [], {}
    for where, raw in _objects(errors, "jurisdictions", value, JURISDICTION_FIELDS,
                               "country, status, note and sources"):
        item = {"country": _country(errors, where, raw.get("country"), seen)}
        status = raw.get("status")
        if not isinstance(status, str) or status not in JURISDICTION_STATUSES:
            errors.append(f"{where}.status: must be one of {', '.join(JURISDICTION_STATUSES)}")
        item["status"] = status
        item["note"] = _text(errors, f"{where}.note", raw.get("note"), LIMITS["jurisdiction_note"], required=True)
        sources = raw.get("sources")
        item["sources"] = _sources(errors, [] if sources is None else sources, f"{where}.sources")
        if raw.get("since") is not None:
            item["since"] = _date(errors, f"{where}.since", raw["since"], today)
        items.append(item)
    return items


def validate_entry(data, *, domain: str | None = None, today: date | None = None) -> dict:
    """Validate one entry and return its canonical form.

    ``domain``, when given (the URL of ``PUT /warnings/<domain>``), must agree
    with the entry's own ``domain`` field, which may then be omitted.
    ``created``/``updated`` are kept only when present. Raises EntryError
    listing every problem.
    """
    if not isinstance(data, dict):
        raise EntryError(["entry: must be an object"])
    errors: list[str] = []
    today = today or datetime.now(timezone.utc).date()

    for key in sorted(k for k in data if k not in ENTRY_FIELDS):
        errors.append(f"{key}: unknown field")

    raw_domain = data.get("domain", domain)
    canonical_domain = None
    if raw_domain is None:
        errors.append("domain: is required")
    else:
        try:
            canonical_domain = normalize_domain(raw_domain)
        except DomainError as exc:
            errors.append(f"domain: {exc}")
        if canonical_domain and domain is not None:
            try:
                expected = normalize_domain(domain)
            except DomainError as exc:
                errors.append(f"domain: {exc}")
            else:
                if expected != canonical_domain:
                    errors.append(f"domain: {canonical_domain} does not match the address ({expected})")

    entry = {"domain": canonical_domain}
    entry["name"] = _text(errors, "name", data.get("name"), LIMITS["name"], required=True)
    status = data.get("status")
    if status not in STATUSES:
        errors.append(f"status: must be one of {', '.join(STATUSES)}")
    entry["status"] = status
    entry["summary"] = _text(errors, "summary", data.get("summary"), LIMITS["summary"], required=True)
    entry["details"] = _text(errors, "details", data.get("details"), LIMITS["details"], required=False, multiline=True)
    entry["sources"] = _sources(errors, data.get("sources"))
    entry["related"] = _related(errors, data.get("related"), canonical_domain)
    include = data.get("include_subdomains", True)
    if not isinstance(include, bool):
        errors.append("include_subdomains: must be true or false")
    entry["include_subdomains"] = include
    if "reviewed" not in data:
        errors.append("reviewed: is required (the date a maintainer last checked the sources)")
    else:
        entry["reviewed"] = _date(errors, "reviewed", data["reviewed"], today)
    entry["jurisdictions"] = _jurisdictions(errors, data.get("jurisdictions"), today)
    for field in ("created", "updated"):
        if field in data:
            if is_timestamp(data[field]):
                entry[field] = data[field]
            else:
                errors.append(f"{field}: must be an RFC 3339 UTC time such as 2026-11-28T10:00:00Z")

    if errors:
        raise EntryError(errors)
    return entry


def validate_list_document(doc, *, today: date | None = None, progress=None) -> dict:
    """Validate a list document (the JSON of ``GET /api/v1/list``).

    Returns the canonical document with entries sorted by domain. ``generated``
    is optional (a curated file has none). Raises ListError listing every
    problem, each prefixed with ``entries[i] (domain)``. ``progress(1)``, if
    given, is called after each entry (a progress bar's update).
    """
    if not isinstance(doc, dict):
        raise ListError(["document: must be a JSON object with format, version and entries"])
    errors: list[str] = []
    for key in sorted(k for k in doc if k not in LIST_FIELDS):
        errors.append(f"{key}: unknown field")
    fmt = doc.get("format")
    if fmt != LIST_FORMAT or isinstance(fmt, bool):
        errors.append(f"format: must be {LIST_FORMAT}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        errors.append("version: must be a non-negative integer")
    if "generated" in doc and not is_timestamp(doc["generated"]):
        errors.append("generated: must be an RFC 3339 UTC time such as 2026-11-28T10:00:00Z")
    raw_entries = doc.get("entries")
    entries: list[dict] = []
    if not isinstance(raw_entries, list):
        errors.append("entries: must be a list")
        raw_entries = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_entries):
        label = f"entries[{i}]"
        if isinstance(raw, dict) and isinstance(raw.get("domain"), str):
            label += f" ({raw['domain']})"
        try:
            entry = validate_entry(raw, today=today)
        except EntryError as exc:
            errors.extend(f"{label}: {message}" for message in exc.errors)
        else:
            if entry["domain"] in seen:
                errors.append(f"{label}: duplicate domain, already listed at entries[{seen[entry['domain']]}]")
            else:
                seen[entry["domain"]] = i
                entries.append(entry)
        if progress is not None:
            progress(1)
    if errors:
        raise ListError(errors)
    result = {"format": LIST_FORMAT, "version": version}
    if "generated" in doc:
        result["generated"] = doc["generated"]
    result["entries"] = sorted(entries, key=lambda e: e["domain"])
    return result
