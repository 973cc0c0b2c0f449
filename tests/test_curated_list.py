"""The curated list (server/data/warnings.yaml) held to the editorial policy
(docs/maintainers.md), and the draft jurisdictions
(server/data/jurisdictions-draft.yaml) held to design.md's "A jurisdiction
item" while the draft exists.

Schema validity is tested in test_entries.py; this module checks what the
schema cannot: that every listed store is sourced, reviewed and linked
consistently, as the policy asks of a list shown to shoppers.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

import pytest
import yaml

from server.curated import CURATED_PATH, load_curated
from server.domains import DomainError, normalize_domain

DRAFT_PATH = CURATED_PATH.with_name("jurisdictions-draft.yaml")

# design.md, "A jurisdiction item".
JURISDICTION_STATUSES = {"unlawful", "disputed", "lawful"}
JURISDICTION_FIELDS = {"country", "status", "note", "sources", "since"}
MAX_NOTE = 280
COUNTRY = re.compile(r"^(?:[A-Z]{2})$")
# A source title says who published it and when (maintainers.md): "Publisher: headline (2007)".
SOURCE_TITLE = re.compile(r"^[^:]+: .*\b(?:19|20)\d\d\b")
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&[a-zA-Z]+;|&#")


def raw_entries() -> list[dict]:
    """The entries as written in the file, before validation normalizes them."""
    return yaml.safe_load(CURATED_PATH.read_text(encoding="utf-8"))["entries"]


ENTRIES = load_curated()["entries"]
LISTED = {entry["domain"] for entry in ENTRIES}


def by_domain(params):
    return pytest.mark.parametrize("entry", params, ids=[e["domain"] for e in params])


def source_problems(sources, where: str) -> list[str]:
    """Everything wrong with a list of {title, url} sources (shared by entries and items)."""
    if not isinstance(sources, list) or not sources:
        return [f"{where}: at least one source is required"]
    problems = []
    urls = []
    for i, source in enumerate(sources):
        if not isinstance(source, dict) or set(source) != {"title", "url"}:
            problems.append(f"{where}[{i}]: must be exactly {{title, url}}")
            continue
        title, url = source["title"], source["url"]
        if not isinstance(title, str) or not SOURCE_TITLE.search(title):
            problems.append(f"{where}[{i}].title: {title!r} should say who published it and when")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(f"{where}[{i}].url: {url!r} is not an http or https address")
        urls.append(url)
    if len(urls) != len(set(urls)):
        problems.append(f"{where}: the same address is cited twice")
    return problems


# --- the entries -------------------------------------------------------------

def test_the_list_is_not_empty_and_holds_the_founding_case():
    assert {"allofmp3.com", "allofmp3.ru", "mp3sparks.com", "alltunes.com"} <= LISTED


def test_domains_and_names_are_unique_as_written():
    domains = [str(e["domain"]).lower() for e in raw_entries()]
    names = [e["name"] for e in raw_entries()]
    assert len(domains) == len(set(domains)), "a domain is listed twice"
    assert len(names) == len(set(names)), "two entries share a name; shoppers could not tell them apart"


@by_domain(raw_entries())
def test_every_entry_is_sourced_as_written(entry):
    # The raw file, so an entry whose sources were dropped by a YAML slip is caught here too.
    assert source_problems(entry.get("sources"), f"{entry['domain']}.sources") == []


@by_domain(ENTRIES)
def test_every_entry_has_a_past_review_date(entry):
    reviewed = date.fromisoformat(entry["reviewed"])
    assert reviewed <= datetime.now(timezone.utc).date()


@by_domain(ENTRIES)
def test_related_domains_are_valid_and_not_the_entry_itself(entry):
    for related in entry["related"]:
        try:
            canonical = normalize_domain(related)
        except DomainError as exc:  # pragma: no cover - the message is the assertion
            pytest.fail(f"{entry['domain']}: related {related!r}: {exc}")
        assert canonical == related and related != entry["domain"]


def test_related_links_within_the_list_go_both_ways():
    # A group of stores (same operator, successor) is linked from every member,
    # so a shopper on any of them sees the others.
    related = {e["domain"]: set(e["related"]) for e in ENTRIES}
    for domain, others in related.items():
        for other in others & LISTED:
            assert domain in related[other], f"{other} does not link back to {domain}"


@by_domain(ENTRIES)
def test_the_status_is_backed_by_the_text(entry):
    # The status is a claim: the summary or details must say what it rests on.
    text = f"{entry['summary']} {entry['details']}".lower()
    if entry["status"] == "unlawful":
        assert "court" in text or "ruled" in text, "an unlawful entry must name the ruling"
    if entry["status"] == "defunct":
        assert "closed" in text or "offline" in text, "a defunct entry must say the store closed"


# --- the draft jurisdictions -------------------------------------------------

def draft() -> dict:
    if not DRAFT_PATH.exists():
        pytest.skip("no draft jurisdictions file (moved into the entries)")
    data = yaml.safe_load(DRAFT_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data, "the draft must map listed domains to item lists"
    return data


def draft_items():
    if not DRAFT_PATH.exists():
        return []
    data = yaml.safe_load(DRAFT_PATH.read_text(encoding="utf-8")) or {}
    return [pytest.param(domain, i, item, id=f"{domain}-{i}")
            for domain, items in data.items() for i, item in enumerate(items or [])]


def test_the_draft_names_only_listed_domains():
    unknown = sorted(set(draft()) - LISTED)
    assert unknown == [], f"jurisdictions for domains not in warnings.yaml: {unknown}"


def test_each_draft_entry_is_a_list_with_one_item_per_country():
    for domain, items in draft().items():
        assert isinstance(items, list) and items, f"{domain}: must be a non-empty list of items"
        countries = [item.get("country") for item in items]
        assert len(countries) == len(set(countries)), f"{domain}: a country appears twice"


@pytest.mark.parametrize("domain, index, item", draft_items())
def test_each_draft_item_follows_the_design(domain, index, item):
    where = f"{domain}[{index}]"
    assert isinstance(item, dict), f"{where}: must be a mapping"
    assert set(item) <= JURISDICTION_FIELDS, f"{where}: unknown fields {sorted(set(item) - JURISDICTION_FIELDS)}"
    country = item.get("country")
    assert isinstance(country, str) and (country == "EU" or COUNTRY.match(country)), \
        f"{where}: country {country!r} must be ISO 3166-1 alpha-2 in capitals, or EU"
    assert item.get("status") in JURISDICTION_STATUSES, f"{where}: status {item.get('status')!r}"
    note = item.get("note")
    assert isinstance(note, str) and note.strip(), f"{where}: a note is required"
    assert len(note) <= MAX_NOTE, f"{where}: note is {len(note)} code points; the limit is {MAX_NOTE}"
    assert "\n" not in note and not MARKUP.search(note), f"{where}: note must be one line of plain text"
    assert source_problems(item.get("sources"), f"{where}.sources") == []
    if "since" in item:
        since = item["since"]
        # YAML reads an unquoted 2007-08-15 as a date; a quoted one must still be a real date.
        day = since if isinstance(since, date) else date.fromisoformat(str(since))
        assert day <= datetime.now(timezone.utc).date(), f"{where}: since is in the future"


def test_source_problems_catches_what_the_policy_forbids():
    # The checker itself, on made-up stores (reserved names only).
    good = [{"title": "News Example: Store closes (2007)", "url": "https://news.example/store"}]
    assert source_problems(good, "s") == []
    assert source_problems([], "s") == ["s: at least one source is required"]
    assert source_problems(None, "s") == ["s: at least one source is required"]
    ftp = [{"title": "News Example: Store (2007)", "url": "ftp://news.example/store"}]
    assert "not an http or https address" in source_problems(ftp, "s")[0]
    untitled = [{"title": "a page", "url": "https://news.example/store"}]
    assert "who published it and when" in source_problems(untitled, "s")[0]
    assert "cited twice" in source_problems(good + good, "s")[0]
