"""Soak: the real server at its measured capacity for a few minutes (loopback only).

Not part of ``make test`` (it runs for minutes); ``make reliability`` runs it.

    .venv/bin/python -m tests.reliability.soak [--duration 180] [--out test-results/soak.json]

1. ``caveat init`` + ``caveat serve`` (default workers and threads) on a
   temporary SQLite file;
2. capacity: ``wrk`` for 10 s at 4, 16 and 64 connections on the read mix
   below; the fewest connections reaching 95% of the best throughput is kept;
3. soak: ``wrk`` at that concurrency for ``--duration`` seconds while a
   maintainer PUTs an entry every 2 s (so the list version moves and every
   worker rebuilds its published list), sampling the resident memory of
   master + workers every 10 s.

Read mix (one shopper-side request after another on each connection): the
list (gzip), the list revalidated with a stale ETag, a lookup, a delta, the
health check.

Prints and writes (JSON) the request count, requests a second, errors
(socket errors, timeouts, non-2xx/3xx answers, failed maintainer writes),
latency p50/p99, and RSS at start and end. Exit status 1 when any error
occurred.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.reliability.live_server import LiveServer, MaintainerClient, make_entry

ROOT = Path(__file__).resolve().parents[2]

WRK_SCRIPT = r"""
local paths = {
  {"/api/v1/list", {["Accept-Encoding"] = "gzip"}},
  {"/api/v1/list", {["Accept-Encoding"] = "gzip", ["If-None-Match"] = '"v0-stale"'}},
  {"/api/v1/lookup?domain=www.allofmp3.com", {}},
  {"/api/v1/changes?since=1", {}},
  {"/healthz", {}},
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i][1], paths[i][2])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'CAVEAT_WRK {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def run_wrk(port: int, connections: int, seconds: int, script: Path) -> dict:
    threads = min(2, connections)
    result = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True, timeout=seconds + 60)
    line = next(line for line in result.stdout.splitlines() if line.startswith("CAVEAT_WRK "))
    report = json.loads(line.removeprefix("CAVEAT_WRK "))
    report["connections"] = connections
    report["rps"] = report["requests"] / (report["duration_us"] / 1e6)
    report["errors"] = sum(report[k] for k in ("connect", "read", "write", "status", "timeout"))
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=180, help="soak seconds (default 180)")
    parser.add_argument("--out", type=Path, default=ROOT / "test-results" / "soak.json")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("soak: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="caveat-soak-"))
    script = work / "mix.lua"
    script.write_text(WRK_SCRIPT)
    # `caveat serve` defaults: min(2 x cores + 1, 8) workers, 4 threads each.
    server = LiveServer(work / "caveat.db", workers=None, threads=None).init().start()
    try:
        capacity = [run_wrk(server.port, c, 10, script) for c in (4, 16, 64)]
        # Capacity: the fewest connections that reach 95% of the best throughput (the knee;
        # more connections only queue and lengthen the tail).
        peak = max(r["rps"] for r in capacity)
        best = min((r for r in capacity if r["rps"] >= 0.95 * peak), key=lambda r: r["connections"])
        for r in capacity:
            print(f"capacity: {r['connections']:>3} connections: {r['rps']:8.0f} req/s, p99 {r['p99_ms']:.1f} ms, "
                  f"{r['errors']} errors")

        rss_start = server.rss_kib()
        samples = [(0.0, rss_start)]
        writes = {"acked": 0, "failed": 0}
        stop = threading.Event()

        def maintainer():
            client = MaintainerClient(server.port, server.token)
            serial = 0
            while not stop.wait(2):
                serial += 1
                outcome = client.write("put", "soak.reliability.example",
                                       make_entry("soak.reliability.example", f"soak write {serial}"))
                writes["acked" if outcome.state == "acked" else "failed"] += 1
            client.close()

        def sampler(started):
            while not stop.wait(10):
                samples.append((round(time.monotonic() - started, 1), server.rss_kib()))

        started = time.monotonic()
        helpers = [threading.Thread(target=maintainer), threading.Thread(target=sampler, args=(started,))]
        for helper in helpers:
            helper.start()
        soak = run_wrk(server.port, best["connections"], args.duration, script)
        stop.set()
        for helper in helpers:
            helper.join()
        rss_end = server.rss_kib()
        samples.append((round(time.monotonic() - started, 1), rss_end))
        log_errors = sum(1 for line in server.log_path.read_text(errors="replace").splitlines()
                         if "Traceback" in line or "[ERROR]" in line or "WORKER TIMEOUT" in line)
    finally:
        server.stop()

    report = {
        "workers": "caveat serve defaults",
        "capacity": capacity,
        "soak": soak,
        "soak_seconds": args.duration,
        "maintainer_writes": writes,
        "server_log_errors": log_errors,
        "rss_kib_start": rss_start,
        "rss_kib_end": rss_end,
        "rss_samples": samples,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    errors = soak["errors"] + writes["failed"] + log_errors
    print(f"soak: {args.duration} s at {best['connections']} connections: {soak['requests']} requests "
          f"({soak['rps']:.0f} req/s), {errors} errors (socket/timeout/status {soak['errors']}, "
          f"failed writes {writes['failed']}, server log {log_errors}), latency p50 {soak['p50_ms']:.1f} ms "
          f"p99 {soak['p99_ms']:.1f} ms; {writes['acked']} maintainer writes; "
          f"RSS {rss_start / 1024:.1f} MiB at start, {rss_end / 1024:.1f} MiB at end -> {args.out}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
