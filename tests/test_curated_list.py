"""The curated list (server/data/warnings.yaml) held to the editorial policy
(docs/maintainers.md), its entries' jurisdiction items included.

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

from server.contract import JURISDICTION_FIELDS as JURISDICTION_FIELDS_CONTRACT
from server.contract import JURISDICTION_STATUSES as JURISDICTION_STATUSES_CONTRACT
from server.contract import LIMITS

# design.md, "A jurisdiction item".
JURISDICTION_STATUSES = {"unlawful", "disputed", "lawful"}
JURISDICTION_FIELDS = {"country", "status", "note", "sources", "since"}
MAX_NOTE = LIMITS["jurisdiction_note"]
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


# --- the jurisdictions ------------------------------------------------------

def raw_items():
    """Every jurisdiction item as written in the file, with its entry's domain."""
    return [pytest.param(entry["domain"], i, item, id=f"{entry['domain']}-{item.get('country', i)}")
            for entry in raw_entries() for i, item in enumerate(entry.get("jurisdictions") or [])]


def items_of(domain: str) -> dict[str, dict]:
    entry = next(e for e in ENTRIES if e["domain"] == domain)
    return {item["country"]: item for item in entry["jurisdictions"]}


def test_the_draft_file_is_gone_and_entries_carry_the_items():
    assert not CURATED_PATH.with_name("jurisdictions-draft.yaml").exists()
    assert len(raw_items()) >= 8


def test_the_founding_case_has_its_rulings():
    # The Moscow acquittal, the Danish blocking order, the US labels' lawsuit.
    items = items_of("allofmp3.com")
    assert (items["RU"]["status"], items["RU"]["since"]) == ("lawful", "2007-08-15")
    assert (items["DK"]["status"], items["DK"]["since"]) == ("unlawful", "2006-10-25")
    assert items["US"]["status"] == "disputed" and "sued" in items["US"]["note"]
    assert items_of("allofmp3.ru")["RU"]["status"] == "lawful"


@pytest.mark.parametrize("domain, index, item", raw_items())
def test_each_item_is_sourced_and_neutral_as_written(domain, index, item):
    # Validity (codes, statuses, lengths, dates) is the validator's: load_curated ran it.
    # What it cannot see: sources that say who published them and when, a note
    # that is one plain sentence, and a date that the note itself states.
    where = f"{domain}.jurisdictions[{index}]"
    assert set(item) <= JURISDICTION_FIELDS, f"{where}: unknown fields {sorted(set(item) - JURISDICTION_FIELDS)}"
    assert source_problems(item.get("sources"), f"{where}.sources") == []
    note = item["note"]
    assert len(note) <= MAX_NOTE and "\n" not in note and not MARKUP.search(note), where
    assert note.endswith("."), f"{where}: the note is one sentence ending in a full stop"
    if "since" in item:
        since = item["since"] if isinstance(item["since"], date) else date.fromisoformat(str(item["since"]))
        assert str(since.year) in note, f"{where}: the note must say when ({since.year})"
    if item["status"] in ("unlawful", "lawful"):
        # A ruling is a claim: the note names who decided (a court or an authority).
        assert re.search(r"court|authorit|ministry|regulator", note, re.I), f"{where}: who decided?"


@by_domain(ENTRIES)
def test_an_unlawful_entry_rests_on_a_ruling(entry):
    if entry["status"] == "unlawful":
        assert any(item["status"] == "unlawful" for item in entry["jurisdictions"]), \
            f"{entry['domain']}: an unlawful entry needs an item for the ruling"


def test_item_statuses_are_the_contracts():
    assert JURISDICTION_STATUSES == set(JURISDICTION_STATUSES_CONTRACT)
    assert JURISDICTION_FIELDS == set(JURISDICTION_FIELDS_CONTRACT)


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
