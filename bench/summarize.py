"""Markdown tables of the figures in bench/results/*.json, for bench/README.md,
and the comparison that is furthest from its ceiling.

    .venv/bin/python -m bench.summarize [--results DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.common import RESULTS, _cell


def md(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def x(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}×" if value >= 100 else f"{value:.3g}×"


def load(results: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(results.glob("*.json"))}


def machine(docs: dict) -> str:
    m = next(iter(docs.values()))["machine"]
    dates = sorted(doc["machine"]["date"] for doc in docs.values())
    loads = ", ".join(f"{name} {doc['machine']['load_average_1m_at_start']}" for name, doc in docs.items()
                      if "load_average_1m_at_start" in doc["machine"])
    return (f"Machine: {m['cpu_model']}, {m['cores']} cores, {m['memory_mb']:,} MB, kernel {m['kernel']}, "
            f"{m['os']}; Python {m['python']}, node {m['node']}, {m['chromium']}, {m['nginx']}, "
            f"{(m['wrk'] or '').split(' Copyright')[0]}. Scripts finished between {dates[0]} and {dates[-1]}. "
            f"1-minute load average when each script started (other engineers' work shared the 2 cores): {loads}.")


def matcher(doc) -> str:
    return md(["entries", "caveat ns/lookup", "lookups/s", "Set.has ns (ceiling)", "caveat / Set.has",
               "linear ns (floor)", "linear / caveat", "parse ms", "index ms", "Set build ms",
               "heap B/entry (list)", "heap B/entry (index)"],
              [[s["entries"], s["caveat_ns_per_lookup"], s["caveat_lookups_per_s"], s["set_has_ns_per_lookup"],
                x(s["ratio_caveat_over_set_has"]), s["linear_ns_per_lookup"], x(s["ratio_linear_over_caveat"]),
                s["parse_ms"], s["build_index_ms"], s["set_build_ms"], s["heap_bytes_per_entry_list"],
                s["heap_bytes_per_entry_index"]] for s in doc["sizes"]])


def server(doc) -> str:
    return md(["endpoint", "conns", "caveat rps", "p50 ms", "p99 ms", "nginx rps", "p50 ms", "p99 ms",
               "floor rps", "caveat / nginx", "caveat / floor"],
              [[r["endpoint"], r["connections"], r["caveat_rps"], r["caveat_p50_ms"], r["caveat_p99_ms"],
                r["nginx_rps"], r["nginx_p50_ms"], r["nginx_p99_ms"], r["floor_rps"],
                x(r["caveat_over_nginx_rps"]), x(r["caveat_over_floor_rps"])] for r in doc["comparisons"]])


def extension(doc) -> str:
    names, pl = doc["profiles"], doc["page_loads"]
    loads = md(["profile", "loads", "load median ms", "p90 ms", "DCL median ms", "vs none"],
               [[names[n], pl[n]["loads"], pl[n]["load_median_ms"], pl[n]["load_p90_ms"], pl[n]["dcl_median_ms"],
                 "1" if n == "none" else x(doc["ratio_load_over_none"][n])] for n in names])
    banner = md(["profile", "loads", "missed", "banner ms after first byte", "max ms", "DCL ms", "banner / DCL"],
                [[names[n], b["loads"], b["banner_missed"], b["banner_after_response_median_ms"],
                  b["banner_after_response_max_ms"], b["dcl_after_response_median_ms"], x(b["ratio_banner_over_dcl"])]
                 for n, b in doc["banner"].items()])
    heap = md(["profile", "ready s", "stored entries", "patterns", "worker heap bytes", "vs small"],
              [[names[n], doc["background_ready_s"][n], doc["background_state"][n]["stored_entries"],
                doc["background_state"][n]["registered_patterns"], doc["worker_heap"][n]["used_bytes"],
                x(doc["worker_heap"][n]["used_bytes"] / doc["worker_heap"]["small"]["used_bytes"])]
               for n in doc["worker_heap"]])
    registration = md(["match patterns", "persistAcrossSessions", "registerContentScripts ms"],
                      [[g["patterns"], g["persist_across_sessions"], g["ms"]] for g in doc.get("registration", [])])
    sweep = md(["match patterns registered", "loads", "load median ms", "none ms", "vs none",
                "added ms per 1,000 patterns"],
               [[g["patterns"], g["loads"], g["load_median_ms"], g["none_load_median_ms"], x(g["ratio_over_none"]),
                 g["added_ms_per_1000_patterns"]] for g in doc.get("pattern_sweep", [])])
    return (f"{loads}\n\n{banner}\n\n{heap}\n\nHeap per added entry (unlimitedStorage copy): "
            f"{doc['worker_heap_bytes_per_entry']:.0f} bytes.\n\n{registration}\n\n{sweep}")


def transfer(doc) -> str:
    return md(["entries", "list raw body", "list gzip body", "gzip B/entry", "gzip / raw", "hostnames gzip -9",
               "list / hostnames", "delta (1 change), wire", "delta / list", "304, wire", "304 / list"],
              [[s["entries"], s["list_raw_body_bytes"], s["list_gzip_body_bytes"], s["list_gzip_bytes_per_entry"],
                x(s["ratio_gzip_over_raw"]), s["baseline_hostnames_gzip9_bytes"],
                x(s["ratio_list_gzip_over_hostnames_gzip"]), s["delta_gzip_request_total_bytes"],
                x(s["ratio_delta_over_list_gzip"]), s["not_modified_304_total_bytes"],
                x(s["ratio_304_over_list_gzip"])] for s in doc["sizes"]])


def build(doc) -> str:
    times = md(["what", "seconds", "ratio"],
               [["build.py --browser all, curated list (median of %d)" % doc["runs"], doc["build_all_median_s"],
                 x(doc["ratio_build_over_bare_zip"])],
                ["baseline: bare zipfile of extension/ ×2", doc["baseline_bare_zip_median_s"], "1"],
                [f"build.py, {doc['big_list_entries']:,}-entry list", doc["build_big_list_s"],
                 x(doc["ratio_big_over_default_build"]) + " of curated build"]])
    sizes = md(["package", "bytes", "files", "uncompressed", "data/list.json"],
               [[f"{v['file']} ({label})", v["bytes"], v["files"], v["uncompressed_bytes"], v["list_json_bytes"]]
                for label, group in (("curated", doc["packages"]),
                                     (f"{doc['big_list_entries']:,} entries", doc["big_list_packages"]))
                for v in group.values()])
    return f"{times}\n\n{sizes}"


def furthest_from_ceiling(docs) -> list[tuple[float, str]]:
    """Every figure that has a ceiling in the same run, as (how many times short of it, what)."""
    gaps = []
    for s in docs.get("matcher", {}).get("sizes", []):
        gaps.append((s["ratio_caveat_over_set_has"], f"matcher at {s['entries']:,} entries: ns per lookup vs Set.has"))
    for r in docs.get("server", {}).get("comparisons", []):
        gaps.append((1 / r["caveat_over_nginx_rps"],
                     f"server {r['endpoint']} at {r['connections']} connection(s): requests/s vs nginx"))
    for s in docs.get("transfer", {}).get("sizes", []):
        gaps.append((s["ratio_list_gzip_over_hostnames_gzip"],
                     f"list gzip bytes at {s['entries']:,} entries vs the bare hostnames gzip -9"))
    if "build" in docs:
        gaps.append((docs["build"]["ratio_build_over_bare_zip"], "build.py wall time vs a bare zip"))
    ext = docs.get("extension")
    if ext:
        for n, v in ext["ratio_load_over_none"].items():
            gaps.append((v, f"page load median with the extension ({n}) vs none"))
    return sorted(gaps, reverse=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--results", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    docs = load(args.results)
    print(machine(docs) + "\n")
    titles = {"matcher": "1. Matcher", "server": "2. Server", "extension": "3. Extension in Chromium",
              "transfer": "4. List transfer", "build": "5. Build"}
    for name, render in (("matcher", matcher), ("server", server), ("extension", extension),
                         ("transfer", transfer), ("build", build)):
        if name in docs:
            print(f"### {titles[name]}\n\n{render(docs[name])}\n")
    print("### Furthest from the ceiling\n")
    for gap, what in furthest_from_ceiling(docs)[:5]:
        print(f"- {gap:.3g}× short: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
