"""Host access in Firefox ESR, which lets a person withhold it at install or
revoke it later (Chromium grants it with the install). Without it the banner
cannot appear, but the badge still warns, and the popup offers to grant
access; granting it through Firefox's own prompt brings the banner back."""

from __future__ import annotations

import pytest

from testkit.entries import LISTED
from tests.e2e.drivers.firefox import CaveatFirefox

pytestmark = pytest.mark.e2e

HOST_PATTERNS = ["http://*/*", "https://*/*"]


@pytest.fixture
def firefox_without_access(launch, tmp_path):
    """A person who did not grant host access at install (Firefox's own default)."""
    browser = launch("firefox", tmp_path / "profile", extra_prefs={"extensions.originControls.grantByDefault": False})
    yield browser
    browser.close()


@pytest.fixture
def firefox(launch, tmp_path):
    browser = launch("firefox", tmp_path / "profile")
    yield browser
    browser.close()


def has_host_access(firefox: CaveatFirefox) -> bool:
    granted = firefox.browser.granted_origins(firefox.extension.addon_id)
    return all(pattern in granted for pattern in HOST_PATTERNS)


def badge_on_listed_tab(firefox: CaveatFirefox) -> str:
    return firefox.extension_api(
        "const [tab] = await browser.tabs.query({url: args[0]});"
        "return tab ? await browser.action.getBadgeText({tabId: tab.id}) : null;",
        f"http://{LISTED}/")


def open_popup(firefox: CaveatFirefox) -> None:
    firefox.open_page("popup.html")
    firefox.wait_until(lambda: firefox.text_of("#list-version"), message="the popup to render")


def assert_popup_offers_access(firefox: CaveatFirefox) -> None:
    open_popup(firefox)
    firefox.wait_until(lambda: not firefox.is_hidden("#access"), message="the popup's offer of access")
    assert "cannot show its warning banner" in firefox.text_of("#access")


def assert_popup_does_not_offer_access(firefox: CaveatFirefox) -> None:
    open_popup(firefox)
    firefox.settle()  # the access check answers just after the list
    assert firefox.is_hidden("#access")


def assert_no_banner_but_badge(firefox: CaveatFirefox) -> None:
    firefox.open(f"http://{LISTED}/")
    assert firefox.element("#site-header").is_displayed()
    firefox.settle()
    assert firefox.no_banner()
    assert firefox.wait_until(lambda: badge_on_listed_tab(firefox) == "!", message="the badge") is True


def test_withheld_access_badge_warns_and_popup_grants_it(firefox_without_access):
    firefox = firefox_without_access
    assert not has_host_access(firefox)
    assert_no_banner_but_badge(firefox)

    assert_popup_offers_access(firefox)
    firefox.element("#grant").click()
    firefox.wait_until(firefox.browser.permission_prompt_shown, message="Firefox's permission prompt")
    firefox.browser.accept_permission_prompt()
    firefox.wait_until(lambda: has_host_access(firefox), message="host access granted")
    firefox.wait_until(lambda: firefox.is_hidden("#access"), message="the popup to drop its offer")

    firefox.open(f"http://{LISTED}/")
    assert firefox.wait_for_banner()["data-caveat-domain"] == LISTED


def test_revoked_access_stops_the_banner_but_not_the_badge(firefox):
    firefox.open(f"http://{LISTED}/")
    firefox.wait_for_banner()
    assert_popup_does_not_offer_access(firefox)

    # What "remove access" in about:addons does.
    assert firefox.extension_api("return await browser.permissions.remove({origins: args[0]});",
                                 HOST_PATTERNS) is True
    assert not has_host_access(firefox)
    assert firefox.browser.can_access(firefox.extension.addon_id, f"http://{LISTED}/") is False
    assert_no_banner_but_badge(firefox)
    assert_popup_offers_access(firefox)
