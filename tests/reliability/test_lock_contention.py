"""Another writer holds SQLite's write lock longer than the busy timeout.

Found with a 150 000-entry ``caveat warnings import`` (one transaction of
several seconds) while a maintainer PUT arrived: the PUT waited the busy
timeout (5 s) and was answered 500 ``internal_error`` (``database is
locked``). Shoppers' reports take the write lock too (the shared rate-limit
counter), so they failed the same way.

Reproduced cheaply here: the test itself holds the lock (``BEGIN
IMMEDIATE`` on the same file) while the app, with a 200 ms busy timeout,
answers a PUT, a DELETE and a report. Expected: 503 JSON with
``Retry-After`` (nothing was written, the client may simply retry), reads
unaffected (WAL), and the same requests succeed once the lock is released.
"""

from __future__ import annotations

import sqlite3

import pytest


@pytest.fixture
def app_config(tmp_path):
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'caveat.db'}", "TESTING": True,
            "SQLITE_BUSY_TIMEOUT_MS": 200}


@pytest.fixture
def other_writer(app, tmp_path):
    """A second connection; ``.execute("BEGIN IMMEDIATE")`` takes the write lock as a long
    import would, ``.rollback()`` releases it."""
    connection = sqlite3.connect(tmp_path / "caveat.db", isolation_level=None, timeout=0)
    yield connection
    if connection.in_transaction:
        connection.rollback()
    connection.close()


def assert_busy(response) -> None:
    assert response.status_code == 503, (response.status_code, response.data[:200])
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    assert int(response.headers["Retry-After"]) >= 1


def test_writes_during_a_long_write_are_503_not_500(client, auth, make_entry, storage, other_writer):
    assert client.put("/api/v1/warnings/kept.example", json=make_entry(domain="kept.example"),
                      headers=auth).status_code == 201
    version = storage.version()
    other_writer.execute("BEGIN IMMEDIATE")  # the lock is held from here on

    assert_busy(client.put("/api/v1/warnings/allofmp3.example", json=make_entry(), headers=auth))
    assert_busy(client.delete("/api/v1/warnings/kept.example", headers=auth))
    assert_busy(client.post("/api/v1/reports", json={"kind": "mistake", "domain": "allofmp3.example"}))
    # Readers are not blocked by a writer in WAL mode.
    assert client.get("/api/v1/list").status_code == 200
    assert client.get("/api/v1/lookup?domain=kept.example").get_json()["listed"] is True

    other_writer.rollback()
    assert storage.version() == version, "nothing was written while the lock was held"
    assert client.put("/api/v1/warnings/allofmp3.example", json=make_entry(), headers=auth).status_code == 201
    assert client.post("/api/v1/reports", json={"kind": "mistake", "domain": "allofmp3.example"}).status_code == 202
