"""List sync in Chromium and Firefox ESR against the real Caveat server (and,
for failures, a broken or hostile one): new entries arrive through "sync now"
without reinstalling, deltas are used once the list came from the server, and
a failed or malformed refresh keeps the last good list and says so."""

from __future__ import annotations

import pytest

from testkit.entries import LISTED, SHOP_TEST, base_entries, entry, list_document
from tests.e2e.cases import BANNER_FILES, BROKEN_ANSWERS, PAYLOADS
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e

CHANGES_GONE = {"error": {"code": "changes_gone", "message": "too old"}}


@pytest.fixture
def options(driver):
    tab = driver.options_tab()
    yield tab
    tab.close()


def stored_list(driver) -> dict:
    return driver.storage("list")["list"]


def test_new_entry_arrives_through_sync_now(driver, caveat_server, options):
    assert driver.banner_domain_on("newstore.example") is None
    version = caveat_server.put_entry(entry("newstore.example", "New Store"))
    caveat_server.clear_log()
    assert options.sync_now() == f"The list is up to date (version {version})."
    # The bundled snapshot counts versions on another scale: the first sync takes the whole list.
    assert [r.path for r in caveat_server.log()] == ["/api/v1/list"]
    assert driver.banner_domain_on("newstore.example") == "newstore.example"
    assert driver.banner_domain_on(f"www.{LISTED}") == LISTED
    assert "Last checked with the server" in options.text_of("#last-sync")


def test_later_changes_arrive_as_a_delta(driver, caveat_server, options):
    held = stored_list(driver)["version"]
    caveat_server.put_entry(entry("second.example", "Second Store", status="unlawful"))
    version = caveat_server.delete_entry(SHOP_TEST)
    caveat_server.clear_log()
    assert options.sync_now() == f"The list is up to date (version {version})."
    assert [(r.path, r.query) for r in caveat_server.log()] == [(f"/api/v1/changes/{held}", "")]
    assert driver.banner_domain_on("shop.second.example") == "second.example"
    assert driver.banner_domain_on(SHOP_TEST) is None
    scripts = driver.registered_scripts()
    assert "*://second.example/*" in scripts[0]["matches"]
    assert f"*://{SHOP_TEST}/*" not in scripts[0]["matches"]
    # ...and, where the browser can tell, its own view of what it would inject agrees.
    assert driver.scripts_injected_into("http://shop.second.example/") in (None, BANNER_FILES)
    assert driver.scripts_injected_into(f"http://{SHOP_TEST}/") in (None, [])


def test_server_down_keeps_the_list_and_the_popup_says_so(driver, caveat_server, options):
    before = stored_list(driver)
    caveat_server.stop()
    try:
        result = options.sync_now()
        assert result.startswith("The update failed: the list server could not be reached"), result
        assert result.endswith("The previous list is kept.")
        assert stored_list(driver) == before
        assert driver.banner_domain_on(LISTED) == LISTED
        popup = driver.popup_state()
        assert "The last update failed" in (popup["sync_error"] or ""), popup
        assert "the list server could not be reached" in popup["sync_error"]
        assert f"Warning list version {before['version']}" in popup["list_version"]
        assert not popup["access_offered"]  # host access was granted at install
    finally:
        caveat_server.start()
    assert options.sync_now().startswith("The list is up to date")
    popup = driver.popup_state()
    assert popup["list_version"] and popup["sync_error"] is None


@pytest.mark.parametrize("case", list(BROKEN_ANSWERS))
def test_broken_server_keeps_the_last_good_list(driver, site_server, options, case):
    (status, body), message = BROKEN_ANSWERS[case]
    before = stored_list(driver)
    site_server.set_api("/api/v1/list", status, body)
    try:
        options.set_server(site_server.origin)
        result = options.sync_now()
        assert result.startswith("The update failed:") and message in result, result
        assert stored_list(driver) == before
        assert driver.storage("lastSync")["lastSync"]["ok"] is False
        assert driver.banner_domain_on(LISTED) == LISTED
    finally:
        site_server.clear_api()
        options.set_server(None)


def test_an_older_list_from_the_same_server_is_refused(driver, caveat_server, site_server, options):
    """A replayed older list (e.g. a stale cache) never replaces a newer one."""
    held = stored_list(driver)
    site_server.set_api("/api/v1/list", 200, list_document(base_entries(), version=50))
    site_server.set_api("/api/v1/changes/50", 200, {"format": 1, "from": 50, "version": 50, "upserted": [], "removed": []})
    try:
        options.set_server(site_server.origin)
        assert options.sync_now().startswith("The list is up to date (version 50)")
        site_server.set_api("/api/v1/changes/50", 410, CHANGES_GONE)
        site_server.set_api("/api/v1/list", 200, list_document(base_entries(), version=49))
        result = options.sync_now()
        assert "49 is older than the list already held (50)" in result, result
        assert stored_list(driver)["version"] == 50
    finally:
        site_server.clear_api()
        options.set_server(None)
    # Back on the real server, whose versions count on its own scale: the whole list is taken again.
    assert options.sync_now().startswith("The list is up to date")
    assert stored_list(driver)["version"] == caveat_server.list_document()["version"] == held["version"]


def test_full_list_is_revalidated_with_if_none_match(driver, site_server, options):
    doc = list_document(base_entries(), version=7)
    site_server.set_api("/api/v1/list", 200, doc, headers={"ETag": '"v7-abc"'})
    try:
        options.set_server(site_server.origin)
        assert options.sync_now() == "The list is up to date (version 7)."
        # No delta for this server now (410): the full list is asked for with the ETag, and 304 keeps it.
        site_server.set_api("/api/v1/changes/7", 410, CHANGES_GONE)
        site_server.set_api("/api/v1/list", 304, b"", headers={"ETag": '"v7-abc"'})
        site_server.clear()
        assert options.sync_now() == "The list is up to date (version 7)."
        asked = [(r.path, r.headers.get("If-None-Match")) for r in site_server.requests if r.path.startswith("/api/")]
        assert asked == [("/api/v1/changes/7", None), ("/api/v1/list", '"v7-abc"')]
        assert stored_list(driver)["version"] == 7
    finally:
        site_server.clear_api()
        options.set_server(None)
    assert options.sync_now().startswith("The list is up to date")


def test_html_in_entries_is_shown_as_text(driver, site_server, options):
    hostile = entry("xss.example", PAYLOADS["name"], summary=PAYLOADS["summary"], details=PAYLOADS["details"],
                    sources=[{"title": PAYLOADS["title"], "url": "https://evidence.example/?q=<script>"}])
    site_server.set_api("/api/v1/list", 200, list_document(base_entries() + [hostile], version=3))
    try:
        options.set_server(site_server.origin)
        assert options.sync_now() == "The list is up to date (version 3)."
        driver.open("http://xss.example/")
        assert driver.wait_for_banner()["data-caveat-domain"] == "xss.example"
        driver.click_in_banner("button", "Details and sources")
        text = driver.banner_text()
        for payload in PAYLOADS.values():
            assert payload in text
        for tag in ("img", "script", "iframe", "svg", "b"):
            assert driver.banner_nodes(tag) == [], tag
        links = driver.banner_nodes("a")
        assert [(a["text"], a["attributes"]["href"]) for a in links] == [
            (PAYLOADS["title"], "https://evidence.example/?q=<script>")]
        driver.sleep(0.2)
        assert driver.page_global("caveatPwned") is None
    finally:
        site_server.clear_api()
        options.set_server(None)
    assert options.sync_now().startswith("The list is up to date")


@pytest.mark.parametrize("typed", ["ftp://caveat.example.org", "javascript:alert(1)", "https://user:pw@caveat.example.org",
                                   "caveat.example.org"])
def test_options_refuse_a_server_url_that_is_not_http(driver, options, typed):
    options.fill("#server-url", typed)
    options.click("#server-save")
    wait_until(lambda: options.text_of("#server-result") ==
               "Enter an address starting with http:// or https://, without a query.", message="the refusal")
    assert options.attribute("#server-url", "aria-invalid") == "true"
    assert "serverUrl" not in driver.storage("serverUrl")
