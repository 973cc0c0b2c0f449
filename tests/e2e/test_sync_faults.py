"""List sync against a faulty list server, in Chromium and Firefox ESR.

The extension is built for a local fault server (``--server-url``), so the
list in force came from that very server: the delta path (``/changes``),
the ETag and the "not older" rule are all live, unlike a test that points
the options at a second, broken server. For each fault:

1. the server is healthy and the extension holds its list (version N, with
   an entry only that server publishes);
2. the fault is switched on and "sync now" is clicked in options;
3. the sync fails with the expected error code, the stored list is still
   version N, the banner still shows on a host only that list names, and the
   popup shows the sync error;
4. the server recovers with version N+1 (one more entry) and the next
   "sync now" succeeds and brings the new entry.

Faults: server down (closed port), connection reset, HTTP 500, an answer
slower than the extension's timeout (FETCH_TIMEOUT_MS, read from
extension/background/fetching.js), a body cut short, invalid JSON, valid JSON
of the wrong shape (list and delta), an empty list, an older version (list
and delta), a body that claims gzip and is not, a redirect loop, a redirect
to a data: URL carrying a newer list, and a 50 MB answer with and without
Content-Length.
"""

from __future__ import annotations

import time

import pytest

from testkit.entries import LISTED, entry
from tests.e2e.faults import FAULTS, FETCH_TIMEOUT_MS, MARKER

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def list_server_url(fault_server):
    """The extension is built for the fault server: its list is the one in force."""
    return fault_server.url


@pytest.fixture(scope="module")
def options(driver):
    tab = driver.options_tab()
    yield tab
    tab.close()


def stored(driver) -> dict:
    return driver.storage("list", "lastSync", "listOrigin")


def bring_in_sync(driver, options, fault_server) -> int:
    """The healthy server's current list is the one in force; returns its version."""
    fault_server.mode = "good"
    options.sync_now()
    state = stored(driver)
    assert state["lastSync"]["ok"] is True, state["lastSync"]
    assert state["list"]["version"] == fault_server.version
    assert state["listOrigin"] == fault_server.url
    return fault_server.version


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_faulty_server_keeps_the_last_good_list(driver, options, fault_server, fault):
    mode, code = FAULTS[fault]
    held = bring_in_sync(driver, options, fault_server)
    before = stored(driver)["list"]
    assert driver.banner_domain_on(MARKER) == MARKER

    if mode == "down":
        fault_server.stop()
    else:
        fault_server.mode = mode
        fault_server.release.clear()
    started = time.monotonic()
    try:
        result = options.sync_now(timeout=FETCH_TIMEOUT_MS / 1000 + 20)
        assert result.startswith("The update failed"), result
        state = stored(driver)
        assert state["lastSync"]["ok"] is False
        assert state["lastSync"]["error"]["code"] == code, state["lastSync"]
        if mode == "500":
            assert state["lastSync"]["error"]["detail"] == "500"
        if mode == "slow":  # the timeout, not the server, ended it
            assert time.monotonic() - started >= FETCH_TIMEOUT_MS / 1000 - 1
        # The last good list is in force: stored, and used for banners.
        assert state["list"] == before and state["list"]["version"] == held
        assert driver.banner_domain_on(MARKER) == MARKER
        assert driver.banner_domain_on(f"www.{LISTED}") == LISTED
        popup = driver.popup_state()
        assert "The last update failed" in (popup["sync_error"] or ""), popup
        assert f"version {held}" in popup["list_version"]
    finally:
        fault_server.release.set()
        if mode == "down":
            fault_server.start()
        fault_server.mode = "good"

    # Recovery: the next sync takes the newer list.
    fault_server.version += 1
    recovered = f"recovered-{fault_server.version}.example"
    fault_server.extra.append(entry(recovered, "Recovered Store"))
    assert options.sync_now() == f"The list is up to date (version {fault_server.version})."
    state = stored(driver)
    assert state["lastSync"]["ok"] is True, state["lastSync"]
    assert state["list"]["version"] == fault_server.version
    assert driver.banner_domain_on(recovered) == recovered
    assert driver.popup_state()["sync_error"] is None


def test_the_timeout_is_short_enough_for_a_person_waiting():
    """"Sync now" with a hung server must give up while the person still waits (at most 30 s)."""
    assert 1_000 <= FETCH_TIMEOUT_MS <= 30_000, FETCH_TIMEOUT_MS
