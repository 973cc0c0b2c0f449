"""Privacy in Chromium and Firefox ESR: browsing listed and unlisted sites
sends nothing anywhere; the only requests the extension makes are the list
sync and a report the person chose to send. Each browser tells the
extension's own requests apart (Chromium by the service worker or extension
page that made them, Firefox by the triggering add-on), so the test checks
them directly, not only what the servers received. The shopper's country,
chosen in options, stays in the browser: no request carries it."""

from __future__ import annotations

import re

import pytest

from testkit.entries import IDN, LISTED
from tests.e2e.cases import VISITS
from tests.e2e.drivers import BROWSERS
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(params=BROWSERS)
def driver(request, launch, caveat_server, tmp_path):
    """A fresh browser per test, recording its requests from the start."""
    caveat_server.reset()
    browser = launch(request.param, tmp_path / "profile", record_requests=True)
    yield browser
    browser.close()


# A country nothing else in these tests names, chosen in options before browsing.
COUNTRY, COUNTRY_NAME = "NZ", "New Zealand"


def carries_country(*texts: str) -> bool:
    """Whether any text names the country: its code as a word, its name, or a "country" field."""
    return any(re.search(rf"\b{COUNTRY}\b|{COUNTRY_NAME}|country", text, re.IGNORECASE) for text in texts)


def test_only_list_sync_and_sent_reports_leave_the_extension(driver, caveat_server, site_server):
    # Installing and starting asked nothing of anyone (the list comes bundled).
    assert driver.extension_requests() == []
    options = driver.options_tab()
    try:
        options.set_country(COUNTRY)
    finally:
        options.close()
    assert driver.storage("country") == {"country": COUNTRY}
    assert driver.extension_requests() == [], "choosing the country sent nothing"
    caveat_server.clear_log()
    site_server.clear()

    for host, path in VISITS:
        driver.open(f"http://{host}{path}")
        assert driver.is_visible("#site-header")
        if ".".join(host.split(".")[-2:]) in (LISTED, IDN):
            driver.wait_for_banner()
            assert driver.banner_is_displayed()
            driver.click_in_banner("button", "Details and sources")
        driver.sleep(0.2)

    # Browsing sent nothing to the list server, and the extension asked for nothing...
    assert caveat_server.log() == []
    assert driver.extension_requests() == []
    # ...and the "web" saw only the pages themselves (and the browser's favicon requests).
    seen = {(r.host, r.path) for r in site_server.requests}
    visited = set(VISITS)
    assert visited <= seen
    assert seen - visited <= {(host, "/favicon.ico") for host, _ in VISITS}, seen - visited
    assert not any(carries_country(r.path) for r in site_server.requests)

    # The person asks for an update: one list request, carrying nothing about browsing.
    options = driver.options_tab()
    try:
        assert options.sync_now() == f"The list is up to date (version {caveat_server.list_document()['version']})."
    finally:
        options.close()
    log = caveat_server.log()
    assert [(r.method, r.path, r.query) for r in log] == [("GET", "/api/v1/list", "")]
    assert "Cookie" not in log[0].headers and "Referer" not in log[0].headers

    # The person sends a report: exactly one POST with the site and their comment.
    caveat_server.clear_log()
    driver.open(f"http://www.{LISTED}/")
    driver.wait_for_banner()
    driver.click_in_banner("button", "Report a mistake")
    driver.type_text("Wrong store.")
    driver.click_in_banner("button", "Send report")
    wait_until(lambda: caveat_server.log(), message="the report request")
    assert [(r.method, r.path) for r in caveat_server.log()] == [("POST", "/api/v1/reports")]

    # Everything the browser saw the extension ask for: the sync and the report.
    assert driver.extension_requests() == [("GET", f"{caveat_server.url}/api/v1/list"),
                                           ("POST", f"{caveat_server.url}/api/v1/reports")]

    # The country went nowhere: not in an address, a query, a header, nor in the report received.
    assert not any(carries_country(url) for _, url in driver.extension_requests())
    assert not any(carries_country(r.path, r.query, *r.headers.keys(), *r.headers.values()) for r in caveat_server.log())
    reports = caveat_server.reports()
    assert reports and not any(carries_country(*(str(v) for v in report.values())) for report in reports), reports
    assert driver.storage("country") == {"country": COUNTRY}, "the country was in effect all along"
