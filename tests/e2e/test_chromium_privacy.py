"""Privacy in Chromium: browsing listed and unlisted sites sends nothing
anywhere; the only requests the extension makes are the list sync and a
report the person chose to send."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.chromium import BANNER, ChromiumExtension, click_in_banner
from tests.e2e.cases import VISITS
from testkit.entries import IDN, LISTED
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e

@pytest.fixture
def chromium(playwright, build_extension, caveat_server, site_server, tmp_path):
    extension = build_extension("chrome", caveat_server.url)
    browser = ChromiumExtension(playwright, extension, tmp_path / "profile", site_server.port).start()
    yield browser
    browser.close()


def test_only_list_sync_and_sent_reports_leave_the_extension(chromium, caveat_server, site_server):
    requests = []
    chromium.ctx.on("request", lambda request: requests.append(request))
    caveat_server.clear_log()
    site_server.clear()

    for host, path in VISITS:
        page = chromium.open(f"http://{host}{path}")
        expect(page.locator("#site-header")).to_be_visible()
        if ".".join(host.split(".")[-2:]) in (LISTED, IDN):
            expect(page.locator(BANNER)).to_be_visible()
            click_in_banner(chromium.ctx, page, "button", "Details and sources")
        page.wait_for_timeout(200)
        page.close()

    # Browsing sent nothing to the list server...
    assert caveat_server.log() == []
    # ...and the "web" saw only the pages themselves (and the browser's favicon requests).
    seen = {(r.host, r.path) for r in site_server.requests}
    visited = set(VISITS)
    assert visited <= seen
    assert seen - visited <= {(host, "/favicon.ico") for host, _ in VISITS}, seen - visited

    # The person asks for an update: one list request, carrying nothing about browsing.
    options = chromium.open(chromium.url("options.html"))
    expect(options.locator("#server-url")).not_to_have_value("")
    options.locator("#sync-now").click()
    expect(options.locator("#sync-result")).to_have_text(
        f"The list is up to date (version {caveat_server.list_document()['version']}).")
    options.close()
    log = caveat_server.log()
    assert [(r.method, r.path, r.query) for r in log] == [("GET", "/api/v1/list", "")]
    assert "Cookie" not in log[0].headers and "Referer" not in log[0].headers

    # The person sends a report: exactly one POST with the site and their comment.
    caveat_server.clear_log()
    page = chromium.open(f"http://www.{LISTED}/")
    expect(page.locator(BANNER)).to_be_visible()
    click_in_banner(chromium.ctx, page, "button", "Report a mistake")
    page.keyboard.type("Wrong store.")
    click_in_banner(chromium.ctx, page, "button", "Send report")
    wait_until(lambda: caveat_server.log(), message="the report request")
    page.close()
    assert [(r.method, r.path) for r in caveat_server.log()] == [("POST", "/api/v1/reports")]

    # Everything Chromium reports from the extension itself went to the list server only.
    from_extension = [r.url for r in requests
                      if r.url.startswith("http") and (r.service_worker is not None or r.frame.url.startswith("chrome-extension://"))]
    assert from_extension == [f"{caveat_server.url}/api/v1/list", f"{caveat_server.url}/api/v1/reports"]
