"""The packages build.py makes load in the real browsers.

Chromium loads the unpacked chrome/ folder (as a developer or the end-to-end
tests do); Firefox ESR installs the packed .xpi (what addons.mozilla.org
receives), so the archive itself is proven, not only the folder. Each reads
its own manifest and bundled data through the extension's own URLs. The
fixture extension keeps this independent of Caveat's extension features,
which tests/e2e/ covers.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import build
from buildext.cli import DEFAULT_SERVER_URL
from buildext.manifests import GECKO_ID
from build_fixture import sample_list, write_fixture_extension, write_json
from tests.e2e.firefox_harness import FirefoxBrowser, free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
CHROMIUM = "/usr/lib/chromium/chromium"  # the real binary; /usr/bin/chromium is a wrapper script
SERVER_URL = "https://lists.example.org"

# The same reads in both browsers: `api` is chrome.* or browser.*, `get` is fetch.
READ_PACKAGE = """
  const read = async (path) => JSON.parse(await (await get(api.runtime.getURL(path))).text());
  return {version: api.runtime.getManifest().version, config: await read("data/config.json"),
          listVersion: (await read("data/list.json")).version};
"""


@pytest.fixture
def built(tmp_path) -> Path:
    ext = write_fixture_extension(tmp_path / "ext")
    list_file = write_json(tmp_path / "list.json", sample_list(version=42))
    out = tmp_path / "out"
    assert build.main(["--source", str(ext), "--list", str(list_file), "--out", str(out),
                       "--server-url", SERVER_URL]) == 0
    return out


def test_chromium_loads_the_chrome_folder(built, playwright, tmp_path):
    folder = built / "chrome"
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
        args=[f"--disable-extensions-except={folder}", f"--load-extension={folder}", "--no-sandbox",
              "--disable-background-networking", "--disable-component-update", "--no-first-run",
              "--disable-sync"])
    try:
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        assert worker.url.endswith("/background.js")
        assert worker.evaluate("globalThis.caveatReady") is True  # the module import resolved
        seen = worker.evaluate(f"async () => {{ const api = chrome, get = fetch; {READ_PACKAGE} }}")
    finally:
        context.close()
    assert seen == {"version": VERSION, "config": {"serverUrl": SERVER_URL, "publicKeys": []}, "listVersion": 42}


def test_firefox_installs_the_xpi(built, tmp_path):
    xpi = built / f"caveat-firefox-{VERSION}.xpi"
    with FirefoxBrowser(tmp_path / "profile", site_port=free_port()) as firefox:
        installed = firefox.install_extension(xpi, temporary=True)
        assert installed.addon_id == GECKO_ID
        firefox.open_extension_page(installed, "options.html")
        # Marionette's sandbox sees the page's API as `browser` and its fetch as `page.fetch`.
        seen = firefox.extension_page_script(f"const api = browser, get = page.fetch; {READ_PACKAGE}")
        ready = firefox.background_script("return background.caveatReady;")
    assert seen == {"version": VERSION, "config": {"serverUrl": SERVER_URL, "publicKeys": []}, "listVersion": 42}
    assert ready is True


@pytest.fixture
def built_real(tmp_path) -> Path:
    """The real extension/ with the curated list, as `make run` builds it."""
    out = tmp_path / "out"
    assert build.main(["--out", str(out)]) == 0
    return out


def test_chromium_starts_the_real_extension(built_real, playwright, tmp_path):
    folder = built_real / "chrome"
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
        args=[f"--disable-extensions-except={folder}", f"--load-extension={folder}", "--no-sandbox",
              "--disable-background-networking", "--disable-component-update", "--no-first-run",
              "--disable-sync"])
    try:
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        manifest = json.loads((folder / "manifest.json").read_text())
        assert worker.url.endswith("/" + manifest["background"]["service_worker"])
        assert worker.evaluate("chrome.runtime.getManifest().version") == VERSION
    finally:
        context.close()


def test_firefox_installs_the_real_xpi(built_real, tmp_path):
    xpi = built_real / f"caveat-firefox-{VERSION}.xpi"
    with FirefoxBrowser(tmp_path / "profile", site_port=free_port()) as firefox:
        installed = firefox.install_extension(xpi, temporary=True)
        assert installed.addon_id == GECKO_ID
        firefox.open_extension_page(installed, "options.html")
        seen = firefox.extension_page_script(
            "const r = await page.fetch(browser.runtime.getURL('data/config.json'));"
            "return {version: browser.runtime.getManifest().version, config: JSON.parse(await r.text())};")
    assert seen == {"version": VERSION, "config": {"serverUrl": DEFAULT_SERVER_URL, "publicKeys": []}}
