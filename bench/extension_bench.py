"""Extension benchmark in Debian's Chromium (headless, Playwright persistent
contexts), each figure against a baseline in the same run:

1. page load (Navigation Timing loadEventEnd) of unlisted local pages with
   the built extension (curated-size list, and a 100,000-entry list) vs a
   profile without it: the same pages, loads interleaved, medians and ratios;
2. on a listed page whose server sends the body slowly (1.5 s between two
   parts), the time from the response's first byte (commit) to the banner's
   host element being in the page, vs that page's DOMContentLoaded;
3. the background service worker's JS heap (CDP Runtime.getHeapUsage after a
   GC) with 100,000 entries loaded vs with the small list, and how long the
   background takes to start (list stored, index built, banner registered),
   with the cost of registering content scripts with many match patterns
   and what those patterns add to every unlisted page load.

A 100,000-entry list is about 32 MB of JSON, over chrome.storage.local's
10 MB quota for an extension without the "unlimitedStorage" permission. The
big build is therefore measured twice: as build.py makes it, and with
"unlimitedStorage" added to the built manifest here (a copy in a temporary
folder; extension/ is not touched), which shows what the design costs once
the list can be stored.

    .venv/bin/python -m bench.extension_bench [--quick] [--out DIR] [--loads N] [--entries N]
"""

from __future__ import annotations

import contextlib
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.cdp import CdpSocket, devtools_port, targets
from bench.common import CHROMIUM, median, parser, ratio, table, write_results
from bench.synthetic import synthetic_entries
from testkit.chromium import chromium_args
from testkit.entries import LISTED, base_entries, list_document
from testkit.extension import run_build
from testkit.sites import SiteServer

# Where the banner's host element first appears, recorded by the page's main
# world from document start (performance.now() is relative to navigation start).
BANNER_PROBE = """
(() => {
  const seen = () => document.querySelector('[data-caveat-banner]');
  window.__caveatBench = { bannerAt: null, presentAtStart: false };
  if (seen()) { window.__caveatBench = { bannerAt: performance.now(), presentAtStart: true }; return; }
  const observer = new MutationObserver(() => {
    if (window.__caveatBench.bannerAt === null && seen()) {
      window.__caveatBench.bannerAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
})();
"""

NAV_TIMING = """async () => {
  let n = performance.getEntriesByType('navigation')[0];
  // loadEventEnd is set once the load handlers have run, which can be just after Playwright sees "load".
  for (let i = 0; i < 100 && !(n && n.loadEventEnd > 0); i++) {
    await new Promise((r) => setTimeout(r, 10));
    n = performance.getEntriesByType('navigation')[0];
  }
  return { responseStart: n.responseStart, domContentLoaded: n.domContentLoadedEventStart,
           loadEventEnd: n.loadEventEnd, bench: window.__caveatBench || null };
}"""

UNLISTED_PAGES = [f"http://shop{i}.unlisted-store.example/catalogue?page={i}" for i in range(8)]
SERVER_URL = "http://127.0.0.1:9"  # nothing listens: no sync happens during the benchmark anyway


class BenchChromium:
    """Chromium on its own profile, with or without the extension, and a DevTools port
    (for the service worker's heap). Reuses the end-to-end tests' launch flags."""

    def __init__(self, playwright, profile: Path, site_port: int, extension: Path | None):

        args = chromium_args(extension or profile, site_port)
        if extension is None:
            args = [a for a in args if not a.startswith(("--load-extension", "--disable-extensions-except"))]
        self.profile = profile
        self.launched = time.perf_counter()
        self.ctx = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True,
            args=[*args, "--remote-debugging-port=0"])
        self.ctx.set_default_timeout(60_000)
        self.page = self.ctx.pages[0] if self.ctx.pages else self.ctx.new_page()
        self.sw = None
        self.ext_id = ""
        if extension is not None:
            self.sw = self.ctx.service_workers[0] if self.ctx.service_workers else self.ctx.wait_for_event(
                "serviceworker", timeout=60_000)
            self.ext_id = self.sw.url.split("/")[2]

    def wait_ready(self) -> float:
        """Seconds from launch until the background reports start-up done (list stored, index built,
        banner registered)."""
        assert self.sw.evaluate("globalThis.caveatReady") is True, "the extension's background failed to start"
        return time.perf_counter() - self.launched

    def extension_state(self) -> dict:
        """What the background holds: entries in storage.local, banner match patterns registered."""
        return self.sw.evaluate("""(async () => {
          const { list } = await chrome.storage.local.get('list');
          const scripts = await chrome.scripting.getRegisteredContentScripts();
          return { stored_entries: list ? list.entries.length : 0,
                   registered_patterns: scripts.reduce((n, s) => n + (s.matches || []).length, 0) };
        })()""")

    def load(self, url: str) -> dict:
        self.page.goto(url, wait_until="load")
        return self.page.evaluate(NAV_TIMING)

    def worker_heap(self) -> dict:
        """JS heap of the extension's service worker after a forced GC."""
        self.sw.evaluate("globalThis.caveatReady")  # started and done loading its list
        prefix = f"chrome-extension://{self.ext_id}/"
        target = next(t for t in targets(devtools_port(self.profile))
                      if t.get("type") == "service_worker" and t.get("url", "").startswith(prefix))
        cdp = CdpSocket(target["webSocketDebuggerUrl"])
        try:
            cdp.send("HeapProfiler.collectGarbage")
            usage = cdp.send("Runtime.getHeapUsage")
        finally:
            cdp.close()
        return {"used_bytes": usage["usedSize"], "total_bytes": usage["totalSize"]}

    def register_probe(self, patterns: int, persist: bool) -> float:
        """Register a probe content script with ``patterns`` match patterns on hosts nobody visits
        (the call the background makes for the banner); returns the ms the call took."""
        return self.sw.evaluate("""async ([count, persist]) => {
          const matches = [];
          for (let i = 0; i < count; i++) matches.push(`*://*.probe${i}.example/*`);
          const start = performance.now();
          await chrome.scripting.registerContentScripts([{ id: 'caveat-bench-probe', js: ['content/util.js', 'content/guard.js', 'banner.js'], matches,
            runAt: 'document_start', persistAcrossSessions: persist }]);
          return performance.now() - start;
        }""", [patterns, persist])

    def unregister_probe(self) -> None:
        self.sw.evaluate("chrome.scripting.unregisterContentScripts({ ids: ['caveat-bench-probe'] })")

    def registration_ms(self, patterns: int, persist: bool) -> float:
        ms = self.register_probe(patterns, persist)
        self.unregister_probe()
        return ms

    def close(self) -> None:
        self.ctx.close()


def with_unlimited_storage(unpacked: Path, copy_to: Path) -> Path:
    """A copy of a built extension whose manifest also asks for "unlimitedStorage"."""
    shutil.copytree(unpacked, copy_to)
    manifest = json.loads((copy_to / "manifest.json").read_text(encoding="utf-8"))
    permissions = manifest.get("permissions", [])
    manifest["permissions"] = permissions if "unlimitedStorage" in permissions else [*permissions, "unlimitedStorage"]
    (copy_to / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return copy_to


def build_extensions(tmp: Path, big: int) -> tuple[Path, Path, int]:
    """The extension built by build.py twice: the end-to-end tests' small list, and ``big`` more entries."""

    big_entries = base_entries() + synthetic_entries(big)
    with contextlib.redirect_stdout(sys.stderr):  # build.py's summary is not part of the report
        small = run_build("chrome", tmp / "dist-small", list_document(base_entries()), SERVER_URL)
        large = run_build("chrome", tmp / "dist-big", list_document(big_entries), SERVER_URL)
    return small, large, len(big_entries)


def page_loads(browsers: dict[str, BenchChromium], loads: int) -> dict[str, list[dict]]:
    """Interleaved loads of the same unlisted pages in every browser (after 2 warm-up loads each)."""
    timings: dict[str, list[dict]] = {name: [] for name in browsers}
    for i in range(loads + 2):
        url = UNLISTED_PAGES[i % len(UNLISTED_PAGES)]
        for name, browser in browsers.items():
            timing = browser.load(url)
            if i >= 2:
                timings[name].append(timing)
    return timings


def banner_timings(browser: BenchChromium, loads: int) -> list[dict]:
    """Loads of a listed page sent in two parts; where the banner landed relative to DOMContentLoaded."""
    browser.page.add_init_script(BANNER_PROBE)
    results = []
    for i in range(loads):
        t = browser.load(f"http://www.{LISTED}/slow?run={i}")
        at = t["bench"]["bannerAt"] if t["bench"] else None
        results.append({
            "banner_after_response_ms": None if at is None else at - t["responseStart"],
            "dcl_after_response_ms": t["domContentLoaded"] - t["responseStart"],
            "banner_present_at_document_start": bool(t["bench"] and t["bench"]["presentAtStart"]),
        })
    return results


def pattern_sweep(none: BenchChromium, small: BenchChromium, sizes: list[int], loads: int) -> list[dict]:
    """Unlisted page loads with a probe script of N match patterns registered in the small profile, vs none:
    what each registered pattern costs every page (no list, no index: only the patterns)."""
    sweep = []
    for patterns in sizes:
        small.register_probe(patterns, False)
        summary = summarize_loads(page_loads({"none": none, "small": small}, loads))
        small.unregister_probe()
        sweep.append({"patterns": patterns, "loads": loads,
                      "load_median_ms": summary["small"]["load_median_ms"],
                      "none_load_median_ms": summary["none"]["load_median_ms"],
                      "ratio_over_none": ratio(summary["small"]["load_median_ms"], summary["none"]["load_median_ms"]),
                      "added_ms_per_1000_patterns": (summary["small"]["load_median_ms"]
                                                     - summary["none"]["load_median_ms"]) / patterns * 1000})
    return sweep


def summarize_loads(timings: dict[str, list[dict]]) -> dict:
    out = {}
    for name, runs in timings.items():
        loads = [r["loadEventEnd"] for r in runs]
        out[name] = {"loads": len(loads), "load_median_ms": median(loads),
                     "load_p90_ms": sorted(loads)[math.ceil(0.9 * len(loads)) - 1],  # nearest rank
                     "dcl_median_ms": median(r["domContentLoaded"] for r in runs),
                     "response_start_median_ms": median(r["responseStart"] for r in runs),
                     "load_stdev_ms": statistics.pstdev(loads)}
    return out


def summarize_banner(runs: list[dict]) -> dict:
    landed = [r for r in runs if r["banner_after_response_ms"] is not None]
    banner = median(r["banner_after_response_ms"] for r in landed) if landed else None
    dcl = median(r["dcl_after_response_ms"] for r in runs)
    return {"loads": len(runs), "banner_missed": len(runs) - len(landed),
            "banner_after_response_median_ms": banner,
            "banner_after_response_max_ms": max((r["banner_after_response_ms"] for r in landed), default=None),
            "dcl_after_response_median_ms": dcl,
            "ratio_banner_over_dcl": ratio(banner, dcl),
            "banner_present_at_document_start": sum(r["banner_present_at_document_start"] for r in runs)}


def main(argv=None) -> int:
    p = parser(__doc__.split("\n\n")[0])
    p.add_argument("--loads", type=int, help="timed page loads per profile (default 60; quick 2)")
    p.add_argument("--entries", type=int, help="synthetic entries in the big build (default 100000; quick 200)")
    args = p.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"extension_bench.py: Chromium is not installed at {CHROMIUM}", file=sys.stderr)
        return 1
    loads = args.loads or (2 if args.quick else 60)
    banner_loads = 1 if args.quick else 10
    big = args.entries if args.entries is not None else (200 if args.quick else 100_000)
    registration_sizes = [100] if args.quick else [10_000, 50_000]

    from playwright.sync_api import sync_playwright

    site = SiteServer().start()
    browsers: dict[str, BenchChromium] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="caveat-bench-ext-") as tmp_name, sync_playwright() as pw:
            tmp = Path(tmp_name)
            print("extension: building…", file=sys.stderr)
            small_ext, big_ext, big_total = build_extensions(tmp, big)
            unlimited_ext = with_unlimited_storage(big_ext, tmp / "big-unlimited")
            # One at a time, so each start-up time is its own (the big lists take minutes).
            ready_s = {}
            for name, ext in (("none", None), ("small", small_ext), ("big", big_ext), ("big_unlimited", unlimited_ext)):
                print(f"extension: starting Chromium, profile {name}…", file=sys.stderr)
                browsers[name] = BenchChromium(pw, tmp / f"profile-{name}", site.port, ext)
                if ext is not None:
                    ready_s[name] = browsers[name].wait_ready()
            state = {name: browsers[name].extension_state() for name in ("small", "big", "big_unlimited")}

            print(f"extension: {loads} page loads per profile…", file=sys.stderr)
            loads_summary = summarize_loads(page_loads(browsers, loads))
            print("extension: banner timing…", file=sys.stderr)
            banner = {name: summarize_banner(banner_timings(browsers[name], banner_loads))
                      for name in ("small", "big", "big_unlimited")}
            print("extension: service worker heap…", file=sys.stderr)
            heap = {name: browsers[name].worker_heap() for name in ("small", "big", "big_unlimited")}
            print("extension: content script registration cost…", file=sys.stderr)
            registration = [{"patterns": n, "persist_across_sessions": persist,
                             "ms": browsers["small"].registration_ms(n, persist)}
                            for n in registration_sizes for persist in (True, False)]
            print("extension: page loads with many match patterns registered…", file=sys.stderr)
            pattern_loads = pattern_sweep(browsers["none"], browsers["small"], registration_sizes, max(2, loads // 2))
            for browser in browsers.values():
                browser.close()
            browsers.clear()
    finally:
        for browser in browsers.values():
            browser.close()
        site.stop()

    small_entries = 3  # tests/e2e/entries.base_entries()
    none_ms = loads_summary["none"]["load_median_ms"]
    entries = {"small": small_entries, "big": big_total, "big_unlimited": big_total}
    result = {
        "chromium": str(CHROMIUM),
        "profiles": {
            "none": "no extension",
            "small": f"extension as built, {small_entries} entries",
            "big": f"extension as built, {big_total:,} entries",
            "big_unlimited": f"extension, {big_total:,} entries, manifest + unlimitedStorage (bench copy)",
        },
        "page_loads": loads_summary,
        "ratio_load_over_none": {name: ratio(loads_summary[name]["load_median_ms"], none_ms)
                                 for name in ("small", "big", "big_unlimited")},
        "banner": banner,
        "background_ready_s": ready_s,
        "background_state": {name: {**state[name], "list_entries": entries[name]} for name in state},
        "worker_heap": {name: {**heap[name], "list_entries": entries[name]} for name in heap},
        "worker_heap_bytes_per_entry": (heap["big_unlimited"]["used_bytes"] - heap["small"]["used_bytes"])
        / (big_total - small_entries),
        "ratio_heap_big_unlimited_over_small": ratio(heap["big_unlimited"]["used_bytes"], heap["small"]["used_bytes"]),
        "registration": registration,
        "pattern_sweep": pattern_loads,
    }
    report(result)
    write_results(args.out, "extension", result, args.quick)
    return 0


def report(r: dict) -> None:
    pl, names = r["page_loads"], r["profiles"]
    print("\nExtension in Chromium: unlisted pages, Navigation Timing (ms from navigation start), medians")
    table(["profile", "loads", "load ms", "p90 ms", "DCL ms", "ratio vs none"],
          [[names[n], pl[n]["loads"], pl[n]["load_median_ms"], pl[n]["load_p90_ms"], pl[n]["dcl_median_ms"],
            1.0 if n == "none" else r["ratio_load_over_none"][n]] for n in ("none", "small", "big", "big_unlimited")])
    print("\nBanner on a listed page whose body arrives in two parts 1.5 s apart (ms after the first response byte)")
    table(["profile", "loads", "missed", "banner ms", "banner max ms", "DCL ms", "banner/DCL"],
          [[names[n], b["loads"], b["banner_missed"], b["banner_after_response_median_ms"],
            b["banner_after_response_max_ms"], b["dcl_after_response_median_ms"], b["ratio_banner_over_dcl"]]
           for n, b in r["banner"].items()])
    print("\nBackground: start-up, what it holds, service worker JS heap after GC (CDP Runtime.getHeapUsage)")
    table(["profile", "ready s", "stored entries", "patterns", "heap bytes", "heap vs small"],
          [[names[n], r["background_ready_s"][n], r["background_state"][n]["stored_entries"],
            r["background_state"][n]["registered_patterns"], r["worker_heap"][n]["used_bytes"],
            ratio(r["worker_heap"][n]["used_bytes"], r["worker_heap"]["small"]["used_bytes"])]
           for n in ("small", "big", "big_unlimited")])
    print(f"heap per added entry (unlimitedStorage copy): {r['worker_heap_bytes_per_entry']:.0f} bytes")
    print("\nchrome.scripting.registerContentScripts, one script with N match patterns (in the small profile)")
    table(["patterns", "persistAcrossSessions", "ms"],
          [[g["patterns"], g["persist_across_sessions"], g["ms"]] for g in r["registration"]])
    print("\nUnlisted page loads with a probe script of N match patterns registered (3-entry profile) vs none")
    table(["patterns", "loads", "load ms", "none ms", "ratio", "added ms per 1,000 patterns"],
          [[g["patterns"], g["loads"], g["load_median_ms"], g["none_load_median_ms"], g["ratio_over_none"],
            g["added_ms_per_1000_patterns"]] for g in r["pattern_sweep"]])
    for n in ("big", "big_unlimited"):
        state = r["background_state"][n]
        if state["stored_entries"] < state["list_entries"]:
            print(f"NOTE: {names[n]}: the background stored {state['stored_entries']:,} of "
                  f"{state['list_entries']:,} entries (chrome.storage.local quota); no banner, no badge")


if __name__ == "__main__":
    sys.exit(main())
