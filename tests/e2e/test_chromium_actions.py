"""What a person does with the banner in Chromium: details, dismiss, "don't
warn me again" (surviving a restart, undone in options), report a mistake,
the keyboard; and pages that fight the banner."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.cases import BANNER_IN_HTML, DIALOG_CLOSES, TOP_LAYER_ATTACKS, dialog_removed
from tests.e2e.chromium import BANNER, BANNER_HOST, banner_nodes, banner_text, click_in_banner
from testkit.entries import LISTED
from testkit.sites import page_html
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "banner-chromium.png"


def banner_registration(chromium) -> dict | None:
    """The banner's registered content script, or None while there is none."""
    scripts = chromium.background("chrome.scripting.getRegisteredContentScripts({ids: ['caveat-banner']})")
    return scripts[0] if scripts else None


def test_details_show_sources_as_links(chromium, page):
    p = page(f"http://{LISTED}/")
    expect(p.locator(BANNER)).to_be_visible()

    def details_panel():
        return next(n for n in banner_nodes(chromium.ctx, p, "div") if n["attributes"].get("id") == "caveat-details")

    assert "hidden" in details_panel()["attributes"]
    click_in_banner(chromium.ctx, p, "button", "Details and sources")
    assert "hidden" not in details_panel()["attributes"]
    buttons = {n["text"]: n["attributes"] for n in banner_nodes(chromium.ctx, p, "button")}
    assert buttons["Details and sources"]["aria-expanded"] == "true"
    links = banner_nodes(chromium.ctx, p, "a")
    assert [(a["text"], a["attributes"]["href"]) for a in links] == [
        ("Report on AllOfMP3", "https://news.example/report"),
        ("Court record", "http://court.example/case/1"),
    ]
    for link in links:
        assert link["attributes"]["rel"] == "noopener noreferrer"
        assert link["attributes"]["target"] == "_blank"
    after = banner_text(chromium.ctx, p)
    assert "Rights holders dispute that the licence covers sales abroad." in after
    assert "Related sites: allofmp3.ru.example" in after
    assert "may be mistaken" in after


def test_dismiss_hides_the_banner_on_this_page_only(chromium, page):
    p = page(f"http://{LISTED}/cart")
    expect(p.locator(BANNER)).to_be_visible()
    margin = p.evaluate("getComputedStyle(document.documentElement).marginTop")
    assert margin != "0px"
    click_in_banner(chromium.ctx, p, "button", "Dismiss")
    expect(p.locator(BANNER_HOST)).to_have_count(0)
    assert p.evaluate("getComputedStyle(document.documentElement).marginTop") == "0px"
    p.reload()
    expect(p.locator(BANNER)).to_be_visible()


def test_keyboard_reaches_the_banner_first(chromium, page):
    p = page(f"http://{LISTED}/")
    expect(p.locator(BANNER)).to_be_visible()
    p.keyboard.press("Tab")
    # Focus inside a closed shadow root shows as the host element from the page.
    assert p.evaluate("document.activeElement && document.activeElement.hasAttribute('data-caveat-banner')")
    p.keyboard.press("Enter")  # the first button: details
    buttons = {n["text"]: n["attributes"] for n in banner_nodes(chromium.ctx, p, "button")}
    assert buttons["Details and sources"]["aria-expanded"] == "true"


def test_report_a_mistake_is_sent_only_on_click(chromium, page, caveat_server):
    p = page(f"http://www.{LISTED}/")
    expect(p.locator(BANNER)).to_be_visible()
    caveat_server.clear_log()
    click_in_banner(chromium.ctx, p, "button", "Report a mistake")
    p.keyboard.type("This store closed; the domain now belongs to a blog.")
    p.wait_for_timeout(200)
    assert not [r for r in caveat_server.log() if r.path == "/api/v1/reports"], "nothing is sent before Send"
    click_in_banner(chromium.ctx, p, "button", "Send report")
    wait_until(lambda: "Thank you. Your report was sent" in banner_text(chromium.ctx, p), message="report confirmation")
    reports = [r for r in caveat_server.reports() if r["comment"].startswith("This store closed")]
    assert len(reports) == 1
    assert reports[0]["kind"] == "mistake" and reports[0]["domain"] == f"www.{LISTED}"


def test_dont_warn_again_survives_restart_and_is_undone_in_options(chromium, site_server):
    p = chromium.open(f"http://www.{LISTED}/")
    expect(p.locator(BANNER)).to_be_visible()
    click_in_banner(chromium.ctx, p, "button", "Don’t warn me again for this site")
    expect(p.locator(BANNER_HOST)).to_have_count(0)
    p.close()
    # The site's pages get no script at all: both its hosts are excluded.
    assert banner_registration(chromium)["excludeMatches"] == [f"*://{LISTED}/*", f"*://www.{LISTED}/*"]

    chromium.restart()  # same profile: the choice is kept
    for host in (LISTED, f"www.{LISTED}"):  # www. and the bare domain are one site
        q = chromium.open(f"http://{host}/")
        expect(q.locator("#site-header")).to_be_visible()
        q.wait_for_timeout(300)
        expect(q.locator(BANNER_HOST)).to_have_count(0)
        q.close()
    trusted_tab = chromium.open(f"http://{LISTED}/")
    popup = chromium.open_popup()
    expect(popup.locator("#site")).to_contain_text(f"You chose not to be warned on {LISTED}.")
    expect(popup.get_by_role("button", name="Warn me again on this site")).to_be_visible()
    popup.close()
    trusted_tab.close()
    other = chromium.open(f"http://shop.{LISTED}/")  # another subdomain is another site
    expect(other.locator(BANNER)).to_have_attribute("data-caveat-domain", LISTED)
    other.close()

    options = chromium.open(chromium.url("options.html"))
    item = options.locator(f'#trusted-list li[data-site="{LISTED}"]')
    expect(item).to_have_count(1)
    item.get_by_role("button", name=f"Warn me again on {LISTED}").click()
    expect(options.locator("#trusted-list li")).to_have_count(0)
    expect(options.locator("#trusted-empty")).to_be_visible()
    options.close()
    assert not banner_registration(chromium).get("excludeMatches")

    again = chromium.open(f"http://www.{LISTED}/")
    expect(again.locator(BANNER)).to_be_visible()
    again.close()


def test_pause_stops_banner_and_badge(chromium):
    options = chromium.open(chromium.url("options.html"))
    options.locator("#paused").check()
    wait_until(lambda: chromium.storage("paused").get("paused") is True, message="paused stored")
    wait_until(lambda: banner_registration(chromium) is None, message="the banner's script unregistered")
    p = chromium.open(f"http://{LISTED}/")
    expect(p.locator("#site-header")).to_be_visible()
    p.wait_for_timeout(300)
    expect(p.locator(BANNER_HOST)).to_have_count(0)
    options.locator("#paused").uncheck()
    wait_until(lambda: chromium.storage("paused").get("paused") is False, message="unpaused stored")
    wait_until(lambda: banner_registration(chromium) is not None, message="the banner's script registered again")
    p.reload()
    expect(p.locator(BANNER)).to_be_visible()
    p.close()
    options.close()


@pytest.mark.parametrize("kind", ["remove", "hide"])
def test_hostile_page_cannot_get_rid_of_the_banner(chromium, page, kind):
    p = page(f"http://{LISTED}/hostile/{kind}")
    counter = {"remove": "caveatRemovals", "hide": "caveatHides"}[kind]
    wait_until(lambda: p.evaluate(f"window.{counter}") == 5, message=f"the page's 5 attempts ({kind})")
    banner = p.locator(BANNER)
    expect(banner).to_have_count(1)
    expect(banner).to_be_visible()
    assert p.evaluate("""(() => {
        const el = document.querySelector('[data-caveat-banner]');
        const s = getComputedStyle(el);
        return !el.hidden && !el.inert && s.display !== 'none' && s.visibility === 'visible' && s.opacity === '1';
    })()""")


def test_hostile_page_cannot_cover_the_banner(chromium, page):
    p = page(f"http://{LISTED}/hostile/cover")
    expect(p.locator("#cover")).to_have_count(1)
    expect(p.locator(BANNER)).to_be_visible()
    box = p.locator(BANNER).bounding_box()
    top = p.evaluate(f"document.elementFromPoint({box['x'] + 40}, {box['y'] + box['height'] / 2})")
    on_top = p.evaluate(
        f"document.elementFromPoint({box['x'] + 40}, {box['y'] + box['height'] / 2}).hasAttribute('data-caveat-banner')")
    assert on_top, top


def test_screenshot_of_the_banner(chromium, page):
    p = page(f"http://www.{LISTED}/")
    p.set_viewport_size({"width": 1100, "height": 420})
    expect(p.locator(BANNER)).to_be_visible()
    click_in_banner(chromium.ctx, p, "button", "Details and sources")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 5000


def test_a_report_that_cannot_be_sent_says_so(chromium, page, caveat_server):
    p = page(f"http://{LISTED}/")
    expect(p.locator(BANNER)).to_be_visible()
    click_in_banner(chromium.ctx, p, "button", "Report a mistake")
    p.keyboard.type("Closed since 2007.")
    caveat_server.stop()
    try:
        click_in_banner(chromium.ctx, p, "button", "Send report")
        wait_until(lambda: "The report could not be sent: the list server could not be reached" in banner_text(chromium.ctx, p),
                   message="the failure message")
    finally:
        caveat_server.start()
    # The comment is kept, and sending again works once the server is back.
    click_in_banner(chromium.ctx, p, "button", "Send report")
    wait_until(lambda: "Thank you. Your report was sent" in banner_text(chromium.ctx, p), message="report confirmation")
    assert any(r["comment"] == "Closed since 2007." for r in caveat_server.reports())


@pytest.mark.parametrize("attack", list(TOP_LAYER_ATTACKS))
def test_banner_stays_on_top_of_the_page_top_layer(chromium, site_server, page, attack):
    site_server.set_page(f"/top-layer/{attack}", page_html(LISTED, attack, TOP_LAYER_ATTACKS[attack]))
    p = page(f"http://{LISTED}/top-layer/{attack}")
    expect(p.locator("#cover")).to_be_visible()
    expect(p.locator(BANNER)).to_be_visible()

    def banner_on_top():
        return p.evaluate("""(() => {
            const host = document.querySelector('[data-caveat-banner]');
            const box = host.getBoundingClientRect();
            return document.elementFromPoint(box.left + 40, box.top + box.height / 2) === host;
        })()""")

    wait_until(banner_on_top, message="the banner above the page's top layer")
    click_in_banner(chromium.ctx, p, "button", "Details and sources")  # usable, not inert
    buttons = {n["text"]: n["attributes"] for n in banner_nodes(chromium.ctx, p, "button")}
    assert buttons["Details and sources"]["aria-expanded"] == "true"


def test_banner_returns_to_the_page_when_a_modal_dialog_closes(chromium, site_server, page):
    site_server.set_page("/top-layer/dialog-closes", page_html(LISTED, "dialog", DIALOG_CLOSES))
    p = page(f"http://{LISTED}/top-layer/dialog-closes")
    wait_until(lambda: p.evaluate("window.dialogClosed === true"), message="the dialog to close")
    wait_until(lambda: p.evaluate(BANNER_IN_HTML), message="the banner back in <html>")
    expect(p.locator(BANNER)).to_be_visible()


def test_suggest_an_unlisted_store_from_the_popup(chromium, page, caveat_server):
    page("http://cheap-albums.example/")
    popup = chromium.open_popup()
    try:
        expect(popup.locator("#site")).to_have_text("cheap-albums.example is not on the warning list.")
        caveat_server.clear_log()
        popup.get_by_role("button", name="Suggest this store for the warning list").click()
        popup.get_by_label("Why should shoppers be warned about cheap-albums.example?", exact=False).fill(
            "Sells albums for 10 cents under a licence nobody can find.")
        assert caveat_server.log() == [], "nothing is sent before Send"
        popup.get_by_role("button", name="Send suggestion").click()
        expect(popup.locator("#suggest-result")).to_have_text(
            "Thank you. Your suggestion was sent to the list’s maintainers.")
    finally:
        popup.close()
    [report] = [r for r in caveat_server.reports() if r["domain"] == "cheap-albums.example"]
    assert report["kind"] == "suggest"
    assert report["comment"] == "Sells albums for 10 cents under a licence nobody can find."


def test_no_suggestion_offered_on_a_listed_store(chromium, page):
    page(f"http://{LISTED}/")
    popup = chromium.open_popup()
    try:
        expect(popup.locator("#site")).to_contain_text("AllOfMP3")
        expect(popup.locator("#suggest")).to_be_hidden()
    finally:
        popup.close()


@pytest.mark.parametrize("action", ["d.remove();", "d.close(); d.remove();"])
def test_banner_survives_the_page_removing_its_modal_dialog(chromium, site_server, page, action):
    site_server.set_page("/top-layer/dialog-removed", page_html(LISTED, "dialog removed", dialog_removed(action)))
    p = page(f"http://{LISTED}/top-layer/dialog-removed")
    wait_until(lambda: p.evaluate("window.dialogGone === true"), message="the page to remove its dialog")
    wait_until(lambda: p.evaluate(BANNER_IN_HTML), message="the banner back in <html>")
    expect(p.locator(BANNER)).to_be_visible()
