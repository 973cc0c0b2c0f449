"""Several processes on one database (SQLite and PostgreSQL), as several gunicorn workers
(and, on PostgreSQL, several servers) are.

Each list change must get its own version (no lost or duplicated versions),
and rate-limit counters must be shared exactly.
"""

import multiprocessing

import pytest

from server.storage import Storage
from testkit.entries import entry

pytestmark = pytest.mark.both_engines

WRITERS = 4
CHANGES_EACH = 8


def _writer(url, worker, results):
    storage = Storage(url)
    versions = [storage.upsert_entry(entry(f"w{worker}-{i}.example"), f"worker-{worker}")
                for i in range(CHANGES_EACH)]
    storage.dispose()
    results.put(versions)


def _limiter(url, hits, results):
    storage = Storage(url)
    allowed = sum(storage.check_rate("reports:same-client", 20, 3600)[0] for _ in range(hits))
    storage.dispose()
    results.put(allowed)


def _run(target, url, args_per_process):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=target, args=(url, arg, results)) for arg in args_per_process]
    for process in processes:
        process.start()
    collected = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return collected


def test_concurrent_writers_get_distinct_consecutive_versions(database_url):
    url = database_url
    storage = Storage(url)
    storage.init_schema()
    versions = [v for batch in _run(_writer, url, range(WRITERS)) for v in batch]
    total = WRITERS * CHANGES_EACH
    assert sorted(versions) == list(range(1, total + 1))
    assert storage.version() == total
    assert storage.count() == total
    log = storage.change_log(limit=1000)
    assert sorted(row["version"] for row in log) == list(range(1, total + 1))
    storage.dispose()


def test_rate_limit_is_exact_across_processes(database_url):
    url = database_url
    storage = Storage(url)
    storage.init_schema()
    allowed = _run(_limiter, url, [10, 10, 10])
    assert sum(allowed) == 20
    storage.dispose()
