"""An update of the extension in a running browser keeps the banner: Chrome
drops dynamically registered content scripts when an extension updates, so
the background registers the banner again (at start-up, and once more on
``runtime.onInstalled`` with reason "update"), before the next listed page.

The update is real: Chromium reloads its unpacked folder after the folder's
files were replaced by a build of a higher version; Firefox installs the
newer xpi over the installed add-on."""

from __future__ import annotations

import pytest

from testkit.entries import LISTED
from testkit.sites import page_html

pytestmark = pytest.mark.e2e

# Run by the page's parser at the top of <head>: did the banner's frame land first?
FRAME_PROBE = "window.caveatFrameAtParse = !!document.querySelector('[data-caveat-banner]');"


def bumped(version: str) -> str:
    parts = [int(p) for p in version.split(".")]
    parts[-1] += 1
    return ".".join(str(p) for p in parts)


def test_banner_registration_survives_an_update(driver, site_server):
    before = driver.extension_api("return api.runtime.getManifest().version;")
    assert driver.banner_registration() is not None
    newer = bumped(before)

    driver.update_extension(driver.newer_build(newer))
    driver.wait_ready()

    assert driver.extension_api("return api.runtime.getManifest().version;") == newer
    assert driver.storage("seededFor")["seededFor"] == newer  # the new version's start-up ran
    registration = driver.banner_registration()
    assert registration is not None, "the banner is not registered after the update"
    assert f"*://{LISTED}/*" in registration["matches"]

    # The next listed page gets the banner from the registration, at
    # document_start: the page's first script already finds its frame.
    site_server.set_page("/update-probe", page_html(LISTED, "update probe", FRAME_PROBE))
    driver.open(f"http://{LISTED}/update-probe")
    assert driver.wait_for_banner()["data-caveat-domain"] == LISTED
    assert driver.page_global("caveatFrameAtParse") is True
