"""List sync against a faulty list server, in Firefox ESR: the same 14 faults
as test_sync_faults_chromium.py (server down, connection reset, HTTP 500, a
body cut short, invalid JSON, wrong shapes, an empty list, older list and
delta, 50 MB with and without Content-Length, an answer slower than the
extension's timeout), on the list's own server so deltas, the ETag and the
"not older" rule are live. For each: the last good list stays in force, the
banner still shows, the toolbar popup shows the error, and the next sync
recovers. Firefox's fetch, streams and abort are its own code, so these
prove the background's limits hold there too."""

from __future__ import annotations

import time

import pytest

from tests.e2e.entries import LISTED, entry
from tests.e2e.firefox_harness import CaveatFirefox, packaged_xpi
from tests.e2e.test_sync_faults_chromium import FAULTS, FETCH_TIMEOUT_MS, MARKER, FaultServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fault_server():
    server = FaultServer().start()
    yield server
    server.release.set()
    server.stop()


@pytest.fixture(scope="module")
def firefox(build_extension, fault_server, site_server, tmp_path_factory):
    xpi = packaged_xpi(build_extension("firefox", fault_server.url))
    browser = CaveatFirefox(xpi, tmp_path_factory.mktemp("firefox") / "profile", site_server.port).start()
    yield browser
    browser.close()


def sync_now(firefox: CaveatFirefox, timeout: float = 15) -> str:
    """Click "Update the list now" in options (in the site tab) and return the result."""
    firefox.open_page("options.html")
    firefox.wait_until(lambda: firefox.text_of("#list-status"), message="options to render")
    firefox.element("#sync-now").click()
    return firefox.wait_until(
        lambda: (lambda text: text if text and text != "Updating…" else None)(firefox.text_of("#sync-result")),
        timeout=timeout, message="the sync result")


def banner_domain(firefox: CaveatFirefox, host: str) -> str | None:
    firefox.open(f"http://{host}/")
    assert firefox.element("#site-header").is_displayed()
    if firefox.banner() is None:
        firefox.settle()
    return firefox.banner_domain()


def stored(firefox: CaveatFirefox) -> dict:
    return firefox.storage("list", "lastSync", "listOrigin")


def popup_sync_error(firefox: CaveatFirefox) -> tuple[str | None, str]:
    """(the popup's sync error or None, its list version line), from the real toolbar popup."""
    firefox.open_toolbar_popup()
    try:
        version = firefox.wait_until(lambda: firefox.popup_text("#list-version"), message="the popup")
        return firefox.popup_text("#sync-error"), version
    finally:
        firefox.close_toolbar_popup()


def bring_in_sync(firefox: CaveatFirefox, fault_server: FaultServer) -> int:
    """The healthy server's current list is the one in force; returns its version."""
    fault_server.mode = "good"
    sync_now(firefox)
    state = stored(firefox)
    assert state["lastSync"]["ok"] is True, state["lastSync"]
    assert state["list"]["version"] == fault_server.version
    assert state["listOrigin"] == fault_server.url
    return fault_server.version


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_faulty_server_keeps_the_last_good_list(firefox, fault_server, fault):
    mode, code = FAULTS[fault]
    held = bring_in_sync(firefox, fault_server)
    before = stored(firefox)["list"]
    assert banner_domain(firefox, MARKER) == MARKER

    if mode == "down":
        fault_server.stop()
    else:
        fault_server.mode = mode
        fault_server.release.clear()
    started = time.monotonic()
    try:
        sync_now(firefox, timeout=FETCH_TIMEOUT_MS / 1000 + 20)
        state = stored(firefox)
        assert state["lastSync"]["ok"] is False
        if mode == "truncated":
            # Firefox's fetch hands over an HTTP/1.1 body cut short of its
            # Content-Length without an error (Chromium raises one); the
            # background must notice the missing bytes itself.
            assert state["lastSync"]["error"]["code"] == code, (
                "a body cut short must be reported as a network failure, not as a server that sent no list: "
                "readCapped() in extension/background/fetching.js should compare the bytes read with "
                f"Content-Length (when there is no Content-Encoding); got {state['lastSync']}")
        assert state["lastSync"]["error"]["code"] == code, state["lastSync"]
        if mode == "500":
            assert state["lastSync"]["error"]["detail"] == "500"
        if mode == "slow":  # the timeout, not the server, ended it
            assert time.monotonic() - started >= FETCH_TIMEOUT_MS / 1000 - 1
        # The last good list is in force: stored, and used for banners.
        assert state["list"] == before and state["list"]["version"] == held
        assert banner_domain(firefox, MARKER) == MARKER
        assert banner_domain(firefox, f"www.{LISTED}") == LISTED
        error, version = popup_sync_error(firefox)
        assert error is not None and "The last update failed" in error
        assert f"version {held}" in version
    finally:
        fault_server.release.set()
        if mode == "down":
            fault_server.start()
        fault_server.mode = "good"

    # Recovery: the next sync takes the newer list.
    fault_server.version += 1
    recovered = f"recovered-{fault_server.version}.example"
    fault_server.extra.append(entry(recovered, "Recovered Store"))
    sync_now(firefox)
    state = stored(firefox)
    assert state["lastSync"]["ok"] is True, state["lastSync"]
    assert state["list"]["version"] == fault_server.version
    assert banner_domain(firefox, recovered) == recovered
    assert popup_sync_error(firefox)[0] is None
