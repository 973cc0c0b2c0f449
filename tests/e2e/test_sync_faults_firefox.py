"""The sync faults of test_sync_faults_chromium.py in Firefox ESR (Marionette,
the xpi built for the fault server): after each fault the last good list is
in force, the banner shows, the real toolbar popup shows the error, and the
next "sync now" recovers."""

from __future__ import annotations

import time

import pytest

from testkit.entries import LISTED, entry
from tests.e2e.firefox_pages import OptionsTab, has_banner, popup_state
from tests.e2e.faults import FAULTS, FETCH_TIMEOUT_MS, MARKER

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def list_server_url(fault_server):
    """The extension is built for the fault server: its list is the one in force."""
    return fault_server.url


@pytest.fixture(scope="module")
def options(firefox):
    tab = OptionsTab(firefox)
    yield tab
    tab.close()


def sync_now(options: OptionsTab, timeout: float = 15) -> str:
    with options.front() as ff:
        ff.client.execute_script("document.getElementById('sync-result').textContent = '';")
        ff.element("#sync-now").click()
        return ff.wait_until(
            lambda: (lambda text: text if text and text != "Updating…" else None)(ff.text_of("#sync-result")),
            timeout=timeout, message="the sync result")


def stored(firefox) -> dict:
    return firefox.storage("list", "lastSync", "listOrigin")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_faulty_server_keeps_the_last_good_list(firefox, options, fault_server, fault):
    mode, code = FAULTS[fault]
    fault_server.mode = "good"
    sync_now(options)
    state = stored(firefox)
    assert state["lastSync"]["ok"] is True and state["list"]["version"] == fault_server.version, state["lastSync"]
    assert state["listOrigin"] == fault_server.url
    before, held = state["list"], fault_server.version
    assert has_banner(firefox, MARKER) == MARKER

    if mode == "down":
        fault_server.stop()
    else:
        fault_server.mode = mode
        fault_server.release.clear()
    started = time.monotonic()
    try:
        result = sync_now(options, timeout=FETCH_TIMEOUT_MS / 1000 + 20)
        assert result.startswith("The update failed"), result
        state = stored(firefox)
        assert state["lastSync"]["ok"] is False
        assert state["lastSync"]["error"]["code"] == code, state["lastSync"]
        if mode == "slow":
            assert time.monotonic() - started >= FETCH_TIMEOUT_MS / 1000 - 1
        assert state["list"] == before and state["list"]["version"] == held
        assert has_banner(firefox, MARKER) == MARKER
        assert has_banner(firefox, f"www.{LISTED}") == LISTED
        popup = popup_state(firefox)
        assert "The last update failed" in (popup["sync_error"] or ""), popup
        assert f"version {held}" in popup["list_version"]
    finally:
        fault_server.release.set()
        if mode == "down":
            fault_server.start()
        fault_server.mode = "good"

    fault_server.version += 1
    recovered = f"recovered-{fault_server.version}.example"
    fault_server.extra.append(entry(recovered, "Recovered Store"))
    assert sync_now(options) == f"The list is up to date (version {fault_server.version})."
    assert has_banner(firefox, recovered) == recovered
    assert popup_state(firefox)["sync_error"] is None
