"""Smoke run of every benchmark script (bench/) with tiny sizes (--quick), so
they cannot rot: each must exit 0 and write its JSON with the expected keys,
positive figures and the correctness checks it makes along the way. Figures
are never compared with times or with each other: a --quick run means
nothing, and this machine is shared.

The six scripts run at once, into a temporary folder (never bench/results).
They need node, Chromium, nginx and wrk (Debian packages) like the full run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = {
    "matcher": ["node", "bench/matcher_bench.js"],
    "server": [sys.executable, "-m", "bench.server_bench"],
    "request_cost": [sys.executable, "-m", "bench.request_cost"],
    "transfer": [sys.executable, "-m", "bench.transfer_bench"],
    "build": [sys.executable, "-m", "bench.build_bench"],
    "extension": [sys.executable, "-m", "bench.extension_bench"],
    "console": [sys.executable, "-m", "bench.console_bench"],
}
MACHINE_KEYS = {"cpu_model", "cores", "kernel", "python", "node", "chromium", "date"}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    missing = [tool for tool in ("node", "nginx", "wrk") if shutil.which(tool) is None]
    assert not missing, f"the benchmarks need {', '.join(missing)} (Debian packages nodejs, nginx, wrk)"
    out = tmp_path_factory.mktemp("bench-results")
    committed = {p: p.stat().st_mtime_ns for p in (ROOT / "bench" / "results").glob("*.json")}
    procs = {name: subprocess.Popen([*argv, "--quick", "--out", str(out)], cwd=ROOT, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for name, argv in SCRIPTS.items()}
    outputs = {name: proc.communicate(timeout=240)[0] for name, proc in procs.items()}
    failed = {name: outputs[name][-3000:] for name, proc in procs.items() if proc.returncode != 0}
    assert not failed, "benchmark scripts failed:\n" + "\n\n".join(f"== {n}\n{o}" for n, o in failed.items())
    loaded = {name: json.loads((out / f"{name}.json").read_text()) for name in SCRIPTS}
    assert {p: p.stat().st_mtime_ns for p in committed} == committed, "a --quick run overwrote bench/results"
    return loaded


def positive(document: dict, *keys: str) -> None:
    for key in keys:
        value = document[key]
        assert isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0, f"{key}={value!r}"


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_result_names_its_machine_and_is_marked_quick(results, name):
    doc = results[name]
    assert doc["benchmark"] == name and doc["quick"] is True
    assert MACHINE_KEYS <= set(doc["machine"]), doc["machine"]
    assert doc["machine"]["cores"] >= 1


def test_matcher_measures_index_against_scan_and_set(results):
    sizes = results["matcher"]["sizes"]
    assert [s["entries"] for s in sizes] == sorted(s["entries"] for s in sizes) and len(sizes) == 2
    for s in sizes:
        positive(s, "caveat_ns_per_lookup", "caveat_lookups_per_s", "set_has_ns_per_lookup",
                 "label_walk_set_ns_per_lookup", "linear_ns_per_lookup", "parse_ms", "build_index_ms",
                 "set_build_ms", "heap_bytes_per_entry_list", "heap_bytes_per_entry_index",
                 "ratio_caveat_over_set_has", "ratio_linear_over_caveat", "linear_sample_lookups")
        assert s["linear_disagreements"] == 0, "the naive scan and the index must find the same entries"
        assert 0.45 <= s["listed_share"] <= 0.55, "half the lookup hosts must be listed"


def test_server_compares_every_endpoint_with_nginx_and_the_floor(results):
    doc = results["server"]
    endpoints = {"lookup listed", "lookup unlisted", "list 200 gzip", "list 304", "healthz"}
    assert {r["endpoint"] for r in doc["comparisons"]} == endpoints
    for row in doc["comparisons"]:
        positive(row, "caveat_rps", "nginx_rps", "floor_rps", "caveat_p50_ms", "caveat_p99_ms", "nginx_p50_ms",
                 "caveat_over_nginx_rps", "caveat_over_floor_rps")
        assert row["errors"] == 0, row
    for target in ("caveat", "nginx"):
        answers = doc["answers"][target]
        assert answers["list 304"]["status"] == 304 and answers["list 304"]["body_bytes"] == 0
        assert answers["list 200 gzip"]["content_encoding"] == "gzip"
    # The static export holds the very bytes caveat serve sends.
    assert doc["answers"]["caveat"]["list 200 gzip"]["body_bytes"] == doc["answers"]["nginx"]["list 200 gzip"]["body_bytes"]
    assert doc["gunicorn"]["workers"] >= 1 and doc["gunicorn"]["threads"] >= 1


def test_transfer_counts_list_delta_and_304_bytes(results):
    (size,) = results["transfer"]["sizes"]
    positive(size, "list_raw_body_bytes", "list_gzip_body_bytes", "delta_one_change_total_bytes",
             "not_modified_304_total_bytes", "baseline_hostnames_gzip9_bytes", "ratio_gzip_over_raw")
    assert size["list_gzip_body_bytes"] < size["list_raw_body_bytes"]
    assert size["not_modified_304_body_bytes"] == 0
    assert size["not_modified_304_total_bytes"] == size["not_modified_304_header_bytes"]


def test_build_times_both_packages_and_measures_them(results):
    doc = results["build"]
    positive(doc, "build_all_median_s", "baseline_bare_zip_median_s", "ratio_build_over_bare_zip", "build_big_list_s")
    for group in ("packages", "big_list_packages"):
        assert set(doc[group]) == {"chrome", "firefox"}
        for package in doc[group].values():
            positive(package, "bytes", "files", "uncompressed_bytes", "list_json_bytes")
    assert doc["big_list_packages"]["chrome"]["list_json_bytes"] > doc["packages"]["chrome"]["list_json_bytes"]


def test_extension_measures_loads_banner_and_worker_heap(results):
    doc = results["extension"]
    for profile in ("none", "small", "big", "big_unlimited"):
        positive(doc["page_loads"][profile], "loads", "load_median_ms", "dcl_median_ms")
    for profile in ("small", "big", "big_unlimited"):
        positive(doc["ratio_load_over_none"], profile)
        positive(doc["background_ready_s"], profile)
        positive(doc["worker_heap"][profile], "used_bytes", "list_entries")
        # A --quick list is small enough for storage.local: every profile holds it and shows the banner.
        state = doc["background_state"][profile]
        assert state["stored_entries"] == state["list_entries"], state
        assert state["registered_patterns"] >= state["list_entries"], state
        banner = doc["banner"][profile]
        assert banner["banner_missed"] == 0, f"{profile}: the banner never appeared on the listed page"
        positive(banner, "banner_after_response_median_ms", "dcl_after_response_median_ms")
    positive(doc, "ratio_heap_big_unlimited_over_small")
    assert {(g["patterns"], g["persist_across_sessions"]) for g in doc["registration"]} == {(100, True), (100, False)}
    for g in doc["registration"]:
        positive(g, "ms")
    assert [g["patterns"] for g in doc["pattern_sweep"]] == [100]
    positive(doc["pattern_sweep"][0], "load_median_ms", "none_load_median_ms", "ratio_over_none")


def test_console_bench_times_each_request_of_the_entries_page(results):
    doc = results["console"]
    assert doc["entries"] > 0 and doc["repeat"] > 0
    assert set(doc["requests"]) == {"first page", "page 1000", "search by domain", "search by text", "status filter"}
    for figures in doc["requests"].values():
        positive(figures, "median_ms", "max_ms")
        assert figures["median_ms"] <= figures["max_ms"]


def test_request_cost_times_each_public_read_against_the_floor(results):
    doc = results["request_cost"]
    assert [row["endpoint"] for row in doc["rows"]] == ["lookup listed", "lookup unlisted", "list 304"]
    for row in doc["rows"]:
        positive(row, "caveat_us", "floor_us", "floor_over_caveat")
