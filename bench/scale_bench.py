"""How the banner's designs scale with the list, in Debian's Chromium: unlisted
page loads at 1,000, 10,000 and 50,000 entries for each design, against two
profiles without the extension (an A/A control in the same run), the banner's
time on a listed page against DOMContentLoaded, and the service worker's heap.

Designs (extension/background/registration.js PATTERN_LIMIT, rewritten in a
copy of the build for each):

- ``patterns``: one or two match patterns per entry, registered
  (``registerContentScripts``, document_start): PATTERN_LIMIT = infinity;
- ``commit``: nothing registered; the background injects the banner into a
  listed page from ``webNavigation.onCommitted`` with
  ``executeScript({injectImmediately: true})``: PATTERN_LIMIT = 0;
- the build as shipped is the hybrid: patterns up to PATTERN_LIMIT patterns,
  commit above, so its figures are the ``patterns`` rows below the limit and
  the ``commit`` rows above it.

Ratios are medians over the first no-extension profile's median, with a 95%
percentile-bootstrap interval (2,000 resamples of both profiles' loads).

    .venv/bin/python -m bench.scale_bench [--quick] [--out DIR] [--loads N] [--sizes 1000,10000,50000]
                                          [--designs patterns,commit] [--banner-loads N]
"""

from __future__ import annotations

import contextlib
import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

from bench.common import CHROMIUM, median, parser, ratio, table, write_results
from bench.extension_bench import SERVER_URL, UNLISTED_PAGES, BenchChromium, banner_timings, summarize_banner
from bench.synthetic import synthetic_entries
from testkit.entries import base_entries, list_document
from testkit.extension import run_build
from testkit.sites import SiteServer

DESIGNS = {"patterns": "Infinity", "commit": "0"}
LIMIT_LINE = re.compile(r"^export const PATTERN_LIMIT = .*;$", re.M)


def with_pattern_limit(unpacked: Path, limit: str, copy_to: Path) -> Path:
    """A copy of a built extension whose registration.js has PATTERN_LIMIT = ``limit``."""
    shutil.copytree(unpacked, copy_to)
    path = copy_to / "background" / "registration.js"
    source, n = LIMIT_LINE.subn(f"export const PATTERN_LIMIT = {limit};", path.read_text(encoding="utf-8"))
    assert n == 1, "registration.js has no PATTERN_LIMIT line to rewrite"
    path.write_text(source, encoding="utf-8")
    return copy_to


def interval(a: list[float], b: list[float], rng: random.Random, n: int = 2000) -> tuple[float, float]:
    """95% percentile-bootstrap interval of median(a) / median(b)."""
    ratios = sorted(median(rng.choices(a, k=len(a))) / median(rng.choices(b, k=len(b))) for _ in range(n))
    return ratios[int(0.025 * n)], ratios[int(0.975 * n) - 1]


def interleaved_loads(browsers: dict[str, BenchChromium], loads: int, rng: random.Random) -> dict[str, list[float]]:
    """loadEventEnd of the same unlisted pages in every profile, in a new random order each round."""
    out: dict[str, list[float]] = {name: [] for name in browsers}
    names = list(browsers)
    for i in range(loads + 2):
        rng.shuffle(names)
        url = UNLISTED_PAGES[i % len(UNLISTED_PAGES)]
        for name in names:
            timing = browsers[name].load(url)
            if i >= 2:
                out[name].append(timing["loadEventEnd"])
    return out


def close_all(browsers: dict[str, BenchChromium]) -> None:
    while browsers:
        browsers.popitem()[1].close()


def main(argv=None) -> int:
    p = parser(__doc__.split("\n\n")[0])
    p.add_argument("--loads", type=int, help="timed loads per profile (default 60; quick 2)")
    p.add_argument("--sizes", help="list sizes, comma-separated (default 1000,10000,50000; quick 50,200)")
    p.add_argument("--banner-loads", type=int, help="listed-page loads per profile (default 10; quick 1)")
    p.add_argument("--designs", default=",".join(DESIGNS), help="designs to measure (default: patterns,commit)")
    args = p.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"scale_bench.py: Chromium is not installed at {CHROMIUM}", file=sys.stderr)
        return 1
    loads = args.loads or (2 if args.quick else 60)
    banner_loads = args.banner_loads or (1 if args.quick else 10)
    sizes = [int(s) for s in (args.sizes or ("50,200" if args.quick else "1000,10000,50000")).split(",")]
    designs = {d: DESIGNS[d] for d in args.designs.split(",")}
    rng = random.Random(15)

    from playwright.sync_api import sync_playwright

    site = SiteServer().start()
    browsers: dict[str, BenchChromium] = {}
    ready_s, state, heap, banner = {}, {}, {}, {}
    try:
        with tempfile.TemporaryDirectory(prefix="caveat-bench-scale-") as tmp_name, sync_playwright() as pw:
            tmp = Path(tmp_name)
            builds = {}
            for size in sizes:
                print(f"scale: building with {size:,} entries…", file=sys.stderr)
                doc = list_document(base_entries() + synthetic_entries(size - len(base_entries())))
                with contextlib.redirect_stdout(sys.stderr):
                    built = run_build("chrome", tmp / f"dist-{size}", doc, SERVER_URL)
                for design, limit in designs.items():
                    builds[f"{design}-{size}"] = with_pattern_limit(built, limit, tmp / f"{design}-{size}")
            for name in ("none-a", "none-b"):
                browsers[name] = BenchChromium(pw, tmp / f"profile-{name}", site.port, None)
            for name, ext in builds.items():
                print(f"scale: starting Chromium, profile {name}…", file=sys.stderr)
                browsers[name] = BenchChromium(pw, tmp / f"profile-{name}", site.port, ext)
                ready_s[name] = browsers[name].wait_ready()
                state[name] = browsers[name].extension_state()
            print(f"scale: {loads} interleaved loads per profile ({len(browsers)} profiles)…", file=sys.stderr)
            timings = interleaved_loads(browsers, loads, rng)
            for name in builds:
                print(f"scale: banner timing and heap, {name}…", file=sys.stderr)
                banner[name] = summarize_banner(banner_timings(browsers[name], banner_loads))
                heap[name] = browsers[name].worker_heap()["used_bytes"]
            close_all(browsers)
    finally:
        close_all(browsers)
        site.stop()

    base = timings["none-a"]
    rows = []
    for name in ["none-b", *builds]:
        low, high = interval(timings[name], base, rng)
        design, _, size = name.partition("-")
        rows.append({"profile": name, "design": design, "entries": int(size) if size.isdigit() else 0,
                     "loads": len(timings[name]), "load_median_ms": median(timings[name]),
                     "ratio_over_none": ratio(median(timings[name]), median(base)),
                     "ratio_interval_95": [low, high],
                     "ready_s": ready_s.get(name), **(state.get(name) or {}),
                     "worker_heap_bytes": heap.get(name), "banner": banner.get(name)})
    smallest = min(sizes)
    per_entry = {f"{d}-{s}": (heap[f"{d}-{s}"] - heap[f"{d}-{smallest}"]) / (s - smallest)
                 for d in designs for s in sizes if s != smallest}
    result = {"chromium": str(CHROMIUM), "sizes": sizes, "none_a_load_median_ms": median(base),
              "none_a_loads": len(base), "rows": rows, "worker_heap_bytes_per_entry": per_entry}
    report(result)
    write_results(args.out, "scale", result, args.quick)
    return 0


def report(r: dict) -> None:
    print(f"\nUnlisted page loads (loadEventEnd ms, medians), vs the first no-extension profile "
          f"({r['none_a_load_median_ms']:.1f} ms, {r['none_a_loads']} loads)")
    table(["profile", "entries", "loads", "load ms", "vs none", "95% interval", "ready s", "stored", "patterns"],
          [[x["profile"], x["entries"], x["loads"], x["load_median_ms"], x["ratio_over_none"],
            "{:.3f}–{:.3f}".format(*x["ratio_interval_95"]), x["ready_s"], x.get("stored_entries"),
            x.get("registered_patterns")] for x in r["rows"]])
    print("\nBanner on a listed page sent in two parts 1.5 s apart (ms after the first response byte)")
    table(["profile", "loads", "missed", "banner ms", "max ms", "DCL ms", "banner/DCL", "worker heap bytes"],
          [[x["profile"], x["banner"]["loads"], x["banner"]["banner_missed"],
            x["banner"]["banner_after_response_median_ms"], x["banner"]["banner_after_response_max_ms"],
            x["banner"]["dcl_after_response_median_ms"], x["banner"]["ratio_banner_over_dcl"],
            x["worker_heap_bytes"]] for x in r["rows"] if x["banner"]])
    print("\nworker heap per added entry: " + ", ".join(f"{k}: {v:.0f} B" for k, v in r["worker_heap_bytes_per_entry"].items()))


if __name__ == "__main__":
    sys.exit(main())
