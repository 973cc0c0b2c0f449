"""The published list held in memory (server/published.py), on SQLite and PostgreSQL:

- public reads (lookup, list, 304) make no database query per request;
- a change made through one app (another worker, another server) is served by a
  second app on the same database: through the version check at most once per
  CAVEAT_PUBLISHED_CHECK_MS, and on PostgreSQL through NOTIFY alone;
- a failing database during a check leaves the held list served.

Waits poll for a condition (bounded attempts); no test asserts a duration.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from server import create_app

pytestmark = pytest.mark.both_engines

NEVER_MS = 3_600_000  # a check interval no test outlives: only NOTIFY (or a local write) can refresh


def make_app(database_url, **settings):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, **settings})
    app.extensions["caveat.storage"].init_schema()
    return app


def served_version(app) -> int:
    return int(app.test_client().get("/api/v1/list").headers["X-Caveat-List-Version"])


def wait_until_served(app, version: int, attempts: int = 200) -> None:
    for _ in range(attempts):
        if served_version(app) == version:
            return
        time.sleep(0.05)
    raise AssertionError(f"version {version} never served (still {served_version(app)})")


class StatementCounter:
    """SQL statements sent from this thread (the request's; not the NOTIFY listener's catch-up)."""

    def __init__(self, engine):
        self.engine, self.count, self.thread = engine, 0, threading.get_ident()

    def __call__(self, *args, **kwargs):
        if threading.get_ident() == self.thread:
            self.count += 1

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self)


def test_public_reads_make_no_database_query(database_url, make_entry):
    app = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS)
    storage = app.extensions["caveat.storage"]
    storage.upsert_entry(make_entry("shop.example"), "alice")
    client = app.test_client()
    etag = client.get("/api/v1/list").headers["ETag"]  # builds the held list
    with StatementCounter(storage.engine) as counter:
        for _ in range(20):
            assert client.get("/api/v1/lookup?domain=www.shop.example").get_json()["listed"] is True
            assert client.get("/api/v1/list", headers={"If-None-Match": etag}).status_code == 304
            assert client.get("/api/v1/list").status_code == 200
    assert counter.count == 0
    storage.dispose()


def test_a_local_write_is_served_at_once(database_url, make_entry):
    app = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    assert served_version(app) == 0
    version = app.extensions["caveat.storage"].upsert_entry(make_entry("shop.example"), "alice")
    assert served_version(app) == version == 1
    app.extensions["caveat.storage"].dispose()


def test_a_write_through_another_app_is_served_after_the_version_check(database_url, make_entry):
    reader = make_app(database_url, PUBLISHED_CHECK_MS=200, POSTGRES_NOTIFY=False)
    writer = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    assert served_version(reader) == 0
    version = writer.extensions["caveat.storage"].upsert_entry(make_entry("shop.example"), "alice")
    wait_until_served(reader, version)
    assert reader.test_client().get("/api/v1/lookup?domain=shop.example").get_json()["listed"] is True
    for app in (reader, writer):
        app.extensions["caveat.storage"].dispose()


def test_without_a_check_or_notify_another_apps_write_is_not_seen(database_url, make_entry):
    # The control for the test above and the NOTIFY test: nothing else refreshes a held list.
    reader = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    writer = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    assert served_version(reader) == 0
    writer.extensions["caveat.storage"].upsert_entry(make_entry("shop.example"), "alice")
    assert served_version(writer) == 1
    assert served_version(reader) == 0
    for app in (reader, writer):
        app.extensions["caveat.storage"].dispose()


@pytest.mark.postgresql_only
def test_postgresql_notify_alone_refreshes_another_app(database_url, make_entry):
    reader = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=True)
    writer = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    assert served_version(reader) == 0
    listener = reader.extensions["caveat.published"]._listener
    assert listener.listening.wait(30), "the listener never connected"
    version = writer.extensions["caveat.storage"].upsert_entry(make_entry("shop.example"), "alice")
    wait_until_served(reader, version)
    for app in (reader, writer):
        app.extensions["caveat.storage"].dispose()
    assert not listener.is_alive()  # dispose() stops the listener thread


def test_a_failing_check_keeps_serving_the_held_list(database_url, make_entry, monkeypatch):
    app = make_app(database_url, PUBLISHED_CHECK_MS=0, POSTGRES_NOTIFY=False)
    storage = app.extensions["caveat.storage"]
    storage.upsert_entry(make_entry("shop.example"), "alice")
    assert served_version(app) == 1

    def broken():
        raise sa.exc.OperationalError("SELECT version", {}, Exception("database is gone"))

    monkeypatch.setattr(storage, "version", broken)
    response = app.test_client().get("/api/v1/lookup?domain=shop.example")
    assert response.status_code == 200 and response.get_json()["listed"] is True
    assert served_version(app) == 1
    storage.dispose()


def test_a_delta_asked_of_a_worker_behind_the_database_leads_to_the_stored_list(database_url, make_entry):
    # The held list is at 1, the database at 2: the delta leads to 2 (no 503), and the
    # held list catches up on the way (tests/test_signing.py counts its builds).
    reader = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    writer = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    writer.extensions["caveat.storage"].upsert_entry(make_entry("a.example"), "alice")
    assert served_version(reader) == 1
    writer.extensions["caveat.storage"].upsert_entry(make_entry("b.example"), "alice")
    response = reader.test_client().get("/api/v1/changes/1")
    assert response.status_code == 200
    delta = response.get_json()
    assert delta["version"] == 2 and [e["domain"] for e in delta["upserted"]] == ["b.example"]
    assert served_version(reader) == 2
    snapshot, changes = writer.extensions["caveat.storage"].snapshot_and_changes(0)
    assert snapshot[0] == changes["version"] == 2
    for app in (reader, writer):
        app.extensions["caveat.storage"].dispose()


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def reader_with_clock(database_url, check_seconds=0.5):
    """An app whose published cache runs on a FakeClock (NOTIFY off: only checks refresh it)."""
    from server.published import PublishedCache

    app = make_app(database_url, POSTGRES_NOTIFY=False)
    clock = FakeClock()
    cache = PublishedCache(app.extensions["caveat.storage"], check_seconds=check_seconds, notify=False,
                           clock=clock)
    app.extensions["caveat.published"] = cache
    return app, cache, clock


def wait_for_check(cache, attempts: int = 200) -> None:
    """Until no check holds the cache's lock (a background check has finished)."""
    for _ in range(attempts):
        if not cache._lock.locked():
            return
        time.sleep(0.02)
    raise AssertionError("the background check never finished")


def test_a_due_check_runs_in_the_background_while_the_read_is_served_at_once(database_url, make_entry):
    reader, cache, clock = reader_with_clock(database_url)
    writer = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    storage = reader.extensions["caveat.storage"]
    assert served_version(reader) == 0
    version = writer.extensions["caveat.storage"].upsert_entry(make_entry("shop.example"), "alice")
    clock.now += 0.1  # within the interval: the held list, no check
    with StatementCounter(storage.engine) as counter:
        assert served_version(reader) == 0
    assert counter.count == 0
    clock.now += 0.5  # due: this read starts a check in another thread and does not wait for it
    with StatementCounter(storage.engine) as counter:
        served_version(reader)
    assert counter.count == 0
    wait_for_check(cache)
    assert served_version(reader) == version  # the background check rebuilt the list
    for app in (reader, writer):
        app.extensions["caveat.storage"].dispose()


def test_an_idle_worker_waits_for_its_check_so_no_read_is_older_than_two_intervals(database_url, make_entry):
    reader, cache, clock = reader_with_clock(database_url)
    writer = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    assert served_version(reader) == 0
    version = writer.extensions["caveat.storage"].upsert_entry(make_entry("shop.example"), "alice")
    clock.now += 1.0  # two intervals since the last check: this very read checks first
    with StatementCounter(reader.extensions["caveat.storage"].engine) as counter:
        assert served_version(reader) == version
    assert counter.count > 0
    for app in (reader, writer):
        app.extensions["caveat.storage"].dispose()


def test_a_failing_background_check_is_retried_once_per_interval(database_url, make_entry, monkeypatch, caplog):
    reader, cache, clock = reader_with_clock(database_url)
    storage = reader.extensions["caveat.storage"]
    storage.upsert_entry(make_entry("shop.example"), "alice")
    assert served_version(reader) == 1
    calls = []

    def broken():
        calls.append(clock.now)
        raise sa.exc.OperationalError("SELECT version", {}, Exception("database is gone"))

    monkeypatch.setattr(storage, "version", broken)
    clock.now += 0.6
    assert served_version(reader) == 1
    wait_for_check(cache)
    assert len(calls) == 1 and "version check failed" in caplog.text
    for _ in range(5):  # within the next interval: served, not checked again
        assert served_version(reader) == 1
    wait_for_check(cache)
    assert len(calls) == 1
    clock.now += 5  # long after: the read waits for a check, which fails, and is still served
    assert served_version(reader) == 1
    assert len(calls) == 2
    storage.dispose()


def test_preload_builds_the_list_a_workers_first_read_only_checks(database_url, make_entry):
    # caveat serve preloads in gunicorn's master; each worker's first read checks the
    # version (and starts its NOTIFY listener) but keeps the preloaded list.
    reader, cache, clock = reader_with_clock(database_url)
    storage = reader.extensions["caveat.storage"]
    version = storage.upsert_entry(make_entry("shop.example"), "alice")
    cache.preload()
    preloaded = cache._current
    with StatementCounter(storage.engine) as counter:
        assert served_version(reader) == version
    assert counter.count > 0 and cache._current is preloaded
    with StatementCounter(storage.engine) as counter:
        assert reader.test_client().get("/api/v1/lookup?domain=shop.example").get_json()["listed"] is True
    assert counter.count == 0
    storage.dispose()


@pytest.mark.postgresql_only
def test_a_preloaded_worker_still_listens(database_url, make_entry):
    reader = make_app(database_url, POSTGRES_NOTIFY=True, PUBLISHED_CHECK_MS=NEVER_MS)
    writer = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    cache = reader.extensions["caveat.published"]
    cache.preload()
    assert served_version(reader) == 0
    assert cache._listener is not None and cache._listener.listening.wait(30), "the listener never connected"
    version = writer.extensions["caveat.storage"].upsert_entry(make_entry("shop.example"), "alice")
    wait_until_served(reader, version)
    for app in (reader, writer):
        app.extensions["caveat.storage"].dispose()
