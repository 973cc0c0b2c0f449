"""The extension built by build.py into a folder, as a release builds it."""

from __future__ import annotations

import json
from pathlib import Path

import build


def run_build(browser: str, out: Path, list_doc: dict, server_url: str, public_keys=()) -> Path:
    """Build the extension with build.py, as a release would, and return dist/<browser>/.

    ``public_keys``: the --public-key values (none: a development build that takes unsigned lists)."""
    out.mkdir(parents=True, exist_ok=True)
    list_file = out / "list.json"
    list_file.write_text(json.dumps(list_doc), encoding="utf-8")
    keys = [arg for key in public_keys for arg in ("--public-key", key)]
    code = build.main(["--browser", browser, "--out", str(out), "--list", str(list_file), "--server-url", server_url,
                       *keys])
    assert code == 0, f"build.py failed with exit code {code}"
    unpacked = out / browser
    assert (unpacked / "manifest.json").is_file() and (unpacked / "data" / "list.json").is_file()
    return unpacked


def packaged_xpi(unpacked: Path) -> Path:
    """The xpi build.py wrote next to ``<out>/firefox/``."""
    found = sorted(Path(unpacked).parent.glob("caveat-firefox-*.xpi"))
    assert len(found) == 1, f"expected one caveat-firefox-*.xpi beside {unpacked}, found {found}"
    return found[0]
