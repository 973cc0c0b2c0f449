"""The maintenance layer (server/maintenance.py, server/reports.py) on a real SQLite database.

Validation happens here, once, before storage; storage's own tests
(tests/test_storage.py) hand it canonical entries.
"""

import pytest

from server import maintenance, reports
from server.domains import DomainError
from server.entries import EntryError
from server.storage import AlreadyStored


# --- validation and normalization at the door (moved from tests/test_storage.py) ---------

def test_put_validates_and_normalizes(storage, make_entry):
    maintenance.put(storage, make_entry(domain="WWW.Store.Example."), actor="alice")
    assert storage.get_entry("www.store.example")["domain"] == "www.store.example"
    with pytest.raises(EntryError):
        maintenance.put(storage, make_entry(status="fine"), actor="alice")
    assert storage.version() == 1


def test_remove_normalizes_the_domain(storage, make_entry):
    maintenance.put(storage, make_entry(), actor="alice")
    assert maintenance.remove(storage, "ALLOFMP3.example", actor="bob").version == 2
    assert storage.get_entry("allofmp3.example") is None
    with pytest.raises(maintenance.NotListed):
        maintenance.remove(storage, "allofmp3.example", actor="bob")
    assert storage.version() == 2


def test_apply_is_atomic(storage, make_entry):
    maintenance.put(storage, make_entry("keep.example"), actor="alice")
    with pytest.raises(EntryError):
        maintenance.apply(storage, [make_entry("new.example"), make_entry("bad.example", sources=[])],
                          ["keep.example"], actor="a")
    assert [e["domain"] for e in storage.all_entries()] == ["keep.example"]
    assert storage.version() == 1


def test_apply_refuses_a_domain_twice_after_normalizing(storage, make_entry):
    with pytest.raises(ValueError):
        maintenance.apply(storage, [make_entry("a.example"), make_entry("A.example")], [], actor="alice")
    with pytest.raises(ValueError):
        maintenance.apply(storage, [make_entry("a.example")], ["A.EXAMPLE"], actor="alice")
    assert storage.version() == 0


# --- add, put, edit, remove ----------------------------------------------------------------

def test_add_creates_and_refuses_a_listed_domain(storage, make_entry):
    change = maintenance.add(storage, make_entry("shop.example"), actor="alice")
    assert change.created == ("shop.example",) and change.version == 1
    assert change.entry == storage.get_entry("shop.example")
    with pytest.raises(maintenance.AlreadyListed) as info:
        maintenance.add(storage, make_entry("SHOP.example", status="unlawful"), actor="alice")
    assert info.value.domain == "shop.example"
    assert storage.get_entry("shop.example")["status"] == "disputed" and storage.version() == 1


def test_put_says_whether_it_created_in_one_transaction(storage, make_entry, monkeypatch):
    # No read before or after the write: the write itself says what happened.
    monkeypatch.setattr(storage, "get_entry", lambda domain: pytest.fail("PUT read the entry"))
    first = maintenance.put(storage, make_entry("shop.example"), actor="alice")
    assert (first.created, first.changed, first.version) == (("shop.example",), (), 1)
    assert first.entry["created"] == first.entry["updated"]
    second = maintenance.put(storage, make_entry("shop.example", status="unlawful"), actor="alice")
    assert (second.created, second.changed, second.version) == ((), ("shop.example",), 2)
    assert second.entry["status"] == "unlawful" and second.entry["created"] == first.entry["created"]
    same = maintenance.put(storage, make_entry("shop.example", status="unlawful"), actor="alice")
    assert same.is_empty and same.version == 2 and same.entry == second.entry


def test_put_ignores_client_timestamps_and_checks_the_address(storage, make_entry):
    change = maintenance.put(storage, make_entry("shop.example", created="2000-01-01T00:00:00Z"), actor="a")
    assert change.entry["created"] != "2000-01-01T00:00:00Z"
    with pytest.raises(EntryError):
        maintenance.put(storage, make_entry("other.example"), actor="a", domain="shop.example")


def test_edit_merges_and_names_the_changed_fields(storage, make_entry):
    maintenance.put(storage, make_entry("shop.example", related=["a.example"]), actor="alice")
    change = maintenance.edit(storage, "SHOP.example", {"status": "unlawful", "related": []}, actor="bob")
    assert change.fields == ("status", "related") and change.changed == ("shop.example",)
    assert change.entry["status"] == "unlawful" and change.entry["summary"] == make_entry()["summary"]
    unchanged = maintenance.edit(storage, "shop.example", {"status": "unlawful"}, actor="bob")
    assert unchanged.fields == () and unchanged.is_empty and unchanged.version == 2
    with pytest.raises(EntryError):
        maintenance.edit(storage, "shop.example", {"domain": "other.example"}, actor="bob")
    with pytest.raises(maintenance.NotListed):
        maintenance.edit(storage, "other.example", {"name": "X"}, actor="bob")


def test_unlistable_domains_are_refused(storage):
    with pytest.raises(DomainError):
        maintenance.remove(storage, "github.io", actor="a")
    with pytest.raises(DomainError):
        maintenance.get(storage, "com")


# --- import -----------------------------------------------------------------------------

def test_import_plans_then_writes_one_version(storage, make_entry):
    maintenance.put(storage, make_entry("old.example"), actor="alice")
    document = {"entries": [make_entry("a.example"), make_entry("old.example", name="Renamed")]}
    plan = maintenance.plan_import(storage, document, prune=False)
    assert [e["domain"] for e in plan.added] == ["a.example"] and plan.changed == [("old.example", ["name"])]
    change = maintenance.apply_import(storage, plan, actor="cli:carol")
    assert (change.created, change.changed, change.version) == (("a.example",), ("old.example",), 2)
    assert maintenance.plan_import(storage, document, prune=False).is_empty


# --- questions ----------------------------------------------------------------------------

def test_due_for_review_and_find_entries(storage, make_entry):
    from datetime import date

    maintenance.apply(storage, [make_entry("old.example", reviewed="2025-01-01", status="unlawful"),
                                make_entry("new.example", reviewed="2026-11-01")], [], actor="a")
    on = date(2026, 11, 30)
    assert maintenance.due_for_review(storage.get_entry("old.example"), on)
    assert [e["domain"] for e in maintenance.find_entries(storage, due_on=on)] == ["old.example"]
    assert [e["domain"] for e in maintenance.find_entries(storage, status="disputed")] == ["new.example"]
    assert maintenance.due_for_review({"reviewed": "2028-02-28"}, date(2029, 2, 28)) is False
    assert maintenance.due_for_review({"reviewed": "2027-02-27"}, date(2028, 2, 29)) is True


def test_covering_entry(storage, make_entry):
    maintenance.apply(storage, [make_entry("store.example"),
                                make_entry("exact.example", include_subdomains=False)], [], actor="a")
    assert maintenance.covering_entry(storage, "eu.shop.store.example")["domain"] == "store.example"
    assert maintenance.covering_entry(storage, "exact.example")["domain"] == "exact.example"
    assert maintenance.covering_entry(storage, "www.exact.example") is None


# --- reports ------------------------------------------------------------------------------

def test_submit_checks_a_report(storage):
    received = reports.submit(storage, {"kind": "suggest", "domain": "WWW.Shop.example", "comment": " cheap "},
                              client="c", comment_max=10)
    assert received == {"id": 1, "status": "received", "kind": "suggest", "domain": "www.shop.example"}
    assert storage.list_reports()[0]["comment"] == "cheap"
    for data, code in [({"kind": "praise", "domain": "a.example"}, "invalid_report"),
                       ({"kind": "suggest"}, "invalid_domain"),
                       ({"kind": "suggest", "domain": "com"}, "invalid_domain"),
                       ({"kind": "suggest", "domain": "a.example", "comment": "x" * 11}, "invalid_report"),
                       ({"kind": "suggest", "domain": "a.example", "extra": 1}, "invalid_report")]:
        with pytest.raises(reports.ReportError) as info:
            reports.submit(storage, data, client="c", comment_max=10)
        assert info.value.code == code
    assert len(storage.list_reports()) == 1


def test_decide_gives_the_next_step(storage, make_entry):
    maintenance.put(storage, make_entry("store.example"), actor="a")
    cases = [("mistake", "shop.store.example", "correct", "store.example"),
             ("mistake", "gone.example", "nothing", None),
             ("suggest", "www.store.example", "covered", "store.example"),
             ("suggest", "shady.example", "add", None)]
    for kind, host, action, domain in cases:
        report_id = storage.add_report(kind, host, "", "c")
        decision = reports.decide(storage, report_id, "accepted", "ok", actor="alice")
        assert decision.report["status"] == "accepted" and decision.report["decided_by"] == "alice"
        assert decision.next_step == reports.NextStep(action, host, domain)
    rejected = reports.decide(storage, storage.add_report("suggest", "x.example", "", "c"), "rejected", "", actor="a")
    assert rejected.next_step is None


# --- storage's side of it --------------------------------------------------------------------

def test_storage_apply_reports_created_changed_removed(storage, make_entry):
    applied = storage.apply([make_entry("a.example"), make_entry("b.example")], [], "alice")
    assert (applied.version, applied.created, applied.changed, applied.removed) == (1, ["a.example", "b.example"], [], [])
    applied = storage.apply([make_entry("a.example", name="A2"), make_entry("b.example")], ["c.example"], "alice")
    assert (applied.version, applied.created, applied.changed, applied.removed) == (2, [], ["a.example"], [])
    assert applied.stored["a.example"] == storage.get_entry("a.example")
    assert applied.stored["b.example"] == storage.get_entry("b.example")
    with pytest.raises(AlreadyStored):
        storage.apply([make_entry("c.example"), make_entry("a.example")], [], "alice", create_only=True)
    assert storage.get_entry("c.example") is None and storage.version() == 2
