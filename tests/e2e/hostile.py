"""Hostile listed pages both browsers' end-to-end tests load: CSS that
makes a box vanish, top-layer covers (popover, modal dialog) and the ways a
page removes its dialog, strict CSP and self-rewriting documents, and a
page script that tries to read the banner's text."""

from __future__ import annotations

HIDING_RULES = [
    "display: none", "visibility: hidden", "opacity: 0", "transform: scale(0)", "transform: translateY(-500px)",
    "scale: 0", "translate: 0 -500px", "rotate: 90deg", "width: 0; height: 0; overflow: hidden",
    "clip-path: inset(50%)", "clip: rect(0 0 0 0); position: absolute", "filter: opacity(0)",
    "mask-image: linear-gradient(transparent, transparent)", "zoom: 0.01", "content-visibility: hidden",
    "top: -1000px", "z-index: -1", "position: static", "max-height: 0", "font-size: 0", "color: transparent",
    "pointer-events: none", "mix-blend-mode: screen; background: white",
]

FULL_SCREEN = "max-width:none;max-height:none;width:100vw;height:100vh;inset:0;margin:0;border:0;background:#0a0"

# How a page gets rid of its modal dialog while the banner sits inside it.
DIALOG_REMOVALS = {
    "remove": "d.remove();",
    "close then remove": "d.close(); d.remove();",
    "empty it": "d.replaceChildren();",
    "replace the body": "document.body.replaceWith(document.createElement('body'));",
}


def modal_then(action: str) -> str:
    """A page that opens a full-screen modal dialog, lets the banner move into it, then runs ``action`` on it."""
    return f"""window.addEventListener('load', () => {{
        const d = document.createElement('dialog'); d.id = 'cover'; d.style.cssText = '{FULL_SCREEN}';
        d.textContent = 'Subscribe to our newsletter'; document.body.appendChild(d); d.showModal();
        const started = Date.now();
        const poll = setInterval(() => {{
          if (d.querySelector('[data-caveat-banner]') || Date.now() - started > 3000) {{
            clearInterval(poll);
            window.caveatBannerWasInside = !!d.querySelector('[data-caveat-banner]');
            {action}
            window.caveatDone = true;
          }}
        }}, 20);
    }});"""

STRICT_CSP_PAGE = ("<!doctype html><html><head><meta charset='utf-8'>"
                   "<meta http-equiv='Content-Security-Policy' "
                   "content=\"default-src 'none'; style-src 'none'; img-src 'none'; font-src 'none'\">"
                   "<title>strict</title></head><body><header id='site-header'>Shop</header>"
                   "<p>Welcome to the shop</p></body></html>")

REWRITES = {
    "document.open and write": "document.open(); document.write('<html><body><p>Rewritten</p></body></html>'); document.close();",
    "replace <html>": "const n = document.createElement('html'); n.innerHTML = '<body><p>Rewritten</p></body>';"
                      "document.documentElement.replaceWith(n);",
    "innerHTML of <html>": "document.documentElement.innerHTML = '<body><p>Rewritten</p></body>';",
}

SNOOP = """
  window.caveatBannerBeforePageScript = !!document.querySelector('[data-caveat-banner]');
  window.caveatLeaks = [];
  window.caveatCaptured = [];
  const realAttach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = realAttach.call(this, {...init, mode: 'open'});
    window.caveatCaptured.push(root);
    return root;
  };
  function snoop() {
    const host = document.querySelector('[data-caveat-banner]');
    if (!host) return;
    const texts = {
      shadowRoot: host.shadowRoot && host.shadowRoot.textContent,
      innerText: host.innerText, textContent: host.textContent, innerHTML: host.innerHTML,
      // The host's own start tag carries the design's public test hooks (data-caveat-domain,
      // -status, -country): what the page must not read is everything inside it.
      outerHTML: host.outerHTML.replace(/^<[^>]*>/, ''), htmlInnerText: document.documentElement.innerText,
      hostAttributes: [...host.attributes].filter((a) => !a.name.startsWith('data-caveat-')).map((a) => a.value).join(' '),
      captured: window.caveatCaptured.map((r) => r.textContent).join(' '),
      openOrClosed: (() => { try { return chrome?.dom?.openOrClosedShadowRoot?.(host)?.textContent; } catch (e) { return null; } })(),
    };
    for (const [how, text] of Object.entries(texts)) {
      if (text && /AllOfMP3|disputed|Dismiss/.test(text)) window.caveatLeaks.push(how);
    }
    document.execCommand('selectAll');
    const selected = String(window.getSelection());
    if (/AllOfMP3|disputed|Dismiss/.test(selected)) window.caveatLeaks.push('selection');
    window.getSelection().removeAllRanges();
  }
  new MutationObserver(snoop).observe(document, {childList: true, subtree: true});
  window.addEventListener('load', () => setTimeout(snoop, 200));
"""


# --- fights: pages that keep removing and hiding the banner (issue 15) ------------------------

def fight(interval_ms: int, observer_removals: int | None) -> str:
    """A page that removes the banner's host every ``interval_ms``, hides it (inline style and
    ``hidePopover``) every ``interval_ms`` in between, and has a MutationObserver remove every
    re-added banner ``observer_removals`` more times (None: every time). Counts in ``caveatFight``."""
    limit = "Infinity" if observer_removals is None else str(observer_removals)
    return f"""
      window.caveatFight = {{removed: 0, hidden: 0, observed: 0}};
      const caveatFind = () => document.querySelector('[data-caveat-banner]');
      setInterval(() => {{ const b = caveatFind(); if (b) {{ b.remove(); caveatFight.removed++; }} }}, {interval_ms});
      setTimeout(() => setInterval(() => {{
        const b = caveatFind();
        if (!b) return;
        b.style.setProperty('display', 'none', 'important');
        try {{ b.hidePopover(); }} catch (e) {{}}
        caveatFight.hidden++;
      }}, {interval_ms}), {interval_ms // 2});
      let caveatExtra = {limit};
      new MutationObserver((records) => {{
        for (const r of records) for (const n of r.addedNodes) {{
          if (caveatExtra > 0 && n.nodeType === 1 && n.hasAttribute('data-caveat-banner')) {{
            n.remove(); caveatExtra--; caveatFight.observed++;
          }}
        }}
      }}).observe(document, {{childList: true, subtree: true}});
    """


FIGHTS = {"20 Hz": fight(100, 20), "100 Hz": fight(10, None)}

# The page's first script, before the rest of the document is parsed: it removes the banner's
# frame whenever it appears and hides whatever is left every 10 ms.
DOCUMENT_START_FIGHTER = """
  window.caveatRemovals = 0;
  new MutationObserver(() => {
    const b = document.querySelector('[data-caveat-banner]');
    if (b) { b.remove(); window.caveatRemovals++; }
  }).observe(document, {childList: true, subtree: true});
  const first = document.querySelector('[data-caveat-banner]');
  if (first) { first.remove(); window.caveatRemovals++; }
  setInterval(() => document.querySelector('[data-caveat-banner]')?.style.setProperty('display', 'none', 'important'), 10);
"""

# Full-screen covers: one at the maximum z-index, and the top layer's three ways in.
MAX_Z_COVER = f"""window.addEventListener('DOMContentLoaded', () => {{
    const c = document.createElement('div'); c.id = 'cover';
    c.style.cssText = 'position:fixed;inset:0;z-index:2147483647;{FULL_SCREEN}';
    document.documentElement.appendChild(c); }});"""
TOP_LAYER = {
    "modal dialog": f"""const d = document.createElement('dialog'); d.id = 'cover'; d.style.cssText = '{FULL_SCREEN}';
        document.body.appendChild(d); d.showModal();""",
    "popover": f"""const d = document.createElement('div'); d.id = 'cover'; d.popover = 'manual';
        d.style.cssText = '{FULL_SCREEN}'; document.body.appendChild(d); d.showPopover();""",
    "fullscreen": f"""const d = document.createElement('div'); d.id = 'cover'; d.style.cssText = '{FULL_SCREEN}';
        document.body.appendChild(d); d.requestFullscreen().then(() => {{ window.caveatFullscreen = true; }});""",
}


def top_layer_page(how: str) -> str:
    """A page whose #open button (a real click: fullscreen needs one) puts a full-screen cover in the top layer."""
    return f"""window.addEventListener('DOMContentLoaded', () => {{
        const b = document.createElement('button'); b.id = 'open'; b.textContent = 'Open';
        b.style.cssText = 'position:fixed;bottom:10px;left:10px;z-index:1';
        b.addEventListener('click', () => {{ {TOP_LAYER[how]} window.caveatOpened = true; }});
        document.body.appendChild(b); }});"""

# What a person sees at one moment: the filled banner drawn on top at its middle, or
# the extension's warning page in the tab, or why neither.
VISIBILITY = """(() => {
    if (document.querySelector('main[data-caveat-tampered]')) return 'warning';
    const host = document.querySelector('[data-caveat-banner][data-caveat-domain]');
    if (!host) return 'absent';
    if (!host.isConnected) return 'detached';
    const box = host.getBoundingClientRect();
    if (box.width < 100 || box.height < 20) return 'hidden';
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return hit === host ? 'visible' : 'covered';
})()"""
