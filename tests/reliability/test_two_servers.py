"""Two ``caveat serve`` instances (gunicorn, 2 workers each) on one database:
a write on either is served by both, by each mechanism on its own.

- ``notify`` (PostgreSQL): LISTEN/NOTIFY only; the version check is set to an
  hour, so nothing else could refresh the other server's workers.
- ``check`` (PostgreSQL and SQLite): NOTIFY off, the version check every
  500 ms (CAVEAT_PUBLISHED_CHECK_MS, the default).
- ``none`` (the control): neither, so the other server keeps its list; this
  shows the two tests above pass because of their mechanism.

"Served by both" means every worker: a server counts as caught up when
``FRESH_READS`` reads in a row, each on a new connection (any worker), show
the new version. Waits poll (bounded attempts); the seconds each server took
are printed, never asserted (the machine is shared).
"""

from __future__ import annotations

import json
import time

import pytest

from tests.reliability.live_server import LiveServer, MaintainerClient, make_entry, request

FRESH_READS = 12
HOUR_MS = "3600000"
SETTINGS = {
    "notify": {"CAVEAT_POSTGRES_NOTIFY": "true", "CAVEAT_PUBLISHED_CHECK_MS": HOUR_MS},
    "check": {"CAVEAT_POSTGRES_NOTIFY": "false", "CAVEAT_PUBLISHED_CHECK_MS": "500"},
    "none": {"CAVEAT_POSTGRES_NOTIFY": "false", "CAVEAT_PUBLISHED_CHECK_MS": HOUR_MS},
}


@pytest.fixture(params=[("postgresql", "notify"), ("postgresql", "check"), ("sqlite", "check"),
                        ("postgresql", "none")], ids=lambda p: "-".join(p))
def servers(request, tmp_path):
    engine, mechanism = request.param
    if engine == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database()
    else:
        url = f"sqlite:///{tmp_path / 'caveat.db'}"
    env = SETTINGS[mechanism]
    first = LiveServer(tmp_path / "a.db", url=url, workers=2, threads=2, extra_env=env).init()
    second = LiveServer(tmp_path / "b.db", url=url, workers=2, threads=2, extra_env=env)
    second.token = first.token
    try:
        yield mechanism, first.start(), second.start()
    finally:
        first.stop()
        second.stop()
        if engine == "postgresql":
            cluster.drop_database(url)


def served_version(server: LiveServer) -> int:
    status, body = request(server.port, "GET", "/api/v1/list", headers={"Accept-Encoding": "identity"})
    assert status == 200
    return json.loads(body)["version"]


def wait_until_every_worker_serves(server: LiveServer, version: int, attempts: int = 400) -> float:
    """Seconds until FRESH_READS reads in a row served ``version`` (for the report, not asserted)."""
    start, streak = time.monotonic(), 0
    for _ in range(attempts):
        streak = streak + 1 if served_version(server) == version else 0
        if streak >= FRESH_READS:
            return time.monotonic() - start
        if not streak:
            time.sleep(0.02)
    raise AssertionError(f"port {server.port}: version {version} not served by every worker")


def write(server: LiveServer, domain: str, summary: str) -> int:
    client = MaintainerClient(server.port, server.token)
    try:
        outcome = client.write("put", domain, make_entry(domain, summary))
    finally:
        client.close()
    assert outcome.state == "acked", outcome
    return outcome.version


def test_a_write_on_either_server_is_served_by_both(servers):
    mechanism, first, second = servers
    start = served_version(first)
    for server in (first, second):  # every worker has built its list
        wait_until_every_worker_serves(server, start)

    if mechanism == "none":
        # A worker's first read checks the stored version (server/published.py): one that
        # no read has reached yet would rightly find the write below. Enough reads, each on
        # a new connection, that both workers have served (one of two missing all 100 has
        # not been seen; 12 missed one once in CI).
        for _ in range(100):
            assert served_version(second) == start
        assert write(first, "one.two-servers.example", "written on the first server") == start + 1
        # Only the worker that wrote serves it; the other server has no way to hear of it.
        assert {served_version(second) for _ in range(FRESH_READS)} == {start}
        return

    seconds = []
    for writer, domain in ((first, "one.two-servers.example"), (second, "two.two-servers.example")):
        version = write(writer, domain, f"written on port {writer.port}")
        seconds += [wait_until_every_worker_serves(server, version) for server in (first, second)]
        status, body = request(first.port if writer is second else second.port, "GET",
                               f"/api/v1/lookup?domain=www.{domain}")
        assert status == 200 and json.loads(body)["listed"] is True
    print(f"\ntwo servers ({mechanism}): every worker of both served each write after "
          f"{', '.join(f'{s:.2f}' for s in seconds)} s")
