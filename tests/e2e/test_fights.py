"""Stores that fight the banner (issue 15), in Chromium and Firefox ESR with the built extension.

A fight keeps removing and hiding the banner's host. The person must always see the
warning: the banner on the page (the guard repairs every attack in the same microtask),
or, once the page has attacked it more than the escalation threshold allows, the
extension's own ``warning.html`` in that tab, where no page script reaches.
Samples are taken from outside the page every 100 ms over 2 s (``VISIBILITY``).
"""

from __future__ import annotations

import time

import pytest

from testkit.entries import LISTED
from testkit.sites import page_html
from tests.e2e.hostile import FIGHTS, VISIBILITY

pytestmark = pytest.mark.e2e


def samples(driver, count: int = 20, period: float = 0.1) -> list[str]:
    """``count`` visibility samples ``period`` apart (a navigation in progress reads 'navigating')."""
    out = []
    start = time.monotonic()
    for i in range(count):
        delay = start + i * period - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            out.append(driver.evaluate(VISIBILITY))
        except Exception:  # the tab is between the store and the warning page
            out.append("navigating")
    return out


def open_fight(driver, site_server, name: str) -> None:
    path = f"/fights/{name.replace(' ', '')}"
    site_server.set_page(path, page_html(LISTED, f"fight {name}", FIGHTS[name]))
    driver.open(f"http://{LISTED}{path}")


@pytest.mark.parametrize("name", list(FIGHTS))
def test_fight_measure(driver, site_server, name):
    open_fight(driver, site_server, name)
    got = samples(driver)
    print(f"\nFIGHT {driver.name} {name}: {sum(s in ('visible', 'warning') for s in got)}/20 {got}")
