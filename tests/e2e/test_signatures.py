"""Signed lists in Chromium and Firefox ESR (docs/design.md, "Signed lists").

The extension is built with ``--public-key`` (the first of the session's
test keys) for a list server that signs (``signing.SigningServer``: the
canonical bytes of server/canonical.py, list.sig, path-form deltas with
their "signature"). Each test first brings the browser in sync with a list
signed by the trusted key, then:

- a correctly signed update arrives, as a delta asked for by path;
- a list signed with another key, a list whose body was changed after
  signing, and a list without list.sig (404) are refused: the sync error is
  ``signature_invalid`` (options and popup say so), the stored list is the
  last good one, and the entry only the forged list names gets no banner;
- a delta whose result does not match its signature is refused and the
  extension falls back to the (signed) full list;
- key rotation: a build with two keys accepts a list signed with either,
  and still refuses a third;
- a build without keys says in options that lists are not signature-checked,
  and takes an unsigned list; a build with keys does not say so;
- the real server (``caveat serve`` with a key file): its signed list and a
  signed delta arrive; a server signing with a key the build does not trust
  is refused.
"""

from __future__ import annotations

import pytest

from testkit.entries import LISTED, base_entries, entry, list_document
from tests.e2e.caveat_server import CaveatServer
from tests.e2e.conftest import start_browser
from tests.e2e.signing import SigningServer
from tests.e2e.waiting import wait_until
from tests.e2e.signing import extension_public_keys  # noqa: F401  (the module's builds trust the first key)

pytestmark = pytest.mark.e2e

MARKER = "signed-marker.example"  # listed only by the signing server
HONEST = "honest-shop.example"  # what a forged list would warn against
REFUSED = "The update failed: the list server sent a list whose signature does not verify"


@pytest.fixture(scope="module")
def list_server_url(signing_server):
    return signing_server.url


@pytest.fixture
def options(driver):
    tab = driver.options_tab()
    yield tab
    tab.close()


def published(version: int, extra=()) -> dict:
    return list_document(base_entries() + [entry(MARKER, "Signed Marker Store"), *extra], version=version)


def held_from(driver, server: SigningServer) -> dict | None:
    """The list the browser holds from ``server``, else None (the bundled snapshot)."""
    state = driver.storage("list", "listOrigin")
    return state["list"] if state.get("listOrigin") == server.url else None


def bring_in_sync(driver, options, server: SigningServer, key) -> dict:
    """A new version signed by ``key`` is published and taken; returns it."""
    held = held_from(driver, server)
    doc = published(held["version"] + 1 if held else 10)
    server.publish(doc, key, delta_from=held)
    assert options.sync_now() == f"The list is up to date (version {doc['version']}).", driver.storage("lastSync")
    assert driver.storage("list")["list"]["version"] == doc["version"]
    server.clear_log()
    return doc


def test_a_correctly_signed_update_arrives(driver, options, signing_server, signing_keys):
    first = bring_in_sync(driver, options, signing_server, signing_keys[0])
    new = published(first["version"] + 1, [entry("signed-new.example", "Signed New Store")])
    signing_server.publish(new, signing_keys[0], delta_from=first)
    assert options.sync_now() == f"The list is up to date (version {new['version']})."
    assert signing_server.asked() == [f"/api/v1/changes/{first['version']}"]
    assert driver.banner_domain_on("signed-new.example") == "signed-new.example"
    assert driver.banner_domain_on(MARKER) == MARKER
    assert options.attribute("#unsigned-build", "hidden") is not None  # a signed build does not warn


def forge(server: SigningServer, doc: dict, forged: dict, keys, case: str) -> None:
    if case == "signed with another key":
        server.publish(forged, keys[2])
    elif case == "body changed after signing":
        server.publish(doc, keys[0])
        server.doc = forged
    elif case == "missing list.sig":
        server.publish(forged, None)


FORGERIES = {
    "signed with another key": "signed with a key this build does not trust",
    "body changed after signing": "the list's sha256 is not the signed one",
    "missing list.sig": "list.sig: HTTP 404",
}


@pytest.mark.parametrize("case", list(FORGERIES))
def test_a_list_that_does_not_verify_is_refused(driver, options, signing_server, signing_keys, case):
    held = bring_in_sync(driver, options, signing_server, signing_keys[0])
    before = driver.storage("list")["list"]
    doc = published(held["version"] + 1)
    forged = published(held["version"] + 1, [entry(HONEST, "Honest Shop")])
    forge(signing_server, doc, forged, signing_keys, case)

    result = options.sync_now()
    assert result.startswith(REFUSED), result
    assert FORGERIES[case] in result, result
    assert result.endswith("The previous list is kept.")
    last = driver.storage("lastSync")["lastSync"]
    assert last["ok"] is False and last["error"]["code"] == "signature_invalid", last
    # No delta for this version (410), so the full list and its list.sig were asked for.
    assert signing_server.asked() == [f"/api/v1/changes/{held['version']}", "/api/v1/list", "/api/v1/list.sig"]
    assert driver.storage("list")["list"] == before
    assert driver.banner_domain_on(HONEST) is None
    assert driver.banner_domain_on(MARKER) == MARKER
    popup = driver.popup_state()
    assert "signature does not verify" in (popup["sync_error"] or ""), popup
    assert f"version {held['version']}" in popup["list_version"]
    assert "signature does not verify" in options.text_of("#last-sync")


def test_a_delta_that_does_not_match_its_signature_gives_way_to_the_full_list(
        driver, options, signing_server, signing_keys):
    held = bring_in_sync(driver, options, signing_server, signing_keys[0])
    target = published(held["version"] + 1, [entry("signed-next.example", "Signed Next Store")])
    signing_server.publish(target, signing_keys[0], delta_from=held)
    # The delta carries the right signature, but its result names one more shop.
    signing_server.deltas[held["version"]]["upserted"].append(entry(HONEST, "Honest Shop"))

    assert options.sync_now() == f"The list is up to date (version {target['version']})."
    assert signing_server.asked() == [f"/api/v1/changes/{held['version']}", "/api/v1/list", "/api/v1/list.sig"]
    stored = driver.storage("list")["list"]
    assert [e["domain"] for e in stored["entries"]] == [e["domain"] for e in target["entries"]]
    assert driver.banner_domain_on(HONEST) is None
    assert driver.banner_domain_on("signed-next.example") == "signed-next.example"


def test_key_rotation_a_build_with_two_keys_accepts_either(driver, signing_server, signing_keys, launch,
                                                          tmp_path_factory):
    first, second, other = signing_keys
    profile = tmp_path_factory.mktemp(f"rotation-{driver.name}") / "profile"
    browser = launch(driver.name, profile, public_keys=(first.public, second.public))
    try:
        options = browser.options_tab()
        held = bring_in_sync(browser, options, signing_server, second)  # the full list, signed by the new key
        by_old = published(held["version"] + 1, [entry("rotated-old.example")])
        signing_server.publish(by_old, first, delta_from=held)
        assert options.sync_now() == f"The list is up to date (version {by_old['version']})."
        by_new = published(by_old["version"] + 1, [entry("rotated-new.example")])
        signing_server.publish(by_new, second)  # no delta: the full list and list.sig
        assert options.sync_now() == f"The list is up to date (version {by_new['version']})."
        assert browser.banner_domain_on("rotated-new.example") == "rotated-new.example"
        forged = published(by_new["version"] + 1, [entry(HONEST, "Honest Shop")])
        signing_server.publish(forged, other)
        result = options.sync_now()
        assert result.startswith(REFUSED) and "does not trust" in result, result
        assert browser.storage("list")["list"]["version"] == by_new["version"]
        options.close()
    finally:
        browser.close()


def test_a_build_without_keys_says_so_and_takes_unsigned_lists(driver, signing_server, launch, tmp_path_factory):
    profile = tmp_path_factory.mktemp(f"unsigned-{driver.name}") / "profile"
    browser = launch(driver.name, profile, public_keys=())
    try:
        options = browser.options_tab()
        wait_until(lambda: options.attribute("#unsigned-build", "hidden") is None, message="the unsigned-build note")
        assert options.text_of("#unsigned-build") == (
            "Development build: lists are not signature-checked. Any server you set here can change the list.")
        doc = published(90, [entry("unsigned-new.example")])
        signing_server.publish(doc, None)
        signing_server.clear_log()
        assert options.sync_now() == "The list is up to date (version 90)."
        assert "/api/v1/list.sig" not in signing_server.asked()
        assert browser.banner_domain_on("unsigned-new.example") == "unsigned-new.example"
        assert browser.banner_domain_on(f"www.{LISTED}") == LISTED
        options.close()
    finally:
        browser.close()


@pytest.fixture(scope="module")
def signed_caveat_servers(signing_keys, tmp_path_factory):
    """Two real servers: one signing with the trusted first key, one with the untrusted third."""
    servers = []
    for key in (signing_keys[0], signing_keys[2]):
        folder = tmp_path_factory.mktemp("caveat-signed")
        key_file = key.write_pem(folder / "signing-key.pem")
        servers.append(CaveatServer(folder / "caveat.db", base_entries(), {"SIGNING_KEY_FILE": str(key_file)}).start())
    yield servers
    for server in servers:
        server.stop()


def test_caveat_serve_signs_and_its_updates_arrive(driver, signed_caveat_servers, signing_keys, build_extension,
                                                   playwright, site_server, tmp_path_factory):
    trusted, untrusted = signed_caveat_servers
    for server in signed_caveat_servers:
        server.reset()
    extension = build_extension("chrome" if driver.name == "chromium" else "firefox", trusted.url,
                                public_keys=(signing_keys[0].public, signing_keys[1].public))
    profile = tmp_path_factory.mktemp(f"serve-{driver.name}") / "profile"
    browser = start_browser(driver.name, playwright, extension, profile, site_server.port)
    try:
        options = browser.options_tab()
        version = trusted.list_document()["version"]
        assert options.sync_now() == f"The list is up to date (version {version}).", browser.storage("lastSync")
        assert [r.path for r in trusted.log()] == ["/api/v1/list", "/api/v1/list.sig"]
        # Every field, Unicode and a jurisdiction: the delta's result must have the server's very bytes.
        ruling = {"country": "RU", "status": "lawful", "note": "Ein Moskauer Gericht sprach den Betreiber frei.",
                  "sources": [{"title": "Приговор", "url": "https://court.example/ruling"}], "since": "2007-08-15"}
        newer = trusted.put_entry(entry("served-new.example", "Served Névé Store ☂", details="Längere Details.",
                                        related=["served-old.example"], jurisdictions=[ruling]))
        trusted.clear_log()
        assert options.sync_now() == f"The list is up to date (version {newer})."
        assert [r.path for r in trusted.log()] == [f"/api/v1/changes/{version}"]  # a signed delta, by path
        assert browser.banner_domain_on("served-new.example") == "served-new.example"

        untrusted.put_entry(entry(HONEST, "Honest Shop"))
        options.set_server(untrusted.url)
        result = options.sync_now()
        assert result.startswith(REFUSED) and "does not trust" in result, result
        assert browser.storage("list")["list"]["version"] == newer
        assert browser.banner_domain_on(HONEST) is None
        options.set_server(None)
        options.close()
    finally:
        browser.close()
