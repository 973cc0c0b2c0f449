"""Readers and writers at once against several gunicorn workers, for a bounded time.

``caveat serve`` with 3 workers x 4 threads on a temporary SQLite file and on
a PostgreSQL database (test_x[sqlite], test_x[postgresql]). For
a fixed number of operations (not a wall-clock duration: the machine is
shared), 4 writer threads PUT and DELETE their own domains while 6 reader
threads fetch the list (plain, gzip, and revalidated with If-None-Match),
look hosts up, and ask for deltas. Then:

- no error: every write answered 2xx, every read 200 or 304;
- no lost write: the final list holds exactly what each domain's last write left;
- no duplicated version: each acknowledged write got its own version, and the
  change log has exactly one row per version, contiguous up to the list version;
- readers never see time go backwards: each reader's successive list
  versions never decrease (each request is a new transaction after the last);
- one version, one body: every worker serves the same ETag for the same
  version (the published list is built deterministically in each worker);
- a delta from any version a reader saw, applied to that version's list,
  gives the final list.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import random
import threading

import pytest
import sqlalchemy as sa

from tests.reliability.live_server import LiveServer, MaintainerClient, make_entry, wait_for_list

pytestmark = pytest.mark.both_engines

WRITERS = 4
READERS = 6
WRITES_PER_WRITER = int(os.environ.get("CAVEAT_RELIABILITY_WRITES", "40"))
READS_PER_READER = int(os.environ.get("CAVEAT_RELIABILITY_READS", "60"))


@pytest.fixture
def server(tmp_path, database_url):
    live = LiveServer(tmp_path / "caveat.db", url=database_url, workers=3, threads=4).init().start()
    yield live
    live.stop()


class Reader:
    def __init__(self, port: int, seed: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.rng = random.Random(seed)
        self.errors: list[str] = []
        self.versions: list[int] = []
        self.etags: dict[int, set[str]] = {}
        self.documents: dict[int, dict] = {}
        self.etag: str | None = None

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        self.connection.request("GET", path, headers=headers or {})
        response = self.connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

    def read_list(self) -> None:
        use_gzip = self.rng.random() < 0.3
        headers = {"Accept-Encoding": "gzip" if use_gzip else "identity"}
        if self.etag and self.rng.random() < 0.5:
            headers["If-None-Match"] = self.etag
        status, response_headers, body = self.get("/api/v1/list", headers)
        version = int(response_headers["x-caveat-list-version"])
        if status == 304:
            self.versions.append(version)
            return
        if status != 200:
            self.errors.append(f"list: {status}")
            return
        if response_headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        document = json.loads(body)
        if document["version"] != version:
            self.errors.append(f"list header version {version} != body version {document['version']}")
        self.versions.append(document["version"])
        self.etags.setdefault(document["version"], set()).add(response_headers["etag"].removesuffix('-gz"').strip('"'))
        self.documents[document["version"]] = document
        self.etag = response_headers["etag"]

    def run(self, count: int) -> None:
        for _ in range(count):
            choice = self.rng.random()
            if choice < 0.6:
                self.read_list()
            elif choice < 0.8:
                status, _, _ = self.get(f"/api/v1/lookup?domain=shop.w{self.rng.randrange(WRITERS)}-0.reliability.example")
                if status != 200:
                    self.errors.append(f"lookup: {status}")
            else:
                since = self.versions[-1] if self.versions else 0
                status, _, _ = self.get(f"/api/v1/changes?since={since}")
                if status != 200:
                    self.errors.append(f"changes since {since}: {status}")
        self.connection.close()


def run_writer(port: int, token: str, w: int, outcomes: list) -> None:
    client = MaintainerClient(port, token, timeout=30)
    rng = random.Random(w)
    domains = [f"w{w}-{k}.reliability.example" for k in range(4)]
    present = {d: False for d in domains}
    for serial in range(WRITES_PER_WRITER):
        domain = rng.choice(domains)
        if present[domain] and rng.random() < 0.3:
            outcome = client.write("delete", domain)
        else:
            outcome = client.write("put", domain, make_entry(domain, f"writer {w} write {serial}"))
        outcomes.append(outcome)
        if outcome.state == "acked":
            present[domain] = outcome.op == "put"
    client.close()


def test_readers_and_writers_on_several_workers(server):
    version_before = json.loads(server_get(server, "/healthz"))["version"]
    outcomes = {w: [] for w in range(WRITERS)}
    readers = [Reader(server.port, seed) for seed in range(READERS)]
    threads = [threading.Thread(target=run_writer, args=(server.port, server.token, w, outcomes[w]))
               for w in range(WRITERS)]
    threads += [threading.Thread(target=reader.run, args=(READS_PER_READER,)) for reader in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a client thread hung"

    # No errors.
    writes = [o for done in outcomes.values() for o in done]
    assert [o for o in writes if o.state != "acked"] == []
    assert [e for reader in readers for e in reader.errors] == []

    # No lost write, no duplicated version.
    engine = server.open_database()
    with engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version FROM list_state")).scalar_one()
        stored = {row.domain: json.loads(row.body)["summary"] for row in conn.execute(sa.text(
            "SELECT domain, body FROM entries WHERE domain LIKE '%.reliability.example'"))}
        log = conn.execute(sa.text("SELECT version, domain, action FROM change_log WHERE version > :v ORDER BY version"),
                           {"v": version_before}).all()
    engine.dispose()
    expected = {}
    for done in outcomes.values():
        for o in done:
            if o.op == "put":
                expected[o.domain] = o.summary
            else:
                expected.pop(o.domain, None)
    assert stored == expected
    versions = [o.version for o in writes]
    assert len(set(versions)) == len(versions) == len(writes)
    assert [row.version for row in log] == list(range(version_before + 1, version + 1)) == sorted(versions)
    for o in writes:
        row = log[o.version - version_before - 1]
        assert (row.domain, row.action) == (o.domain, "upsert" if o.op == "put" else "delete")

    # Readers: monotonic versions, one ETag per version across workers.
    etags: dict[int, set[str]] = {}
    for reader in readers:
        assert reader.versions == sorted(reader.versions), "a reader saw the list version go backwards"
        for seen, tags in reader.etags.items():
            etags.setdefault(seen, set()).update(tags)
    assert all(len(tags) == 1 for tags in etags.values()), {v: t for v, t in etags.items() if len(t) > 1}
    seen_versions = sorted({v for reader in readers for v in reader.versions})
    assert len(seen_versions) > 1, "readers should have seen the list change while they read"

    # A delta from a version a reader held, applied to that list, gives the final list.
    final = wait_for_list(server.port, version)
    for reader in readers:
        for held_version, held in list(reader.documents.items())[:3]:
            delta = json.loads(server_get(server, f"/api/v1/changes?since={held_version}"))
            merged = {e["domain"]: e for e in held["entries"]}
            for domain in delta["removed"]:
                merged.pop(domain, None)
            merged.update({e["domain"]: e for e in delta["upserted"]})
            assert delta["version"] == final["version"]
            assert sorted(merged.values(), key=lambda e: e["domain"]) == final["entries"]

    print(f"\nconcurrency: {len(writes)} writes, {sum(len(r.versions) for r in readers)} list reads, "
          f"{READERS * READS_PER_READER} reads in all, {len(seen_versions)} distinct versions seen, 0 errors")


def server_get(server: LiveServer, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        assert response.status == 200, (path, response.status)
        return response.read()
    finally:
        connection.close()


def test_the_report_rate_limit_holds_across_workers(tmp_path, database_url):
    """Many reports at once from one address, spread over 3 workers: exactly the limit gets
    through (the counter is shared in the database), the rest are 429, nothing fails."""
    live = LiveServer(tmp_path / "caveat.db", url=database_url, workers=3, threads=4,
                      extra_env={"CAVEAT_REPORTS_RATE_LIMIT": "20", "CAVEAT_REPORTS_RATE_WINDOW": "3600"}).init().start()
    statuses: list[int] = []
    lock = threading.Lock()

    def post_reports(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=30)
        for _ in range(count):
            body = json.dumps({"kind": "mistake", "domain": "allofmp3.example", "comment": "Closed."})
            connection.request("POST", "/api/v1/reports", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = response.read()
            if response.status == 429:
                assert int(response.getheader("Retry-After")) >= 1
                assert json.loads(payload)["error"]["code"] == "rate_limited"
            with lock:
                statuses.append(response.status)
        connection.close()

    try:
        threads = [threading.Thread(target=post_reports, args=(10,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        live.stop()
    assert sorted(set(statuses)) == [202, 429], sorted(set(statuses))
    assert statuses.count(202) == 20 and statuses.count(429) == 60
