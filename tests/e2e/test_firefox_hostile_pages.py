"""Listed pages that attack the banner, in Firefox ESR: the same attacks as
test_hostile_pages_chromium.py (CSS on every property that can make a box
vanish, a cover that fights back, the top layer: a popover and a modal
<dialog>, a flood of mutations, a page that tries to read the banner or to
capture its shadow root before it exists). Firefox's layout, top layer,
Xray-isolated content scripts and find are its own, so each attack is run
here too.

"Visible and usable" is checked the way a person meets it: the middle and
both ends of the banner hit-test (``elementFromPoint``) to the banner's host,
and a real click on "Details and sources" opens the details."""

from __future__ import annotations

import pytest

from tests.e2e.entries import LISTED
from tests.e2e.firefox_harness import CaveatFirefox, packaged_xpi
from tests.e2e.sites import page_html
from tests.e2e.test_hostile_pages_chromium import FULL_SCREEN, HIDING_RULES, SNOOP

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def firefox(build_extension, caveat_server, site_server, tmp_path_factory):
    xpi = packaged_xpi(build_extension("firefox", caveat_server.url))
    browser = CaveatFirefox(xpi, tmp_path_factory.mktemp("firefox") / "profile", site_server.port).start()
    yield browser
    browser.close()


@pytest.fixture
def hostile(firefox, site_server):
    """``hostile(name, script, body=None)`` serves a listed page with ``script`` in its <head> and opens it."""
    def _open(name: str, script: str, body: str | None = None) -> None:
        path = f"/reliability-firefox/{name}"
        site_server.set_page(path, page_html(LISTED, f"hostile {name}", script, body))
        firefox.open(f"http://{LISTED}{path}")
    return _open


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


def hit_test(firefox: CaveatFirefox) -> str:
    return firefox.client.execute_script(HIT_TEST)


def page_value(firefox: CaveatFirefox, expression: str):
    """A value from the page's own world (its globals), not from the harness sandbox."""
    return firefox.browser.page_script(f"return window.wrappedJSObject.{expression};")


def assert_visible_and_usable(firefox: CaveatFirefox) -> None:
    """The banner is on top where it is drawn, and a real click on its button works."""
    firefox.wait_for_banner()
    assert firefox.browser.banner_count() == 1
    assert firefox.browser.banner_is_displayed()
    firefox.wait_until(lambda: hit_test(firefox) == "ok", timeout=5,
                       message=f"the banner on top ({hit_test(firefox)})")
    style = firefox.client.execute_script("""
        const s = getComputedStyle(document.querySelector('[data-caveat-banner]'));
        return [s.display, s.visibility, s.opacity, s.transform, s.scale, s.translate, s.rotate, s.clipPath,
                s.filter, s.zoom, s.contentVisibility, s.maskImage];
    """)
    assert style == ["block", "visible", "1", "none", "none", "none", "none", "none", "none", "1", "visible", "none"], style
    firefox.click_in_banner("button", "Details and sources")
    assert "Sources" in firefox.banner_text()


# --- hiding with CSS ---------------------------------------------------------------------------

@pytest.mark.parametrize("rule", HIDING_RULES)
def test_page_css_cannot_hide_the_banner(firefox, hostile, rule):
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
    hostile("css", script)
    assert_visible_and_usable(firefox)


# --- covering ----------------------------------------------------------------------------------

def test_a_cover_that_fights_back_does_not_win(firefox, hostile):
    """The page re-appends its max-z-index cover after the banner every time the banner moves."""
    hostile("fight", """
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
    """)
    firefox.wait_until(lambda: (page_value(firefox, "caveatMoves") or 0) >= 1, message="the page fighting back")
    firefox.wait_for_banner()
    samples = []
    for _ in range(10):  # the fight goes on: the banner must be on top throughout, not just once
        firefox.settle(0.1)
        samples.append(hit_test(firefox))
    assert samples == ["ok"] * 10, samples
    assert_visible_and_usable(firefox)


def test_a_later_popover_cannot_cover_the_banner(firefox, hostile):
    """A popover is drawn in the browser's top layer, above any z-index; the banner is a popover too."""
    hostile("popover", f"""window.addEventListener('load', () => {{
        const d = document.createElement('div'); d.id = 'cover'; d.popover = 'manual';
        d.style.cssText = '{FULL_SCREEN}'; document.body.appendChild(d); d.showPopover(); }});""")
    firefox.wait_until(lambda: firefox.client.execute_script(
        "const d = document.getElementById('cover'); return !!d && d.matches(':popover-open');"),
        message="the page's popover open")
    assert_visible_and_usable(firefox)


def test_a_later_modal_dialog_cannot_cover_the_banner(firefox, hostile):
    """A modal <dialog> enters the top layer and makes the rest of the page inert; the banner must still win."""
    hostile("modal", f"""window.addEventListener('load', () => {{
        const d = document.createElement('dialog'); d.id = 'cover'; d.style.cssText = '{FULL_SCREEN}';
        d.textContent = 'Subscribe to our newsletter'; document.body.appendChild(d); d.showModal(); }});""")
    firefox.wait_until(lambda: firefox.client.execute_script(
        "const d = document.getElementById('cover'); return !!d && d.open;"), message="the page's dialog open")
    assert_visible_and_usable(firefox)


# --- mutation flood ----------------------------------------------------------------------------

def test_a_mutation_flood_neither_hides_the_banner_nor_hangs_the_page(firefox, hostile):
    """Thousands of mutations a second, including on <html> and the host: the banner stays, the page keeps running."""
    hostile("flood", """
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
    """)
    ticks = page_value(firefox, "caveatTicks")
    firefox.settle(1.5)
    assert page_value(firefox, "caveatTicks") > ticks + 50, "the page's own loop kept running"
    assert_visible_and_usable(firefox)


# --- reading the banner ------------------------------------------------------------------------

def test_the_page_cannot_read_the_banner(firefox, hostile):
    """shadowRoot, text properties, selection, and an attachShadow override installed before the banner exists."""
    hostile("snoop", SNOOP)
    firefox.wait_for_banner()
    firefox.settle(0.5)
    assert "AllOfMP3" in firefox.banner_text(), "the banner has the text the page looks for"
    assert page_value(firefox, "caveatLeaks.length") == 0, page_value(firefox, "caveatLeaks.join(',')")
    # The content script runs in its own (Xray) world: the page's attachShadow override never saw the banner.
    assert page_value(firefox, "caveatCaptured.length") == 0
    assert firefox.browser.page_script(
        "return window.wrappedJSObject.document.querySelector('[data-caveat-banner]').shadowRoot === null;")


def test_window_find_confirms_banner_words_known_gap(firefox, hostile):
    """KNOWN GAP (minor, as in Chromium): Firefox's ``window.find`` also searches the
    rendered text of closed shadow roots, so a page can confirm a guessed word of the
    banner (it cannot read the text, only test guesses; the list is public anyway).

    Pins today's behaviour; when the banner stops being findable this test fails:
    assert ``found == []`` instead.
    """
    hostile("find", "")
    firefox.wait_for_banner()
    firefox.settle(0.3)
    found = firefox.browser.page_script("""
        const page = window.wrappedJSObject;
        return ['AllOfMP3', 'Dismiss', 'no-such-words-in-the-banner'].filter((w) => {
            page.getSelection().removeAllRanges();
            return page.find(w);
        });""")
    assert firefox.browser.page_script("return window.wrappedJSObject.find('Welcome to');"), \
        "window.find works on the page's own text"
    assert found == ["AllOfMP3", "Dismiss"], found
