"""Debian's Chromium with the built extension, through Playwright's persistent
context (``launch()`` cannot load extensions). Hostnames are mapped to the
local site server with ``--host-resolver-rules``; loopback stays direct so the
extension reaches the Caveat server on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

CHROMIUM = Path(os.environ.get("CAVEAT_CHROMIUM", "/usr/lib/chromium/chromium"))
# A banner with its entry filled in; the script draws the empty frame (the
# host element alone) first, at document_start, and fills it when the
# background answers.
BANNER = "[data-caveat-banner][data-caveat-domain]"
# Any banner host element, the unfilled frame included: for "no banner here".
BANNER_HOST = "[data-caveat-banner]"


BROWSER_SERVICES = "".join(f"MAP {pattern} ~NOTFOUND, " for pattern in (
    "*.googleapis.com", "*.google.com", "*.gvt1.com", "*.gstatic.com", "*.googleusercontent.com"))


def chromium_args(extension: Path, site_port: int) -> list[str]:
    return [
        f"--disable-extensions-except={extension}",
        f"--load-extension={extension}",
        # Chromium's own services (update checks that --disable-component-update
        # does not stop) resolve nowhere instead of reaching the site server,
        # where they would look like traffic from the extension.
        f"--host-resolver-rules={BROWSER_SERVICES} MAP * 127.0.0.1:{site_port}, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-sync",
        "--disable-quic",
        "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
    ]


class ChromiumExtension:
    """One Chromium on one profile with the extension loaded.

    ``ctx`` (BrowserContext), ``sw`` (the background service worker) and
    ``ext_id`` are set by ``start()``; ``restart()`` closes and relaunches on
    the same profile, as a person quitting and reopening the browser would.
    """

    def __init__(self, playwright, extension: Path, profile: Path, site_port: int, *, binary: Path = CHROMIUM,
                 extra_args: list[str] | None = None, env: dict[str, str] | None = None):
        # A missing browser fails the test; it never skips it.
        assert Path(binary).is_file(), (
            f"Chromium is not installed at {binary}: install Debian's chromium package "
            "(make test does); end-to-end tests cannot run without it")
        self.binary = Path(binary)
        self.extra_args = list(extra_args or [])
        self.env = env
        self.playwright = playwright
        self.extension = extension
        self.profile = profile
        self.site_port = site_port
        self.ctx = None
        self.sw = None
        self.ext_id = ""

    def start(self, *, wait_ready: bool = True) -> "ChromiumExtension":
        self.ctx = self.playwright.chromium.launch_persistent_context(
            str(self.profile), executable_path=str(self.binary), headless=True,
            args=chromium_args(self.extension, self.site_port) + self.extra_args,
            **({"env": {**os.environ, **self.env}} if self.env else {}))
        self.ctx.set_default_timeout(15_000)
        self.sw = self.ctx.service_workers[0] if self.ctx.service_workers else self.ctx.wait_for_event("serviceworker")
        self.ext_id = self.sw.url.split("/")[2]
        if wait_ready:
            self.wait_ready()
        return self

    def wait_ready(self) -> None:
        """Wait for the background to finish start-up (storage, index, banner registration)."""
        assert self.background("globalThis.caveatReady") is True, "the extension's background failed to start"

    def background(self, expression: str):
        """Evaluate in the service worker, restarting the lookup if Chromium stopped it."""
        for _ in range(3):
            try:
                return self.sw.evaluate(expression)
            except Exception as err:  # the worker was stopped: wake it through an extension page
                if "Target" not in str(err) and "closed" not in str(err):
                    raise
                page = self.ctx.new_page()
                page.goto(self.url("options.html"))
                self.sw = self.ctx.service_workers[0] if self.ctx.service_workers else self.ctx.wait_for_event("serviceworker")
                page.close()
        raise AssertionError("cannot reach the extension's service worker")

    def storage(self, *keys: str) -> dict:
        return self.background(f"chrome.storage.local.get({list(keys)!r})")

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.ext_id}/{path}"

    def close(self) -> None:
        if self.ctx is not None:
            self.ctx.close()
            self.ctx = None

    def restart(self, *, wait_ready: bool = True) -> None:
        """Quit and reopen on the same profile; ``wait_ready=False`` does not wait for the background."""
        self.close()
        self.start(wait_ready=wait_ready)

    def open_popup(self):
        """The toolbar popup, opened in its own unfocused window over the last used tab
        (headless Chromium does not show action popups)."""
        with self.ctx.expect_page() as info:
            self.background("chrome.windows.create({url: chrome.runtime.getURL('popup.html'), "
                            "type: 'popup', focused: false}).then(w => w.id)")
        popup = info.value
        popup.wait_for_load_state()
        return popup

    def open(self, url: str):
        page = self.ctx.new_page()
        page.goto(url, wait_until="load")
        return page


def banner_text(ctx, page) -> str:
    """The visible text inside the banner's closed shadow root, read through CDP."""
    cdp = ctx.new_cdp_session(page)
    try:
        doc = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        texts: list[str] = []

        def walk(node, inside: bool, in_style: bool = False):
            attrs = node.get("attributes") or []
            is_host = "data-caveat-banner" in attrs[::2]
            inside = inside or is_host
            name = node.get("nodeName", "")
            if inside and node.get("nodeType") == 3 and not in_style:
                texts.append(node.get("nodeValue", ""))
            for key in ("children", "shadowRoots"):
                for child in node.get(key) or []:
                    walk(child, inside, in_style or name == "STYLE")

        walk(doc["root"], False)
        return " ".join(t.strip() for t in texts if t.strip())
    finally:
        cdp.detach()


def banner_nodes(ctx, page, node_name: str) -> list[dict]:
    """Elements named ``node_name`` (e.g. "A") inside the banner's shadow root, with attributes and text."""
    cdp = ctx.new_cdp_session(page)
    try:
        doc = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        found: list[dict] = []

        def text_of(node) -> str:
            if node.get("nodeType") == 3:
                return node.get("nodeValue", "")
            return "".join(text_of(c) for c in node.get("children") or [])

        def walk(node, inside: bool):
            attrs = node.get("attributes") or []
            inside = inside or "data-caveat-banner" in attrs[::2]
            if inside and node.get("nodeName") == node_name.upper():
                found.append({"attributes": dict(zip(attrs[::2], attrs[1::2])), "text": text_of(node)})
            for key in ("children", "shadowRoots"):
                for child in node.get(key) or []:
                    walk(child, inside)

        walk(doc["root"], False)
        return found
    finally:
        cdp.detach()


def banner_styles(ctx, page, node_name: str, properties: list[str]) -> list[dict[str, str]]:
    """Computed ``properties`` of each ``node_name`` element inside the banner (through CDP)."""
    cdp = ctx.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        doc = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        nodes = []

        def walk(node, inside: bool):
            attrs = node.get("attributes") or []
            inside = inside or "data-caveat-banner" in attrs[::2]
            if inside and node.get("nodeName") == node_name.upper():
                nodes.append(node["nodeId"])
            for key in ("children", "shadowRoots"):
                for child in node.get(key) or []:
                    walk(child, inside)

        walk(doc["root"], False)
        out = []
        for node_id in nodes:
            computed = cdp.send("CSS.getComputedStyleForNode", {"nodeId": node_id})["computedStyle"]
            values = {item["name"]: item["value"] for item in computed}
            out.append({name: values.get(name, "") for name in properties})
        return out
    finally:
        cdp.detach()


def click_in_banner(ctx, page, node_name: str, text: str) -> None:
    """Click the banner's element (e.g. a BUTTON) whose text is ``text``, as a person would (real mouse)."""
    cdp = ctx.new_cdp_session(page)
    try:
        doc = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
        target = None

        def text_of(node) -> str:
            if node.get("nodeType") == 3:
                return node.get("nodeValue", "")
            return "".join(text_of(c) for c in node.get("children") or [])

        def walk(node, inside: bool):
            nonlocal target
            attrs = node.get("attributes") or []
            inside = inside or "data-caveat-banner" in attrs[::2]
            if inside and target is None and node.get("nodeName") == node_name.upper() and text_of(node).strip() == text:
                target = node
            for key in ("children", "shadowRoots"):
                for child in node.get(key) or []:
                    walk(child, inside)

        walk(doc["root"], False)
        assert target is not None, f"no {node_name} {text!r} in the banner"
        box = cdp.send("DOM.getBoxModel", {"backendNodeId": target["backendNodeId"]})["model"]["content"]
        x = (box[0] + box[2]) / 2
        y = (box[1] + box[5]) / 2
    finally:
        cdp.detach()
    page.mouse.click(x, y)


def banner_domain(chromium, host: str) -> str | None:
    """Opens ``http://host/`` and returns the filled banner's entry domain, or None."""
    page = chromium.open(f"http://{host}/")
    try:
        expect(page.locator("#site-header")).to_be_visible()
        banner = page.locator(BANNER)
        if banner.count() == 0:
            page.wait_for_timeout(300)
        return banner.get_attribute("data-caveat-domain") if banner.count() else None
    finally:
        page.close()
