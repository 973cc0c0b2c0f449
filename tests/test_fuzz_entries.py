"""Property tests of entry and list validation (server/entries.py).

Any JSON value given as an entry or a list document is either turned into the
canonical form or refused with ``EntryError``/``ListError`` naming the
problems; nothing else escapes. What is accepted is safe to publish: plain
text without markup or control characters, http(s) source URLs only, a
listable domain; and validating the canonical form again gives it back.
"""

from __future__ import annotations

import copy
import os
import re
from urllib.parse import urlsplit

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from server.domains import normalize_domain
from server.entries import (
    STATUSES,
    EntryError,
    ListError,
    validate_entry,
    validate_list_document,
)
from tests.conftest import SAMPLE_ENTRY

EXAMPLES = int(os.environ.get("CAVEAT_FUZZ_EXAMPLES", "300"))
fuzz = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# The shared sample entry (tests/conftest.py) is the valid starting point.
VALID = SAMPLE_ENTRY

# Payloads an attacker (or a careless import) would put in entry text and URLs.
PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;b&gt;", "&#60;", "</div>",
    "<!--", "<?xml", "javascript:alert(1)", "data:text/html,<b>x</b>", "\x00", "\x1b[31m", "\u202e",
    "\n", "\t", "\r", "a" * 600, "AllOfMP3", "Plain words.", "", " ", "<3 music", "a < b", "Q&A",
]
URLS = [
    "https://news.example/a", "http://court.example/case", "javascript:alert(1)", "JAVASCRIPT:alert(1)",
    " javascript:alert(1)", "java\tscript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x",
    "file:///etc/passwd", "//news.example/a", "https://", "https://[::1", "http://a b.example/",
    "https://news.example:99999/", "ftp://news.example/", "https://news.example/\x00", "\u202ehttps://x.example",
    "https://user:pw@news.example/", "https://" + "a" * 2100 + ".example/",
]

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.text(max_size=30), st.sampled_from(PAYLOADS))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)
texts = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=80), json_scalars)
sources = st.lists(st.one_of(
    st.fixed_dictionaries({"title": texts, "url": st.one_of(st.sampled_from(URLS), st.text(max_size=40))}),
    json_values), max_size=3)
domains = st.one_of(st.sampled_from(["allofmp3.example", "com", "co.uk", "github.io", "x.github.io",
                                     "mp3-spärks.example", "127.0.0.1", "", "a..b", "xn--", "evil.test."]),
                    st.text(max_size=30), json_scalars)


@st.composite
def mutated_entries(draw):
    """A valid entry with some fields replaced by hostile or wrong-typed values, some removed, some added."""
    entry = copy.deepcopy(VALID)
    field_values = {
        "domain": domains, "name": texts, "status": st.one_of(st.sampled_from(STATUSES), texts),
        "summary": texts, "details": texts, "sources": sources,
        "related": st.one_of(st.lists(domains, max_size=3), json_values),
        "include_subdomains": json_scalars, "reviewed": st.one_of(
            st.sampled_from(["2026-11-01", "2026-02-30", "1999-01-01", "9999-12-31", "26-11-01"]), json_scalars),
        "created": st.one_of(st.sampled_from(["2026-11-28T10:00:00Z", "2026-11-28T25:00:00Z", "yesterday"]),
                             json_scalars),
    }
    for name in draw(st.lists(st.sampled_from(sorted(field_values)), max_size=4, unique=True)):
        entry[name] = draw(field_values[name])
    for name in draw(st.lists(st.sampled_from(sorted(VALID)), max_size=2, unique=True)):
        entry.pop(name, None)
    if draw(st.booleans()):
        entry.update(draw(st.dictionaries(st.text(max_size=8), json_values, max_size=2)))
    return entry


MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&[a-zA-Z]+;|&#")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def assert_publishable(entry: dict) -> None:
    """What the banner and every export may rely on."""
    assert normalize_domain(entry["domain"]) == entry["domain"]
    assert entry["status"] in STATUSES
    for field in ("name", "summary"):
        assert isinstance(entry[field], str) and entry[field].strip()
        assert not MARKUP.search(entry[field]) and not CONTROL.search(entry[field]) and "\n" not in entry[field]
    assert not MARKUP.search(entry["details"]) and not CONTROL.search(entry["details"])
    assert entry["sources"], "at least one source"
    for source in entry["sources"]:
        assert set(source) == {"title", "url"}
        assert not MARKUP.search(source["title"]) and not CONTROL.search(source["title"])
        parts = urlsplit(source["url"])
        assert parts.scheme.lower() in ("http", "https") and parts.hostname, source["url"]
        assert not re.search(r"[\s\x00-\x1f\x7f]", source["url"])
    assert isinstance(entry["include_subdomains"], bool)
    for domain in entry["related"]:
        assert normalize_domain(domain) == domain != entry["domain"]


def validated_or_error(data, **kwargs):
    try:
        return validate_entry(data, **kwargs)
    except EntryError as exc:
        assert exc.errors and all(isinstance(e, str) and ": " in e for e in exc.errors), exc.errors
        return exc


@fuzz
@given(mutated_entries())
@example({**VALID, "sources": [{"title": "x", "url": "javascript:alert(1)"}]})
@example({**VALID, "name": "<script>alert(1)</script>"})
@example({**VALID, "related": ["allofmp3.example"]})
def test_entry_is_canonical_and_safe_or_refused(data):
    result = validated_or_error(data)
    if isinstance(result, EntryError):
        return
    assert_publishable(result)
    assert validate_entry(result) == result, "validating the canonical form again must not change it"


@fuzz
@given(json_values)
def test_any_json_value_as_entry_is_refused_cleanly(data):
    result = validated_or_error(data)
    assert isinstance(result, EntryError)  # nothing but a full entry can be valid


@fuzz
@given(mutated_entries(), domains.filter(lambda d: isinstance(d, str)))
def test_the_address_domain_must_agree(data, address):
    """PUT /warnings/<address>: the URL's domain (always a string) and the body's must name the same host."""
    result = validated_or_error(data, domain=address)
    if not isinstance(result, EntryError):
        assert result["domain"] == normalize_domain(address)


@fuzz
@given(st.sampled_from(URLS[2:8] + URLS[11:12]))
def test_script_and_data_urls_are_always_refused(url):
    result = validated_or_error({**VALID, "sources": [{"title": "Source", "url": url}]})
    assert isinstance(result, EntryError)
    assert any(e.startswith("sources[0].url") for e in result.errors)


@fuzz
@given(st.one_of(json_values, st.fixed_dictionaries({
    "format": st.one_of(st.just(1), json_scalars),
    "version": st.one_of(st.integers(min_value=-2, max_value=10**20), json_scalars),
    "entries": st.lists(st.one_of(mutated_entries(), st.just(VALID)), max_size=3),
}, optional={"generated": st.one_of(st.just("2026-11-28T09:00:00Z"), json_scalars)})))
def test_list_document_is_canonical_or_refused(doc):
    try:
        result = validate_list_document(doc)
    except ListError as exc:
        assert exc.errors and all(isinstance(e, str) for e in exc.errors)
        return
    assert result["format"] == 1 and isinstance(result["version"], int) and result["version"] >= 0
    seen = [e["domain"] for e in result["entries"]]
    assert seen == sorted(set(seen)), "entries sorted by domain, no duplicates"
    for entry in result["entries"]:
        assert_publishable(entry)
    assert validate_list_document(result) == result


SURROGATES = st.integers(min_value=0xD800, max_value=0xDFFF).map(chr)


@fuzz
@given(st.sampled_from(["name", "summary", "details", "title", "url"]), SURROGATES, st.text(max_size=5))
def test_text_that_is_not_unicode_is_refused(field, surrogate, rest):
    """A JSON file can spell "\\ud800"; such an entry must be refused, not crash the database or the CLI."""
    entry = copy.deepcopy(VALID)
    if field == "title":
        entry["sources"][0]["title"] = f"Title {surrogate}{rest}"
    elif field == "url":
        entry["sources"][0]["url"] = f"https://news.example/{surrogate}{rest}"
    else:
        entry[field] = f"Text {surrogate}{rest}"
    result = validated_or_error(entry)
    assert isinstance(result, EntryError), f"{field} with U+{ord(surrogate):04X} was accepted"
