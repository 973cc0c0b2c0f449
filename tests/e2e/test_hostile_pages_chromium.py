"""Listed pages that attack the banner, in Debian's Chromium with the extension
as build.py packages it.

The basic removal, hiding and covering are in test_chromium_actions.py; these
are the harder attacks: CSS on every property that can make a box vanish, a
cover that fights back every time the banner moves, the browser's top layer
(a modal <dialog> / popover sits above any z-index), a flood of DOM
mutations, and a page script that tries to read the banner's text or to
capture its shadow root before the banner exists.

"Visible and usable" is checked the way a person meets it: the point in the
middle of the banner hit-tests (``elementFromPoint``) to the banner's host,
and a real mouse click on its "Details and sources" button opens the
details.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.chromium import BANNER, ChromiumExtension, banner_nodes, banner_text, click_in_banner
from testkit.entries import LISTED, base_entries, entry, list_document
from tests.e2e.hostile import DIALOG_REMOVALS, FULL_SCREEN, HIDING_RULES, REWRITES, SNOOP, STRICT_CSP_PAGE, modal_then
from testkit.sites import page_html
from tests.e2e.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def hostile(page, site_server):
    """``hostile(name, script, body=None)`` serves a listed page with ``script`` in its <head> and opens it."""
    def _open(name: str, script: str, body: str | None = None):
        path = f"/reliability/{name}"
        site_server.set_page(path, page_html(LISTED, f"hostile {name}", script, body))
        return page(f"http://{LISTED}{path}")
    return _open


HIT_TEST = """() => {
    const host = document.querySelector('[data-caveat-banner]');
    if (!host) return 'no banner';
    const box = host.getBoundingClientRect();
    if (box.width < 100 || box.height < 20) return `banner box ${box.width}x${box.height}`;
    const hits = [[0.5, 0.5], [0.1, 0.5], [0.9, 0.5]].map(([fx, fy]) =>
        document.elementFromPoint(box.left + box.width * fx, box.top + box.height * fy));
    const bad = hits.find((el) => el !== host);
    return bad ? `covered by <${bad.tagName.toLowerCase()} id=${bad.id}>` : 'ok';
}"""


def assert_visible_and_usable(chromium, page) -> None:
    """The banner is on top where it is drawn, and a real click on its button works."""
    banner = page.locator(BANNER)
    expect(banner).to_have_count(1)
    expect(banner).to_be_visible()
    wait_until(lambda: page.evaluate(HIT_TEST) == "ok", timeout=5,
               message=f"the banner on top ({page.evaluate(HIT_TEST)})")
    style = page.evaluate("""() => {
        const s = getComputedStyle(document.querySelector('[data-caveat-banner]'));
        return [s.display, s.visibility, s.opacity, s.transform, s.scale, s.translate, s.rotate, s.clipPath,
                s.filter, s.zoom, s.contentVisibility, s.maskImage];
    }""")
    assert style == ["block", "visible", "1", "none", "none", "none", "none", "none", "none", "1", "visible", "none"], style
    click_in_banner(chromium.ctx, page, "button", "Details and sources")
    assert "Sources" in banner_text(chromium.ctx, page)


# --- hiding with CSS ---------------------------------------------------------------------------


@pytest.mark.parametrize("rule", HIDING_RULES)
def test_page_css_cannot_hide_the_banner(chromium, hostile, rule):
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
    page = hostile("css", script)
    assert_visible_and_usable(chromium, page)


# --- covering ----------------------------------------------------------------------------------

def test_a_cover_that_fights_back_does_not_win(chromium, hostile):
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
    page = hostile("fight", script)
    wait_until(lambda: page.evaluate("window.caveatMoves") >= 1, message="the page fighting back")
    samples = []
    for _ in range(10):  # the fight goes on: the banner must be on top throughout, not just once
        page.wait_for_timeout(100)
        samples.append(page.evaluate(HIT_TEST))
    assert samples == ["ok"] * 10, samples
    assert_visible_and_usable(chromium, page)


def test_a_later_popover_cannot_cover_the_banner(chromium, hostile):
    """A popover is drawn in the browser's top layer, above any z-index; the banner is a popover too."""
    page = hostile("popover", f"""window.addEventListener('load', () => {{
        const d = document.createElement('div'); d.id = 'cover'; d.popover = 'manual';
        d.style.cssText = '{FULL_SCREEN}'; document.body.appendChild(d); d.showPopover(); }});""")
    wait_until(lambda: page.evaluate("document.getElementById('cover')?.matches(':popover-open')"),
               message="the page's popover open")
    assert_visible_and_usable(chromium, page)


def test_a_modal_dialog_cannot_cover_the_banner(chromium, hostile):
    """A full-screen modal <dialog> opened after the banner landed: it enters the top layer
    above the banner and makes the rest of the page inert. (Found covering the banner by
    this suite; the banner now re-raises itself into the open dialog, extension commit 9258cc4.)"""
    page = hostile("modal", f"""window.addEventListener('load', () => {{
        const d = document.createElement('dialog'); d.id = 'cover'; d.style.cssText = '{FULL_SCREEN}';
        d.textContent = 'Subscribe to our newsletter'; document.body.appendChild(d); d.showModal(); }});""")
    wait_until(lambda: page.evaluate("document.getElementById('cover')?.open"), message="the page's dialog open")
    assert_visible_and_usable(chromium, page)


@pytest.mark.parametrize("how", list(DIALOG_REMOVALS))
def test_removing_a_modal_dialog_does_not_take_the_banner_with_it(chromium, hostile, how):
    """The banner moves into a page's open modal dialog (to escape its inertness); a page that
    then removes that dialog must not remove the banner for good ("if the page removes it, it
    comes back")."""
    page = hostile("modal-removed", modal_then(DIALOG_REMOVALS[how]))
    page.wait_for_function("window.caveatDone === true")
    assert_visible_and_usable(chromium, page)


# --- pages that are strict or rewrite themselves -------------------------------------------------

def test_a_strict_content_security_policy_does_not_unstyle_the_banner(chromium, site_server):
    """Many stores forbid inline styles (style-src 'none'); the banner's styles must still apply."""
    site_server.set_page("/reliability/strict-csp", STRICT_CSP_PAGE)
    page = chromium.open(f"http://{LISTED}/reliability/strict-csp")
    try:
        assert_visible_and_usable(chromium, page)
        assert page.evaluate("getComputedStyle(document.querySelector('[data-caveat-banner]')).position") == "fixed"
    finally:
        page.close()


@pytest.mark.parametrize("how", list(REWRITES))
def test_a_page_that_rewrites_its_document_gets_the_banner_back(chromium, hostile, how):
    page = hostile("rewrite", f"window.addEventListener('load', () => setTimeout(() => {{ {REWRITES[how]} }}, 300));")
    wait_until(lambda: "Rewritten" in page.evaluate("document.body ? document.body.innerText : ''"),
               message="the page rewritten")
    assert_visible_and_usable(chromium, page)


# --- mutation flood ----------------------------------------------------------------------------

def test_a_mutation_flood_neither_hides_the_banner_nor_hangs_the_page(chromium, hostile):
    """Thousands of mutations a second, including on <html> and the host: the banner stays, the page keeps running."""
    script = """
      window.caveatTicks = 0;
      function flood() {
        const root = document.documentElement;
        for (let i = 0; i < 200; i++) {
          const n = document.createElement('div');
          root.appendChild(n);
          n.remove();
        }
        const host = document.querySelector('[data-caveat-banner]');
        if (host) { host.setAttribute('data-x', String(window.caveatTicks)); root.prepend(host); }
        window.caveatTicks++;
        setTimeout(flood, 0);
      }
      flood();
    """
    page = hostile("flood", script)
    ticks = page.evaluate("window.caveatTicks")
    page.wait_for_timeout(1500)
    assert page.evaluate("window.caveatTicks") > ticks + 50, "the page's own loop kept running"
    assert_visible_and_usable(chromium, page)


# --- reading the banner ------------------------------------------------------------------------

def test_the_page_cannot_read_the_banner(chromium, hostile):
    """shadowRoot, text properties, selection, and an attachShadow override installed before the banner exists."""
    page = hostile("snoop", SNOOP)
    expect(page.locator(BANNER)).to_be_visible()
    page.wait_for_timeout(500)
    assert "AllOfMP3" in banner_text(chromium.ctx, page), "the banner has the text the page looks for"
    assert page.evaluate("window.caveatLeaks") == []
    # The content script runs in its own world: the page's attachShadow override never saw the banner.
    assert page.evaluate("window.caveatCaptured.length") == 0
    # Order: since the banner draws its frame at document_start (extension e6c463d) its host
    # exists before the page's first <head> script; the override would come too late anyway.
    assert page.evaluate("window.caveatBannerBeforePageScript") is True
    assert page.evaluate("document.querySelector('[data-caveat-banner]').shadowRoot") is None


def test_window_find_confirms_banner_words_known_gap(chromium, hostile):
    """KNOWN GAP (minor, reported): ``window.find`` searches rendered text including closed
    shadow roots, so a page can confirm a guessed word of the banner (the page cannot
    read the text, only test guesses; the list is public anyway).

    Pins today's behaviour; when the banner stops being findable (e.g. its text drawn
    with ``user-select: none`` / CSS generated content, if that hides it from find),
    this test fails: assert ``found == []`` instead.
    """
    page = hostile("find", "")
    expect(page.locator(BANNER)).to_be_visible()
    page.wait_for_timeout(300)
    found = page.evaluate("""() => ['AllOfMP3', 'Dismiss', 'no-such-words-in-the-banner'].filter((w) => {
        window.getSelection().removeAllRanges();
        return window.find(w);
    })""")
    assert page.evaluate("window.find('Welcome to')"), "window.find works on the page's own text"
    assert found == ["AllOfMP3", "Dismiss"], found


# --- a tampered stored list ------------------------------------------------------------------

def test_the_banner_renders_only_http_links_even_from_a_tampered_list(playwright, build_extension, caveat_server,
                                                                    site_server, tmp_path_factory):
    """Every list is validated before it is stored; if storage.local were edited anyway (another
    tool, a profile copied in), the banner itself still shows no javascript:/data: link."""
    extension = build_extension("chrome", caveat_server.url)
    browser = ChromiumExtension(playwright, extension, tmp_path_factory.mktemp("tampered"), site_server.port).start()
    try:
        bad = entry("tampered.example", "Tampered", sources=[
            {"title": "Script link", "url": "javascript:window.caveatPwned=1"},
            {"title": "Data link", "url": "data:text/html,<script>parent.caveatPwned=2</script>"},
            {"title": "Good link", "url": "https://news.example/good"},
        ])
        document = list_document(base_entries() + [bad], version=99)
        browser.background(f"chrome.storage.local.set({{list: {json.dumps(document)}}})")
        browser.restart()  # the background loads the stored list as it is
        page = browser.open("http://tampered.example/")
        expect(page.locator(BANNER)).to_have_attribute("data-caveat-domain", "tampered.example")
        click_in_banner(browser.ctx, page, "button", "Details and sources")
        links = [(a["text"], a["attributes"].get("href")) for a in banner_nodes(browser.ctx, page, "a")]
        assert links == [("Good link", "https://news.example/good")]
        assert page.evaluate("window.caveatPwned") is None
        page.close()
    finally:
        browser.close()
