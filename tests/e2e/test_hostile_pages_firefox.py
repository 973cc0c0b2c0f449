"""The hostile listed pages of hostile.py (as test_hostile_pages_chromium.py loads them), in Firefox ESR
(Marionette, the xpi as build.py packages it). Same pages, same checks: the
banner's host keeps its style, hit-tests on top, and a trusted click on its
"Details and sources" button works; the page cannot read its text.
Where Firefox differs from Chromium the test says so."""

from __future__ import annotations

import pytest

from testkit.entries import LISTED
from testkit.sites import page_html
from tests.e2e.hostile import (
    DIALOG_REMOVALS,
    FULL_SCREEN,
    HIDING_RULES,
    REWRITES,
    SNOOP,
    STRICT_CSP_PAGE,
    modal_then,
)

pytestmark = pytest.mark.e2e


def open_hostile(firefox, site_server, name: str, script: str) -> None:
    path = f"/reliability-firefox/{name}"
    site_server.set_page(path, page_html(LISTED, f"hostile {name}", script))
    firefox.open(f"http://{LISTED}{path}")
    firefox.wait_for_banner()


HIT_TEST = """
    const host = document.querySelector('[data-caveat-banner]');
    if (!host) return 'no banner';
    const box = host.getBoundingClientRect();
    if (box.width < 100 || box.height < 20) return `banner box ${box.width}x${box.height}`;
    const hits = [[0.5, 0.5], [0.1, 0.5], [0.9, 0.5]].map(([fx, fy]) =>
        document.elementFromPoint(box.left + box.width * fx, box.top + box.height * fy));
    const bad = hits.find((el) => el !== host);
    return bad ? `covered by <${bad.localName} id=${bad.id}>` : 'ok';
"""

STYLE = """
    const s = getComputedStyle(document.querySelector('[data-caveat-banner]'));
    return [s.display, s.visibility, s.opacity, s.transform, s.scale, s.translate, s.rotate, s.clipPath,
            s.filter, s.contentVisibility, s.maskImage];
"""


def hit_test(firefox) -> str:
    return firefox.client.execute_script(HIT_TEST)


def assert_visible_and_usable(firefox) -> None:
    firefox.browser.wait_until(lambda: hit_test(firefox) == "ok", timeout=5,
                               message=f"the banner on top ({hit_test(firefox)})")
    assert firefox.client.execute_script(STYLE) == [
        "block", "visible", "1", "none", "none", "none", "none", "none", "none", "visible", "none"]
    firefox.click_in_banner("button", "Details and sources")
    assert "Sources" in firefox.banner_text()


@pytest.mark.parametrize("rule", HIDING_RULES)
def test_page_css_cannot_hide_the_banner(firefox, site_server, rule):
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
    open_hostile(firefox, site_server, "css", script)
    assert_visible_and_usable(firefox)


def test_a_cover_that_fights_back_does_not_win(firefox, site_server):
    script = """
      window.caveatMoves = 0;
      function cover() {
        let box = document.getElementById('cover');
        if (!box) { box = document.createElement('div'); box.id = 'cover';
          box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:#0a0'; }
        if (document.documentElement.lastElementChild !== box) {
          window.caveatMoves++; document.documentElement.appendChild(box); }
      }
      new MutationObserver(cover).observe(document, {childList: true, subtree: true});
      setInterval(cover, 10);
      cover();
    """
    open_hostile(firefox, site_server, "fight", script)
    firefox.browser.wait_until(lambda: firefox.client.execute_script("return window.wrappedJSObject.caveatMoves") >= 1,
                               message="the page fighting back")
    samples = []
    for _ in range(10):
        firefox.client.execute_script("return new Promise((r) => setTimeout(r, 100));")
        samples.append(hit_test(firefox))
    assert samples == ["ok"] * 10, samples
    assert_visible_and_usable(firefox)


def test_a_later_popover_cannot_cover_the_banner(firefox, site_server):
    open_hostile(firefox, site_server, "popover", f"""window.addEventListener('load', () => {{
        const d = document.createElement('div'); d.id = 'cover'; d.popover = 'manual';
        d.style.cssText = '{FULL_SCREEN}'; document.body.appendChild(d); d.showPopover(); }});""")
    firefox.browser.wait_until(
        lambda: firefox.client.execute_script("return !!document.getElementById('cover')?.matches(':popover-open')"),
        message="the page's popover open")
    assert_visible_and_usable(firefox)


def test_a_modal_dialog_does_not_cover_the_banner_in_firefox(firefox, site_server):
    """Unlike Chromium (a known gap there, docs/reliability.md), Firefox ESR keeps the banner
    on top of a modal <dialog> the page opens after it, and usable."""
    open_hostile(firefox, site_server, "modal", f"""window.addEventListener('load', () => {{
        const d = document.createElement('dialog'); d.id = 'cover'; d.style.cssText = '{FULL_SCREEN}';
        d.textContent = 'Subscribe to our newsletter'; document.body.appendChild(d); d.showModal(); }});""")
    firefox.browser.wait_until(lambda: firefox.client.execute_script("return !!document.getElementById('cover')?.open"),
                               message="the page's dialog open")
    firefox.client.execute_script("return new Promise((r) => setTimeout(r, 500));")
    assert_visible_and_usable(firefox)


@pytest.mark.parametrize("how", list(DIALOG_REMOVALS))
def test_removing_a_modal_dialog_does_not_take_the_banner_with_it(firefox, site_server, how):
    open_hostile(firefox, site_server, "modal-removed", modal_then(DIALOG_REMOVALS[how]))
    firefox.browser.wait_until(lambda: firefox.client.execute_script("return window.wrappedJSObject.caveatDone === true"),
                               message="the page's dialog removal")
    assert_visible_and_usable(firefox)


def test_a_strict_content_security_policy_does_not_unstyle_the_banner(firefox, site_server):
    site_server.set_page("/reliability-firefox/strict-csp", STRICT_CSP_PAGE)
    firefox.open(f"http://{LISTED}/reliability-firefox/strict-csp")
    firefox.wait_for_banner()
    assert_visible_and_usable(firefox)
    assert firefox.browser.banner_styles(".bar", ["border-bottom-width"]) == [{"border-bottom-width": "4px"}]


@pytest.mark.parametrize("how", list(REWRITES))
def test_a_page_that_rewrites_its_document_gets_the_banner_back(firefox, site_server, how):
    open_hostile(firefox, site_server, "rewrite",
                 f"window.addEventListener('load', () => setTimeout(() => {{ {REWRITES[how]} }}, 300));")
    firefox.browser.wait_until(
        lambda: "Rewritten" in (firefox.client.execute_script("return document.body ? document.body.textContent : ''") or ""),
        message="the page rewritten")
    assert_visible_and_usable(firefox)


def test_a_mutation_flood_neither_hides_the_banner_nor_hangs_the_page(firefox, site_server):
    script = """
      window.caveatTicks = 0;
      function flood() {
        const root = document.documentElement;
        for (let i = 0; i < 200; i++) { const n = document.createElement('div'); root.appendChild(n); n.remove(); }
        const host = document.querySelector('[data-caveat-banner]');
        if (host) { host.setAttribute('data-x', String(window.caveatTicks)); root.prepend(host); }
        window.caveatTicks++;
        setTimeout(flood, 0);
      }
      flood();
    """
    open_hostile(firefox, site_server, "flood", script)
    ticks = firefox.client.execute_script("return window.wrappedJSObject.caveatTicks")
    firefox.client.execute_script("return new Promise((r) => setTimeout(r, 1500));")
    assert firefox.client.execute_script("return window.wrappedJSObject.caveatTicks") > ticks + 50
    assert_visible_and_usable(firefox)


def test_the_page_cannot_read_the_banner(firefox, site_server):
    open_hostile(firefox, site_server, "snoop", SNOOP)
    firefox.client.execute_script("return new Promise((r) => setTimeout(r, 500));")
    assert "AllOfMP3" in firefox.banner_text()
    page = "return window.wrappedJSObject."
    assert firefox.client.execute_script(page + "caveatLeaks.length") == 0, \
        firefox.client.execute_script(page + "caveatLeaks.join(',')")
    assert firefox.client.execute_script(page + "caveatCaptured.length") == 0
    assert firefox.client.execute_script(
        "return window.wrappedJSObject.document.querySelector('[data-caveat-banner]').shadowRoot === null")


def test_window_find_confirms_banner_words_known_gap(firefox, site_server):
    """KNOWN GAP (minor), as in Chromium: ``window.find`` searches the banner's closed shadow
    root, so a page can confirm guessed words. Pins today's behaviour; when fixed, expect []."""
    open_hostile(firefox, site_server, "find", "")
    found = firefox.client.execute_script("""
        const w = window.wrappedJSObject;
        return ['AllOfMP3', 'Dismiss', 'Welcome to'].filter((word) => {
            w.getSelection().removeAllRanges();
            return w.find(word);
        });""")
    assert "Welcome to" in found, "window.find works on the page's own text"
    assert [w for w in found if w != "Welcome to"] == FIREFOX_FIND_RESULT, found


# What Firefox ESR's window.find reports for banner words (measured; see docs/reliability.md).
FIREFOX_FIND_RESULT = ["AllOfMP3", "Dismiss"]
