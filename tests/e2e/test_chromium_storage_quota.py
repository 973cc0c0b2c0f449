"""A list the browser refuses to store: nothing is stored, and the popup and
options say why instead of showing an empty list with no explanation. Also
checks what sync.js relies on: a storage.local.set() refused for its size
writes none of its keys.

The shipped extension asks for `unlimitedStorage` (a 50,000-entry list is
about 15 MB: bench/scale.md), so Chromium no longer refuses a large list for
its size. A refused write can still happen (a full disk, a browser or policy
without the permission), and it must still be reported: this module removes
`unlimitedStorage` from its build, the one way to make Chromium refuse a write
on purpose (its 10 MB storage.local quota)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.drivers.chromium import ChromiumExtension
from testkit.entries import entry, list_document

pytestmark = pytest.mark.e2e

# ~470 bytes of JSON each: about 16 MB, well past the 10 MB quota.
TOO_MANY = 35_000
# Nothing listens there; the first sync is minutes after start-up anyway.
UNUSED_SERVER = "http://127.0.0.1:9"


def without_unlimited_storage(manifest: Path) -> None:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert "unlimitedStorage" in data["permissions"], "the shipped build asks for it (README: permissions)"
    data["permissions"].remove("unlimitedStorage")
    manifest.write_text(json.dumps(data, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def chromium(playwright, build_extension, site_server, tmp_path_factory):
    # Reserved names only (RFC 2606 .example).
    doc = list_document([entry(f"store-{i}.example", f"Store {i}") for i in range(TOO_MANY)])
    extension = build_extension("chrome", UNUSED_SERVER, doc)
    without_unlimited_storage(extension / "manifest.json")
    browser = ChromiumExtension(playwright, extension, tmp_path_factory.mktemp("profile"), site_server.port).start()
    yield browser
    browser.close()


def test_a_bundled_list_over_the_quota_is_reported(chromium):
    # start() waited for caveatReady: start-up went on without a list.
    stored = chromium.storage("list", "lastSync")
    assert "list" not in stored
    assert stored["lastSync"]["ok"] is False
    assert stored["lastSync"]["error"] == {"code": "storage_full", "detail": str(TOO_MANY)}

    popup = chromium.open(chromium.url("popup.html"))
    expect(popup.locator("#list-version")).to_have_text("No warning list yet.")
    expect(popup.locator("#sync-error")).to_be_visible()
    expect(popup.locator("#sync-error")).to_contain_text(
        f"the list is too large to store in this browser ({TOO_MANY} entries)")
    popup.close()

    options = chromium.open(chromium.url("options.html"))
    expect(options.locator("#last-sync")).to_contain_text(
        f"the list is too large to store in this browser ({TOO_MANY} entries)")
    options.close()


def test_a_refused_write_leaves_every_key_as_it_was(chromium):
    outcome = chromium.background("""(async () => {
        await chrome.storage.local.set({probe: "old"});
        let error = "";
        try {
            await chrome.storage.local.set({probe: "new", bulk: "x".repeat(11 * 1024 * 1024)});
        } catch (err) {
            error = String(err.message);
        }
        const after = await chrome.storage.local.get(["probe", "bulk"]);
        await chrome.storage.local.remove("probe");
        return {error, after};
    })()""")
    assert "quota" in outcome["error"].lower()
    assert outcome["after"] == {"probe": "old"}
