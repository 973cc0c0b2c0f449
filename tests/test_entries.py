"""Entry and list-document validation (server/entries.py) and the curated YAML list (server/curated.py)."""

import functools
from datetime import date

import pytest

from server.curated import load_curated
from server.entries import (
    STATUSES,
    EntryError,
    ListError,
    validate_entry,
    validate_list_document,
)
from testkit.entries import entry as shared_entry

TODAY = date(2026, 11, 28)

GOOD = {
    "domain": "AllOfMP3.com",
    "name": "AllOfMP3",
    "status": "disputed",
    "summary": "A Russian music store whose licences were disputed.",
    "details": "Longer text.\nOn two lines.",
    "sources": [{"title": "Wikipedia: AllOfMP3", "url": "https://en.wikipedia.org/wiki/AllOfMP3"}],
    "related": ["mp3sparks.com", "ALLOFMP3.ru"],
    "include_subdomains": True,
    "reviewed": "2026-11-28",
}


# The shared factory with GOOD's fields; a field given as ``...`` is left out.
entry = functools.partial(shared_entry, **GOOD)


def errors_of(data, **kwargs):
    with pytest.raises(EntryError) as info:
        validate_entry(data, today=TODAY, **kwargs)
    return info.value.errors


def test_valid_entry_is_canonicalized():
    result = validate_entry(entry(), today=TODAY)
    assert result == {
        "domain": "allofmp3.com",
        "name": "AllOfMP3",
        "status": "disputed",
        "summary": "A Russian music store whose licences were disputed.",
        "details": "Longer text.\nOn two lines.",
        "sources": [{"title": "Wikipedia: AllOfMP3", "url": "https://en.wikipedia.org/wiki/AllOfMP3"}],
        "related": ["mp3sparks.com", "allofmp3.ru"],
        "include_subdomains": True,
        "reviewed": "2026-11-28",
        "jurisdictions": [],
    }
    assert list(result) == ["domain", "name", "status", "summary", "details", "sources",
                            "related", "include_subdomains", "reviewed", "jurisdictions"]


def test_optional_fields_get_defaults():
    result = validate_entry(entry(details=..., related=..., include_subdomains=...), today=TODAY)
    assert result["details"] == ""
    assert result["related"] == []
    assert result["include_subdomains"] is True


def test_created_and_updated_are_kept_when_valid():
    result = validate_entry(entry(created="2026-01-01T10:00:00Z", updated="2026-02-01T10:00:00.5Z"), today=TODAY)
    assert result["created"] == "2026-01-01T10:00:00Z"
    assert result["updated"] == "2026-02-01T10:00:00.5Z"


@pytest.mark.parametrize("value", ["2026-01-01", "2026-01-01T10:00:00+02:00", "2026-13-01T10:00:00Z", "yesterday", 5])
def test_created_must_be_rfc3339_utc(value):
    assert errors_of(entry(created=value))[0].startswith("created:")


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_is_accepted(status):
    assert validate_entry(entry(status=status), today=TODAY)["status"] == status


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"domain": ...}, "domain"),
        ({"domain": "github.io"}, "domain"),
        ({"domain": "127.0.0.1"}, "domain"),
        ({"name": ...}, "name"),
        ({"name": "   "}, "name"),
        ({"name": 7}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Two\nlines"}, "name"),
        ({"name": "<b>AllOfMP3</b>"}, "name"),
        ({"status": "bad"}, "status"),
        ({"status": ...}, "status"),
        ({"summary": ...}, "summary"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 501}, "summary"),
        ({"summary": "See <a href='x'>here</a>"}, "summary"),
        ({"summary": "Tom &amp; Jerry"}, "summary"),
        ({"details": "x" * 5001}, "details"),
        ({"details": "bell\x07"}, "details"),
        ({"details": ["not", "text"]}, "details"),
        ({"sources": ...}, "sources"),
        ({"sources": []}, "sources"),
        ({"sources": "https://example.com"}, "sources"),
        ({"sources": ["https://example.com"]}, "sources[0]"),
        ({"sources": [{"title": "", "url": "https://example.com/"}]}, "sources[0].title"),
        ({"sources": [{"title": "t" * 301, "url": "https://example.com/"}]}, "sources[0].title"),
        ({"sources": [{"title": "T"}]}, "sources[0].url"),
        ({"sources": [{"title": "T", "url": "javascript:alert(1)"}]}, "sources[0].url"),
        ({"sources": [{"title": "T", "url": "data:text/html,<script>alert(1)</script>"}]}, "sources[0].url"),
        ({"sources": [{"title": "T", "url": "ftp://example.com/file"}]}, "sources[0].url"),
        ({"sources": [{"title": "T", "url": "https:///no-host"}]}, "sources[0].url"),
        ({"sources": [{"title": "T", "url": "https://exa mple.com/"}]}, "sources[0].url"),
        ({"sources": [{"title": "T", "url": "https://example.com/" + "x" * 2000}]}, "sources[0].url"),
        ({"sources": [{"title": "T", "url": "https://example.com:99999/"}]}, "sources[0].url"),
        ({"sources": [{"title": "T", "url": "https://example.com/", "note": "x"}]}, "sources[0].note"),
        ({"related": "mp3sparks.com"}, "related"),
        ({"related": ["co.uk"]}, "related[0]"),
        ({"related": ["allofmp3.com"]}, "related[0]"),
        ({"related": ["mp3sparks.com", "MP3SPARKS.com"]}, "related[1]"),
        ({"include_subdomains": "yes"}, "include_subdomains"),
        ({"include_subdomains": 1}, "include_subdomains"),
        ({"reviewed": ...}, "reviewed"),
        ({"reviewed": "28/11/2026"}, "reviewed"),
        ({"reviewed": "2026-02-30"}, "reviewed"),
        ({"reviewed": "2030-01-01"}, "reviewed"),
        ({"reviewed": "2026-11-28T10:00:00Z"}, "reviewed"),
        ({"color": "red"}, "color"),
    ],
)
def test_each_field_rule(changes, field):
    errors = errors_of(entry(**changes))
    assert any(e.startswith(field + ":") for e in errors), errors


def test_reviewed_allows_one_day_of_time_zone_grace():
    assert validate_entry(entry(reviewed="2026-11-29"), today=TODAY)["reviewed"] == "2026-11-29"
    assert errors_of(entry(reviewed="2026-11-30"))[0].startswith("reviewed:")


def test_reviewed_accepts_a_date_object_from_yaml():
    assert validate_entry(entry(reviewed=date(2026, 1, 5)), today=TODAY)["reviewed"] == "2026-01-05"


def test_every_error_is_listed_not_just_the_first():
    errors = errors_of(entry(name="", status="nope", sources=[], reviewed="never", extra=1))
    fields = {e.split(":")[0] for e in errors}
    assert {"name", "status", "sources", "reviewed", "extra"} <= fields


def test_non_object_entry():
    assert errors_of(["allofmp3.com"]) == ["entry: must be an object"]


def test_domain_from_the_address_fills_in_or_must_agree():
    assert validate_entry(entry(domain=...), domain="allofmp3.com", today=TODAY)["domain"] == "allofmp3.com"
    assert validate_entry(entry(domain="ALLOFMP3.COM"), domain="allofmp3.com", today=TODAY)["domain"] == "allofmp3.com"
    errors = errors_of(entry(domain="mp3sparks.com"), domain="allofmp3.com")
    assert errors[0].startswith("domain:") and "does not match" in errors[0]


def test_text_is_trimmed():
    assert validate_entry(entry(name="  AllOfMP3  "), today=TODAY)["name"] == "AllOfMP3"


def test_plain_less_than_is_allowed_in_text():
    assert validate_entry(entry(summary="Prices < 1 dollar."), today=TODAY)["summary"] == "Prices < 1 dollar."


# --- list documents ---------------------------------------------------------

def doc(**changes):
    data = {"format": 1, "version": 3, "generated": "2026-11-28T10:00:00Z",
            "entries": [entry(domain="b-store.com"), entry(domain="a-store.com", related=[])]}
    data.update(changes)
    return data


def list_errors(document):
    with pytest.raises(ListError) as info:
        validate_list_document(document, today=TODAY)
    return info.value.errors


def test_valid_document_sorted_by_domain():
    result = validate_list_document(doc(), today=TODAY)
    assert [e["domain"] for e in result["entries"]] == ["a-store.com", "b-store.com"]
    assert result["version"] == 3 and result["format"] == 1
    assert result["generated"] == "2026-11-28T10:00:00Z"


def test_generated_is_optional():
    document = doc()
    del document["generated"]
    assert "generated" not in validate_list_document(document, today=TODAY)


def test_empty_list_is_a_valid_document():
    assert validate_list_document(doc(entries=[]), today=TODAY)["entries"] == []


@pytest.mark.parametrize(
    "changes, prefix",
    [
        ({"format": 2}, "format:"),
        ({"format": True}, "format:"),
        ({"format": None}, "format:"),
        ({"version": -1}, "version:"),
        ({"version": "3"}, "version:"),
        ({"version": True}, "version:"),
        ({"entries": {}}, "entries:"),
        ({"generated": "today"}, "generated:"),
        ({"extra": 1}, "extra:"),
    ],
)
def test_document_fields(changes, prefix):
    assert any(e.startswith(prefix) for e in list_errors(doc(**changes)))


def test_document_must_be_an_object():
    assert list_errors([])[0].startswith("document:")


def test_duplicate_domains_rejected_after_normalization():
    errors = list_errors(doc(entries=[entry(domain="a-store.com"), entry(domain="A-STORE.com.")]))
    assert errors == ["entries[1] (A-STORE.com.): duplicate domain, already listed at entries[0]"]


def test_every_entry_error_is_listed_with_its_index_and_domain():
    errors = list_errors(doc(entries=[
        entry(domain="ok.com"),
        entry(domain="bad-one.com", status="x"),
        entry(domain="bad-two.com", sources=[{"title": "T", "url": "javascript:alert(1)"}], name=""),
        "not an entry",
    ]))
    assert "entries[1] (bad-one.com): status: must be one of disputed, unlawful, defunct" in errors
    assert any(e.startswith("entries[2] (bad-two.com): sources[0].url:") for e in errors)
    assert any(e.startswith("entries[2] (bad-two.com): name:") for e in errors)
    assert "entries[3]: entry: must be an object" in errors
    assert len(errors) == 4


# --- the curated YAML list ----------------------------------------------------

def test_bundled_curated_list_is_valid():
    document = load_curated()
    assert document["format"] == 1 and document["version"] == 0
    domains = [e["domain"] for e in document["entries"]]
    assert "allofmp3.com" in domains
    assert domains == sorted(domains)


def test_curated_yaml_with_comments_and_dates(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text(
        "# a comment\n"
        "entries:\n"
        "  - domain: AllOfMP3.com  # normalized\n"
        "    name: AllOfMP3\n"
        "    status: defunct\n"
        "    summary: Closed in 2007.\n"
        "    sources:\n"
        "      - {title: Wikipedia, url: 'https://en.wikipedia.org/wiki/AllOfMP3'}\n"
        "    reviewed: 2026-11-01\n",
        encoding="utf-8",
    )
    document = load_curated(path)
    assert document["entries"][0]["domain"] == "allofmp3.com"
    assert document["entries"][0]["reviewed"] == "2026-11-01"


def test_curated_yaml_errors_are_all_listed(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text(
        "entries:\n"
        "  - domain: github.io\n    name: X\n    status: disputed\n    summary: S\n"
        "    sources: [{title: T, url: 'https://example.com/'}]\n    reviewed: 2026-11-01\n"
        "  - domain: example.com\n    name: ''\n    status: disputed\n    summary: S\n"
        "    sources: [{title: T, url: 'javascript:x'}]\n    reviewed: 2026-11-01\n",
        encoding="utf-8",
    )
    with pytest.raises(ListError) as info:
        load_curated(path)
    errors = info.value.errors
    assert any(e.startswith("entries[0] (github.io): domain:") for e in errors)
    assert any(e.startswith("entries[1] (example.com): name:") for e in errors)
    assert any(e.startswith("entries[1] (example.com): sources[0].url:") for e in errors)


@pytest.mark.parametrize(
    "text, fragment",
    [("entries: [unclosed\n", "not valid YAML"), ("- a\n- b\n", "'entries' list"),
     ("entries: []\nversion: 3\n", "unknown top-level key")],
)
def test_curated_file_shape_errors(tmp_path, text, fragment):
    path = tmp_path / "list.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ListError) as info:
        load_curated(path)
    assert fragment in str(info.value)


def test_curated_missing_file(tmp_path):
    with pytest.raises(ListError) as info:
        load_curated(tmp_path / "nope.yaml")
    assert "cannot be read" in str(info.value)


def test_curated_file_not_utf8(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_bytes(b"entries:\n  - name: \xff\xfe\n")
    with pytest.raises(ListError) as info:
        load_curated(path)
    assert "is not UTF-8 text" in str(info.value)
