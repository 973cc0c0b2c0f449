"""Privacy in Firefox ESR: browsing listed and unlisted sites sends nothing
anywhere; the only requests the extension makes are the list sync and a
report the person chose to send. Firefox's parent process sees every request
and who triggered it, so the test checks the add-on's requests directly, not
only what the servers received. Mirrors test_chromium_privacy.py."""

from __future__ import annotations

import pytest

from tests.e2e.cases import VISITS
from testkit.entries import IDN, LISTED
from tests.e2e.firefox_harness import CaveatFirefox, packaged_xpi

pytestmark = pytest.mark.e2e

@pytest.fixture
def firefox(build_extension, caveat_server, site_server, tmp_path):
    xpi = packaged_xpi(build_extension("firefox", caveat_server.url))
    browser = CaveatFirefox(xpi, tmp_path / "profile", site_server.port, record_requests=True).start()
    yield browser
    browser.close()


def caveat_requests(firefox: CaveatFirefox) -> list[tuple[str, str]]:
    return [(r["method"], r["url"]) for r in firefox.browser.request_log()
            if firefox.extension.addon_id in r["addons"]]


def test_only_list_sync_and_sent_reports_leave_the_extension(firefox, caveat_server, site_server):
    # Installing and starting asked nothing of anyone (the list comes bundled).
    assert caveat_requests(firefox) == []
    caveat_server.clear_log()
    site_server.clear()

    for host, path in VISITS:
        firefox.open(f"http://{host}{path}")
        assert firefox.element("#site-header").is_displayed()
        if ".".join(host.split(".")[-2:]) in (LISTED, IDN):
            firefox.wait_for_banner()
            firefox.click_in_banner("button", "Details and sources")
        firefox.settle(0.2)

    # Browsing sent nothing to the list server, and the add-on asked for nothing...
    assert caveat_server.log() == []
    assert caveat_requests(firefox) == []
    # ...and the "web" saw only the pages themselves (and the browser's favicon requests).
    seen = {(r.host, r.path) for r in site_server.requests}
    visited = set(VISITS)
    assert visited <= seen
    assert seen - visited <= {(host, "/favicon.ico") for host, _ in VISITS}, seen - visited

    # The person asks for an update: one list request, carrying nothing about browsing.
    firefox.open_page("options.html")
    firefox.wait_until(lambda: firefox.element("#server-url").get_property("value"), message="options to render")
    firefox.element("#sync-now").click()
    version = caveat_server.list_document()["version"]
    firefox.wait_until(lambda: firefox.text_of("#sync-result") == f"The list is up to date (version {version}).",
                       message="the sync result")
    log = caveat_server.log()
    assert [(r.method, r.path, r.query) for r in log] == [("GET", "/api/v1/list", "")]
    assert "Cookie" not in log[0].headers and "Referer" not in log[0].headers

    # The person sends a report: exactly one POST with the site and their comment.
    caveat_server.clear_log()
    firefox.open(f"http://www.{LISTED}/")
    firefox.wait_for_banner()
    firefox.click_in_banner("button", "Report a mistake")
    firefox.client.actions.sequence("key", "keyboard").send_keys("Wrong store.").perform()
    firefox.click_in_banner("button", "Send report")
    firefox.wait_until(lambda: caveat_server.log(), message="the report request")
    assert [(r.method, r.path) for r in caveat_server.log()] == [("POST", "/api/v1/reports")]

    # Everything Firefox saw the add-on ask for since before its install: the sync and the report.
    assert caveat_requests(firefox) == [("GET", f"{caveat_server.url}/api/v1/list"),
                                        ("POST", f"{caveat_server.url}/api/v1/reports")]
