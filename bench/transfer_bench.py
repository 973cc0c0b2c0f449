"""List transfer benchmark: bytes on the wire from `caveat serve` for the
whole list (raw and gzip), a delta after one change, and a 304 revalidation,
at 1,000 / 10,000 / 100,000 synthetic entries. Baseline in the same run: the
entry domains alone as a newline list, gzip -9 (what a bare hostname list
costs, the measure used for real blocklists in the reference).

    .venv/bin/python -m bench.transfer_bench [--quick] [--out DIR] [--sizes 1000,10000]
"""

from __future__ import annotations

import gzip
import socket
import sys
import tempfile
from pathlib import Path

from bench.common import parser, ratio, table, write_results
from bench.database import open_storage, prepare_database
from bench.services import caveat_service
from server import maintenance
from testkit.ports import free_port


def wire_get(port: int, path: str, headers: dict | None = None) -> dict:
    """One GET over a raw socket: status and the exact header and body bytes received."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        fields[name.strip().lower()] = value.strip()
    return {"status": int(head.split()[1]), "header_bytes": len(head) + 4, "body_bytes": len(body),
            "total_bytes": len(data), "etag": fields.get("etag"), "content_encoding": fields.get("content-encoding"),
            "body": body}


def measure_size(tmp: Path, count: int) -> dict:
    url, entries = prepare_database(tmp / f"caveat-{count}.db", count, curated=False)
    gzip_accept = {"Accept-Encoding": "gzip"}
    with caveat_service(url, free_port(), tmp / f"caveat-{count}.log") as caveat:
        raw = wire_get(caveat.port, "/api/v1/list")
        packed = wire_get(caveat.port, "/api/v1/list", gzip_accept)
        not_modified = wire_get(caveat.port, "/api/v1/list", {**gzip_accept, "If-None-Match": packed["etag"]})
        assert (raw["status"], packed["status"], not_modified["status"]) == (200, 200, 304)
        assert packed["content_encoding"] == "gzip" and gzip.decompress(packed["body"]) == raw["body"]

        # One maintainer change: a summary edited. The client asks for what changed since its version.
        storage = open_storage(url)
        before = storage.version()
        changed = dict(entries[0], summary=entries[0]["summary"] + " Now also sold under a new name.")
        maintenance.put(storage, changed, actor="bench")
        storage.dispose()
        delta = wire_get(caveat.port, f"/api/v1/changes?since={before}")
        delta_gzip = wire_get(caveat.port, f"/api/v1/changes?since={before}", gzip_accept)
        assert delta["status"] == 200 and delta_gzip["status"] == 200

    domains = "\n".join(sorted(e["domain"] for e in entries)).encode()
    hostnames_gzip = len(gzip.compress(domains, compresslevel=9, mtime=0))
    delta_body_gzip9 = len(gzip.compress(delta["body"], compresslevel=9, mtime=0))
    return {
        "entries": count,
        "list_raw_body_bytes": raw["body_bytes"],
        "list_raw_total_bytes": raw["total_bytes"],
        "list_gzip_body_bytes": packed["body_bytes"],
        "list_gzip_total_bytes": packed["total_bytes"],
        "list_gzip_bytes_per_entry": packed["body_bytes"] / count,
        "list_raw_bytes_per_entry": raw["body_bytes"] / count,
        "delta_one_change_total_bytes": delta["total_bytes"],
        "delta_one_change_body_bytes": delta["body_bytes"],
        "delta_served_gzip": delta_gzip["content_encoding"] == "gzip",
        "delta_gzip_request_total_bytes": delta_gzip["total_bytes"],
        "delta_body_if_gzip9_bytes": delta_body_gzip9,
        "not_modified_304_total_bytes": not_modified["total_bytes"],
        "not_modified_304_header_bytes": not_modified["header_bytes"],
        "not_modified_304_body_bytes": not_modified["body_bytes"],
        "baseline_hostnames_raw_bytes": len(domains),
        "baseline_hostnames_gzip9_bytes": hostnames_gzip,
        "baseline_hostnames_gzip9_bytes_per_entry": hostnames_gzip / count,
        "ratio_gzip_over_raw": ratio(packed["body_bytes"], raw["body_bytes"]),
        "ratio_list_gzip_over_hostnames_gzip": ratio(packed["body_bytes"], hostnames_gzip),
        "ratio_delta_over_list_gzip": ratio(delta_gzip["total_bytes"], packed["total_bytes"]),
        "ratio_304_over_list_gzip": ratio(not_modified["total_bytes"], packed["total_bytes"]),
    }


def main(argv=None) -> int:
    p = parser(__doc__.split("\n\n")[0])
    p.add_argument("--sizes", help="comma-separated entry counts (default 1000,10000,100000; quick 20)")
    args = p.parse_args(argv)
    sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
             else [20] if args.quick else [1000, 10_000, 100_000])
    results = []
    with tempfile.TemporaryDirectory(prefix="caveat-bench-transfer-") as tmp:
        for count in sizes:
            print(f"transfer: {count:,} entries…", file=sys.stderr)
            results.append(measure_size(Path(tmp), count))
    print("\nList transfer from caveat serve (bytes on the wire: status line + headers + body)")
    table(["entries", "raw body", "gzip body", "gzip B/entry", "gzip/raw", "hostnames gzip", "list/hostnames",
           "delta (1 change)", "delta/list", "304", "304/list"],
          [[r["entries"], r["list_raw_body_bytes"], r["list_gzip_body_bytes"], r["list_gzip_bytes_per_entry"],
            r["ratio_gzip_over_raw"], r["baseline_hostnames_gzip9_bytes"], r["ratio_list_gzip_over_hostnames_gzip"],
            r["delta_gzip_request_total_bytes"], r["ratio_delta_over_list_gzip"],
            r["not_modified_304_total_bytes"], r["ratio_304_over_list_gzip"]] for r in results])
    served = results[0]["delta_served_gzip"]
    print(f"delta asked with Accept-Encoding: gzip is {'gzip' if served else 'not compressed'} by the server; "
          f"gzip -9 would make its body {results[0]['delta_body_if_gzip9_bytes']:,} bytes")
    write_results(args.out, "transfer", {"server": "caveat serve (gunicorn), loopback", "sizes": results}, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
