"""Shared plumbing for the benchmark scripts: command line, machine facts,
tables, result files. No measurement logic lives here."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from testkit.chromium import CHROMIUM  # noqa: F401  (the benchmarks' browser, in their machine facts)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
# Other work on a shared machine moves every figure: the load when a script
# started (this module is imported first) is kept with its figures.
LOAD_AT_START = round(os.getloadavg()[0], 2)


def parser(description: str) -> argparse.ArgumentParser:
    """The options every benchmark takes: --quick for the smoke test, --out for the result folder."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true",
                   help="tiny sizes and 1-second runs: checks the script works, the figures mean nothing")
    p.add_argument("--out", type=Path, default=RESULTS, help=f"folder for the JSON result (default: {RESULTS})")
    return p


def _version(cmd: list[str]) -> str | None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0].strip() if text else None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict:
    """What the figures came from: CPU, cores, kernel, tool versions, date (UTC)."""
    try:
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    return {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "memory_mb": mem_kb // 1024,
        "kernel": platform.release(),
        "os": _version(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "python": platform.python_version(),
        "node": _version(["node", "--version"]),
        "chromium": _version([str(CHROMIUM), "--version"]) if CHROMIUM.exists() else None,
        "nginx": _version(["nginx", "-v"]) if shutil.which("nginx") else None,
        "wrk": _version(["wrk", "--version"]) if shutil.which("wrk") else None,
        "load_average_1m_at_start": LOAD_AT_START,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_results(out: Path, name: str, data: dict, quick: bool) -> Path:
    """Write bench/results/<name>.json (or into ``out``) with the machine facts first."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    document = {"benchmark": name, "quick": quick, "machine": machine_info(), **data}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")
    return path


def table(headers: list[str], rows: list[list], title: str | None = None) -> None:
    """Print a plain aligned table (numbers right-aligned)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    if title:
        print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for row, raw in zip(cells, rows):
        print("  ".join(c.rjust(w) if isinstance(v, (int, float)) else c.ljust(w)
                        for c, w, v in zip(row, widths, raw)))


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3g}"
    return str(value)


def median(values) -> float:
    return float(statistics.median(values))


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def python() -> str:
    """The project's interpreter (the venv), or this one."""
    return str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable


if __name__ == "__main__":  # node's matcher bench reads the machine facts from here
    print(json.dumps(machine_info()))
