"""The Firefox package passes Mozilla's linter (web-ext lint, pinned in package.json).

addons.mozilla.org runs the same linter on upload; a warning here is a
rejection or a review delay there, so warnings count as failures too.

build.py checks only what its contract names (a missing file, a bad manifest,
a locale missing a key, an invalid list). Manifest shapes are the linter's
job, and the scripts pages and modules load are checked here on the built
package: the broken fixtures below show each of those is still caught.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import build
from buildext.manifests import GECKO_ID
from build_fixture import sample_list, write_fixture_extension, write_json

ROOT = Path(__file__).resolve().parent.parent
REAL_EXTENSION = ROOT / "extension"


def _npx() -> str:
    npx = shutil.which("npx")
    if npx is None or not (ROOT / "node_modules" / ".bin" / "web-ext").exists():
        pytest.fail("web-ext is not installed: run `npm ci` (make test does)")
    return npx


def run_linter(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([_npx(), "--no-install", *command, "--output=json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def lint(command: list[str]) -> dict:
    result = run_linter(command)
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
    assert report["metadata"]["id"] == GECKO_ID


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


def edit_manifest(ext: Path, change) -> None:
    manifest = json.loads((ext / "manifest.json").read_text())
    change(manifest)
    write_json(ext / "manifest.json", manifest)


def build_fixture(tmp_path: Path, damage) -> Path:
    """The fixture extension broken one way, built (build.py leaves this to the linters); its firefox/ folder."""
    ext = write_fixture_extension(tmp_path / "ext")
    damage(ext)
    list_file = write_json(tmp_path / "list.json", sample_list())
    return build_into(tmp_path / "out", "--source", str(ext), "--list", str(list_file)) / "firefox"


def test_web_accessible_resources_item_not_an_object_fails_the_linter(tmp_path):
    folder = build_fixture(tmp_path, lambda ext: edit_manifest(
        ext, lambda m: m.update(web_accessible_resources=["banner.css"])))
    report = lint(["web-ext", "lint", "--source-dir", str(folder), "--no-config-discovery"])
    assert any(item["code"] == "MANIFEST_FIELD_INVALID" and "/web_accessible_resources/0" in item["message"]
               and "must be object" in item["message"] for item in report["errors"]), findings(report)


def test_content_scripts_not_a_list_fails_the_linter(tmp_path):
    folder = build_fixture(tmp_path, lambda ext: edit_manifest(ext, lambda m: m.update(content_scripts="banner.js")))
    result = run_linter(["web-ext", "lint", "--source-dir", str(folder), "--no-config-discovery"])
    # web-ext 10.7 stops on it (a TypeError naming content_scripts) rather than reporting a finding.
    assert result.returncode != 0
    assert "content_scripts" in result.stdout + result.stderr


# Local scripts, stylesheets and images of an extension page, and relative ES module imports.
_PAGE_REF = re.compile(r"""<(?:script|img)\b[^>]*\bsrc=["']([^"']+)["']|<link\b[^>]*\bhref=["']([^"']+)["']""", re.I)
_JS_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}/[^"'\n]+|/[^"'/\n][^"'\n]*)\1""")


def local_references(folder: Path) -> list[tuple[str, str, str]]:
    """(file, reference, package path) for each script, stylesheet, image and module a page or module loads."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix in (".html", ".js", ".mjs")):
        rel = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if rel.endswith(".html"):
            refs = [a or b for a, b in _PAGE_REF.findall(text) if not re.match(r"^[a-z][a-z0-9+.-]*:|^//", a or b, re.I)]
        else:
            refs = [match.group(2) for match in _JS_IMPORT.finditer(text)]
        for ref in refs:
            clean = ref.split("#", 1)[0].split("?", 1)[0]
            joined = clean.lstrip("/") if clean.startswith("/") else posixpath.join(posixpath.dirname(rel), clean)
            found.append((rel, ref, posixpath.normpath(joined)))
    return found


def missing_references(folder: Path) -> list[str]:
    """Files a page or module of the package loads that the package lacks (browsers fail late on those)."""
    return [f"{rel} refers to {ref}, which is missing" for rel, ref, target in local_references(folder)
            if not (folder / target).is_file()]


@pytest.mark.parametrize(("removed", "problem"), [
    ("popup.js", "popup.html refers to popup.js, which is missing"),
    ("lib/matcher.js", "background.js refers to ./lib/matcher.js, which is missing"),
])
def test_a_page_script_or_imported_module_missing_is_caught(tmp_path, removed, problem):
    folder = build_fixture(tmp_path, lambda ext: (ext / removed).unlink())
    assert missing_references(folder) == [problem]


def test_every_page_script_and_module_import_of_the_real_package_ships(tmp_path):
    folder = build_into(tmp_path / "out") / "firefox"
    loaded = {target for _, _, target in local_references(folder)}
    assert {"popup.js", "options.js", "lib/hosts.js"} <= loaded  # the scan sees the real pages and imports
    assert missing_references(folder) == []
