"""Shared, browser-neutral fixtures for the end-to-end tests.

- ``site_server``: the local stand-in for every website (``testkit.sites.SiteServer``);
- ``caveat_server``: the real Flask app on a temporary SQLite database
  (``caveat_server.CaveatServer``), loaded with ``testkit.entries.base_entries()``;
- ``build_extension``: runs ``build.main`` into a temporary folder and returns
  the unpacked extension for one browser;
- ``signing_keys``: Ed25519 test key pairs for the session (``signing.SigningKey``);
- ``extension_public_keys``: the ``--public-key`` values the module's browsers
  are built with, none (a development build) unless a module overrides it;
- ``list_server_url``: the server the browsers sync from, ``caveat_server``
  unless a module overrides it (the sync-fault tests);
- ``driver``: one browser per test module with the built extension, once
  for each of ``chromium`` and ``firefox`` (test ids ``test_x[chromium]``);
  a test for one browser only says ``@only("chromium")``;
- ``chromium`` / ``firefox``: the same, for the browser-specific modules;
- ``launch``: ``launch(browser, profile, **options)`` starts a further
  browser of that kind, which the test closes;
- ``fault_server``: a list server a test switches between healthy and broken
  (``faults.FaultServer``), one per module;
- ``signing_server``: a list server that serves what a test signed (or
  forged), with list.sig and path-form deltas (``signing.SigningServer``).

The drivers (``drivers/``) are the one interface the tests use; where a
browser differs, its driver says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.caveat_server import CaveatServer
from tests.e2e.drivers import BROWSERS
from tests.e2e.drivers.base import BrowserDriver
from tests.e2e.drivers.chromium import ChromiumExtension
from tests.e2e.drivers.firefox import CaveatFirefox
from tests.e2e.faults import FaultServer
from tests.e2e.signing import SigningKey, SigningServer
from testkit.entries import base_entries, list_document
from testkit.extension import packaged_xpi, run_build
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
    def _build(browser: str, server_url: str, list_doc: dict | None = None, public_keys=()) -> Path:
        doc = list_doc if list_doc is not None else list_document(base_entries())
        return run_build(browser, tmp_path_factory.mktemp(f"dist-{browser}"), doc, server_url, public_keys)
    return _build


@pytest.fixture(scope="session")
def signing_keys() -> list[SigningKey]:
    """Three Ed25519 test key pairs: a build trusts the first (or the first two), the third signs forgeries."""
    return [SigningKey() for _ in range(3)]


@pytest.fixture(scope="module")
def extension_public_keys() -> tuple[str, ...]:
    """The --public-key values the module's browsers are built with; a module overrides this."""
    return ()


@pytest.fixture(scope="module")
def list_server_url(caveat_server):
    """The server the module's browsers are built to sync from; a module
    overrides this fixture to point them at another server."""
    return caveat_server.url


def start_browser(kind: str, playwright, extension: Path, profile: Path, site_port: int, **options) -> BrowserDriver:
    """A started driver of ``kind`` with ``extension`` (``build_extension``'s folder) installed."""
    if kind == "chromium":
        return ChromiumExtension(playwright, extension, profile, site_port, **options).start()
    return CaveatFirefox(packaged_xpi(extension), profile, site_port, **options).start()


@pytest.fixture(scope="module")
def launch(playwright, build_extension, list_server_url, site_server, extension_public_keys):
    """``launch(kind, profile, public_keys=None, **options)``: a further browser synced from
    ``list_server_url``, built with ``public_keys`` (None: ``extension_public_keys``)."""
    def _launch(kind: str, profile: Path, public_keys=None, **options) -> BrowserDriver:
        keys = extension_public_keys if public_keys is None else public_keys
        extension = build_extension("chrome" if kind == "chromium" else "firefox", list_server_url, public_keys=keys)
        return start_browser(kind, playwright, extension, profile, site_server.port, **options)
    return _launch


@pytest.fixture(scope="module")
def chromium(launch, tmp_path_factory):
    browser = launch("chromium", tmp_path_factory.mktemp("profile"))
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def firefox(launch, tmp_path_factory):
    browser = launch("firefox", tmp_path_factory.mktemp("firefox") / "profile")
    yield browser
    browser.close()


@pytest.fixture(scope="module", params=BROWSERS)
def driver(request, launch, tmp_path_factory):
    """One browser per module and kind, through the common driver interface."""
    for server in ("caveat_server", "fault_server", "signing_server"):  # what the other browser published or broke is gone
        if server in request.fixturenames:
            request.getfixturevalue(server).reset()
    browser = launch(request.param, tmp_path_factory.mktemp(request.param) / "profile")
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _close_test_pages(request):
    """Tabs a test opened in a module-wide browser are closed after it."""
    driver = request.getfixturevalue("driver") if "driver" in request.fixturenames else None
    yield
    if driver is not None:
        driver.close_pages()


@pytest.fixture(scope="module")
def fault_server():
    server = FaultServer().start()
    yield server
    server.release.set()
    server.stop()


@pytest.fixture(scope="module")
def signing_server():
    server = SigningServer().start()
    yield server
    server.stop()
