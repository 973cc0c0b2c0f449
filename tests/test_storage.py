"""Storage on real SQLite and PostgreSQL databases: versions, change log, deltas, tokens, reports,
rate limits (each test runs as test_x[sqlite] and test_x[postgresql], tests/conftest.py).

Storage takes canonical entries; validating and normalizing them is
server/maintenance.py's job (tests/test_maintenance.py).
"""

import json

import sqlalchemy as sa
import pytest

from server.storage import (
    ChangesTooOld,
    ReportAlreadyDecided,
    ReportNotFound,
    Storage,
    TokenNameError,
)

pytestmark = pytest.mark.both_engines


class Clock:
    """A controllable clock: tests never depend on the wall clock."""

    def __init__(self, now=1_800_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def db(database_url, clock):
    storage = Storage(database_url.replace("caveat.db", "sub/caveat.db"), changes_retain=3, clock=clock)
    storage.init_schema()
    yield storage
    storage.dispose()


def test_new_database_is_empty_at_version_zero(db):
    assert db.is_initialized()
    assert db.version() == 0
    assert db.count() == 0
    assert db.all_entries() == []


def test_init_schema_is_idempotent(db, make_entry):
    db.upsert_entry(make_entry(), "cli:test")
    db.init_schema()
    assert db.version() == 1 and db.count() == 1


def test_uninitialized_database(database_url):
    storage = Storage(database_url)
    assert not storage.is_initialized()
    storage.dispose()


@pytest.mark.sqlite_only("WAL, busy timeout and PRAGMAs are SQLite's own settings")
def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_foreign_keys(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_upsert_sets_created_and_updated_and_bumps_version(db, make_entry, clock):
    assert db.upsert_entry(make_entry(), "alice") == 1
    entry = db.get_entry("allofmp3.example")
    assert entry["created"] == entry["updated"] == "2027-01-15T08:00:00Z"
    clock.now += 60
    assert db.upsert_entry(make_entry(name="AllOfMP3.com"), "bob") == 2
    entry = db.get_entry("allofmp3.example")
    assert entry["name"] == "AllOfMP3.com"
    assert entry["created"] == "2027-01-15T08:00:00Z"
    assert entry["updated"] == "2027-01-15T08:01:00Z"


def test_identical_upsert_is_a_no_op_without_version_bump(db, make_entry, clock):
    db.upsert_entry(make_entry(), "alice")
    clock.now += 60
    assert db.upsert_entry(make_entry(), "alice") == 1
    # created/updated given by a client are ignored, not a difference
    assert db.upsert_entry(make_entry(created="2000-01-01T00:00:00Z"), "alice") == 1
    assert len(db.change_log()) == 1
    assert db.get_entry("allofmp3.example")["updated"] == "2027-01-15T08:00:00Z"


def test_delete(db, make_entry):
    db.upsert_entry(make_entry(), "alice")
    assert db.delete_entry("allofmp3.example", "bob") == 2  # normalizing: tests/test_maintenance.py
    assert db.get_entry("allofmp3.example") is None
    assert db.delete_entry("allofmp3.example", "bob") is None
    assert db.version() == 2


def test_apply_changes_is_one_version_with_a_log_row_per_domain(db, make_entry):
    db.upsert_entry(make_entry("old.example"), "alice")
    version = db.apply_changes([make_entry("a.example"), make_entry("b.example")], ["old.example"], "cli:carol")
    assert version == 2
    assert [e["domain"] for e in db.all_entries()] == ["a.example", "b.example"]
    log = db.change_log()
    assert {(r["version"], r["domain"], r["action"], r["actor"]) for r in log if r["version"] == 2} == {
        (2, "a.example", "upsert", "cli:carol"),
        (2, "b.example", "upsert", "cli:carol"),
        (2, "old.example", "delete", "cli:carol"),
    }
    assert all(r["at"].endswith("Z") for r in log)


def test_apply_changes_with_nothing_different_keeps_the_version(db, make_entry):
    db.apply_changes([make_entry("a.example")], [], "alice")
    assert db.apply_changes([make_entry("a.example")], ["missing.example"], "alice") == 1
    assert db.apply_changes([], [], "alice") == 1


def test_apply_changes_refuses_contradictions(db, make_entry):
    with pytest.raises(ValueError):
        db.apply_changes([make_entry("a.example")], ["a.example"], "alice")
    with pytest.raises(ValueError):
        db.apply_changes([make_entry("a.example"), make_entry("a.example")], [], "alice")
    with pytest.raises(ValueError):
        db.apply_changes([make_entry("a.example")], [], "")


def test_a_failed_write_in_the_middle_rolls_back_the_version(db, make_entry):
    db.upsert_entry(make_entry("a.example"), "alice")

    def fail_on_change_log(conn, cursor, statement, *args):
        if statement.startswith("INSERT INTO change_log"):
            raise RuntimeError("disk full")

    # The entry row is written, then the change log write fails.
    sa.event.listen(db.engine, "before_cursor_execute", fail_on_change_log)
    try:
        with pytest.raises(RuntimeError):
            db.upsert_entry(make_entry("b.example"), "alice")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", fail_on_change_log)
    assert db.version() == 1
    assert db.get_entry("b.example") is None
    assert len(db.change_log()) == 1


def test_changes_since(db, make_entry):
    db.upsert_entry(make_entry("a.example"), "alice")            # v1
    db.upsert_entry(make_entry("b.example"), "alice")            # v2
    db.upsert_entry(make_entry("a.example", name="A2"), "alice")  # v3
    db.delete_entry("b.example", "alice")                        # v4
    delta = db.changes_since(2)
    assert delta["format"] == 1 and delta["from"] == 2 and delta["version"] == 4
    assert [e["name"] for e in delta["upserted"]] == ["A2"]
    assert delta["removed"] == ["b.example"]
    assert db.changes_since(4) == {"format": 1, "from": 4, "version": 4, "upserted": [], "removed": []}


def test_changes_since_an_added_then_removed_domain_reports_removal(db, make_entry):
    db.upsert_entry(make_entry("a.example"), "alice")
    db.delete_entry("a.example", "alice")
    assert db.changes_since(0)["removed"] == ["a.example"]
    assert db.changes_since(0)["upserted"] == []


def test_change_log_retention_makes_old_versions_too_old(db, make_entry):
    for i in range(5):
        db.upsert_entry(make_entry(f"s{i}.example"), "alice")  # versions 1..5, retain 3
    assert db.changes_since(2)["version"] == 5
    with pytest.raises(ChangesTooOld) as info:
        db.changes_since(1)
    assert info.value.oldest == 2
    assert "fetch the full list" in str(info.value)
    assert min(r["version"] for r in db.change_log()) == 3


def test_changes_since_a_future_version(db, make_entry):
    db.upsert_entry(make_entry(), "alice")
    with pytest.raises(ChangesTooOld) as info:
        db.changes_since(7)
    assert "newer than the list" in str(info.value)


def test_change_log_filters_by_domain_and_limits(db, make_entry):
    db.upsert_entry(make_entry("a.example"), "alice")
    db.upsert_entry(make_entry("b.example"), "bob")
    db.delete_entry("a.example", "carol")
    assert [(r["version"], r["action"]) for r in db.change_log("a.example")] == [(3, "delete"), (1, "upsert")]
    assert len(db.change_log(limit=1)) == 1
    assert db.change_log(limit=1)[0]["actor"] == "carol"


def test_snapshot_and_list_document(db, make_entry, clock):
    db.upsert_entry(make_entry("b.example"), "alice")
    clock.now += 3600
    db.upsert_entry(make_entry("a.example"), "alice")
    version, generated, entries = db.snapshot()
    assert version == 2
    assert generated == "2027-01-15T09:00:00Z"  # when version 2 was made
    assert [e["domain"] for e in entries] == ["a.example", "b.example"]
    doc = db.list_document()
    assert doc["format"] == 1 and doc["version"] == 2 and doc["generated"] == generated


# --- tokens -------------------------------------------------------------------

def test_token_lifecycle(db):
    token = db.create_token("alice")
    assert token.startswith("cvt_") and len(token) > 40
    assert db.verify_token(token) == "alice"
    assert db.verify_token(token + "x") is None
    assert db.verify_token("") is None
    assert db.verify_token(None) is None
    assert db.revoke_token("alice") is True
    assert db.verify_token(token) is None
    assert db.revoke_token("alice") is False
    assert db.revoke_token("nobody") is False


def test_tokens_are_stored_only_as_hashes(db):
    token = db.create_token("alice")
    with db.engine.connect() as conn:
        stored = [tuple(row) for row in conn.exec_driver_sql("SELECT * FROM tokens")]
    assert stored and all(token not in str(value) for row in stored for value in row)


def test_two_tokens_are_different(db):
    assert db.create_token("alice") != db.create_token("bob")


def test_one_active_token_per_name_and_reuse_after_revoke(db):
    first = db.create_token("alice")
    with pytest.raises(TokenNameError):
        db.create_token("alice")
    db.revoke_token("alice")
    second = db.create_token("alice")
    assert db.verify_token(second) == "alice" and db.verify_token(first) is None
    listed = db.list_tokens()
    assert [t["name"] for t in listed] == ["alice", "alice"]
    assert listed[0]["revoked"] is not None and listed[1]["revoked"] is None
    assert all(set(t) == {"name", "role", "created", "revoked"} for t in listed)


@pytest.mark.parametrize("name", ["", " alice", "a b", "x" * 101, None, "-lead"])
def test_token_names_are_checked(db, name):
    with pytest.raises(TokenNameError):
        db.create_token(name)


# --- reports ------------------------------------------------------------------

def test_reports(db):
    first = db.add_report("suggest", "shop.example", "Sells cheap music", "client-a")
    second = db.add_report("mistake", "other.example", "", "client-b")
    assert [r["id"] for r in db.list_reports()] == [first, second]
    assert [r["id"] for r in db.list_reports("open")] == [first, second]
    decided = db.decide_report(first, "accepted", "added", "alice")
    assert decided["status"] == "accepted" and decided["reason"] == "added" and decided["decided_by"] == "alice"
    assert [r["id"] for r in db.list_reports("open")] == [second]
    assert [r["id"] for r in db.list_reports("accepted")] == [first]
    assert "client" not in db.list_reports()[0]  # the reporter's pseudonym is not handed out


def test_report_errors(db):
    with pytest.raises(ValueError):
        db.add_report("praise", "shop.example", "", "c")
    report = db.add_report("suggest", "shop.example", "", "c")
    with pytest.raises(ValueError):
        db.decide_report(report, "maybe", "", "alice")
    with pytest.raises(ReportNotFound):
        db.decide_report(999, "rejected", "", "alice")
    db.decide_report(report, "rejected", "not a shop", "alice")
    with pytest.raises(ReportAlreadyDecided):
        db.decide_report(report, "accepted", "", "alice")
    with pytest.raises(ValueError):
        db.list_reports("closed")


# --- rate limits --------------------------------------------------------------

def test_rate_limit_fixed_window(db, clock):
    assert [db.check_rate("k", 3, 60)[0] for _ in range(3)] == [True, True, True]
    assert db.check_rate("k", 3, 60) == (False, 60)
    clock.now += 45
    assert db.check_rate("k", 3, 60) == (False, 15)
    assert db.check_rate("other", 3, 60) == (True, 0)  # keys are independent
    clock.now += 15
    assert db.check_rate("k", 3, 60) == (True, 0)  # a new window


def test_rate_counters_are_shared_between_storage_instances(db, tmp_path, clock):
    # Two Storage objects on one database stand for two gunicorn workers.
    other = Storage(db.url, clock=clock)
    assert db.check_rate("k", 2, 60)[0]
    assert other.check_rate("k", 2, 60)[0]
    assert db.check_rate("k", 2, 60)[0] is False
    other.dispose()


def test_versions_are_shared_between_storage_instances(db, make_entry):
    other = Storage(db.url)
    other.upsert_entry(make_entry(), "alice")
    assert db.version() == 1
    other.dispose()


@pytest.mark.sqlite_only("the folder of a SQLite file; PostgreSQL has no file")
def test_sqlite_creates_the_folder_of_its_file(db):
    assert db.url.endswith("/sub/caveat.db") and db.version() == 0


def test_entries_come_back_in_code_point_order(db, make_entry):
    # en_US collations sort "a-b" after "ab" (punctuation ignored); the list must not depend on that.
    domains = ["ab.example", "a-b.example", "a.example", "b.example", "xn--a-b.example"]
    db.apply_changes([make_entry(d) for d in domains], [], "alice")
    assert [e["domain"] for e in db.all_entries()] == sorted(domains)
    assert [e["domain"] for e in db.snapshot()[2]] == sorted(domains)
    assert [e["domain"] for e in db.changes_since(0)["upserted"]] == sorted(domains)


def test_change_callbacks_run_after_commit_only(db, make_entry):
    heard = []
    db.on_change(heard.append)
    db.upsert_entry(make_entry("a.example"), "alice")
    db.upsert_entry(make_entry("a.example"), "alice")  # nothing differs: no change
    db.delete_entry("a.example", "alice")
    assert heard == [1, 2]


def test_init_schema_twice_at_once_from_two_storages(database_url):
    # Two servers starting together on one new database: neither fails, one state row.
    import threading

    storages = [Storage(database_url) for _ in range(2)]
    errors = []

    def init(storage):
        try:
            storage.init_schema()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=init, args=(s,)) for s in storages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert storages[0].version() == 0
    for storage in storages:
        storage.dispose()


def test_a_row_stored_before_jurisdictions_reads_with_none(db, make_entry):
    """Entries written before the field existed have no `jurisdictions` in their
    stored body; every read gives them `[]`, so every served entry has every field."""
    from server.schema import entries

    db.upsert_entry(make_entry(domain="old.example"), "cli:test")
    with db.engine.begin() as conn:
        body = conn.execute(sa.select(entries.c.body).where(entries.c.domain == "old.example")).scalar_one()
        old = {k: v for k, v in json.loads(body).items() if k != "jurisdictions"}
        conn.execute(entries.update().where(entries.c.domain == "old.example").values(body=json.dumps(old)))
    assert db.get_entry("old.example")["jurisdictions"] == []
    assert [e["jurisdictions"] for e in db.all_entries()] == [[]]
    assert list(db.get_entry("old.example"))[-3:] == ["jurisdictions", "created", "updated"]
