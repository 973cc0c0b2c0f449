"""Cases both browsers' end-to-end tests run: listed hosts, the pages the
privacy tests browse, broken answers from a list server, HTML payloads in
entries, pages that try to cover the banner from the top layer or take it
away with their modal dialog, and the WCAG contrast arithmetic the banner
must pass."""

from __future__ import annotations

import re

from testkit.entries import IDN, LISTED, SHOP_TEST, base_entries, entry, list_document

# Hosts that get a banner, and the entry domain it names.
# The files the background registers (and injects) for the banner, in order:
# the shared helpers first (extension/background/registration.js BANNER_FILES).
BANNER_FILES = ["content/util.js", "content/guard.js", "banner.js"]
BANNER_FILES_JS = "['content/util.js', 'content/guard.js', 'banner.js']"

LISTED_HOSTS = [
    (LISTED, LISTED),
    (f"www.{LISTED}", LISTED),
    (f"eu.checkout.{LISTED}", LISTED),
    (IDN, IDN),
    (f"www.{IDN}", IDN),
    (SHOP_TEST, SHOP_TEST),
]

# Pages the privacy tests browse, listed and not: none of it may reach anyone.
VISITS = [
    (LISTED, "/"),
    (f"www.{LISTED}", "/cart"),
    (f"eu.{LISTED}", "/checkout?item=42"),
    (IDN, "/"),
    ("unlisted.example", "/"),
    ("another-shop.test", "/basket"),
    (f"notlisted-{LISTED}", "/"),
]

# A page whose modal dialog closes shortly after load, and one that removes
# its dialog (with ``action``) once the banner has moved into it: either way
# the banner must end up back in <html>.
DIALOG_CLOSES = ("window.addEventListener('load', () => { const d = document.createElement('dialog'); d.id = 'modal';"
                 " d.textContent = 'Sign in'; document.body.appendChild(d); d.showModal();"
                 " setTimeout(() => { d.close(); window.dialogClosed = true; }, 300); });")


def dialog_removed(action: str) -> str:
    return ("window.addEventListener('load', () => { const d = document.createElement('dialog'); d.textContent = 'Sign in';"
            " document.body.appendChild(d); d.showModal();"
            " const poll = setInterval(() => { if (d.querySelector('[data-caveat-banner]')) {"
            f" clearInterval(poll); {action} window.dialogGone = true; }} }}, 20); }});")


# A page-side expression: is the banner's host a child of <html> again?
BANNER_IN_HTML = "document.querySelector('[data-caveat-banner]')?.parentNode === document.documentElement"


# A list server's broken answer ((status, body)) and the words the options
# page must show for it.
BROKEN_ANSWERS = {
    "not JSON": ((200, "<html>Gateway error</html>"), "the list server did not send a list"),
    "HTTP 500": ((500, {"error": "boom"}), "the list server answered with HTTP status 500"),
    "empty list": ((200, list_document([], version=999)), "the list server sent a list that is not valid"),
    "wrong format": ((200, {**list_document(base_entries(), version=999), "format": 2}), "not valid"),
    "one bad entry": ((200, list_document(base_entries() + [entry("bad.example", "Bad", status="maybe")], version=999)),
                      "(bad.example).status: must be one of"),
    "javascript: source": ((200, list_document([entry("js.example", "JS", sources=[{"title": "x", "url": "javascript:alert(1)"}])], version=999)),
                           "must be an http or https URL"),
    "too large": ((200, '{"pad": "' + "a" * (10 * 1024 * 1024 + 10) + '"}'), "the list server sent too much data"),
}

# Markup in every text field of an entry; it must show as text and run nothing.
PAYLOADS = {
    "name": '<img src=x onerror="window.caveatPwned=1">Evil & Co',
    "summary": "<script>window.caveatPwned=2</script> It sells <b>cheap</b> albums.",
    "details": "</div><iframe src=javascript:window.caveatPwned=3></iframe>",
    "title": '"><svg onload="window.caveatPwned=4">',
}

# Page scripts that open a full-page top-layer element after the banner.
TOP_LAYER_ATTACKS = {
    # A full-page popover opened after the banner (the top layer beats any z-index).
    "popover": "window.addEventListener('load', () => { const d = document.createElement('div'); d.id = 'cover';"
               " d.popover = 'manual'; d.style.cssText = 'inset:0;width:100vw;height:100vh;margin:0;border:0;background:#0a0';"
               " document.body.appendChild(d); d.showPopover(); });",
    # A full-page modal dialog: everything outside it becomes inert.
    "modal-dialog": "window.addEventListener('load', () => { const d = document.createElement('dialog'); d.id = 'cover';"
                    " d.style.cssText = 'inset:0;width:100vw;height:100vh;max-width:none;max-height:none;margin:0;border:0;background:#0a0';"
                    " document.body.appendChild(d); d.showModal(); });",
}


def luminance(css_colour: str) -> float:
    """WCAG relative luminance of a computed ``rgb(...)``/``rgba(...)`` colour."""
    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", css_colour)[:3])

    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two computed colours (1 to 21)."""
    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
