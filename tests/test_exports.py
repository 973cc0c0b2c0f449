"""Every export format, parsed back the way its consumer would read it."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import pytest

from server import exports
from server.entries import validate_list_document

NOW = datetime(2026, 11, 28, 10, 30, 0, tzinfo=timezone.utc)
HOMEPAGE = "https://caveat.example/list"

# A strict grammar for a uBlock Origin network filter (EasyList syntax as uBO
# reads it): optional `@@`, a `||` or `|` anchor, a pattern of URL characters
# and the `*`/`^` wildcards, an optional `|` end anchor, and options after `$`
# drawn from uBO's documented option names.
UBO_OPTIONS = {"document", "doc", "all", "important", "popup", "third-party", "1p", "3p"}
NETWORK_FILTER = re.compile(
    r"^(?:@@)?(?:\|\||\|)?[A-Za-z0-9.%/:_~?=&*^-]+\|?(?:\$(?P<options>[a-z0-9,=~|.-]+))?$"
)


def document():
    """A small list with the awkward cases: commas, quotes, formula-like text,
    Unicode, an exact-host entry, an IDN domain, related domains."""
    return validate_list_document({
        "format": 1,
        "version": 7,
        "generated": "2026-11-28T10:00:00Z",
        "entries": [
            {
                "domain": "store-one.example",
                "name": "Store One, \"the cheap one\"",
                "status": "disputed",
                "summary": "=HYPERLINK(\"x\") sells music; its licences are disputed.",
                "details": "Line one.\nLine two, with a comma.",
                "sources": [
                    {"title": "Report | with a pipe, and a comma", "url": "https://news.example/a?b=1&c=2"},
                    {"title": "Zweiter Bericht über den Laden", "url": "http://news.example/b"},
                ],
                "related": ["store-two.example", "mirror.store-one.example"],
                "include_subdomains": True,
                "reviewed": "2026-11-01",
                "jurisdictions": [
                    {"country": "RU", "status": "lawful",
                     "note": "A court acquitted the operator; RU: unlawful (2001-01-01): is not a new item.",
                     "sources": [{"title": "Ruling: https://not.the-url.example and more", "url": "https://court.example/ru"},
                                 {"title": "- a dashed title", "url": "https://news.example/ru?a=1&b=2"}],
                     "since": "2007-08-15"},
                    {"country": "EU", "status": "disputed", "note": "=SUM(A1) contested (no ruling).",
                     "sources": [{"title": "Report", "url": "http://news.example/eu"}]},
                ],
                "created": "2026-11-01T09:00:00Z",
                "updated": "2026-11-02T09:00:00Z",
            },
            {
                "domain": "shop.store-two.example",
                "name": "Store Two",
                "status": "unlawful",
                "summary": "-A court ruled against this store.",
                "sources": [{"title": "Ruling", "url": "https://court.example/ruling"}],
                "include_subdomains": False,
                "reviewed": "2025-01-01",
            },
            {
                "domain": "bücher.example",
                "name": "Bücher",
                "status": "defunct",
                "summary": "'Closed; the name may now belong to someone else.",
                "sources": [{"title": "Closure", "url": "https://news.example/c"}],
                "reviewed": "2024-06-30",
            },
        ],
    })


def test_json_export_is_the_list_document():
    doc = document()
    assert json.loads(exports.to_json(doc)) == doc
    assert exports.to_json(doc).endswith("\n")


def test_csv_has_a_header_row_and_one_row_per_entry():
    doc = document()
    rows = list(csv.reader(io.StringIO(exports.to_csv(doc), newline="")))
    assert tuple(rows[0]) == exports.CSV_COLUMNS
    assert [row[0] for row in rows[1:]] == [e["domain"] for e in doc["entries"]]
    assert all(len(row) == len(exports.CSV_COLUMNS) for row in rows)


def test_csv_encodes_sources_as_json_and_related_as_spaces():
    doc = document()
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(doc), newline="")))
    one = next(row for row in rows if row["domain"] == "store-one.example")
    by_domain = {e["domain"]: e for e in doc["entries"]}
    assert json.loads(one["sources"]) == by_domain["store-one.example"]["sources"]
    assert one["related"].split(" ") == ["store-two.example", "mirror.store-one.example"]
    assert one["include_subdomains"] == "true"
    exact = next(row for row in rows if row["domain"] == "shop.store-two.example")
    assert exact["include_subdomains"] == "false"
    assert exact["related"] == "" and exact["created"] == ""


def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas():
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(document()), newline="")))
    summaries = {row["domain"]: row["summary"] for row in rows}
    assert summaries["store-one.example"].startswith("'=")
    assert summaries["shop.store-two.example"].startswith("'-")
    assert summaries["xn--bcher-kva.example"].startswith("''")  # the escape mark itself is escaped


def test_csv_round_trip_is_lossless():
    doc = document()
    expected = [{**{"details": "", "related": []}, **entry} for entry in doc["entries"]]
    assert exports.parse_csv(exports.to_csv(doc)) == expected
    # and what comes back is a valid list again
    assert validate_list_document({"format": 1, "version": 7, "entries": exports.parse_csv(exports.to_csv(doc))})["entries"] == doc["entries"]


def test_csv_jurisdictions_cell_is_readable_lines():
    rows = {row["domain"]: row for row in csv.DictReader(io.StringIO(exports.to_csv(document()), newline=""))}
    assert rows["store-one.example"]["jurisdictions"].split("\n") == [
        "RU: lawful (2007-08-15): A court acquitted the operator; RU: unlawful (2001-01-01): is not a new item.",
        "  - Ruling: https://not.the-url.example and more https://court.example/ru",
        "  - - a dashed title https://news.example/ru?a=1&b=2",
        "EU: disputed: =SUM(A1) contested (no ruling).",
        "  - Report http://news.example/eu",
    ]
    assert rows["shop.store-two.example"]["jurisdictions"] == ""


def test_csv_round_trip_keeps_jurisdictions():
    doc = document()
    back = exports.parse_csv(exports.to_csv(doc))
    assert [e["jurisdictions"] for e in back] == [e["jurisdictions"] for e in doc["entries"]]
    assert back[1]["jurisdictions"][0]["sources"][1]["title"] == "- a dashed title"


@pytest.mark.parametrize("cell", ["ru: lawful: x", "RU lawful: x", "  - orphan source https://x.example",
                                  "RU: lawful (2007): x"])
def test_parse_csv_refuses_a_malformed_jurisdictions_cell(cell):
    with pytest.raises(ValueError, match="jurisdictions line 1"):
        exports.parse_jurisdictions_text(cell)


def test_parse_csv_refuses_a_foreign_header():
    with pytest.raises(ValueError, match="unexpected CSV header"):
        exports.parse_csv("host,reason\r\nexample.com,x\r\n")


def test_hosts_file_maps_every_domain_to_0000():
    doc = document()
    text = exports.to_hosts(doc)
    assert exports.parse_hosts(text) == [("0.0.0.0", e["domain"]) for e in doc["entries"]]
    for line in text.splitlines():
        assert line == "" or line.startswith("# ") or re.fullmatch(r"0\.0\.0\.0 [a-z0-9.-]+", line), line


def test_hosts_file_says_it_cannot_cover_subdomains():
    header = [line for line in exports.to_hosts(document()).splitlines() if line.startswith("#")]
    assert any("include_subdomains" in line for line in header)
    assert any("NOT blocked" in line for line in header)


def test_ubo_headers():
    headers, _ = exports.parse_ubo(exports.to_ubo(document(), NOW, homepage=HOMEPAGE))
    assert headers["Title"] == "Caveat disputed stores"
    assert headers["Version"] == "7"
    assert parsedate_to_datetime(headers["Last modified"]) == NOW
    assert headers["Expires"] == "1 day"
    assert headers["Homepage"] == HOMEPAGE


def test_ubo_every_line_is_a_comment_or_a_valid_network_filter():
    text = exports.to_ubo(document(), NOW, homepage=HOMEPAGE)
    lines = text.splitlines()
    assert lines[0] == "[Adblock Plus 2.0]"
    filters = []
    for line in lines[1:]:
        if line == "" or line.startswith("!"):
            continue
        match = NETWORK_FILTER.match(line)
        assert match, line
        assert set(match["options"].split(",")) <= UBO_OPTIONS, line
        filters.append(line)
    assert len(filters) == 4  # one for each subdomain entry, two for the exact host


def test_ubo_filters_match_the_entries_scope():
    _, filters = exports.parse_ubo(exports.to_ubo(document(), NOW, homepage=HOMEPAGE))
    assert "||store-one.example^$document" in filters
    assert "||xn--bcher-kva.example^$document" in filters
    # exact host: anchored at the start of the URL, so subdomains do not match
    assert "|https://shop.store-two.example^$document" in filters
    assert "|http://shop.store-two.example^$document" in filters
    assert exports.ubo_blocked_hosts(filters) == {
        "store-one.example": True,
        "xn--bcher-kva.example": True,
        "shop.store-two.example": False,
    }


def test_ubo_comments_explain_each_entry_on_one_line():
    text = exports.to_ubo(document(), NOW, homepage=HOMEPAGE)
    assert "! store-one.example: Store One, \"the cheap one\" (disputed) https://news.example/a?b=1&c=2" in text
    # no line of entry text can become a filter line
    _, filters = exports.parse_ubo(text)
    assert all(line.endswith("$document") for line in filters)


def test_parse_ubo_rejects_garbage():
    with pytest.raises(ValueError, match="line 2"):
        exports.parse_ubo("! Title: x\nexample.com is bad\n")


def test_export_dispatches_and_refuses_unknown_formats():
    doc = document()
    for fmt in exports.FORMATS:
        assert exports.export(doc, fmt, now=NOW, homepage=HOMEPAGE)
    with pytest.raises(ValueError, match="unknown export format"):
        exports.export(doc, "xml", homepage=HOMEPAGE)


def test_empty_list_exports_cleanly():
    doc = {"format": 1, "version": 0, "entries": []}
    assert exports.parse_csv(exports.to_csv(doc)) == []
    assert exports.parse_hosts(exports.to_hosts(doc)) == []
    assert exports.parse_ubo(exports.to_ubo(doc, NOW, homepage=HOMEPAGE))[1] == []


def test_the_curated_list_round_trips_through_csv_with_its_jurisdictions():
    from server.curated import load_curated

    doc = validate_list_document({**load_curated(), "version": 1})
    assert sum(len(e["jurisdictions"]) for e in doc["entries"]) >= 8
    back = validate_list_document({"format": 1, "version": 1, "entries": exports.parse_csv(exports.to_csv(doc))})
    assert back["entries"] == doc["entries"]
