"""Per-request cost in process: the Flask app called as WSGI in a loop, no
server, no network, for the public reads and for the floor (bench/floor_server.py's
one JSON endpoint). What server_bench.py measures through gunicorn and wrk is
this plus the server's own per-request work; this shows where the app's share
goes when a change is tried (bench/README.md, "Server").

    .venv/bin/python -m bench.request_cost [--quick] [--out DIR] [--entries N] [--requests N]
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from werkzeug.test import EnvironBuilder

from bench.common import median, parser, ratio, table, write_results
from bench.database import prepare_database
from bench.floor_server import floor_app
from bench.server_bench import UNLISTED_HOST, listed_host

ROUNDS = 5  # the median of these; each round makes ``requests`` calls


def per_request_us(app, path: str, headers: dict, requests: int) -> float:
    """Median over ROUNDS of the mean wall time of one call, body read and closed."""
    environ = EnvironBuilder(path=path, headers=headers).get_environ()

    def start_response(status, response_headers, exc_info=None):
        return None

    def call():
        body = app(dict(environ), start_response)
        for _chunk in body:
            pass
        body.close()

    for _ in range(min(requests, 500)):  # warm: the held list, caches
        call()
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(requests):
            call()
        rounds.append((time.perf_counter() - started) / requests * 1e6)
    return median(rounds)


def main(argv=None) -> int:
    p = parser(__doc__.split("\n\n")[0])
    p.add_argument("--entries", type=int, help="synthetic entries added to the curated list (default 1000; quick 50)")
    p.add_argument("--requests", type=int, help="calls per round (default 20000; quick 200)")
    args = p.parse_args(argv)
    synthetic = args.entries if args.entries is not None else (50 if args.quick else 1000)
    requests = args.requests or (200 if args.quick else 20_000)

    from server import create_app

    with tempfile.TemporaryDirectory(prefix="caveat-bench-cost-") as tmp:
        url, extra = prepare_database(Path(tmp) / "caveat.db", synthetic)
        app = create_app({"DATABASE_URL": url})
        client = app.test_client()
        etag = client.get("/api/v1/list", headers={"Accept-Encoding": "gzip"}).headers["ETag"]
        points = {
            "lookup listed": (f"/api/v1/lookup?domain={listed_host(extra)}", {}),
            "lookup unlisted": (f"/api/v1/lookup?domain={UNLISTED_HOST}", {}),
            "list 304": ("/api/v1/list", {"Accept-Encoding": "gzip", "If-None-Match": etag}),
        }
        for name, (path, headers) in points.items():  # each answers as it should before it is timed
            expected = 304 if name == "list 304" else 200
            assert client.get(path, headers=headers).status_code == expected, name
        floor = per_request_us(floor_app(), "/ping", {}, requests)
        figures = {name: per_request_us(app, path, headers, requests) for name, (path, headers) in points.items()}
        app.extensions["caveat.storage"].dispose()

    rows = [{"endpoint": name, "caveat_us": round(us, 1), "floor_us": round(floor, 1),
             "floor_over_caveat": ratio(floor, us)} for name, us in figures.items()]
    print(f"\nPer-request cost in process ({requests:,} calls x {ROUNDS} rounds, medians)")
    table(["endpoint", "caveat us", "floor us", "floor/caveat"],
          [[r["endpoint"], r["caveat_us"], r["floor_us"], r["floor_over_caveat"]] for r in rows])
    write_results(args.out, "request_cost", {
        "synthetic_entries": synthetic, "requests_per_round": requests, "rounds": ROUNDS, "rows": rows,
    }, args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
