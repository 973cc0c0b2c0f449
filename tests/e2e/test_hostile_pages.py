"""Listed pages that attack the banner, in Chromium and Firefox ESR with the
extension as build.py packages it.

The basic removal, hiding and covering are in test_actions.py; these are the
harder attacks: CSS on every property that can make a box vanish, a cover
that fights back every time the banner moves, the browser's top layer (a
modal <dialog> / popover sits above any z-index), a flood of DOM mutations,
and a page script that tries to read the banner's text or to capture its
shadow root before the banner exists.

"Visible and usable" is checked the way a person meets it: the point in the
middle of the banner hit-tests (``elementFromPoint``) to the banner's host,
and a real click on its "Details and sources" button opens the details.
"""

from __future__ import annotations

import pytest

from testkit.entries import LISTED, base_entries, entry, list_document
from testkit.sites import page_html
from tests.e2e.drivers.base import BANNER, HOST_STYLE
from tests.e2e.hostile import DIALOG_REMOVALS, FULL_SCREEN, HIDING_RULES, REWRITES, SNOOP, STRICT_CSP_PAGE, modal_then
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e

HIT_TEST = """(() => {
    const host = document.querySelector('[data-caveat-banner]');
    if (!host) return 'no banner';
    const box = host.getBoundingClientRect();
    if (box.width < 100 || box.height < 20) return `banner box ${box.width}x${box.height}`;
    const hits = [[0.5, 0.5], [0.1, 0.5], [0.9, 0.5]].map(([fx, fy]) =>
        document.elementFromPoint(box.left + box.width * fx, box.top + box.height * fy));
    const bad = hits.find((el) => el !== host);
    return bad ? `covered by <${bad.localName} id=${bad.id}>` : 'ok';
})()"""
UNTOUCHED_STYLE = {"display": "block", "visibility": "visible", "opacity": "1", "transform": "none", "scale": "none",
                   "translate": "none", "rotate": "none", "clipPath": "none", "filter": "none", "zoom": "1",
                   "contentVisibility": "visible", "maskImage": "none"}
# What Chromium and Firefox ESR's window.find report for banner words (measured; see docs/reliability.md).
FIND_RESULT = ["AllOfMP3", "Dismiss"]


def open_hostile(driver, site_server, name: str, script: str) -> None:
    """Serve a listed page with ``script`` in its <head>, open it and wait for the banner."""
    path = f"/reliability/{name}"
    site_server.set_page(path, page_html(LISTED, f"hostile {name}", script))
    driver.open(f"http://{LISTED}{path}")
    driver.wait_for_banner()


def assert_visible_and_usable(driver) -> None:
    """The banner is on top where it is drawn, and a real click on its button works."""
    wait_until(lambda: driver.count(BANNER) == 1, message="one banner")
    wait_until(driver.banner_is_displayed, message="the banner displayed")
    wait_until(lambda: driver.evaluate(HIT_TEST) == "ok", timeout=5,
               message=f"the banner on top ({driver.evaluate(HIT_TEST)})")
    style = driver.evaluate(HOST_STYLE)
    assert {name: style[name] for name in UNTOUCHED_STYLE} == UNTOUCHED_STYLE, style
    driver.click_in_banner("button", "Details and sources")
    assert "Sources" in driver.banner_text()


# --- hiding with CSS ---------------------------------------------------------------------------


@pytest.mark.parametrize("rule", HIDING_RULES)
def test_page_css_cannot_hide_the_banner(driver, site_server, rule):
    """A stylesheet with !important on every selector that can reach the host (and inline styles after it lands)."""
    important = "; ".join(f"{part.strip()} !important" for part in rule.split(";"))
    script = f"""
      const css = document.createElement('style');
      css.textContent = `[data-caveat-banner], html > div, html > *:last-child, div[style] {{ {important} }}`;
      document.documentElement.appendChild(css);
      new MutationObserver(() => {{
        const el = document.querySelector('[data-caveat-banner]');
        if (el && !el.dataset.hit) {{ el.dataset.hit = '1'; el.style.cssText += ';{important}'; }}
      }}).observe(document, {{childList: true, subtree: true}});
    """
    open_hostile(driver, site_server, "css", script)
    assert_visible_and_usable(driver)


# --- covering ----------------------------------------------------------------------------------

def test_a_cover_that_fights_back_does_not_win(driver, site_server):
    """The page re-appends its max-z-index cover after the banner every time the banner moves."""
    script = """
      window.caveatMoves = 0;
      function cover() {
        let box = document.getElementById('cover');
        if (!box) {
          box = document.createElement('div');
          box.id = 'cover';
          box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:#0a0';
        }
        if (document.documentElement.lastElementChild !== box) {
          window.caveatMoves++;
          document.documentElement.appendChild(box);
        }
      }
      new MutationObserver(cover).observe(document, {childList: true, subtree: true});
      setInterval(cover, 10);
      cover();
    """
    open_hostile(driver, site_server, "fight", script)
    wait_until(lambda: driver.page_global("caveatMoves") >= 1, message="the page fighting back")
    samples = []
    for _ in range(10):  # the fight goes on: the banner must be on top throughout, not just once
        driver.sleep(0.1)
        samples.append(driver.evaluate(HIT_TEST))
    assert samples == ["ok"] * 10, samples
    assert_visible_and_usable(driver)


def test_a_later_popover_cannot_cover_the_banner(driver, site_server):
    """A popover is drawn in the browser's top layer, above any z-index; the banner is a popover too."""
    open_hostile(driver, site_server, "popover", f"""window.addEventListener('load', () => {{
        const d = document.createElement('div'); d.id = 'cover'; d.popover = 'manual';
        d.style.cssText = '{FULL_SCREEN}'; document.body.appendChild(d); d.showPopover(); }});""")
    wait_until(lambda: driver.evaluate("!!document.getElementById('cover')?.matches(':popover-open')"),
               message="the page's popover open")
    assert_visible_and_usable(driver)


def test_a_modal_dialog_cannot_cover_the_banner(driver, site_server):
    """A full-screen modal <dialog> opened after the banner landed: it enters the top layer
    above the banner and makes the rest of the page inert. (Found covering the banner in
    Chromium by this suite; the banner now re-raises itself into the open dialog, extension
    commit 9258cc4.)"""
    open_hostile(driver, site_server, "modal", f"""window.addEventListener('load', () => {{
        const d = document.createElement('dialog'); d.id = 'cover'; d.style.cssText = '{FULL_SCREEN}';
        d.textContent = 'Subscribe to our newsletter'; document.body.appendChild(d); d.showModal(); }});""")
    wait_until(lambda: driver.evaluate("!!document.getElementById('cover')?.open"), message="the page's dialog open")
    driver.sleep(0.5)
    assert_visible_and_usable(driver)


@pytest.mark.parametrize("how", list(DIALOG_REMOVALS))
def test_removing_a_modal_dialog_does_not_take_the_banner_with_it(driver, site_server, how):
    """The banner moves into a page's open modal dialog (to escape its inertness); a page that
    then removes that dialog must not remove the banner for good ("if the page removes it, it
    comes back")."""
    open_hostile(driver, site_server, "modal-removed", modal_then(DIALOG_REMOVALS[how]))
    wait_until(lambda: driver.page_global("caveatDone") is True, message="the page's dialog removal")
    assert_visible_and_usable(driver)


# --- pages that are strict or rewrite themselves -------------------------------------------------

def test_a_strict_content_security_policy_does_not_unstyle_the_banner(driver, site_server):
    """Many stores forbid inline styles (style-src 'none'); the banner's styles must still apply."""
    site_server.set_page("/reliability/strict-csp", STRICT_CSP_PAGE)
    driver.open(f"http://{LISTED}/reliability/strict-csp")
    driver.wait_for_banner()
    assert_visible_and_usable(driver)
    assert driver.evaluate(HOST_STYLE)["position"] == "fixed"
    assert driver.banner_styles(".bar", ["border-bottom-width"]) == [{"border-bottom-width": "4px"}]


@pytest.mark.parametrize("how", list(REWRITES))
def test_a_page_that_rewrites_its_document_gets_the_banner_back(driver, site_server, how):
    open_hostile(driver, site_server, "rewrite",
                 f"window.addEventListener('load', () => setTimeout(() => {{ {REWRITES[how]} }}, 300));")
    wait_until(lambda: "Rewritten" in (driver.evaluate("document.body ? document.body.innerText : ''") or ""),
               message="the page rewritten")
    assert_visible_and_usable(driver)


# --- mutation flood ----------------------------------------------------------------------------

def flood(touch_host: bool) -> str:
    """Thousands of mutations a second on <html>; with ``touch_host``, an attribute set on the
    banner's host and the host moved on every tick as well."""
    host = ("const host = document.querySelector('[data-caveat-banner]');"
            "if (host) { host.setAttribute('data-x', String(window.caveatTicks)); root.prepend(host); }") if touch_host else ""
    return f"""
      window.caveatTicks = 0;
      function flood() {{
        const root = document.documentElement;
        for (let i = 0; i < 200; i++) {{
          const n = document.createElement('div');
          root.appendChild(n);
          n.remove();
        }}
        {host}
        window.caveatTicks++;
        setTimeout(flood, 0);
      }}
      flood();
    """


def test_a_mutation_flood_neither_hides_the_banner_nor_hangs_the_page(driver, site_server):
    """Thousands of mutations a second on <html> around the banner: it stays, the page keeps running."""
    open_hostile(driver, site_server, "flood", flood(touch_host=False))
    ticks = driver.page_global("caveatTicks")
    driver.sleep(1.5)
    assert driver.page_global("caveatTicks") > ticks + 50, "the page's own loop kept running"
    assert_visible_and_usable(driver)


def test_a_mutation_flood_on_the_banner_moves_the_warning_out_of_reach(driver, site_server):
    """The same flood also sets an attribute on the host and moves it on every tick: hundreds of
    attacks a second, past the escalation threshold (extension/lib/tamper.js), so the warning
    goes to the extension's warning.html in that tab (issue 15; until then this flood was
    asserted to leave the banner on the page)."""
    site_server.set_page("/reliability/flood-host", page_html(LISTED, "hostile flood", flood(touch_host=True)))
    driver.open(f"http://{LISTED}/reliability/flood-host")
    wait_until(lambda: (driver.evaluate("location.protocol") or "").endswith("-extension:"), message="warning.html")
    wait_until(lambda: driver.attribute("main[data-caveat-tampered]", "data-caveat-domain") == LISTED,
               message="the warning page filled in")


# --- reading the banner ------------------------------------------------------------------------

def test_the_page_cannot_read_the_banner(driver, site_server):
    """shadowRoot, text properties, selection, and an attachShadow override installed before the banner exists."""
    open_hostile(driver, site_server, "snoop", SNOOP)
    assert driver.banner_is_displayed()
    driver.sleep(0.5)
    assert "AllOfMP3" in driver.banner_text(), "the banner has the text the page looks for"
    assert driver.page_global("caveatLeaks") == []
    # The content script runs in its own world: the page's attachShadow override never saw the banner.
    assert len(driver.page_global("caveatCaptured")) == 0
    # Order: since the banner draws its frame at document_start (extension e6c463d) its host
    # exists before the page's first <head> script; the override would come too late anyway.
    assert driver.page_global("caveatBannerBeforePageScript") is True
    assert driver.page_sees_shadow_root() is False


def test_window_find_confirms_banner_words_known_gap(driver, site_server):
    """KNOWN GAP (minor, reported): ``window.find`` searches rendered text including closed
    shadow roots, so a page can confirm a guessed word of the banner (the page cannot
    read the text, only test guesses; the list is public anyway).

    Pins today's behaviour; when the banner stops being findable (e.g. its text drawn
    with ``user-select: none`` / CSS generated content, if that hides it from find),
    this test fails: expect [] instead.
    """
    open_hostile(driver, site_server, "find", "")
    driver.sleep(0.3)
    found = driver.page_finds(["AllOfMP3", "Dismiss", "no-such-words-in-the-banner", "Welcome to"])
    assert "Welcome to" in found, "window.find works on the page's own text"
    assert [w for w in found if w != "Welcome to"] == FIND_RESULT, found


# --- a tampered stored list ------------------------------------------------------------------

def test_the_banner_renders_only_http_links_even_from_a_tampered_list(driver, launch, tmp_path):
    """Every list is validated before it is stored; if storage.local were edited anyway (another
    tool, a profile copied in), the banner itself still shows no javascript:/data: link."""
    browser = launch(driver.name, tmp_path / "tampered")
    try:
        bad = entry("tampered.example", "Tampered", sources=[
            {"title": "Script link", "url": "javascript:window.caveatPwned=1"},
            {"title": "Data link", "url": "data:text/html,<script>parent.caveatPwned=2</script>"},
            {"title": "Good link", "url": "https://news.example/good"},
        ])
        document = list_document(base_entries() + [bad], version=99)
        browser.extension_api("await api.storage.local.set(toPage({list: args[0]}));", document)
        browser.restart()  # the background loads the stored list as it is
        browser.open("http://tampered.example/")
        assert browser.wait_for_banner()["data-caveat-domain"] == "tampered.example"
        browser.click_in_banner("button", "Details and sources")
        links = [(a["text"], a["attributes"].get("href")) for a in browser.banner_nodes("a")]
        assert links == [("Good link", "https://news.example/good")]
        assert browser.page_global("caveatPwned") is None
    finally:
        browser.close()


# --- a page's names in the isolated world --------------------------------------------------------

# Chromium defines no `browser` global; a page's element or frame of that name shows
# up as one, in the content script's isolated world too (Firefox's real `browser` wins).
NAMED_BROWSER = {
    "element": "<div id='browser'>an element named browser</div>",
    "form": "<form id='browser'><input name='runtime' id='getURL'><input name='i18n'></form>",
    "frame": "<iframe name='browser' src='about:blank'></iframe>",
}


@pytest.mark.parametrize("name", NAMED_BROWSER)
def test_a_page_global_named_browser_does_not_stop_the_injected_warning(driver, site_server, name):
    """The registered banner runs at document_start, before any element exists; the
    fallback (background/fallback.js: a listed tab that finished loading without its
    banner) injects it into the loaded page, where the page's names are in scope.
    Element and form: content/util.js takes `browser` only when it is the real API.
    Frame: Chromium then makes the banner's world with no extension APIs at all
    (`chrome` without `runtime` or `i18n`); the background sees that and shows
    the warning in warning.html instead. Firefox gives the banner its APIs."""
    path = f"/reliability/named-browser-{name}"
    site_server.set_page(path, page_html(LISTED, "named browser", body=NAMED_BROWSER[name] + "<p>A store.</p>"))
    assert driver.registered_scripts(), "the banner is registered before the test"
    driver.extension_api("await api.scripting.unregisterContentScripts();")
    try:
        assert driver.registered_scripts() == []
        driver.open(f"http://{LISTED}{path}")
        if name == "frame" and driver.name == "chromium":
            wait_until(lambda: (driver.evaluate("location.protocol") or "").endswith("-extension:"),
                       message="warning.html")
            wait_until(lambda: driver.attribute("main[data-caveat-tampered]", "data-caveat-domain") == LISTED,
                       message="the warning page filled in")
        else:
            driver.wait_for_banner()
            assert_visible_and_usable(driver)
    finally:
        driver.restart()  # the background registers the banner again at start
    assert driver.registered_scripts()
