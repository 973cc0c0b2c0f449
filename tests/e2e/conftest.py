"""Shared, browser-neutral fixtures for the end-to-end tests.

- ``site_server``: the local stand-in for every website (``sites.SiteServer``);
- ``caveat_server``: the real Flask app on a temporary SQLite database
  (``caveat_server.CaveatServer``), loaded with ``entries.base_entries()``;
- ``build_extension``: runs ``build.main`` into a temporary folder and returns
  the unpacked extension for one browser;
- ``list_server_url``: the server ``chromium`` and ``firefox`` sync from,
  ``caveat_server`` unless a module overrides it (the sync-fault modules);
- ``chromium``: one Chromium per test module with the built extension, synced
  from ``list_server_url`` (modules that need another setup define their own);
- ``page``: ``page(url)`` opens a tab in that Chromium and closes it after the test;
- ``fault_server``: a list server a test switches between healthy and broken
  (``faults.FaultServer``), one per module;
- ``firefox``: one Firefox ESR per test module with the built xpi installed
  through the add-on manager, synced from ``list_server_url``.

Chromium-specific helpers live in ``chromium.py``; Firefox's in
``firefox_harness.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.caveat_server import CaveatServer
from tests.e2e.chromium import ChromiumExtension
from tests.e2e.faults import FaultServer
from tests.e2e.firefox_harness import CaveatFirefox, packaged_xpi
from testkit.entries import base_entries, list_document
from testkit.extension import run_build
from testkit.sites import SiteServer

# Playwright's 5 s default is tight for a browser on a loaded 2-core CI
# machine; a passing expectation returns as soon as it holds, so only a
# failure waits the full 10 s.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def site_server():
    server = SiteServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def caveat_server(tmp_path_factory):
    """A fresh lookup server per test module (tests in a module may publish entries)."""
    server = CaveatServer(tmp_path_factory.mktemp("caveat-db") / "caveat.db", base_entries()).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def build_extension(tmp_path_factory):
    """``build_extension(browser, server_url, list_doc=None)`` -> unpacked extension folder."""
    def _build(browser: str, server_url: str, list_doc: dict | None = None) -> Path:
        doc = list_doc if list_doc is not None else list_document(base_entries())
        return run_build(browser, tmp_path_factory.mktemp(f"dist-{browser}"), doc, server_url)
    return _build


@pytest.fixture(scope="module")
def list_server_url(caveat_server):
    """The server the module's ``chromium`` and ``firefox`` are built to sync
    from; a module overrides this fixture to point them at another server."""
    return caveat_server.url


@pytest.fixture(scope="module")
def chromium(playwright, build_extension, list_server_url, site_server, tmp_path_factory):
    extension = build_extension("chrome", list_server_url)
    browser = ChromiumExtension(playwright, extension, tmp_path_factory.mktemp("profile"), site_server.port).start()
    yield browser
    browser.close()


@pytest.fixture
def page(chromium):
    pages = []

    def _open(url):
        p = chromium.open(url)
        pages.append(p)
        return p

    yield _open
    for p in pages:
        if not p.is_closed():
            p.close()


@pytest.fixture(scope="module")
def firefox(build_extension, list_server_url, site_server, tmp_path_factory):
    xpi = packaged_xpi(build_extension("firefox", list_server_url))
    browser = CaveatFirefox(xpi, tmp_path_factory.mktemp("firefox") / "profile", site_server.port).start()
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def fault_server():
    server = FaultServer().start()
    yield server
    server.release.set()
    server.stop()
