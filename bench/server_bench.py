"""Server benchmark: `caveat serve` (gunicorn, its default workers and
threads) under load from wrk in a separate process, on loopback, against two
baselines measured in the same run, each right after the other:

- ceiling: nginx (ETag on, precompressed gzip) serving the folder `caveat
  publish` writes (the same bytes as `caveat serve`, checked), plus each
  measured lookup's answer as a file, as a static host or CDN would;
- floor: a minimal Flask app with one JSON endpoint under the same gunicorn
  settings (bench/floor_server.py): what the framework costs before Caveat
  does anything.

Each figure is the median of several short runs. For each endpoint the floor,
Caveat and nginx run back to back, and Caveat is compared with the floor run
made right before it (the machine is shared: its load moves between runs).

    .venv/bin/python -m bench.server_bench [--quick] [--out DIR] [--entries N] [--duration S] [--repeats N]
        [--connections 1,8,32] [--endpoints "lookup listed,list 304"]
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, median, parser, ratio, table, write_results
from bench.services import caveat_executable, caveat_service, floor_service, nginx_service, request
from bench.database import prepare_database
from testkit.ports import free_port

WRK_SCRIPT = ROOT / "bench" / "wrk_report.lua"
UNLISTED_HOST = "checkout.unlisted-shop.example"


def listed_host(extra: list[dict]) -> str:
    """A host under a synthetic entry that covers subdomains."""
    return "www." + next(e["domain"] for e in extra if e["include_subdomains"])


def endpoints(listed: str) -> list[dict]:
    """What is measured: path, extra request headers, the status each answer must have."""
    gzip = {"Accept-Encoding": "gzip"}
    return [
        {"name": "lookup listed", "path": f"/api/v1/lookup?domain={listed}", "headers": {}, "status": 200},
        {"name": "lookup unlisted", "path": f"/api/v1/lookup?domain={UNLISTED_HOST}", "headers": {}, "status": 200},
        {"name": "list 200 gzip", "path": "/api/v1/list", "headers": gzip, "status": 200},
        {"name": "list 304", "path": "/api/v1/list", "headers": gzip, "status": 304, "revalidate": True},
        {"name": "healthz", "path": "/healthz", "headers": {}, "status": 200},
    ]


def export_static(caveat_port: int, root: Path, points: list[dict], database_url: str) -> None:
    """The published folder (`caveat publish`: api/v1/list, list.gz, changes/), checked to hold
    the very bytes `caveat serve` sends; plus each measured lookup's answer and healthz as files."""
    env = {**os.environ, "CAVEAT_DATABASE_URL": database_url}
    subprocess.run([caveat_executable(), "publish", "--quiet", str(root)], env=env, check=True,
                   capture_output=True, timeout=300)
    _, _, raw = request(caveat_port, "/api/v1/list")
    _, headers, packed = request(caveat_port, "/api/v1/list", {"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip", "caveat serve did not gzip the list"
    assert (root / "api" / "v1" / "list").read_bytes() == raw, "caveat publish and caveat serve differ"
    assert gzip.decompress((root / "api" / "v1" / "list.gz").read_bytes()) == raw
    (root / "lookup").mkdir()
    for point in points:
        if point["path"].startswith("/api/v1/lookup"):
            host = point["path"].split("domain=", 1)[1]
            (root / "lookup" / f"{host}.json").write_bytes(request(caveat_port, point["path"])[2])
    (root / "healthz").write_bytes(request(caveat_port, "/healthz")[2])


def request_headers(port: int, point: dict) -> dict:
    """The point's headers; for a revalidation, If-None-Match with that server's real ETag."""
    headers = dict(point["headers"])
    if point.get("revalidate"):
        _, got, _ = request(port, point["path"], headers)
        headers["If-None-Match"] = got["etag"]
    return headers


def check_answer(port: int, point: dict, headers: dict) -> dict:
    status, got, body = request(port, point["path"], headers)
    if status != point["status"]:
        raise RuntimeError(f"{point['name']} on port {port}: status {status}, expected {point['status']}")
    return {"status": status, "body_bytes": len(body), "content_encoding": got.get("content-encoding"),
            "etag": got.get("etag")}


def run_wrk(port: int, path: str, headers: dict, connections: int, duration: int) -> dict:
    threads = 1 if connections == 1 else 2
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
            "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(f"http://127.0.0.1:{port}{path}")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    match = re.search(r"^WRK_JSON (.*)$", done.stdout, re.M)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    raw = json.loads(match.group(1))
    errors = sum(v for k, v in raw.items() if k.startswith("errors_"))
    return {
        "connections": connections,
        "wrk_threads": threads,
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
        "errors": errors,
        "error_detail": {k[7:]: v for k, v in raw.items() if k.startswith("errors_") and v},
        "bytes_per_response": raw["bytes"] / raw["requests"] if raw["requests"] else 0,
    }


def main(argv=None) -> int:
    p = parser(__doc__.split("\n\n")[0])
    p.add_argument("--entries", type=int, help="synthetic entries added to the curated list (default 1000; quick 50)")
    p.add_argument("--duration", type=int, help="seconds per wrk run (default 3; quick 1)")
    p.add_argument("--repeats", type=int, help="runs per figure, floor, Caveat and nginx back to back; medians (default 5; quick 1)")
    p.add_argument("--connections", help="comma-separated wrk connection counts (default 1,8,32; quick 2)")
    p.add_argument("--endpoints", help="comma-separated endpoint names to measure (default: all of them)")
    args = p.parse_args(argv)
    if not shutil.which("wrk") or not shutil.which("nginx"):
        print("server_bench.py: needs wrk and nginx (Debian packages wrk, nginx)", file=sys.stderr)
        return 1
    synthetic = args.entries if args.entries is not None else (50 if args.quick else 1000)
    duration = args.duration or (1 if args.quick else 3)
    repeats = args.repeats or (1 if args.quick else 5)
    concurrencies = ([int(n) for n in args.connections.split(",")] if args.connections
                     else [2] if args.quick else [1, 8, 32])

    from server.cli import gunicorn_options
    from server.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="caveat-bench-server-") as tmp_name:
        tmp = Path(tmp_name)
        database_url, extra = prepare_database(tmp / "caveat.db", synthetic)
        settings = gunicorn_options(load_settings({"DATABASE_URL": database_url}))
        points = endpoints(listed_host(extra))
        if args.endpoints:
            wanted = [name.strip() for name in args.endpoints.split(",")]
            unknown = sorted(set(wanted) - {point["name"] for point in points})
            if unknown:
                p.error(f"unknown endpoint(s) {', '.join(unknown)}; "
                        f"known: {', '.join(point['name'] for point in points)}")
            points = [point for point in points if point["name"] in wanted]
        ports = {"caveat": free_port(), "nginx": free_port(), "floor": free_port()}
        with caveat_service(database_url, ports["caveat"], tmp / "caveat.log") as caveat:
            export_static(caveat.port, tmp / "static", points, database_url)
            with nginx_service(tmp, tmp / "static", ports["nginx"]) as nginx, \
                    floor_service(ports["floor"], tmp / "floor.log") as floor:
                answers, runs = measure(caveat.port, nginx.port, floor.port, points, concurrencies, duration,
                                        repeats, warm=not args.quick)
        entries_total = json.loads((tmp / "static" / "api" / "v1" / "list").read_bytes())["entries"]

    comparisons = compare(runs, points, concurrencies)
    report(comparisons, answers, len(entries_total), settings)
    write_results(args.out, "server", {
        "entries": len(entries_total),
        "synthetic_entries": synthetic,
        "duration_s": duration,
        "repeats": repeats,
        "concurrencies": concurrencies,
        "gunicorn": {k: settings[k] for k in ("workers", "threads", "worker_class", "keepalive", "preload_app")},
        "load_generator": "wrk (separate process), 1 thread at 1 connection, 2 threads otherwise",
        "answers": answers,
        "runs": runs,
        "comparisons": comparisons,
    }, args.quick)
    return 0


def measure(caveat_port, nginx_port, floor_port, points, concurrencies, duration, repeats, warm=True):
    answers: dict = {"caveat": {}, "nginx": {}, "floor": {}}
    headers = {}
    for point in points:
        for target, port in (("caveat", caveat_port), ("nginx", nginx_port)):
            headers[target, point["name"]] = request_headers(port, point)
            answers[target][point["name"]] = check_answer(port, point, headers[target, point["name"]])
    answers["floor"]["ping"] = check_answer(floor_port, {"name": "ping", "path": "/ping", "status": 200}, {})
    if warm:  # every worker builds its published list and index on first use
        for point in points:
            run_wrk(caveat_port, point["path"], headers["caveat", point["name"]], 32, 1)
        run_wrk(floor_port, "/ping", {}, 32, 1)
    runs = []
    for connections in concurrencies:
        print(f"server: {connections} connection(s)…", file=sys.stderr)
        for repeat in range(repeats):
            for point in points:  # floor, Caveat and ceiling back to back: the same machine state
                result = run_wrk(floor_port, "/ping", {}, connections, duration)
                runs.append({"target": "floor", "endpoint": point["name"], "repeat": repeat, **result})
                for target, port in (("caveat", caveat_port), ("nginx", nginx_port)):
                    result = run_wrk(port, point["path"], headers[target, point["name"]], connections, duration)
                    runs.append({"target": target, "endpoint": point["name"], "repeat": repeat, **result})
    return answers, runs


def compare(runs, points, concurrencies) -> list[dict]:
    def find(target, endpoint, connections) -> dict:
        """The medians over the repeats of one figure."""
        mine = [r for r in runs if r["target"] == target and r["endpoint"] == endpoint
                and r["connections"] == connections]
        return {key: median(r[key] for r in mine) for key in ("rps", "p50_ms", "p99_ms")} | {
            "errors": sum(r["errors"] for r in mine)}

    rows = []
    for connections in concurrencies:
        for point in points:
            floor = find("floor", point["name"], connections)
            caveat, nginx = find("caveat", point["name"], connections), find("nginx", point["name"], connections)
            rows.append({
                "endpoint": point["name"], "connections": connections,
                "caveat_rps": caveat["rps"], "nginx_rps": nginx["rps"], "floor_rps": floor["rps"],
                "caveat_p50_ms": caveat["p50_ms"], "caveat_p99_ms": caveat["p99_ms"],
                "nginx_p50_ms": nginx["p50_ms"], "nginx_p99_ms": nginx["p99_ms"],
                "floor_p50_ms": floor["p50_ms"], "floor_p99_ms": floor["p99_ms"],
                "caveat_over_nginx_rps": ratio(caveat["rps"], nginx["rps"]),
                "caveat_over_floor_rps": ratio(caveat["rps"], floor["rps"]),
                "errors": caveat["errors"] + nginx["errors"],
            })
    return rows


def report(comparisons, answers, entries, settings) -> None:
    print(f"\nServer: caveat serve ({settings['workers']} workers x {settings['threads']} threads, "
          f"{settings['worker_class']}) on {entries:,} entries; wrk on loopback; medians of the repeats")
    table(["endpoint", "conns", "caveat rps", "p50 ms", "p99 ms", "nginx rps", "p50 ms", "p99 ms",
           "floor rps", "caveat/nginx", "caveat/floor", "errors"],
          [[r["endpoint"], r["connections"], r["caveat_rps"], r["caveat_p50_ms"], r["caveat_p99_ms"],
            r["nginx_rps"], r["nginx_p50_ms"], r["nginx_p99_ms"], r["floor_rps"],
            r["caveat_over_nginx_rps"], r["caveat_over_floor_rps"], r["errors"]] for r in comparisons])
    table(["target", "endpoint", "status", "body bytes", "encoding"],
          [[t, name, a["status"], a["body_bytes"], a["content_encoding"]]
           for t, per in answers.items() for name, a in per.items()], title="Answers checked before the load")


if __name__ == "__main__":
    sys.exit(main())
