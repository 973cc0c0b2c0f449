"""The banner in Debian's Chromium, with the extension as build.py packages it:
where it appears (listed host, subdomain, IDN) and where it never does."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from pathlib import Path

from tests.e2e.chromium import BANNER, BANNER_HOST, ChromiumExtension, banner_nodes, banner_styles, banner_text
from testkit.entries import IDN, LISTED, SHOP_TEST
from testkit.sites import page_html
from tests.e2e.cases import LISTED_HOSTS, contrast, luminance
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e

# Run by the page's parser at the top of <head>: did the banner's frame land first?
FRAME_PROBE = "window.caveatFrameAtParse = !!document.querySelector('[data-caveat-banner]');"


@pytest.mark.parametrize("host, domain", LISTED_HOSTS)
def test_banner_on_listed_host(chromium, page, host, domain):
    p = page(f"http://{host}/")
    banner = p.locator(BANNER)
    expect(banner).to_have_count(1)
    expect(banner).to_have_attribute("data-caveat-domain", domain)
    expect(banner).to_be_visible()


def test_banner_on_idn_typed_in_unicode(chromium, page):
    p = page("http://mp3-spärks.example/")
    expect(p.locator(BANNER)).to_have_attribute("data-caveat-domain", IDN)


@pytest.mark.parametrize("host", [
    "unlisted.example",
    f"notlisted-{LISTED}",
    f"not{LISTED}",
    f"{LISTED}.evil.test",
    f"www.{SHOP_TEST}",  # that entry covers the exact host only
    "example.test",
])
def test_no_banner_on_unlisted_host(chromium, page, host):
    p = page(f"http://{host}/")
    # The page has loaded (its own header is there); the banner would have
    # landed at document_start, long before the load event.
    expect(p.locator("#site-header")).to_be_visible()
    p.wait_for_timeout(300)
    expect(p.locator(BANNER_HOST)).to_have_count(0)


def test_no_content_script_on_unlisted_pages(chromium):
    """The banner's script is registered only for listed hosts' patterns."""
    scripts = chromium.background("chrome.scripting.getRegisteredContentScripts()")
    assert len(scripts) == 1
    assert scripts[0]["runAt"] == "document_start" and scripts[0]["allFrames"] is False
    assert sorted(scripts[0]["matches"]) == sorted([
        f"*://{LISTED}/*", f"*://*.{LISTED}/*", f"*://{IDN}/*", f"*://*.{IDN}/*", f"*://{SHOP_TEST}/*"])


def test_banner_shows_the_entry(chromium, page):
    p = page(f"http://www.{LISTED}/")
    expect(p.locator(BANNER)).to_have_count(1)
    text = banner_text(chromium.ctx, p)
    assert "the legality of AllOfMP3 is disputed" in text
    assert "sells music downloads under licences" in text
    assert "Legality disputed" in text
    assert "sources last checked on October 1, 2026" in text
    for label in ("Details and sources", "Report a mistake", "Don’t warn me again for this site", "Dismiss"):
        assert label in text
    alert = [n for n in banner_nodes(chromium.ctx, p, "DIV") if n["attributes"].get("role") == "alert"]
    assert len(alert) == 1


def test_banner_before_the_page_finishes_loading(chromium):
    """On a page that arrives slowly the banner is there while the body is still loading."""
    p = chromium.ctx.new_page()
    try:
        p.goto(f"http://{LISTED}/slow", wait_until="commit")
        p.wait_for_selector("#first-part", state="attached")
        assert p.evaluate("document.readyState") == "loading"
        expect(p.locator(BANNER)).to_have_count(1)
        assert p.evaluate("document.readyState") == "loading", "the banner should land before the page finished"
    finally:
        p.close()


def test_banner_frame_is_there_before_the_page_is_parsed(chromium, site_server, page):
    """The frame is drawn at document_start, without waiting for the background:
    the page's first script already finds it; the entry fills it in later."""
    site_server.set_page("/frame-probe", page_html(LISTED, "frame probe", FRAME_PROBE))
    p = page(f"http://{LISTED}/frame-probe")
    expect(p.locator(BANNER)).to_have_attribute("data-caveat-domain", LISTED)
    assert p.evaluate("window.caveatFrameAtParse") is True
    assert "the legality of AllOfMP3 is disputed" in banner_text(chromium.ctx, p)


def test_a_frame_where_no_warning_is_due_goes_away(chromium, site_server, page):
    """Should the script run where the background has no warning (a page loading
    while the registration changes), the frame it drew is removed."""
    host = "unlisted-probe.example"
    chromium.background("chrome.scripting.registerContentScripts([{id: 'test-unlisted', js: ['banner.js'], "
                        f"matches: ['*://{host}/*'], runAt: 'document_start', persistAcrossSessions: false}}])")
    try:
        site_server.set_page("/frame-probe", page_html(host, "frame probe", FRAME_PROBE), host=host)
        p = page(f"http://{host}/frame-probe")
        assert p.evaluate("window.caveatFrameAtParse") is True  # drawn at document_start...
        expect(p.locator(BANNER_HOST)).to_have_count(0)  # ...and gone once the answer says no entry
        assert p.evaluate("getComputedStyle(document.documentElement).marginTop") == "0px"
    finally:
        chromium.background("chrome.scripting.unregisterContentScripts({ids: ['test-unlisted']})")


def test_page_is_pushed_down_not_hidden(chromium, page):
    p = page(f"http://{LISTED}/")
    expect(p.locator(BANNER)).to_be_visible()
    banner_box = wait_until(lambda: p.locator(BANNER).bounding_box(), message="banner box")
    header_box = p.locator("#site-header").bounding_box()
    assert banner_box["y"] == 0 and banner_box["height"] > 20
    assert header_box["y"] >= banner_box["y"] + banner_box["height"] - 1, (banner_box, header_box)


def test_badge_marks_listed_tabs_only(chromium, page):
    listed = page(f"http://{LISTED}/")
    unlisted = page("http://unlisted.example/")
    tab_ids = chromium.background("""(async () => {
        const tabs = await chrome.tabs.query({});
        const out = {};
        for (const t of tabs) out[new URL(t.url).hostname] = await chrome.action.getBadgeText({tabId: t.id});
        return out;
    })()""")
    assert tab_ids[LISTED] == "!"
    assert tab_ids["unlisted.example"] == ""
    titles = chromium.background("""(async () => {
        const tabs = await chrome.tabs.query({});
        const out = {};
        for (const t of tabs) out[new URL(t.url).hostname] = await chrome.action.getTitle({tabId: t.id});
        return out;
    })()""")
    assert titles[LISTED] == "Caveat: AllOfMP3 is on the warning list (Legality disputed)"
    assert titles["unlisted.example"] == "Caveat"
    assert listed and unlisted


def test_popup_describes_the_current_site(chromium, page):
    page(f"http://www.{LISTED}/")
    popup = chromium.open_popup()
    site = popup.locator("#site")
    expect(site).to_contain_text("Caveat: the legality of AllOfMP3 is disputed")
    expect(site).to_contain_text("sells music downloads")
    expect(site).to_contain_text("Legality disputed · sources last checked on October 1, 2026")
    links = site.get_by_role("link")
    expect(links).to_have_count(2)
    expect(links.first).to_have_text("Report on AllOfMP3")
    expect(links.first).to_have_attribute("href", "https://news.example/report")
    expect(links.first).to_have_attribute("rel", "noopener noreferrer")
    expect(popup.locator("#list-version")).to_contain_text("Warning list version 1")
    expect(popup.locator("#sync-error")).to_be_hidden()
    expect(popup.locator("#access")).to_be_hidden()
    popup.close()

    page("http://unlisted.example/")
    popup = chromium.open_popup()
    expect(popup.locator("#site")).to_have_text("unlisted.example is not on the warning list.")
    popup.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_banner_text_has_goodcontrast(chromium, scheme):
    """WCAG AA (4.5:1) for the banner's text and buttons, in light and dark mode."""
    p = chromium.ctx.new_page()
    try:
        p.emulate_media(color_scheme=scheme)
        p.goto(f"http://{LISTED}/")
        expect(p.locator(BANNER)).to_be_visible()
        [bar] = [s for s in banner_styles(chromium.ctx, p, "div", ["background-color", "color", "border-bottom-color"])
                 if s["background-color"] not in ("rgba(0, 0, 0, 0)", "")]
        assert contrast(bar["color"], bar["background-color"]) >= 4.5, bar
        assert contrast(bar["border-bottom-color"], bar["background-color"]) >= 3, bar  # the status accent
        for button in banner_styles(chromium.ctx, p, "button", ["background-color", "color"]):
            assert contrast(button["color"], button["background-color"]) >= 4.5, button
        if scheme == "dark":
            assert luminance(bar["background-color"]) < 0.1, "dark mode should have a dark banner"
            shot = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "banner-chromium-dark.png"
            p.set_viewport_size({"width": 1100, "height": 240})
            p.screenshot(path=str(shot))
    finally:
        p.close()


def test_missing_chromium_fails_instead_of_skipping(playwright, tmp_path):
    with pytest.raises(AssertionError, match="Chromium is not installed"):
        ChromiumExtension(playwright, tmp_path, tmp_path / "profile", 1, binary=tmp_path / "no-chromium")


def test_banner_speaks_the_browser_language(playwright, build_extension, caveat_server, site_server, tmp_path):
    extension = build_extension("chrome", caveat_server.url)
    german = ChromiumExtension(playwright, extension, tmp_path / "profile-de", site_server.port,
                               extra_args=["--lang=de"], env={"LANGUAGE": "de", "LANG": "de_DE.UTF-8"}).start()
    try:
        p = german.open(f"http://{LISTED}/")
        expect(p.locator(BANNER)).to_be_visible()
        text = banner_text(german.ctx, p)
        assert "Caveat: Die Rechtmäßigkeit von AllOfMP3 ist umstritten" in text
        assert "Quellen zuletzt geprüft am 1. Oktober 2026" in text
        for label in ("Details und Quellen", "Fehler melden", "Für diese Website nicht mehr warnen", "Ausblenden"):
            assert label in text
    finally:
        german.close()


def test_first_page_after_a_browser_restart_gets_the_banner(playwright, build_extension, caveat_server, site_server,
                                                            tmp_path):
    """The registration persists: the first listed page after reopening the
    browser gets the banner without waiting for the background's start-up."""
    extension = build_extension("chrome", caveat_server.url)
    browser = ChromiumExtension(playwright, extension, tmp_path / "profile", site_server.port).start()
    try:
        browser.restart(wait_ready=False)
        console = []
        browser.ctx.on("console", lambda message: console.append(message.text))
        p = browser.ctx.new_page()
        p.goto(f"http://www.{LISTED}/")
        try:
            expect(p.locator(BANNER)).to_have_attribute("data-caveat-domain", LISTED)
        except AssertionError as err:
            # Say what the extension was doing, so a failure can be understood.
            state = {
                "frames": p.locator(BANNER_HOST).count(),
                "ready": browser.background("globalThis.caveatReady"),
                "scripts": browser.background("chrome.scripting.getRegisteredContentScripts()"),
                "stored": browser.background("chrome.storage.local.get(null).then(s => ({version: s.list?.version,"
                                             " entries: s.list?.entries.length, seededFor: s.seededFor}))"),
                "console": console,
            }
            p.reload()
            state["after reload"] = p.locator(BANNER).count()
            raise AssertionError(f"no banner on the first page after a restart: {state}") from err
    finally:
        browser.close()


def test_banner_comes_even_when_the_browser_dropped_the_registration(chromium, page):
    """Chromium can miss the registered script (first pages after start-up,
    restored tabs): the background then injects the banner when the page has
    loaded, once per document."""
    saved = chromium.background("chrome.scripting.getRegisteredContentScripts()")
    chromium.background("chrome.scripting.unregisterContentScripts()")
    try:
        p = page(f"http://www.{LISTED}/")
        expect(p.locator(BANNER)).to_have_attribute("data-caveat-domain", LISTED)
        p.wait_for_timeout(300)
        expect(p.locator(BANNER_HOST)).to_have_count(1)  # injected once, not twice
        q = page("http://unlisted.example/")
        q.wait_for_timeout(300)
        expect(q.locator(BANNER_HOST)).to_have_count(0)
    finally:
        chromium.sw.evaluate("scripts => chrome.scripting.registerContentScripts(scripts)", saved)
    assert chromium.background("chrome.scripting.getRegisteredContentScripts()") == saved


def test_no_banner_inside_frames(chromium, site_server, page):
    """The banner is for the page a person is on: a listed store framed by another site gets none."""
    site_server.set_page("/framing", f"<!doctype html><html><body><header id='site-header'>Blog</header>"
                                     f"<iframe id='shop' src='http://{LISTED}/' width='600' height='300'></iframe></body></html>",
                         host="unlisted.example")
    p = page("http://unlisted.example/framing")
    frame = p.frame_locator("#shop")
    expect(frame.locator("#site-header")).to_be_visible()
    p.wait_for_timeout(300)
    expect(frame.locator(BANNER_HOST)).to_have_count(0)
    expect(p.locator(BANNER_HOST)).to_have_count(0)
