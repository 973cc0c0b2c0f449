"""A 50,000-entry list built in: stored (past storage.local's 10 MB quota:
the extension asks for ``unlimitedStorage``), a banner on the last entry
before the page has loaded, none on an unlisted host, and the list still
there after a browser restart. Past PATTERN_LIMIT match patterns the banner
is not registered: it is injected when a listed page commits
(registration.js, bench/scale.md). The 50,000-entry extension is built once
per session, for both browsers."""

from __future__ import annotations

import pytest

import build
from bench.synthetic import synthetic_entries
from testkit.entries import LISTED, base_entries, list_document
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e

ENTRIES = 50_000
# Nothing listens there: no sync replaces the built-in list during the test.
UNUSED_SERVER = "http://127.0.0.1:9"
COUNT_STORED = "const {list} = await api.storage.local.get('list'); return list ? list.entries.length : 0;"


@pytest.fixture(scope="session")
def big_entries():
    return base_entries() + synthetic_entries(ENTRIES - len(base_entries()))


@pytest.fixture(scope="session")
def big_builds(tmp_path_factory, big_entries):
    """Both browsers' packages with the 50,000-entry list, built once."""
    import json

    out = tmp_path_factory.mktemp("dist-50k")
    list_file = out / "list.json"
    list_file.write_text(json.dumps(list_document(big_entries)), encoding="utf-8")
    code = build.main(["--browser", "all", "--out", str(out), "--list", str(list_file), "--server-url", UNUSED_SERVER])
    assert code == 0, f"build.py failed with exit code {code}"
    return {"chrome": out / "chrome", "firefox": out / "firefox"}


@pytest.fixture(scope="module")
def build_extension(big_builds):
    """Every browser of this module gets the 50,000-entry build."""
    return lambda browser, server_url, list_doc=None, **options: big_builds[browser]


@pytest.fixture(scope="module")
def list_server_url():
    return UNUSED_SERVER


@pytest.fixture(scope="module")
def last_entry(big_entries):
    """The last entry of the list (its entries are sorted by domain)."""
    return max(big_entries, key=lambda e: e["domain"])


def test_the_whole_list_is_stored(driver):
    assert driver.extension_api(COUNT_STORED) == ENTRIES
    last_sync = driver.storage("lastSync").get("lastSync")
    assert last_sync is None or last_sync["ok"] is True, last_sync
    # Too many patterns to register: the banner comes at commit instead.
    assert driver.banner_registration() is None


def test_banner_on_the_last_entry_before_the_page_has_loaded(driver, last_entry):
    domain = last_entry["domain"]
    driver.start_loading(f"http://{domain}/slow")

    def page_state():
        try:
            return driver.evaluate(
                "({state: document.readyState, first: !!document.getElementById('first-part'),"
                " banner: document.querySelector('[data-caveat-banner][data-caveat-domain]')"
                "?.getAttribute('data-caveat-domain') ?? null})")
        except Exception:  # the old document went away under the script
            return None

    wait_until(lambda: (lambda s: s if s and s["first"] else None)(page_state()), message="the slow page's first part")
    seen = wait_until(lambda: (lambda s: s if s and s["banner"] else None)(page_state()), message="the banner")
    assert seen["banner"] == domain
    assert seen["state"] == "loading", "the banner should land before the page finished"


@pytest.mark.parametrize("host", ["unlisted.example", f"not{LISTED}"])
def test_no_banner_on_an_unlisted_host(driver, host):
    driver.open(f"http://{host}/")
    assert driver.is_visible("#site-header")
    driver.sleep()
    assert driver.no_banner()
    assert driver.scripts_injected_into(f"http://{host}/") in (None, [])


def test_the_list_survives_a_restart(driver, last_entry):
    driver.restart()
    assert driver.extension_api(COUNT_STORED) == ENTRIES
    assert driver.banner_domain_on(last_entry["domain"]) == last_entry["domain"]
    assert driver.banner_domain_on(f"www.{LISTED}") == LISTED
