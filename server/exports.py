"""The published list in other formats: JSON, CSV, a hosts file, a uBlock Origin list.

Pure: every function takes a list document (the JSON of ``GET /api/v1/list``,
already validated) and returns text; nothing here reads or writes files. Each
format has a parser for the reverse direction, used by the tests to prove that
what we write can be read back by the tools that consume it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from email.utils import format_datetime

FORMATS = ("json", "csv", "hosts", "ubo")

CSV_COLUMNS = (
    "domain", "name", "status", "summary", "details", "sources", "related",
    "include_subdomains", "reviewed", "jurisdictions", "created", "updated",
)

UBO_TITLE = "Caveat disputed stores"

# Spreadsheets run a cell that starts with one of these as a formula (CSV
# injection). Such cells, and cells that start with the escape mark itself,
# get a leading apostrophe; parse_csv removes exactly one, so the round trip
# is lossless.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


# --- JSON --------------------------------------------------------------------

def to_json(doc: dict) -> str:
    """The list document itself, pretty-printed, UTF-8 text kept readable."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- CSV ---------------------------------------------------------------------

def _csv_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_uncell(text: str) -> str:
    return text[1:] if text.startswith("'") else text


# One jurisdiction item in a CSV cell: a header line, then one line per source.
#   RU: lawful (2007-08-15): A Moscow court acquitted the operator.
#     - Reuters: Russian court acquits ex-head https://www.reuters.com/...
# Notes and titles are one line each and a URL holds no space, so each part is
# found without escaping: the note is the rest of its line, the URL a source
# line's last word.
_ITEM_LINE = re.compile(r"^(?P<country>[A-Z]{2}): (?P<status>[a-z]+)(?: \((?P<since>\d{4}-\d{2}-\d{2})\))?: (?P<note>.*)$")
_SOURCE_PREFIX = "  - "


def jurisdictions_text(items: list[dict]) -> str:
    """The ``jurisdictions`` CSV cell: each item as a line, its sources indented below it."""
    lines = []
    for item in items:
        since = f" ({item['since']})" if item.get("since") else ""
        lines.append(f"{item['country']}: {item['status']}{since}: {item['note']}")
        lines += [f"{_SOURCE_PREFIX}{source['title']} {source['url']}" for source in item["sources"]]
    return "\n".join(lines)


def parse_jurisdictions_text(text: str) -> list[dict]:
    """The items of a ``jurisdictions`` cell (the reverse of ``jurisdictions_text``)."""
    items: list[dict] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n") if text else [], start=1):
        if line.startswith(_SOURCE_PREFIX) and items:
            title, _, url = line[len(_SOURCE_PREFIX):].rpartition(" ")
            items[-1]["sources"].append({"title": title, "url": url})
        elif match := _ITEM_LINE.match(line):
            item = {"country": match["country"], "status": match["status"], "note": match["note"], "sources": []}
            if match["since"]:
                item["since"] = match["since"]
            items.append(item)
        else:
            raise ValueError(f"jurisdictions line {number}: expected 'CC: status (YYYY-MM-DD): note'"
                             f" or '{_SOURCE_PREFIX}title URL', got {line!r}")
    return items


def to_csv(doc: dict) -> str:
    """One row per entry under a header row.

    ``sources`` is a JSON array of ``{"title", "url"}`` (titles may contain any
    punctuation, so no ad-hoc separator is safe); ``related`` is the domains
    separated by single spaces (a domain never contains one);
    ``include_subdomains`` is ``true`` or ``false``; ``jurisdictions`` is
    ``jurisdictions_text`` (one line per item, its sources indented below);
    an absent field is empty.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line endings
    writer.writerow(CSV_COLUMNS)
    for entry in doc["entries"]:
        writer.writerow([
            entry["domain"],
            _csv_cell(entry["name"]),
            entry["status"],
            _csv_cell(entry["summary"]),
            _csv_cell(entry.get("details") or ""),
            json.dumps(entry["sources"], ensure_ascii=False),
            " ".join(entry.get("related") or []),
            "true" if entry.get("include_subdomains", True) else "false",
            entry.get("reviewed", ""),
            _csv_cell(jurisdictions_text(entry.get("jurisdictions") or [])),
            entry.get("created", ""),
            entry.get("updated", ""),
        ])
    return out.getvalue()


def parse_csv(text: str) -> list[dict]:
    """Read entries back from ``to_csv`` output (the reverse of each encoding)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise ValueError(f"unexpected CSV header: {reader.fieldnames}")
    entries = []
    for row in reader:
        entry = {
            "domain": row["domain"],
            "name": _csv_uncell(row["name"]),
            "status": row["status"],
            "summary": _csv_uncell(row["summary"]),
            "details": _csv_uncell(row["details"]),
            "sources": json.loads(row["sources"]),
            "related": row["related"].split() if row["related"] else [],
            "include_subdomains": {"true": True, "false": False}[row["include_subdomains"]],
            "reviewed": row["reviewed"],
            "jurisdictions": parse_jurisdictions_text(_csv_uncell(row["jurisdictions"])),
        }
        for field in ("created", "updated"):
            if row[field]:
                entry[field] = row[field]
        entries.append(entry)
    return entries


# --- hosts file ----------------------------------------------------------------

def to_hosts(doc: dict) -> str:
    """``0.0.0.0 domain`` lines: makes every listed host unreachable.

    A hosts file names exact hosts only, so an entry's subdomains are not
    covered; the header says so, for whoever installs the file.
    """
    lines = [
        f"# {UBO_TITLE}: hosts file",
        f"# List version {doc['version']}, {len(doc['entries'])} entries."
        + (f" Generated {doc['generated']}." if doc.get("generated") else ""),
        "# Each line sends one listed store's exact host name to 0.0.0.0.",
        "# A hosts file cannot express include_subdomains: subdomains of these",
        "# stores (for example shop.<domain>) are NOT blocked by this file.",
        "# The reasons and sources for every entry are in the JSON list.",
        "",
    ]
    lines += [f"0.0.0.0 {entry['domain']}" for entry in doc["entries"]]
    return "\n".join(lines) + "\n"


def parse_hosts(text: str) -> list[tuple[str, str]]:
    """``(address, host)`` pairs from a hosts file; comments and blanks skipped."""
    pairs = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) < 2:
            raise ValueError(f"not a hosts line: {line!r}")
        pairs.extend((fields[0], host) for host in fields[1:])
    return pairs


# --- uBlock Origin ---------------------------------------------------------------

def _rfc2822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def _comment_text(text: str) -> str:
    # One filter-list comment line: no line breaks may leak into the filters.
    return " ".join(text.split())


def ubo_filters(entry: dict) -> list[str]:
    """The network filters for one entry.

    ``||domain^`` anchors at a label boundary, so it covers the domain and all
    its subdomains (``notdomain`` never matches); ``$document`` makes uBlock
    Origin block the page itself (strict blocking, with its "proceed" page).
    For an exact-host entry ``|http://domain^`` and ``|https://domain^`` anchor
    at the start of the URL, so only that host matches. (``|http*://`` would
    be shorter but its wildcard can also match inside another site's query
    string.)
    """
    domain = entry["domain"]
    if entry.get("include_subdomains", True):
        return [f"||{domain}^$document"]
    return [f"|http://{domain}^$document", f"|https://{domain}^$document"]


def to_ubo(doc: dict, now: datetime, *, homepage: str) -> str:
    """A uBlock Origin filter list: metadata headers, then filters per entry.

    Every entry is preceded by a comment naming the store, its status and its
    first source, so a listing is never unexplained to someone reading the list.
    ``homepage`` is where people learn about the list and appeal a listing (the
    deployment's own address: each self-hoster publishes their own list).
    """
    lines = [
        "[Adblock Plus 2.0]",
        f"! Title: {UBO_TITLE}",
        f"! Version: {doc['version']}",
        f"! Last modified: {_rfc2822(now)}",
        "! Expires: 1 day",
        f"! Homepage: {homepage}",
        "! Description: Online stores whose legality is disputed, from the Caveat",
        "! warning list. Each entry below names the store and a public source.",
        "",
    ]
    for entry in doc["entries"]:
        first_source = entry["sources"][0]["url"] if entry.get("sources") else ""
        lines.append(
            "! " + _comment_text(f"{entry['domain']}: {entry['name']} ({entry['status']}) {first_source}")
        )
        lines += ubo_filters(entry)
    return "\n".join(lines) + "\n"


# One network filter as to_ubo writes it: a hostname anchor or an http(s) URL
# anchor, a host made of LDH labels, the separator wildcard, the document option.
UBO_FILTER = re.compile(
    r"^(?:\|\||\|https?://)"
    r"(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
    r"\^\$document$"
)
_UBO_HEADER = re.compile(r"^! (?P<key>[A-Za-z][A-Za-z ]*?): (?P<value>.*)$")


def parse_ubo(text: str) -> tuple[dict[str, str], list[str]]:
    """``(headers, filters)``: the ``! Key: value`` metadata and the filter lines.

    Raises ValueError on any line that is neither a comment, blank, the
    ``[Adblock Plus ...]`` marker nor a filter of the form ``UBO_FILTER``.
    """
    headers: dict[str, str] = {}
    filters: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or (number == 1 and line.startswith("[Adblock Plus")):
            continue
        if line.startswith("!"):
            match = _UBO_HEADER.match(line)
            if match and not filters:  # metadata lives in the leading comments
                headers.setdefault(match["key"], match["value"])
            continue
        if not UBO_FILTER.match(line):
            raise ValueError(f"line {number}: not a valid network filter: {line!r}")
        filters.append(line)
    return headers, filters


def ubo_blocked_hosts(filters: list[str]) -> dict[str, bool]:
    """``{host: covers_subdomains}`` from filter lines (for checking an export)."""
    hosts: dict[str, bool] = {}
    for line in filters:
        match = UBO_FILTER.match(line)
        if match is None:
            raise ValueError(f"not a valid network filter: {line!r}")
        hosts[match["host"]] = hosts.get(match["host"], False) or line.startswith("||")
    return hosts


def export(doc: dict, fmt: str, *, homepage: str, now: datetime | None = None) -> str:
    """Dispatch by format name (one of ``FORMATS``)."""
    if fmt == "json":
        return to_json(doc)
    if fmt == "csv":
        return to_csv(doc)
    if fmt == "hosts":
        return to_hosts(doc)
    if fmt == "ubo":
        return to_ubo(doc, now or datetime.now(timezone.utc), homepage=homepage)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
