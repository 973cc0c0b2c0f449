"""`caveat warnings add/edit/show` with jurisdiction items, on a real SQLite file."""

from __future__ import annotations

import pytest

from server import maintenance
from server.entries import EntryError
from server.jurisdiction_edits import ItemEdits
from tests.test_cli_maintainer import GOOD, os_user, run  # noqa: F401 (fixtures)

DK = ["--jurisdiction", "dk|unlawful|2006-10-25|A Danish court ordered Tele2 to block the store.",
      "--jurisdiction-source", "DK|IFPI: Danish court orders block|https://ifpi.example/dk"]
RU = ["--jurisdiction", "RU|lawful|2007-08-15|A Moscow court acquitted the operator | a pipe in the note.",
      "--jurisdiction-source", "RU|Reuters|https://reuters.example/ru",
      "--jurisdiction-source", "RU|Title | with a pipe|https://news.example/ru"]


def items(storage):
    return storage.get_entry("store.example")["jurisdictions"]


def test_add_with_items_then_show(run, storage):
    run("warnings", "add", *GOOD, *DK, *RU)
    assert items(storage) == [
        {"country": "DK", "status": "unlawful", "note": "A Danish court ordered Tele2 to block the store.",
         "sources": [{"title": "IFPI: Danish court orders block", "url": "https://ifpi.example/dk"}],
         "since": "2006-10-25"},
        {"country": "RU", "status": "lawful", "note": "A Moscow court acquitted the operator | a pipe in the note.",
         "sources": [{"title": "Reuters", "url": "https://reuters.example/ru"},
                     {"title": "Title | with a pipe", "url": "https://news.example/ru"}],
         "since": "2007-08-15"},
    ]
    shown = run("warnings", "show", "store.example").stdout
    assert "jurisdictions:\n  DK unlawful (2006-10-25): A Danish court ordered Tele2 to block the store.\n" in shown
    assert "    - Reuters\n      https://reuters.example/ru" in shown


def test_add_without_items_has_none(run, storage):
    run("warnings", "add", *GOOD)
    assert items(storage) == []


def test_edit_changes_an_item_keeping_its_sources_and_the_others(run, storage):
    run("warnings", "add", *GOOD, *DK, *RU)
    result = run("warnings", "edit", "store.example", "--jurisdiction", "DK|disputed||Appealed; no final ruling.")
    assert "Updated store.example: jurisdictions. List version 2." in result.stdout
    dk, ru = items(storage)
    assert dk == {"country": "DK", "status": "disputed", "note": "Appealed; no final ruling.",
                  "sources": [{"title": "IFPI: Danish court orders block", "url": "https://ifpi.example/dk"}]}
    assert ru["country"] == "RU" and len(ru["sources"]) == 2


def test_edit_adds_replaces_sources_and_removes(run, storage):
    run("warnings", "add", *GOOD, *DK)
    run("warnings", "edit", "store.example", *RU, "--jurisdiction-source", "DK|Court record|https://court.example/dk")
    assert [i["country"] for i in items(storage)] == ["DK", "RU"]
    assert items(storage)[0]["sources"] == [{"title": "Court record", "url": "https://court.example/dk"}]
    run("warnings", "edit", "store.example", "--remove-jurisdiction", "dk")
    assert [i["country"] for i in items(storage)] == ["RU"]
    run("warnings", "edit", "store.example", "--clear-jurisdictions")
    assert items(storage) == []


def test_item_errors_are_one_clear_line(run, storage):
    run("warnings", "add", *GOOD, *DK)
    unknown = run("warnings", "edit", "store.example", "--jurisdiction", "UK|unlawful||A note.", ok=False)
    assert "jurisdictions[1].country: must be an ISO 3166-1 alpha-2 code" in unknown.stderr
    assert "jurisdictions[1].sources: at least one source is required" in unknown.stderr
    missing = run("warnings", "edit", "store.example", "--remove-jurisdiction", "RU", ok=False)
    assert "there is no item for RU to remove" in missing.stderr
    orphan = run("warnings", "edit", "store.example", "--jurisdiction-source", "US|X|https://x.example", ok=False)
    assert "no item for US to give sources to" in orphan.stderr
    malformed = run("warnings", "edit", "store.example", "--jurisdiction", "DK|unlawful|A note", ok=False)
    assert "CC|STATUS|SINCE|NOTE" in malformed.stderr
    future = run("warnings", "edit", "store.example", "--jurisdiction", "DK|unlawful|2999-01-01|A note.", ok=False)
    assert "jurisdictions[0].since: 2999-01-01 is in the future" in future.stderr
    assert storage.version() == 1  # nothing was written


def test_the_layer_merges_items_for_every_caller(storage):
    maintenance.add(storage, {"domain": "store.example", "name": "Store", "status": "disputed",
                              "summary": "Disputed.", "sources": [{"title": "R", "url": "https://r.example/"}],
                              "reviewed": "2026-11-01"}, actor="test")
    edits = ItemEdits(upserts=({"country": "EU", "status": "disputed", "note": "Contested in the EU.",
                                "sources": [{"title": "R", "url": "https://r.example/eu"}]},))
    change = maintenance.edit(storage, "store.example", {}, actor="test", items=edits)
    assert list(change.fields) == ["jurisdictions"] and change.entry["jurisdictions"][0]["country"] == "EU"
    with pytest.raises(EntryError, match="given twice"):
        ItemEdits(upserts=({"country": "EU"}, {"country": "EU"})).apply_to([])
    assert not ItemEdits()
