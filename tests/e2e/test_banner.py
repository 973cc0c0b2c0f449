"""The banner in Debian's Chromium and Firefox ESR, with the extension as
build.py packages it: where it appears (listed host, subdomain, IDN), where it
never does, what it says, and the popup over a listed and an unlisted site."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.entries import IDN, LISTED, SHOP_TEST
from testkit.sites import page_html
from tests.e2e.cases import BANNER_FILES, BANNER_FILES_JS, LISTED_HOSTS, contrast, luminance
from tests.e2e.drivers import only
from tests.e2e.drivers.base import BANNER, BANNER_HOST
from tests.e2e.drivers.chromium import ChromiumExtension
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e

# Run by the page's parser at the top of <head>: did the banner's frame land first?
FRAME_PROBE = "window.caveatFrameAtParse = !!document.querySelector('[data-caveat-banner]');"
DARK_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "banner-chromium-dark.png"
LISTED_PATTERNS = [f"*://{LISTED}/*", f"*://*.{LISTED}/*", f"*://{IDN}/*", f"*://*.{IDN}/*", f"*://{SHOP_TEST}/*"]


@pytest.mark.parametrize("host, domain", LISTED_HOSTS)
def test_banner_on_listed_host(driver, host, domain):
    driver.open(f"http://{host}/")
    assert driver.wait_for_banner()["data-caveat-domain"] == domain
    assert driver.count(BANNER) == 1 and driver.banner_hosts() == 1
    assert driver.banner_is_displayed()


def test_banner_on_idn_typed_in_unicode(driver):
    driver.open("http://mp3-spärks.example/")
    assert driver.evaluate("location.hostname") == IDN
    assert driver.wait_for_banner()["data-caveat-domain"] == IDN


@pytest.mark.parametrize("host", [
    "unlisted.example",
    f"notlisted-{LISTED}",
    f"not{LISTED}",
    f"{LISTED}.evil.test",
    f"www.{SHOP_TEST}",  # that entry covers the exact host only
    "example.test",
])
def test_no_banner_on_unlisted_host(driver, host):
    driver.open(f"http://{host}/")
    # The page has loaded (its own header is there); the banner would have
    # landed at document_start, long before the load event.
    assert driver.is_visible("#site-header")
    driver.sleep()
    assert driver.no_banner()


def test_no_content_script_on_unlisted_pages(driver):
    """The banner's script is registered only for listed hosts' patterns."""
    scripts = driver.registered_scripts()
    assert len(scripts) == 1
    assert scripts[0]["runAt"] == "document_start" and scripts[0]["allFrames"] is False
    assert sorted(scripts[0]["matches"]) == sorted(LISTED_PATTERNS)


@only("firefox")  # only Firefox says which scripts it would inject into a URL
def test_the_browser_injects_nothing_into_unlisted_pages(driver):
    """Asked directly, Firefox would put Caveat's script only into listed pages,
    although host access would allow any page."""
    for url in (f"http://{LISTED}/", f"https://eu.checkout.{LISTED}/pay", f"http://{IDN}/", f"http://{SHOP_TEST}/"):
        assert driver.scripts_injected_into(url) == BANNER_FILES, url
    for url in ("http://unlisted.example/", f"http://not{LISTED}/", f"http://notlisted-{LISTED}/",
                f"http://{LISTED}.evil.test/", f"http://www.{SHOP_TEST}/"):
        assert driver.scripts_injected_into(url) == [], url
        assert driver.browser.can_access(driver.extension.addon_id, url) is True


def test_banner_shows_the_entry(driver):
    driver.open(f"http://www.{LISTED}/")
    driver.wait_for_banner()
    text = driver.banner_text()
    assert "the legality of AllOfMP3 is disputed" in text
    assert "sells music downloads under licences" in text
    assert "Legality disputed" in text
    assert "sources last checked on October 1, 2026" in text
    for label in ("Details and sources", "Report a mistake", "Don’t warn me again for this site", "Dismiss"):
        assert label in text
    alerts = [n for n in driver.banner_nodes("div") if n["attributes"].get("role") == "alert"]
    assert len(alerts) == 1


def test_banner_before_the_page_finishes_loading(driver):
    """On a page that arrives slowly the banner is there while the body is still loading."""
    driver.start_loading(f"http://{LISTED}/slow")

    def page_state():
        try:
            return driver.evaluate(
                "({state: document.readyState, first: !!document.getElementById('first-part'),"
                " banner: !!document.querySelector('[data-caveat-banner][data-caveat-domain]')})")
        except Exception:  # the old document went away under the script
            return None

    first = wait_until(lambda: (lambda s: s if s and s["first"] else None)(page_state()),
                       message="the slow page's first part")
    assert first["state"] == "loading"
    seen = wait_until(lambda: (lambda s: s if s and s["banner"] else None)(page_state()), message="the banner")
    assert seen["state"] == "loading", "the banner should land before the page finished"


def test_banner_frame_is_there_before_the_page_is_parsed(driver, site_server):
    """The frame is drawn at document_start, without waiting for the background:
    the page's first script already finds it; the entry fills it in later."""
    site_server.set_page("/frame-probe", page_html(LISTED, "frame probe", FRAME_PROBE))
    driver.open(f"http://{LISTED}/frame-probe")
    assert driver.wait_for_banner()["data-caveat-domain"] == LISTED
    assert driver.page_global("caveatFrameAtParse") is True
    assert "the legality of AllOfMP3 is disputed" in driver.banner_text()


def test_a_frame_where_no_warning_is_due_goes_away(driver, site_server):
    """Should the script run where the background has no warning (a page loading
    while the registration changes), the frame it drew is removed."""
    host = "unlisted-probe.example"
    driver.extension_api(
        "await api.scripting.registerContentScripts(toPage([{id: 'test-unlisted', js: " + BANNER_FILES_JS + ","
        " matches: [args[0]], runAt: 'document_start', persistAcrossSessions: false}]));", f"*://{host}/*")
    try:
        site_server.set_page("/frame-probe", page_html(host, "frame probe", FRAME_PROBE), host=host)
        driver.open(f"http://{host}/frame-probe")
        assert driver.page_global("caveatFrameAtParse") is True  # drawn at document_start...
        driver.wait_for_no_banner("the frame to go")  # ...and gone once the answer says no entry
        assert driver.evaluate("getComputedStyle(document.documentElement).marginTop") == "0px"
    finally:
        driver.extension_api("await api.scripting.unregisterContentScripts({ids: ['test-unlisted']});")


def test_banner_comes_even_when_the_registration_is_missing(driver):
    """The browser can miss the registered script (first pages after start-up,
    restored tabs): the background then injects the banner when the page has
    loaded, once per document."""
    saved = driver.registered_scripts()
    driver.extension_api("await api.scripting.unregisterContentScripts();")
    try:
        driver.open(f"http://www.{LISTED}/")
        assert driver.wait_for_banner()["data-caveat-domain"] == LISTED
        driver.sleep()
        assert driver.banner_hosts() == 1  # injected once, not twice
        driver.open("http://unlisted.example/")
        driver.sleep()
        assert driver.no_banner()
    finally:
        driver.extension_api("await api.scripting.registerContentScripts(toPage(args[0]));", saved)
    assert driver.registered_scripts() == saved


def test_page_is_pushed_down_not_hidden(driver):
    driver.open(f"http://{LISTED}/")
    driver.wait_for_banner()
    banner_box = wait_until(lambda: (lambda r: r if r and r["height"] > 0 else None)(driver.rect(BANNER)),
                            message="banner box")
    header_box = driver.rect("#site-header")
    assert banner_box["y"] == 0 and banner_box["height"] > 20
    assert header_box["y"] >= banner_box["y"] + banner_box["height"] - 1, (banner_box, header_box)


def test_badge_marks_listed_tabs_only(driver):
    driver.open(f"http://{LISTED}/")
    other = driver.open_tab("http://unlisted.example/")
    try:
        badges = wait_until(lambda: (lambda b: b if b.get(LISTED, [""])[0] == "!" else None)(driver.tab_badges()),
                            message="the badge on the listed tab")
        assert badges == {LISTED: ["!", "Caveat: AllOfMP3 is on the warning list (Legality disputed)"],
                          "unlisted.example": ["", "Caveat"]}
    finally:
        driver.close_tab(other)


@only("firefox")  # Firefox stops an idle event page on its own terms; Chromium's worker is woken by the driver
def test_banner_and_badge_after_the_browser_suspended_the_event_page(driver):
    """Firefox stops an idle MV3 event page; the next listed page must wake it."""
    addon_id = driver.extension.addon_id
    # An event already on its way (a tab update, a badge refresh) can wake it
    # again at once; ask until Firefox reports it stopped.
    wait_until(lambda: driver.browser.suspend_background(addon_id) == "stopped", message="the event page stopped")

    driver.open(f"http://shop.{LISTED}/")

    assert driver.wait_for_banner()["data-caveat-domain"] == LISTED
    assert driver.browser.background_state(addon_id) == "running"
    badge = wait_until(lambda: driver.extension_api(
        "const [tab] = await api.tabs.query({url: args[0]});"
        "return tab ? await api.action.getBadgeText({tabId: tab.id}) : null;",
        f"http://shop.{LISTED}/"), message="the badge")
    assert badge == "!"


def test_popup_describes_the_current_site(driver):
    driver.open(f"http://www.{LISTED}/")
    driver.open_popup()
    try:
        site = wait_until(lambda: (lambda t: t if t and "Legality disputed ·" in t else None)(
            driver.popup_text("#site")), message="the popup's site")
        assert "Caveat: the legality of AllOfMP3 is disputed" in site
        assert "sells music downloads" in site
        assert "Legality disputed · sources last checked on October 1, 2026" in site
        links = driver.popup_nodes("#site a")
        assert [(a["text"], a["attributes"]["href"]) for a in links] == [
            ("Report on AllOfMP3", "https://news.example/report"), ("Court record", "http://court.example/case/1")]
        assert links[0]["attributes"]["rel"] == "noopener noreferrer"
        assert "Warning list version 1" in driver.popup_text("#list-version")
        assert driver.popup_text("#sync-error") is None
        assert driver.popup_text("#access") is None
    finally:
        driver.close_popup()

    driver.open("http://unlisted.example/")
    driver.open_popup()
    try:
        assert wait_until(lambda: driver.popup_text("#site"), message="the popup's site") == \
            "unlisted.example is not on the warning list."
    finally:
        driver.close_popup()


def test_first_page_after_a_browser_restart_gets_the_banner(driver, launch, tmp_path):
    """Reopening the browser: the banner registered in the last session persists
    and the first listed page gets it, without the test touching the extension
    first (no readiness wait, no extension page opened)."""
    browser = launch(driver.name, tmp_path / "profile")
    try:
        browser.restart(wait_ready=False)
        injected = browser.scripts_injected_into(f"http://{LISTED}/")
        assert injected in (None, BANNER_FILES)
        browser.open(f"http://www.{LISTED}/")
        try:
            assert browser.wait_for_banner()["data-caveat-domain"] == LISTED
        except AssertionError as err:
            # Say what the extension was doing, so a failure can be understood.
            state = {"frames": browser.banner_hosts(), "scripts": browser.registered_scripts(),
                     "stored": browser.extension_api("const s = await api.storage.local.get(null);"
                                                     " return {version: s.list?.version, seededFor: s.seededFor};")}
            browser.reload()
            state["after reload"] = browser.count(BANNER)
            raise AssertionError(f"no banner on the first page after a restart: {state}") from err
    finally:
        browser.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_banner_text_has_goodcontrast(driver, scheme):
    """WCAG AA (4.5:1) for the banner's text and buttons, in light and dark mode."""
    driver.set_color_scheme(scheme)
    try:
        driver.open(f"http://{LISTED}/")
        driver.wait_for_banner()
        assert driver.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        [bar] = [s for s in driver.banner_styles("div", ["background-color", "color", "border-bottom-color"])
                 if s["background-color"] not in ("rgba(0, 0, 0, 0)", "")]
        assert contrast(bar["color"], bar["background-color"]) >= 4.5, bar
        assert contrast(bar["border-bottom-color"], bar["background-color"]) >= 3, bar  # the status accent
        for button in driver.banner_styles("button", ["background-color", "color"]):
            assert contrast(button["color"], button["background-color"]) >= 4.5, button
        if scheme == "dark":
            assert luminance(bar["background-color"]) < 0.1, "dark mode should have a dark banner"
            if driver.name == "chromium":  # the documentation shows Chromium's banner
                driver.screenshot(str(DARK_SCREENSHOT), 1100, 240)
    finally:
        driver.set_color_scheme(None)


def test_missing_chromium_fails_instead_of_skipping(playwright, tmp_path):
    with pytest.raises(AssertionError, match="Chromium is not installed"):
        ChromiumExtension(playwright, tmp_path, tmp_path / "profile", 1, binary=tmp_path / "no-chromium")


def test_banner_speaks_the_browser_language(driver, launch, tmp_path):
    """A browser in German (Debian's chromium-l10n / firefox-esr-l10n-de) gets the German banner."""
    german = launch(driver.name, tmp_path / "profile-de", **type(driver).language_options("de"))
    try:
        if driver.name == "firefox":  # Chromium without chromium-l10n keeps an en-US UI; its pages still get de
            assert german.extension_api("return api.i18n.getUILanguage();") == "de", (
                "Firefox is not running in German: install Debian's firefox-esr-l10n-de")
        german.open(f"http://{LISTED}/")
        german.wait_for_banner()
        text = german.banner_text()
        assert "Caveat: Die Rechtmäßigkeit von AllOfMP3 ist umstritten" in text
        assert "Quellen zuletzt geprüft am 1. Oktober 2026" in text
        for label in ("Details und Quellen", "Fehler melden", "Für diese Website nicht mehr warnen", "Ausblenden"):
            assert label in text
    finally:
        german.close()


@only("chromium")  # reads inside a cross-origin frame through Playwright's frame locator
def test_no_banner_inside_frames(driver, site_server):
    """The banner is for the page a person is on: a listed store framed by another site gets none."""
    site_server.set_page("/framing", f"<!doctype html><html><body><header id='site-header'>Blog</header>"
                                     f"<iframe id='shop' src='http://{LISTED}/' width='600' height='300'></iframe></body></html>",
                         host="unlisted.example")
    driver.open("http://unlisted.example/framing")
    frame = driver.page.frame_locator("#shop")
    frame.locator("#site-header").wait_for(state="visible")
    driver.sleep()
    assert frame.locator(BANNER_HOST).count() == 0
    assert driver.no_banner()
