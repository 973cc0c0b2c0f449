"""The Firefox package passes Mozilla's linter (web-ext lint, pinned in package.json).

addons.mozilla.org runs the same linter on upload; a warning here is a
rejection or a review delay there, so warnings count as failures too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import build
from build_fixture import sample_list, write_fixture_extension, write_json

ROOT = Path(__file__).resolve().parent.parent
REAL_EXTENSION = ROOT / "extension"


def _npx() -> str:
    npx = shutil.which("npx")
    if npx is None or not (ROOT / "node_modules" / ".bin" / "web-ext").exists():
        pytest.fail("web-ext is not installed: run `npm ci` (make test does)")
    return npx


def lint(command: list[str]) -> dict:
    result = subprocess.run([_npx(), "--no-install", *command, "--output=json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"linter printed no JSON report (exit {result.returncode}): {result.stderr[-2000:]}")
    return report


def findings(report: dict) -> list[str]:
    return [f"{kind[:-1]} {item.get('code')}: {item.get('file', '')} {item.get('message')}"
            for kind in ("errors", "warnings") for item in report.get(kind, [])]


def build_into(out: Path, *args: str) -> Path:
    assert build.main(["--out", str(out), "--browser", "firefox", *args]) == 0
    return out


def test_generated_firefox_manifest_lints_clean(tmp_path):
    """The build's own part (manifest, snapshot, config), on a minimal extension."""
    ext = write_fixture_extension(tmp_path / "ext")
    list_file = write_json(tmp_path / "list.json", sample_list())
    out = build_into(tmp_path / "out", "--source", str(ext), "--list", str(list_file))
    report = lint(["web-ext", "lint", "--source-dir", str(out / "firefox"), "--no-config-discovery"])
    assert findings(report) == []
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0
    assert report["metadata"]["id"] == build.GECKO_ID


def test_real_extension_firefox_package_lints_clean(tmp_path):
    if not (REAL_EXTENSION / "manifest.json").exists():
        pytest.fail("extension/manifest.json does not exist: nothing to package")
    out = build_into(tmp_path / "out")
    folder_report = lint(["web-ext", "lint", "--source-dir", str(out / "firefox"), "--no-config-discovery"])
    assert findings(folder_report) == []
    # The packed xpi too: what a store receives is the archive, not the folder.
    xpi = next(out.glob("caveat-firefox-*.xpi"))
    xpi_report = lint(["addons-linter", str(xpi)])
    assert findings(xpi_report) == []
    assert xpi_report["summary"]["errors"] == 0 and xpi_report["summary"]["warnings"] == 0
