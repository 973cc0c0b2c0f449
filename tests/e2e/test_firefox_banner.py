"""The banner in Firefox ESR, with the xpi as build.py packages it: where it
appears (listed host, subdomain, IDN) and where it never does. Mirrors
test_chromium_banner.py case for case."""

from __future__ import annotations


import pytest

from testkit.entries import IDN, LISTED, SHOP_TEST
from tests.e2e.firefox_harness import CaveatFirefox, packaged_xpi
from testkit.sites import page_html
from tests.e2e.cases import LISTED_HOSTS, contrast, luminance

pytestmark = pytest.mark.e2e

# Run by the page's parser at the top of <head>: did the banner's frame land first?
FRAME_PROBE = "window.caveatFrameAtParse = !!document.querySelector('[data-caveat-banner]');"


@pytest.mark.parametrize("host, domain", LISTED_HOSTS)
def test_banner_on_listed_host(firefox, host, domain):
    firefox.open(f"http://{host}/")
    firefox.wait_for_banner()
    assert firefox.browser.banner_host_count() == 1
    assert firefox.banner_domain() == domain
    assert firefox.browser.banner_is_displayed()


def test_banner_on_idn_typed_in_unicode(firefox):
    firefox.open("http://mp3-spärks.example/")
    assert firefox.client.execute_script("return location.hostname") == IDN
    assert firefox.wait_for_banner()["data-caveat-domain"] == IDN


@pytest.mark.parametrize("host", [
    "unlisted.example",
    f"notlisted-{LISTED}",
    f"not{LISTED}",
    f"{LISTED}.evil.test",
    f"www.{SHOP_TEST}",  # that entry covers the exact host only
    "example.test",
])
def test_no_banner_on_unlisted_host(firefox, host):
    firefox.open(f"http://{host}/")
    # The page has loaded (its own header is there); the banner would have
    # landed at document_start, long before the load event.
    assert firefox.element("#site-header").is_displayed()
    firefox.settle()
    assert firefox.no_banner()


def test_no_content_script_on_unlisted_pages(firefox):
    """The banner's script is registered only for listed hosts' patterns."""
    scripts = firefox.extension_api("return await browser.scripting.getRegisteredContentScripts();")
    assert len(scripts) == 1
    assert scripts[0]["runAt"] == "document_start" and scripts[0]["allFrames"] is False
    assert sorted(scripts[0]["matches"]) == sorted([
        f"*://{LISTED}/*", f"*://*.{LISTED}/*", f"*://{IDN}/*", f"*://*.{IDN}/*", f"*://{SHOP_TEST}/*"])


def test_firefox_injects_nothing_into_unlisted_pages(firefox):
    """Asked directly, Firefox would put Caveat's script only into listed pages,
    although host access would allow any page."""
    addon_id = firefox.extension.addon_id
    for url in (f"http://{LISTED}/", f"https://eu.checkout.{LISTED}/pay", f"http://{IDN}/", f"http://{SHOP_TEST}/"):
        assert firefox.browser.content_scripts_for(addon_id, url) == ["banner.js"], url
    for url in ("http://unlisted.example/", f"http://not{LISTED}/", f"http://notlisted-{LISTED}/",
                f"http://{LISTED}.evil.test/", f"http://www.{SHOP_TEST}/"):
        assert firefox.browser.content_scripts_for(addon_id, url) == [], url
        assert firefox.browser.can_access(addon_id, url) is True


def test_banner_shows_the_entry(firefox):
    firefox.open(f"http://www.{LISTED}/")
    firefox.wait_for_banner()
    text = firefox.banner_text()
    assert "the legality of AllOfMP3 is disputed" in text
    assert "sells music downloads under licences" in text
    assert "Legality disputed" in text
    assert "sources last checked on October 1, 2026" in text
    for label in ("Details and sources", "Report a mistake", "Don’t warn me again for this site", "Dismiss"):
        assert label in text
    alerts = [n for n in firefox.banner_nodes("div") if n["attributes"].get("role") == "alert"]
    assert len(alerts) == 1


def test_banner_before_the_page_finishes_loading(firefox):
    """On a page that arrives slowly the banner is there while the body is still loading."""
    firefox.open("about:blank")
    firefox.client.execute_script("window.location.assign(arguments[0])", script_args=[f"http://{LISTED}/slow"])

    def page_state():
        try:
            return firefox.client.execute_script(
                "return {state: document.readyState, first: !!document.getElementById('first-part'),"
                " banner: !!document.querySelector('[data-caveat-banner]')};")
        except Exception:  # the old document went away under the script
            return None

    firefox.wait_until(lambda: (page_state() or {}).get("first"), message="the slow page's first part")
    seen = firefox.wait_until(lambda: (lambda s: s if s and s["banner"] else None)(page_state()),
                              message="the banner")
    assert seen["state"] == "loading", "the banner should land before the page finished"


def test_banner_frame_is_there_before_the_page_is_parsed(firefox, site_server):
    """The frame is drawn at document_start, without waiting for the background:
    the page's first script already finds it; the entry fills it in later."""
    site_server.set_page("/frame-probe", page_html(LISTED, "frame probe", FRAME_PROBE))
    firefox.open(f"http://{LISTED}/frame-probe")
    assert firefox.wait_for_banner()["data-caveat-domain"] == LISTED
    assert firefox.browser.page_script("return window.wrappedJSObject.caveatFrameAtParse;") is True
    assert "the legality of AllOfMP3 is disputed" in firefox.banner_text()


def test_a_frame_where_no_warning_is_due_goes_away(firefox, site_server):
    """Should the script run where the background has no warning (a page loading
    while the registration changes), the frame it drew is removed."""
    host = "unlisted-probe.example"
    firefox.extension_api(
        "await browser.scripting.registerContentScripts(toPage([{id: 'test-unlisted', js: ['banner.js'],"
        " matches: [args[0]], runAt: 'document_start', persistAcrossSessions: false}]));", f"*://{host}/*")
    try:
        site_server.set_page("/frame-probe", page_html(host, "frame probe", FRAME_PROBE), host=host)
        firefox.open(f"http://{host}/frame-probe")
        assert firefox.browser.page_script("return window.wrappedJSObject.caveatFrameAtParse;") is True
        firefox.wait_until(firefox.no_banner, message="the frame to go")
        assert firefox.client.execute_script("return getComputedStyle(document.documentElement).marginTop;") == "0px"
    finally:
        firefox.extension_api("await browser.scripting.unregisterContentScripts({ids: ['test-unlisted']});")


def test_banner_comes_even_when_the_registration_is_missing(firefox):
    """Without the registered script (dropped by the browser, restored tabs),
    the background injects the banner once the listed page has loaded."""
    saved = firefox.extension_api("return await browser.scripting.getRegisteredContentScripts();")
    firefox.extension_api("await browser.scripting.unregisterContentScripts();")
    try:
        firefox.open(f"http://www.{LISTED}/")
        assert firefox.wait_for_banner()["data-caveat-domain"] == LISTED
        firefox.settle()
        assert firefox.browser.banner_host_count() == 1  # injected once, not twice
        firefox.open("http://unlisted.example/")
        firefox.settle()
        assert firefox.no_banner()
    finally:
        firefox.extension_api("await browser.scripting.registerContentScripts(toPage(args[0]));", saved)
    assert firefox.extension_api("return await browser.scripting.getRegisteredContentScripts();") == saved


def test_page_is_pushed_down_not_hidden(firefox):
    firefox.open(f"http://{LISTED}/")
    firefox.wait_for_banner()
    banner_box = firefox.wait_until(lambda: (lambda r: r if r["height"] > 0 else None)(
        firefox.element("[data-caveat-banner]").rect), message="banner box")
    header_box = firefox.element("#site-header").rect
    assert banner_box["y"] == 0 and banner_box["height"] > 20
    assert header_box["y"] >= banner_box["y"] + banner_box["height"] - 1, (banner_box, header_box)


def test_badge_marks_listed_tabs_only(firefox):
    firefox.open(f"http://{LISTED}/")
    other = firefox.client.open(type="tab")["handle"]
    try:
        firefox.client.switch_to_window(other)
        firefox.client.navigate("http://unlisted.example/")
        badges = firefox.wait_until(lambda: (lambda b: b if b.get(LISTED) == "!" else None)(firefox.extension_api("""
            const tabs = await browser.tabs.query({});
            const out = {};
            for (const t of tabs) {
              if (t.url.startsWith('http')) out[new URL(t.url).hostname] = await browser.action.getBadgeText({tabId: t.id});
            }
            return out;""")), message="the badge on the listed tab")
        assert badges == {LISTED: "!", "unlisted.example": ""}
        titles = firefox.extension_api("""
            const tabs = await browser.tabs.query({});
            const out = {};
            for (const t of tabs) {
              if (t.url.startsWith('http')) out[new URL(t.url).hostname] = await browser.action.getTitle({tabId: t.id});
            }
            return out;""")
        assert titles == {LISTED: "Caveat: AllOfMP3 is on the warning list (Legality disputed)",
                          "unlisted.example": "Caveat"}
    finally:
        firefox.client.switch_to_window(other)
        firefox.client.close()
        firefox.client.switch_to_window(firefox.site_tab)


def test_banner_and_badge_after_firefox_suspended_the_event_page(firefox):
    """Firefox stops an idle MV3 event page; the next listed page must wake it."""
    addon_id = firefox.extension.addon_id
    # An event already on its way (a tab update, a badge refresh) can wake it
    # again at once; ask until Firefox reports it stopped.
    firefox.wait_until(lambda: firefox.browser.suspend_background(addon_id) == "stopped",
                       message="the event page stopped")

    firefox.open(f"http://shop.{LISTED}/")

    assert firefox.wait_for_banner()["data-caveat-domain"] == LISTED
    assert firefox.browser.background_state(addon_id) == "running"
    badge = firefox.wait_until(lambda: firefox.extension_api(
        "const [tab] = await browser.tabs.query({url: args[0]});"
        "return tab ? await browser.action.getBadgeText({tabId: tab.id}) : null;",
        f"http://shop.{LISTED}/"), message="the badge")
    assert badge == "!"


def test_popup_describes_the_current_site(firefox):
    firefox.open(f"http://www.{LISTED}/")
    firefox.open_toolbar_popup()
    try:
        site = firefox.wait_until(lambda: firefox.popup_text("#site"), message="the popup's site")
        assert "Caveat: the legality of AllOfMP3 is disputed" in site
        assert "sells music downloads" in site
        assert "Legality disputed · sources last checked on October 1, 2026" in site
        links = firefox.popup_nodes("#site a")
        assert [(a["text"], a["attributes"]["href"]) for a in links] == [
            ("Report on AllOfMP3", "https://news.example/report"), ("Court record", "http://court.example/case/1")]
        assert links[0]["attributes"]["rel"] == "noopener noreferrer"
        assert "Warning list version 1" in firefox.popup_text("#list-version")
        assert firefox.popup_text("#sync-error") is None
        assert firefox.popup_text("#access") is None
    finally:
        firefox.close_toolbar_popup()

    firefox.open("http://unlisted.example/")
    firefox.open_toolbar_popup()
    try:
        assert firefox.wait_until(lambda: firefox.popup_text("#site"), message="the popup's site") == \
            "unlisted.example is not on the warning list."
    finally:
        firefox.close_toolbar_popup()


def test_first_page_after_a_browser_restart_gets_the_banner(firefox):
    """Reopening Firefox: the banner registered in the last session persists
    and the first listed page gets it, without the test touching the
    extension first (no readiness wait, no extension page opened)."""
    firefox.restart(wait_ready=False)
    addon_id = firefox.extension.addon_id
    assert firefox.browser.content_scripts_for(addon_id, f"http://{LISTED}/") == ["banner.js"]

    firefox.open(f"http://www.{LISTED}/")

    assert firefox.wait_for_banner()["data-caveat-domain"] == LISTED


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_banner_text_has_goodcontrast(firefox, scheme):
    """WCAG AA (4.5:1) for the banner's text and buttons, in light and dark mode."""
    firefox.browser.set_color_scheme(scheme)
    try:
        firefox.open(f"http://{LISTED}/")
        firefox.wait_for_banner()
        assert firefox.client.execute_script(
            "return matchMedia(arguments[0]).matches;", script_args=[f"(prefers-color-scheme: {scheme})"])
        [bar] = [s for s in firefox.browser.banner_styles("div", ["background-color", "color", "border-bottom-color"])
                 if s["background-color"] not in ("rgba(0, 0, 0, 0)", "")]
        assert contrast(bar["color"], bar["background-color"]) >= 4.5, bar
        assert contrast(bar["border-bottom-color"], bar["background-color"]) >= 3, bar  # the status accent
        for button in firefox.browser.banner_styles("button", ["background-color", "color"]):
            assert contrast(button["color"], button["background-color"]) >= 4.5, button
        if scheme == "dark":
            assert luminance(bar["background-color"]) < 0.1, "dark mode should have a dark banner"
    finally:
        firefox.client.clear_pref("layout.css.prefers-color-scheme.content-override")


def test_banner_speaks_the_browser_language(build_extension, caveat_server, site_server, tmp_path):
    """Firefox in German (Debian's firefox-esr-l10n-de language pack) gets the German banner."""
    german = CaveatFirefox(packaged_xpi(build_extension("firefox", caveat_server.url)), tmp_path / "profile-de",
                           site_server.port, extra_prefs={"intl.locale.requested": "de"})
    german.start()
    try:
        assert german.extension_api("return browser.i18n.getUILanguage();") == "de", (
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
