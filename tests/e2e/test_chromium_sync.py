"""List sync in Chromium against the real Caveat server (and, for failures, a
broken or hostile one): new entries arrive through "sync now" without
reinstalling, deltas are used once the list came from the server, and a
failed or malformed refresh keeps the last good list and says so."""

from __future__ import annotations


import pytest
from playwright.sync_api import expect

from tests.e2e.cases import BROKEN_ANSWERS, PAYLOADS
from tests.e2e.chromium import BANNER, banner_domain, banner_nodes, banner_text, click_in_banner
from testkit.entries import LISTED, SHOP_TEST, base_entries, entry, list_document

pytestmark = pytest.mark.e2e


@pytest.fixture
def options(chromium):
    page = chromium.open(chromium.url("options.html"))
    expect(page.locator("#server-url")).not_to_have_value("")  # the page has its state
    yield page
    page.close()


def sync_now(options) -> str:
    """Click "Update the list now" in options and return the result it shows."""
    options.locator("#sync-now").click()
    result = options.locator("#sync-result")
    expect(result).not_to_have_text("Updating…")
    expect(result).not_to_have_text("")
    return result.inner_text()


def set_server(options, url: str | None) -> None:
    if url is None:
        options.locator("#server-reset").click()
    else:
        options.locator("#server-url").fill(url)
        options.locator("#server-save").click()
    expect(options.locator("#server-result")).to_have_text("Saved. The next update uses this server.")


def stored_list(chromium) -> dict:
    return chromium.storage("list")["list"]


def test_new_entry_arrives_through_sync_now(chromium, caveat_server, options):
    assert banner_domain(chromium, "newstore.example") is None
    version = caveat_server.put_entry(entry("newstore.example", "New Store"))
    caveat_server.clear_log()
    assert sync_now(options) == f"The list is up to date (version {version})."
    # The bundled snapshot counts versions on another scale: the first sync takes the whole list.
    assert [r.path for r in caveat_server.log()] == ["/api/v1/list"]
    assert banner_domain(chromium, "newstore.example") == "newstore.example"
    assert banner_domain(chromium, f"www.{LISTED}") == LISTED
    expect(options.locator("#last-sync")).to_contain_text("Last checked with the server")


def test_later_changes_arrive_as_a_delta(chromium, caveat_server, options):
    held = stored_list(chromium)["version"]
    caveat_server.put_entry(entry("second.example", "Second Store", status="unlawful"))
    version = caveat_server.delete_entry(SHOP_TEST)
    caveat_server.clear_log()
    assert sync_now(options) == f"The list is up to date (version {version})."
    log = caveat_server.log()
    assert [(r.path, r.query) for r in log] == [("/api/v1/changes", f"since={held}")]
    assert banner_domain(chromium, "shop.second.example") == "second.example"
    assert banner_domain(chromium, SHOP_TEST) is None
    scripts = chromium.background("chrome.scripting.getRegisteredContentScripts()")
    assert "*://second.example/*" in scripts[0]["matches"]
    assert f"*://{SHOP_TEST}/*" not in scripts[0]["matches"]


def test_server_down_keeps_the_list_and_the_popup_says_so(chromium, caveat_server, options):
    before = stored_list(chromium)
    caveat_server.stop()
    try:
        result = sync_now(options)
        assert result.startswith("The update failed: the list server could not be reached")
        assert result.endswith("The previous list is kept.")
        assert stored_list(chromium) == before
        assert banner_domain(chromium, LISTED) == LISTED
        popup = chromium.open(chromium.url("popup.html"))
        expect(popup.locator("#sync-error")).to_be_visible()
        expect(popup.locator("#sync-error")).to_contain_text("The last update failed")
        expect(popup.locator("#sync-error")).to_contain_text("the list server could not be reached")
        expect(popup.locator("#list-version")).to_contain_text(f"Warning list version {before['version']}")
        expect(popup.locator("#access")).to_be_hidden()  # Chromium granted host access at install
        popup.close()
    finally:
        caveat_server.start()
    assert sync_now(options).startswith("The list is up to date")
    popup = chromium.open(chromium.url("popup.html"))
    expect(popup.locator("#list-version")).to_be_visible()
    expect(popup.locator("#sync-error")).to_be_hidden()
    popup.close()


@pytest.mark.parametrize("case", list(BROKEN_ANSWERS))
def test_broken_server_keeps_the_last_good_list(chromium, site_server, options, case):
    (status, body), message = BROKEN_ANSWERS[case]
    before = stored_list(chromium)
    site_server.set_api("/api/v1/list", status, body)
    try:
        set_server(options, site_server.origin)
        result = sync_now(options)
        assert result.startswith("The update failed:") and message in result, result
        assert stored_list(chromium) == before
        assert chromium.storage("lastSync")["lastSync"]["ok"] is False
        assert banner_domain(chromium, LISTED) == LISTED
    finally:
        site_server.clear_api()
        set_server(options, None)


def test_an_older_list_from_the_same_server_is_refused(chromium, caveat_server, site_server, options):
    """A replayed older list (e.g. a stale cache) never replaces a newer one."""
    held = stored_list(chromium)
    site_server.set_api("/api/v1/list", 200, list_document(base_entries(), version=50))
    site_server.set_api("/api/v1/changes", 200, {"format": 1, "from": 50, "version": 50, "upserted": [], "removed": []})
    try:
        set_server(options, site_server.origin)
        assert sync_now(options).startswith("The list is up to date (version 50)")
        site_server.set_api("/api/v1/changes", 410, {"error": {"code": "changes_gone", "message": "too old"}})
        site_server.set_api("/api/v1/list", 200, list_document(base_entries(), version=49))
        result = sync_now(options)
        assert "49 is older than the list already held (50)" in result, result
        assert stored_list(chromium)["version"] == 50
    finally:
        site_server.clear_api()
        set_server(options, None)
    # Back on the real server, whose versions count on its own scale: the whole list is taken again.
    assert sync_now(options).startswith("The list is up to date")
    assert stored_list(chromium)["version"] == caveat_server.list_document()["version"] == held["version"]


def test_full_list_is_revalidated_with_if_none_match(chromium, site_server, options):
    doc = list_document(base_entries(), version=7)
    site_server.set_api("/api/v1/list", 200, doc, headers={"ETag": '"v7-abc"'})
    try:
        set_server(options, site_server.origin)
        assert sync_now(options) == "The list is up to date (version 7)."
        # No delta for this server now (410): the full list is asked for with the ETag, and 304 keeps it.
        site_server.set_api("/api/v1/changes", 410, {"error": {"code": "changes_gone", "message": "too old"}})
        site_server.set_api("/api/v1/list", 304, b"", headers={"ETag": '"v7-abc"'})
        site_server.clear()
        assert sync_now(options) == "The list is up to date (version 7)."
        asked = [(r.path, r.headers.get("If-None-Match")) for r in site_server.requests if r.path.startswith("/api/")]
        assert asked == [("/api/v1/changes?since=7", None), ("/api/v1/list", '"v7-abc"')]
        assert stored_list(chromium)["version"] == 7
    finally:
        site_server.clear_api()
        set_server(options, None)
    assert sync_now(options).startswith("The list is up to date")


def test_html_in_entries_is_shown_as_text(chromium, site_server, options):
    hostile = entry("xss.example", PAYLOADS["name"], summary=PAYLOADS["summary"], details=PAYLOADS["details"],
                    sources=[{"title": PAYLOADS["title"], "url": "https://evidence.example/?q=<script>"}])
    site_server.set_api("/api/v1/list", 200, list_document(base_entries() + [hostile], version=3))
    try:
        set_server(options, site_server.origin)
        assert sync_now(options) == "The list is up to date (version 3)."
        page = chromium.open("http://xss.example/")
        expect(page.locator(BANNER)).to_have_attribute("data-caveat-domain", "xss.example")
        click_in_banner(chromium.ctx, page, "button", "Details and sources")
        text = banner_text(chromium.ctx, page)
        for payload in PAYLOADS.values():
            assert payload in text
        for tag in ("img", "script", "iframe", "svg", "b"):
            assert banner_nodes(chromium.ctx, page, tag) == [], tag
        links = banner_nodes(chromium.ctx, page, "a")
        assert [(a["text"], a["attributes"]["href"]) for a in links] == [
            (PAYLOADS["title"], "https://evidence.example/?q=<script>")]
        page.wait_for_timeout(200)
        assert page.evaluate("window.caveatPwned") is None
        page.close()
    finally:
        site_server.clear_api()
        set_server(options, None)
    assert sync_now(options).startswith("The list is up to date")


@pytest.mark.parametrize("typed", ["ftp://caveat.example.org", "javascript:alert(1)", "https://user:pw@caveat.example.org",
                                   "caveat.example.org"])
def test_options_refuse_a_server_url_that_is_not_http(chromium, options, typed):
    options.locator("#server-url").fill(typed)
    options.locator("#server-save").click()
    expect(options.locator("#server-result")).to_have_text(
        "Enter an address starting with http:// or https://, without a query.")
    expect(options.locator("#server-url")).to_have_attribute("aria-invalid", "true")
    assert "serverUrl" not in chromium.storage("serverUrl")
