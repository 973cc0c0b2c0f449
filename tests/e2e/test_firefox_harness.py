"""Self-test of the Firefox harness with a tiny probe extension.

These prove the harness itself (PAC routing, add-on install, closed shadow root
reading, trusted clicks, extension-page and background scripts, a permanent
install surviving a restart) independently of Caveat's extension, so a
failure in test_firefox.py points at Caveat, not at the plumbing.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.e2e.firefox_harness import FirefoxBrowser

pytestmark = pytest.mark.e2e

PROBE_ID = "harness-probe@caveat.test"

PROBE_MANIFEST = {
    "manifest_version": 3,
    "name": "Harness probe",
    "version": "1.0",
    "browser_specific_settings": {"gecko": {"id": PROBE_ID, "strict_min_version": "128.0"}},
    "background": {"scripts": ["background.js"]},
    "permissions": ["storage"],
    "host_permissions": ["*://allofmp3.example/*", "*://*.allofmp3.example/*"],
    "content_scripts": [{
        "matches": ["*://allofmp3.example/*", "*://*.allofmp3.example/*"],
        "js": ["banner.js"],
        "run_at": "document_start",
    }],
    "options_ui": {"page": "options.html"},
}

PROBE_FILES = {
    "background.js": (
        "globalThis.probeReady = true;\n"
        "browser.runtime.onInstalled.addListener(() => browser.storage.local.set({installed: true}));\n"
    ),
    # A closed shadow root like Caveat's banner, with markup-looking text that
    # must come back as text.
    "banner.js": (
        "const host = document.createElement('caveat-probe');\n"
        "host.setAttribute('data-caveat-banner', '');\n"
        "host.setAttribute('data-caveat-domain', 'allofmp3.example');\n"
        "const root = host.attachShadow({mode: 'closed'});\n"
        "const style = document.createElement('style');\n"
        "style.textContent = ':host { all: initial; }';\n"
        "const text = document.createElement('p');\n"
        "text.textContent = 'Probe banner <b>as text</b>';\n"
        "const button = document.createElement('button');\n"
        "button.textContent = 'Dismiss';\n"
        "button.addEventListener('click', (event) => { if (event.isTrusted) host.remove(); });\n"
        "root.append(style, text, button);\n"
        "document.documentElement.append(host);\n"
    ),
    "options.html": "<!doctype html><meta charset='utf-8'><title>Probe options</title><p>options</p>\n",
}


def write_probe_extension(directory: Path) -> Path:
    directory.mkdir(parents=True)
    (directory / "manifest.json").write_text(json.dumps(PROBE_MANIFEST), encoding="utf-8")
    for name, text in PROBE_FILES.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def zip_extension(directory: Path, xpi: Path) -> Path:
    with zipfile.ZipFile(xpi, "w") as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, path.name)
    return xpi


@pytest.fixture
def firefox(tmp_path, site_server):
    browser = FirefoxBrowser(tmp_path / "profile", site_server.port).start()
    yield browser
    browser.close()


@pytest.fixture
def probe_dir(tmp_path):
    return write_probe_extension(tmp_path / "probe")


def test_banner_on_routed_host_is_read_through_closed_shadow_root(firefox, probe_dir, site_server):
    probe = firefox.install_extension(probe_dir, temporary=True)
    assert probe.addon_id == PROBE_ID
    assert "*://allofmp3.example/*" in firefox.granted_origins(PROBE_ID)

    site_server.clear()
    firefox.navigate("http://shop.allofmp3.example/basket")

    # The PAC sent it to the site server as a proxy request (absolute URL).
    assert [(r.host, r.path, r.proxied) for r in site_server.requests if r.path == "/basket"] == [
        ("shop.allofmp3.example", "/basket", True)]
    assert firefox.banner_attributes() == {"data-caveat-banner": "",
                                           "data-caveat-domain": "allofmp3.example"}
    assert firefox.banner_text() == "Probe banner <b>as text</b> Dismiss"
    assert firefox.banner_elements("b") == []

    firefox.navigate("http://notallofmp3.example/")
    assert firefox.banner_attributes() is None
    assert firefox.banner_text() is None


def test_trusted_click_inside_banner(firefox, probe_dir):
    firefox.install_extension(probe_dir, temporary=True)
    firefox.navigate("http://allofmp3.example/")
    firefox.wait_for_banner()

    # The probe removes its banner only on a trusted (person-made) click.
    firefox.click_in_banner("button")

    firefox.wait_until(lambda: firefox.banner_count() == 0, message="the banner to go")


def test_extension_page_and_background_scripts(firefox, probe_dir):
    probe = firefox.install_extension(probe_dir, temporary=True)
    firefox.open_extension_page(probe, "options.html")

    stored = firefox.extension_page_script(
        "await browser.storage.local.set(toPage({trusted: args[0]}));"
        "return await browser.storage.local.get(null);",
        ["www.example.test"])
    assert stored == {"installed": True, "trusted": ["www.example.test"]}

    seen = firefox.background_script(
        "return {ready: background.probeReady, path: background.location.pathname,"
        " stored: await browser.storage.local.get('trusted')};")
    assert seen == {"ready": True, "path": "/_generated_background_page.html",
                    "stored": {"trusted": ["www.example.test"]}}


def test_permanent_install_and_its_storage_survive_restart(firefox, probe_dir, tmp_path):
    xpi = zip_extension(probe_dir, tmp_path / "probe.xpi")
    probe = firefox.install_extension(xpi, temporary=False)
    firefox.open_extension_page(probe, "options.html")
    firefox.extension_page_script("await browser.storage.local.set(toPage({kept: 'yes'}));")

    firefox.restart()

    assert PROBE_ID in firefox.installed_addon_ids()
    assert firefox.extension_hostname(PROBE_ID) == probe.hostname
    firefox.open_extension_page(probe, "options.html")
    assert firefox.extension_page_script("return await browser.storage.local.get('kept');") == {"kept": "yes"}
    firefox.navigate("http://allofmp3.example/")
    assert firefox.banner_attributes() is not None


def test_missing_firefox_fails_instead_of_skipping(tmp_path):
    browser = FirefoxBrowser(tmp_path / "profile", 9, binary=tmp_path / "no-firefox-here")
    with pytest.raises(FileNotFoundError, match="firefox-esr"):
        browser.start()
