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
    # The held list is at 1, the database at 2: the delta and its list come from one read (no 503).
    reader = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    writer = make_app(database_url, PUBLISHED_CHECK_MS=NEVER_MS, POSTGRES_NOTIFY=False)
    writer.extensions["caveat.storage"].upsert_entry(make_entry("a.example"), "alice")
    assert served_version(reader) == 1
    writer.extensions["caveat.storage"].upsert_entry(make_entry("b.example"), "alice")
    response = reader.test_client().get("/api/v1/changes/1")
    assert response.status_code == 200
    delta = response.get_json()
    assert delta["version"] == 2 and [e["domain"] for e in delta["upserted"]] == ["b.example"]
    assert served_version(reader) == 1  # the held list itself waits for its check
    snapshot, changes = writer.extensions["caveat.storage"].snapshot_and_changes(0)
    assert snapshot[0] == changes["version"] == 2
    for app in (reader, writer):
        app.extensions["caveat.storage"].dispose()
