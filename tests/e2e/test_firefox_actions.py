"""What a person does with the banner in Firefox ESR: details, dismiss, "don't
warn me again" (surviving a browser restart, undone in options), report a
mistake, the keyboard; and pages that fight the banner. Mirrors
test_chromium_actions.py case for case."""

from __future__ import annotations

import pytest
from marionette_driver.keys import Keys

from tests.e2e.cases import BANNER_IN_HTML, DIALOG_CLOSES, TOP_LAYER_ATTACKS, dialog_removed
from testkit.entries import LISTED
from testkit.sites import page_html

pytestmark = pytest.mark.e2e


def press(firefox, *keys: str) -> None:
    """Real key presses, as a person's keyboard sends them."""
    firefox.client.actions.sequence("key", "keyboard").send_keys("".join(keys)).perform()


def banner_registration(firefox) -> dict | None:
    """The banner's registered content script, or None while there is none."""
    scripts = firefox.extension_api(
        "return await browser.scripting.getRegisteredContentScripts({ids: ['caveat-banner']});")
    return scripts[0] if scripts else None


def root_margin_top(firefox) -> str:
    return firefox.client.execute_script("return getComputedStyle(document.documentElement).marginTop;")


def test_details_show_sources_as_links(firefox):
    firefox.open(f"http://{LISTED}/")
    firefox.wait_for_banner()

    def details_panel():
        return next(n for n in firefox.banner_nodes("div") if n["attributes"].get("id") == "caveat-details")

    assert "hidden" in details_panel()["attributes"]
    firefox.click_in_banner("button", "Details and sources")
    assert "hidden" not in details_panel()["attributes"]
    buttons = {n["text"]: n["attributes"] for n in firefox.banner_nodes("button")}
    assert buttons["Details and sources"]["aria-expanded"] == "true"
    links = firefox.banner_nodes("a")
    assert [(a["text"], a["attributes"]["href"]) for a in links] == [
        ("Report on AllOfMP3", "https://news.example/report"),
        ("Court record", "http://court.example/case/1"),
    ]
    for link in links:
        assert link["attributes"]["rel"] == "noopener noreferrer"
        assert link["attributes"]["target"] == "_blank"
    after = firefox.banner_text()
    assert "Rights holders dispute that the licence covers sales abroad." in after
    assert "Related sites: allofmp3.ru.example" in after
    assert "may be mistaken" in after


def test_dismiss_hides_the_banner_on_this_page_only(firefox):
    firefox.open(f"http://{LISTED}/cart")
    firefox.wait_for_banner()
    assert firefox.browser.banner_is_displayed()
    firefox.wait_until(lambda: root_margin_top(firefox) != "0px", message="the page pushed down")
    firefox.click_in_banner("button", "Dismiss")
    firefox.wait_until(firefox.no_banner, message="the banner to go")
    assert root_margin_top(firefox) == "0px"
    firefox.client.refresh()
    firefox.wait_for_banner()
    assert firefox.browser.banner_is_displayed()


def test_keyboard_reaches_the_banner_first(firefox):
    firefox.open(f"http://{LISTED}/")
    firefox.wait_for_banner()
    press(firefox, Keys.TAB)
    # Focus inside a closed shadow root shows as the host element from the page.
    assert firefox.client.execute_script(
        "return !!document.activeElement && document.activeElement.hasAttribute('data-caveat-banner');")
    press(firefox, Keys.ENTER)  # the first button: details
    buttons = {n["text"]: n["attributes"] for n in firefox.banner_nodes("button")}
    assert buttons["Details and sources"]["aria-expanded"] == "true"


def test_report_a_mistake_is_sent_only_on_click(firefox, caveat_server):
    firefox.open(f"http://www.{LISTED}/")
    firefox.wait_for_banner()
    caveat_server.clear_log()
    firefox.click_in_banner("button", "Report a mistake")
    press(firefox, "This store closed; the domain now belongs to a blog.")
    firefox.settle(0.2)
    assert not [r for r in caveat_server.log() if r.path == "/api/v1/reports"], "nothing is sent before Send"
    firefox.click_in_banner("button", "Send report")
    firefox.wait_until(lambda: "Thank you. Your report was sent" in firefox.banner_text(),
                       message="report confirmation")
    reports = [r for r in caveat_server.reports() if r["comment"].startswith("This store closed")]
    assert len(reports) == 1
    assert reports[0]["kind"] == "mistake" and reports[0]["domain"] == f"www.{LISTED}"


def test_a_report_that_cannot_be_sent_says_so(firefox, caveat_server):
    firefox.open(f"http://{LISTED}/")
    firefox.wait_for_banner()
    firefox.click_in_banner("button", "Report a mistake")
    press(firefox, "Closed since 2007.")
    caveat_server.stop()
    try:
        firefox.click_in_banner("button", "Send report")
        firefox.wait_until(
            lambda: "The report could not be sent: the list server could not be reached" in firefox.banner_text(),
            message="the failure message")
    finally:
        caveat_server.start()
    # The comment is kept, and sending again works once the server is back.
    firefox.click_in_banner("button", "Send report")
    firefox.wait_until(lambda: "Thank you. Your report was sent" in firefox.banner_text(),
                       message="report confirmation")
    assert any(r["comment"] == "Closed since 2007." for r in caveat_server.reports())


def test_dont_warn_again_survives_restart_and_is_undone_in_options(firefox):
    firefox.open(f"http://www.{LISTED}/")
    firefox.wait_for_banner()
    firefox.click_in_banner("button", "Don’t warn me again for this site")
    firefox.wait_until(firefox.no_banner, message="the banner to go")
    # The site's pages get no script at all: both its hosts are excluded.
    assert banner_registration(firefox)["excludeMatches"] == [f"*://{LISTED}/*", f"*://www.{LISTED}/*"]

    firefox.restart()  # same profile, the installed add-on and its storage are kept
    addon_id = firefox.extension.addon_id
    assert firefox.browser.content_scripts_for(addon_id, f"http://www.{LISTED}/") == []
    assert firefox.browser.content_scripts_for(addon_id, f"http://shop.{LISTED}/") == ["banner.js"]
    for host in (LISTED, f"www.{LISTED}"):  # www. and the bare domain are one site
        firefox.open(f"http://{host}/")
        assert firefox.element("#site-header").is_displayed()
        firefox.settle()
        assert firefox.no_banner(), host
    firefox.open(f"http://{LISTED}/")
    firefox.open_toolbar_popup()
    try:
        site = firefox.wait_until(lambda: firefox.popup_text("#site"), message="the popup's site")
        assert f"You chose not to be warned on {LISTED}." in site
        assert "Warn me again on this site" in [b["text"] for b in firefox.popup_nodes("#site button")]
    finally:
        firefox.close_toolbar_popup()
    firefox.open(f"http://shop.{LISTED}/")  # another subdomain is another site
    assert firefox.wait_for_banner()["data-caveat-domain"] == LISTED

    firefox.open_page("options.html")
    item = f'#trusted-list li[data-site="{LISTED}"]'
    firefox.wait_until(lambda: firefox.elements(item), message="the trusted site in options")
    firefox.element(f'{item} button[aria-label="Warn me again on {LISTED}"]').click()
    firefox.wait_until(lambda: not firefox.elements("#trusted-list li"), message="the list to empty")
    assert firefox.element("#trusted-empty").is_displayed()
    assert not banner_registration(firefox).get("excludeMatches")

    firefox.open(f"http://www.{LISTED}/")
    firefox.wait_for_banner()
    assert firefox.browser.banner_is_displayed()


def test_pause_stops_banner_and_badge(firefox):
    firefox.open_page("options.html")
    firefox.wait_until(lambda: firefox.text_of("#list-status"), message="options to render")
    firefox.element("#paused").click()
    firefox.wait_until(lambda: firefox.storage("paused").get("paused") is True, message="paused stored")
    firefox.wait_until(lambda: banner_registration(firefox) is None, message="the banner's script unregistered")
    firefox.open(f"http://{LISTED}/")
    assert firefox.element("#site-header").is_displayed()
    firefox.settle()
    assert firefox.no_banner()

    firefox.open_page("options.html")
    firefox.wait_until(lambda: firefox.element("#paused").is_selected(), message="options to show pause")
    firefox.element("#paused").click()
    firefox.wait_until(lambda: firefox.storage("paused").get("paused") is False, message="unpaused stored")
    firefox.wait_until(lambda: banner_registration(firefox) is not None, message="the banner's script registered again")
    firefox.open(f"http://{LISTED}/")
    firefox.wait_for_banner()


@pytest.mark.parametrize("kind", ["remove", "hide"])
def test_hostile_page_cannot_get_rid_of_the_banner(firefox, kind):
    firefox.open(f"http://{LISTED}/hostile/{kind}")
    counter = {"remove": "caveatRemovals", "hide": "caveatHides"}[kind]
    firefox.wait_until(lambda: firefox.browser.page_script(f"return window.wrappedJSObject.{counter};") == 5,
                       message=f"the page's 5 attempts ({kind})")
    firefox.wait_until(lambda: firefox.browser.banner_count() == 1, message="the banner back")
    assert firefox.browser.banner_is_displayed()
    assert firefox.client.execute_script("""
        const el = document.querySelector('[data-caveat-banner]');
        const s = getComputedStyle(el);
        return !el.hidden && !el.inert && s.display !== 'none' && s.visibility === 'visible' && s.opacity === '1';
    """)


def test_hostile_page_cannot_cover_the_banner(firefox):
    firefox.open(f"http://{LISTED}/hostile/cover")
    assert len(firefox.elements("#cover")) == 1
    firefox.wait_for_banner()
    box = firefox.element("[data-caveat-banner]").rect
    on_top = firefox.client.execute_script(
        "const el = document.elementFromPoint(arguments[0], arguments[1]);"
        "return el ? [el.localName, el.id, el.hasAttribute('data-caveat-banner')] : null;",
        script_args=[box["x"] + 40, box["y"] + box["height"] / 2])
    assert on_top and on_top[2], on_top


def test_banner_returns_to_the_page_when_a_modal_dialog_closes(firefox, site_server):
    site_server.set_page("/top-layer-firefox/dialog-closes", page_html(LISTED, "dialog", DIALOG_CLOSES))
    firefox.open(f"http://{LISTED}/top-layer-firefox/dialog-closes")
    firefox.wait_until(lambda: firefox.browser.page_script("return window.wrappedJSObject.dialogClosed === true;"),
                       message="the dialog to close")
    firefox.wait_until(lambda: firefox.client.execute_script(f"return {BANNER_IN_HTML};"),
                       message="the banner back in <html>")
    assert firefox.browser.banner_is_displayed()


def test_suggest_an_unlisted_store_from_the_popup(firefox, caveat_server):
    firefox.open("http://cheap-albums.example/")
    firefox.open_toolbar_popup()
    try:
        assert firefox.wait_until(lambda: firefox.popup_text("#site"), message="the popup's site") == \
            "cheap-albums.example is not on the warning list."
        caveat_server.clear_log()
        assert firefox.popup_text("#suggest-open") == "Suggest this store for the warning list"
        firefox.popup_click("#suggest-open")
        assert "Why should shoppers be warned about cheap-albums.example?" in firefox.popup_text("#suggest-prompt")
        firefox.popup_fill("#suggest-comment", "Sells albums for 10 cents under a licence nobody can find.")
        assert caveat_server.log() == [], "nothing is sent before Send"
        firefox.popup_click("#suggest-send")
        firefox.wait_until(lambda: firefox.popup_text("#suggest-result") ==
                           "Thank you. Your suggestion was sent to the list’s maintainers.",
                           message="the suggestion confirmation")
    finally:
        firefox.close_toolbar_popup()
    [report] = [r for r in caveat_server.reports() if r["domain"] == "cheap-albums.example"]
    assert report["kind"] == "suggest"
    assert report["comment"] == "Sells albums for 10 cents under a licence nobody can find."


def test_no_suggestion_offered_on_a_listed_store(firefox):
    firefox.open(f"http://{LISTED}/")
    firefox.open_toolbar_popup()
    try:
        assert "AllOfMP3" in firefox.wait_until(lambda: firefox.popup_text("#site"), message="the popup's site")
        assert firefox.popup_text("#suggest") is None
    finally:
        firefox.close_toolbar_popup()


@pytest.mark.parametrize("attack", list(TOP_LAYER_ATTACKS))
def test_banner_stays_on_top_of_the_page_top_layer(firefox, site_server, attack):
    site_server.set_page(f"/top-layer-firefox/{attack}", page_html(LISTED, attack, TOP_LAYER_ATTACKS[attack]))
    firefox.open(f"http://{LISTED}/top-layer-firefox/{attack}")
    assert firefox.element("#cover").is_displayed()
    firefox.wait_for_banner()

    def banner_on_top():
        return firefox.client.execute_script("""
            const host = document.querySelector('[data-caveat-banner]');
            const box = host.getBoundingClientRect();
            return document.elementFromPoint(box.left + 40, box.top + box.height / 2) === host;""")

    firefox.wait_until(banner_on_top, message="the banner above the page's top layer")
    firefox.click_in_banner("button", "Details and sources")  # usable, not inert
    buttons = {n["text"]: n["attributes"] for n in firefox.banner_nodes("button")}
    assert buttons["Details and sources"]["aria-expanded"] == "true"


@pytest.mark.parametrize("action", ["d.remove();", "d.close(); d.remove();"])
def test_banner_survives_the_page_removing_its_modal_dialog(firefox, site_server, action):
    site_server.set_page("/top-layer-firefox/dialog-removed", page_html(LISTED, "dialog removed", dialog_removed(action)))
    firefox.open(f"http://{LISTED}/top-layer-firefox/dialog-removed")
    firefox.wait_until(lambda: firefox.browser.page_script("return window.wrappedJSObject.dialogGone === true;"),
                       message="the page to remove its dialog")
    firefox.wait_until(lambda: firefox.client.execute_script(f"return {BANNER_IN_HTML};"),
                       message="the banner back in <html>")
    assert firefox.browser.banner_is_displayed()
