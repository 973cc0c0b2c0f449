"""Build benchmark: `python build.py` wall time for both packages (several
runs, median) and the package sizes, against a baseline in the same run:
zipping the extension folder twice with Python's zipfile in a fresh
interpreter (the least any packaging step costs). Also one build with a
100,000-entry list, the size the extension benchmark loads.

    .venv/bin/python -m bench.build_bench [--quick] [--out DIR] [--runs N]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench.common import ROOT, median, parser, python, ratio, table, write_results
from bench.synthetic import synthetic_entries
from testkit.entries import list_document

BARE_ZIP = """
import pathlib, sys, zipfile
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for name in ("chrome.zip", "firefox.xpi"):
    with zipfile.ZipFile(out / name, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(src.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(src).as_posix())
"""


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed


def build_argv(out: Path, list_file: Path | None = None) -> list[str]:
    argv = [python(), str(ROOT / "build.py"), "--browser", "all", "--out", str(out)]
    return argv + (["--list", str(list_file)] if list_file else [])


def package_sizes(out: Path) -> dict:
    packages = {}
    for archive in sorted([*out.glob("*.zip"), *out.glob("*.xpi")]):
        browser = "chrome" if archive.suffix == ".zip" else "firefox"
        with zipfile.ZipFile(archive) as z:
            infos = z.infolist()
        unpacked = out / browser
        packages[browser] = {
            "file": archive.name,
            "bytes": archive.stat().st_size,
            "files": len(infos),
            "uncompressed_bytes": sum(i.file_size for i in infos),
            "list_json_bytes": (unpacked / "data" / "list.json").stat().st_size,
        }
    return packages


def main(argv=None) -> int:
    p = parser(__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, help="timed builds (default 5; quick 1)")
    args = p.parse_args(argv)
    runs = args.runs or (1 if args.quick else 5)
    big = 200 if args.quick else 100_000
    with tempfile.TemporaryDirectory(prefix="caveat-bench-build-") as tmp_name:
        tmp = Path(tmp_name)
        build_s, zip_s = [], []
        for i in range(runs):  # alternate, so both see the same machine state
            out = tmp / f"build-{i}"
            build_s.append(timed(build_argv(out)))
            bare = tmp / f"bare-{i}"
            bare.mkdir()
            zip_s.append(timed([python(), "-c", BARE_ZIP, str(ROOT / "extension"), str(bare)]))
        packages = package_sizes(tmp / "build-0")
        bare_bytes = sum(f.stat().st_size for f in (tmp / "bare-0").iterdir())

        list_file = tmp / "big-list.json"
        list_file.write_text(json.dumps(list_document(synthetic_entries(big))), encoding="utf-8")
        big_s = timed(build_argv(tmp / "big", list_file))
        big_packages = package_sizes(tmp / "big")

    result = {
        "runs": runs,
        "build_all_median_s": median(build_s),
        "build_all_runs_s": build_s,
        "baseline_bare_zip_median_s": median(zip_s),
        "baseline_bare_zip_runs_s": zip_s,
        "ratio_build_over_bare_zip": ratio(median(build_s), median(zip_s)),
        "packages": packages,
        "baseline_bare_zip_bytes_both": bare_bytes,
        "big_list_entries": big,
        "build_big_list_s": big_s,
        "big_list_packages": big_packages,
        "ratio_big_over_default_build": ratio(big_s, median(build_s)),
    }
    print(f"\nBuild: build.py --browser all (median of {runs}) vs zipping extension/ twice in a fresh Python")
    table(["what", "seconds", "ratio"],
          [["build.py, curated list", result["build_all_median_s"], result["ratio_build_over_bare_zip"]],
           ["bare zipfile baseline", result["baseline_bare_zip_median_s"], 1.0],
           [f"build.py, {big:,}-entry list", big_s, result["ratio_big_over_default_build"]]])
    table(["package", "file", "bytes", "files", "uncompressed", "data/list.json"],
          [[f"{b} ({label})", v["file"], v["bytes"], v["files"], v["uncompressed_bytes"], v["list_json_bytes"]]
           for label, group in (("curated", packages), (f"{big:,} entries", big_packages))
           for b, v in group.items()])
    write_results(args.out, "build", result, args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
