"""Jurisdiction items through storage and the API: PUT them, read them back from
the lookup, the list and a delta, byte for byte; a bad item is a clear 400."""

from __future__ import annotations

import json

from server.canonical import canonical_bytes
from tests.test_api import error_of  # noqa: F401  (shared assertion helper)

ITEMS = [
    {"country": "RU", "status": "lawful",
     "note": "Ein Moskauer Gericht sprach den Betreiber frei: «оправдан» 😀.",
     "sources": [{"title": "Reuters (2007)", "url": "https://news.example/ru"}], "since": "2007-08-15"},
    {"country": "EU", "status": "disputed", "note": "Contested, no ruling.",
     "sources": [{"title": "Report", "url": "https://news.example/eu"}]},
]


def put(client, auth, entry):
    return client.put(f"/api/v1/warnings/{entry['domain']}", json=entry, headers=auth)


def test_put_then_lookup_list_and_changes_return_the_items(client, auth, storage, make_entry):
    assert put(client, auth, make_entry("shop.example", jurisdictions=ITEMS)).status_code == 201
    warning = client.get("/api/v1/lookup?domain=www.shop.example").get_json()["warning"]
    assert warning["jurisdictions"] == ITEMS
    assert list(warning["jurisdictions"][0]) == ["country", "status", "note", "sources", "since"]
    listed = client.get("/api/v1/list")
    assert json.loads(listed.data)["entries"][0]["jurisdictions"] == ITEMS
    assert canonical_bytes(json.loads(listed.data)) == listed.data  # the served bytes are canonical
    assert client.get("/api/v1/changes?since=0").get_json()["upserted"][0]["jurisdictions"] == ITEMS


def test_storage_round_trips_the_items(storage, make_entry):
    storage.apply_changes([make_entry("shop.example", jurisdictions=ITEMS)], [], "cli:test")
    assert storage.get_entry("shop.example")["jurisdictions"] == ITEMS


def test_an_entry_without_items_is_served_with_an_empty_list(client, auth, make_entry):
    entry = make_entry("shop.example")
    del entry["jurisdictions"]
    assert put(client, auth, entry).status_code == 201
    assert client.get("/api/v1/lookup?domain=shop.example").get_json()["warning"]["jurisdictions"] == []


def test_a_bad_item_is_a_400_naming_it(client, auth, storage, make_entry):
    bad = [ITEMS[0], dict(ITEMS[1], country="ru"), dict(ITEMS[1], country="RU", court="x")]
    response = put(client, auth, make_entry("shop.example", jurisdictions=bad))
    error_of(response, 400, "invalid_entry")
    errors = response.get_json()["error"]["errors"]
    assert any(e.startswith("jurisdictions[1].country: must be an ISO 3166-1 alpha-2 code") for e in errors)
    assert "jurisdictions[2].country: RU is listed twice (also at jurisdictions[0])" in errors
    assert "jurisdictions[2].court: unknown field" in errors
    assert storage.count() == 0
