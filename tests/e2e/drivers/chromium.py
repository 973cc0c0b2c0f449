"""Debian's Chromium with the built extension, through Playwright's persistent
context (``launch()`` cannot load extensions). Hostnames are mapped to the
local site server with ``--host-resolver-rules``; loopback stays direct so the
extension reaches the Caveat server on 127.0.0.1.

The banner lives in a closed shadow root, which Playwright's locators cannot
enter; the Chrome DevTools Protocol can (``DOM.getDocument`` with ``pierce``).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from testkit.chromium import CHROMIUM, chromium_args
from tests.e2e.drivers.base import BrowserDriver, OptionsTab
from tests.e2e.waiting import wait_until


class ChromiumExtension(BrowserDriver):
    """One Chromium on one profile with the extension loaded.

    ``ctx`` (BrowserContext), ``sw`` (the background service worker) and
    ``ext_id`` are set by ``start()``; ``page`` is the current page.
    """

    name = "chromium"

    def __init__(self, playwright, extension: Path, profile: Path, site_port: int, *, binary: Path = CHROMIUM,
                 extra_args: list[str] | None = None, env: dict[str, str] | None = None,
                 record_requests: bool = False):
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
        self.page = None
        self.popup = None
        self.color_scheme: str | None = None
        self.record_requests = record_requests
        self.requests: list = []

    # -- lifecycle ------------------------------------------------------------

    def start(self, *, wait_ready: bool = True) -> "ChromiumExtension":
        self.ctx = self.playwright.chromium.launch_persistent_context(
            str(self.profile), executable_path=str(self.binary), headless=True,
            args=chromium_args(self.extension, self.site_port) + self.extra_args,
            **({"env": {**os.environ, **self.env}} if self.env else {}))
        self.ctx.set_default_timeout(15_000)
        if self.record_requests:
            self.ctx.on("request", lambda request: self.requests.append(request))
        self.sw = self.ctx.service_workers[0] if self.ctx.service_workers else self.ctx.wait_for_event("serviceworker")
        self.ext_id = self.sw.url.split("/")[2]
        if wait_ready:
            self.wait_ready()
        return self

    def wait_ready(self) -> None:
        assert self.background("globalThis.caveatReady") is True, "the extension's background failed to start"

    def close(self) -> None:
        if self.ctx is not None:
            self.ctx.close()
            self.ctx = None
            self.page = self.popup = None

    def restart(self, *, wait_ready: bool = True) -> None:
        self.close()
        self.start(wait_ready=wait_ready)

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.ext_id}/{path}"

    def newer_build(self, version: str) -> Path:
        newer = self.extension.parent / f"{self.extension.name}-{version}"
        shutil.copytree(self.extension, newer)
        set_manifest_version(newer / "manifest.json", version)
        return newer

    def update_extension(self, newer: Path) -> None:
        """As a developer updates an unpacked extension: developer mode on, the
        folder's files replaced by the newer build's, then the extension
        reloaded (``chrome.runtime.reload()``); Chromium sees the higher version
        and fires ``runtime.onInstalled`` with reason "update". (Without
        developer mode Chromium disables a reloaded unpacked extension:
        ``unsupportedDeveloperExtension``.)"""
        settings = self.ctx.new_page()
        settings.goto("chrome://extensions")
        settings.evaluate("new Promise((done) => chrome.developerPrivate.updateProfileConfiguration("
                          "{inDeveloperMode: true}, done))")
        settings.close()
        for item in self.extension.iterdir():
            shutil.rmtree(item) if item.is_dir() else item.unlink()
        shutil.copytree(newer, self.extension, dirs_exist_ok=True)
        try:
            self.sw.evaluate("chrome.runtime.reload()")
        except Exception:  # the worker went away under the call
            pass
        # Playwright does not report the reloaded extension's new worker: from
        # now on the background is reached through one of its pages.
        self.sw = ExtensionPageBackground(self)

    # -- the background ----------------------------------------------------------

    def background(self, expression: str, arg=None):
        """Evaluate in the service worker, waking it through an extension page if Chromium stopped it."""
        for _ in range(3):
            try:
                return self.sw.evaluate(expression, arg)
            except Exception as err:
                if "Target" not in str(err) and "closed" not in str(err):
                    raise
                page = self.ctx.new_page()
                page.goto(self.url("options.html"))
                self.sw = self.ctx.service_workers[0] if self.ctx.service_workers else self.ctx.wait_for_event("serviceworker")
                page.close()
        raise AssertionError("cannot reach the extension's service worker")

    def extension_requests(self) -> list[tuple[str, str]]:
        # Chromium tells the extension's requests apart by who made them: its service worker or its pages.
        self.background("0")  # a round trip, so Playwright has delivered the request events so far
        return [(r.method, r.url) for r in self.requests if r.url.startswith("http") and (
            r.service_worker is not None or r.frame.url.startswith("chrome-extension://"))]

    def extension_api(self, body: str, *args):
        return self.background("async (args) => { const api = chrome; const toPage = (v) => v;\n" + body + "\n}",
                               list(args))

    # -- pages ------------------------------------------------------------------

    def new_page(self, url: str, wait_until: str = "load"):
        """A further tab on ``url``, which the caller closes (the current page stays)."""
        page = self.ctx.new_page()
        if self.color_scheme:
            page.emulate_media(color_scheme=self.color_scheme)
        page.goto(url, wait_until=wait_until)
        return page

    def start_loading(self, url: str) -> None:
        self.close_pages()
        self.page = self.new_page(url, wait_until="commit")

    def set_color_scheme(self, scheme: str | None) -> None:
        self.color_scheme = scheme

    @staticmethod
    def language_options(language: str) -> dict:
        # On Linux Chromium takes its language from the environment, not from --lang alone
        # (with Debian's chromium-l10n installed). A tag with a region ("de-DE") becomes
        # LANGUAGE=de_DE:de, LANG=de_DE.UTF-8; Chromium's language pack then gives
        # navigator.languages (the accept languages) starting with that tag.
        if "-" in language:
            lang, region = language.split("-", 1)
            return {"extra_args": [f"--lang={language}"],
                    "env": {"LANGUAGE": f"{lang}_{region}:{lang}", "LANG": f"{lang}_{region}.UTF-8"}}
        return {"extra_args": [f"--lang={language}"], "env": {"LANGUAGE": language, "LANG": f"{language}_{language.upper()}.UTF-8"}}

    def open(self, url: str):
        """Load ``url`` in a fresh tab, which becomes the current page (the previous one is closed)."""
        self.close_pages()
        self.page = self.new_page(url)
        return self.page

    def close_pages(self) -> None:
        for page in (self.page, self.popup):
            if page is not None and not page.is_closed():
                page.close()
        self.page = self.popup = None

    def open_tab(self, url: str):
        return self.new_page(url)

    def close_tab(self, handle) -> None:
        handle.close()

    def reload(self) -> None:
        self.page.reload()

    def evaluate(self, expression: str):
        return self.page.evaluate(expression)

    def page_global(self, name: str):
        return self.page.evaluate(f"window[{name!r}]")

    def page_sees_shadow_root(self) -> bool:
        return self.page.evaluate("document.querySelector('[data-caveat-banner]').shadowRoot !== null")

    def page_finds(self, words: list[str]) -> list[str]:
        return self.page.evaluate("(words) => words.filter((w) => {"
                                  " window.getSelection().removeAllRanges(); return window.find(w); })", words)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type_text(self, text: str) -> None:
        self.page.keyboard.type(text)

    def is_visible(self, css: str) -> bool:
        return self.page.locator(css).first.is_visible()

    def click(self, css: str) -> None:
        self.page.locator(css).click()

    def fill(self, css: str, text: str) -> None:
        self.page.locator(css).fill(text)

    def screenshot(self, path: str, width: int, height: int) -> None:
        self.page.set_viewport_size({"width": width, "height": height})
        self.page.screenshot(path=path)

    # -- the banner, read through CDP ---------------------------------------------

    def _banner_walk(self, visit) -> None:
        """Call ``visit(node, in_style)`` for every node inside the banner's host, in document order."""
        cdp = self.ctx.new_cdp_session(self.page)
        try:
            doc = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})

            def walk(node, inside: bool, in_style: bool):
                attrs = node.get("attributes") or []
                inside = inside or "data-caveat-banner" in attrs[::2]
                if inside:
                    visit(node, in_style)
                for key in ("children", "shadowRoots"):
                    for child in node.get(key) or []:
                        walk(child, inside, in_style or node.get("nodeName") == "STYLE")

            walk(doc["root"], False, False)
            return cdp
        except BaseException:
            cdp.detach()
            raise

    def _banner_elements(self, selector: str) -> tuple[object, list[dict]]:
        """Elements in the banner named ``selector`` ("button") or with its class (".bar")."""
        def matches(node) -> bool:
            if selector.startswith("."):
                attrs = node.get("attributes") or []
                return selector[1:] in dict(zip(attrs[::2], attrs[1::2])).get("class", "").split()
            return node.get("nodeName") == selector.upper()

        found: list[dict] = []
        cdp = self._banner_walk(lambda node, _: found.append(node) if matches(node) else None)
        return cdp, found

    def banner_text(self) -> str:
        texts: list[str] = []
        self._banner_walk(lambda node, in_style: texts.append(node.get("nodeValue", ""))
                          if node.get("nodeType") == 3 and not in_style else None).detach()
        return " ".join(t.strip() for t in texts if t.strip())

    def banner_nodes(self, tag: str) -> list[dict]:
        cdp, nodes = self._banner_elements(tag)
        cdp.detach()
        return [{"attributes": dict(zip(n.get("attributes", [])[::2], n.get("attributes", [])[1::2])),
                 "text": _text_of(n)} for n in nodes]

    def banner_styles(self, tag: str, properties: list[str]) -> list[dict[str, str]]:
        cdp, nodes = self._banner_elements(tag)
        try:
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            out = []
            for node in nodes:
                computed = cdp.send("CSS.getComputedStyleForNode", {"nodeId": node["nodeId"]})["computedStyle"]
                values = {item["name"]: item["value"] for item in computed}
                out.append({name: values.get(name, "") for name in properties})
            return out
        finally:
            cdp.detach()

    def click_in_banner(self, tag: str, text: str) -> None:
        cdp, nodes = self._banner_elements(tag)
        try:
            target = next((n for n in nodes if _text_of(n).strip() == text), None)
            assert target is not None, f"no {tag} {text!r} in the banner"
            box = cdp.send("DOM.getBoxModel", {"backendNodeId": target["backendNodeId"]})["model"]["content"]
        finally:
            cdp.detach()
        self.page.mouse.click((box[0] + box[2]) / 2, (box[1] + box[5]) / 2)

    # -- the toolbar popup ----------------------------------------------------------

    def open_popup(self) -> None:
        """The popup in its own unfocused window over the last used tab (headless Chromium shows no action popups)."""
        with self.ctx.expect_page() as info:
            self.background("chrome.windows.create({url: chrome.runtime.getURL('popup.html'), "
                            "type: 'popup', focused: false}).then(w => w.id)")
        self.popup = info.value
        self.popup.wait_for_load_state()

    def close_popup(self) -> None:
        if self.popup is not None and not self.popup.is_closed():
            self.popup.close()
        self.popup = None

    def popup_text(self, css: str) -> str | None:
        element = self.popup.locator(css)
        return element.text_content() if element.count() and element.is_visible() else None

    def popup_nodes(self, css: str) -> list[dict]:
        return self.popup.evaluate(
            "(css) => Array.from(document.querySelectorAll(css)).map(el => ({text: el.textContent,"
            " attributes: Object.fromEntries(Array.from(el.attributes).map(a => [a.name, a.value])),"
            " hidden: el.closest('[hidden]') !== null}))", css)

    def popup_click(self, css: str) -> None:
        self.popup.locator(css).click()

    def popup_fill(self, css: str, text: str) -> None:
        self.popup.locator(css).fill(text)

    def options_tab(self) -> "ChromiumOptions":
        return ChromiumOptions(self)


class ChromiumOptions(OptionsTab):
    def __init__(self, chromium: ChromiumExtension):
        self.page = chromium.new_page(chromium.url("options.html"))
        self.wait_rendered()

    def text_of(self, css: str) -> str | None:
        return self.page.evaluate("(css) => document.querySelector(css)?.textContent ?? null", css)

    def value(self, css: str) -> str | None:
        return self.page.evaluate("(css) => document.querySelector(css)?.value ?? null", css)

    def click(self, css: str) -> None:
        self.page.locator(css).click()

    def fill(self, css: str, text: str) -> None:
        self.page.locator(css).fill(text)

    def attribute(self, css: str, name: str) -> str | None:
        return self.page.locator(css).get_attribute(name)

    def clear_text(self, css: str) -> None:
        self.page.evaluate(f"document.querySelector({json.dumps(css)}).textContent = ''")

    def choose(self, css: str, value: str) -> None:
        self.page.locator(css).select_option(value=value)

    def evaluate(self, expression: str):
        return self.page.evaluate(expression)

    def close(self) -> None:
        self.page.close()


class ExtensionPageBackground:
    """Stands in for the service worker once the extension has reloaded: the same
    expressions, evaluated in an extension page (which has the same extension
    APIs); start-up done is asked of the background by a message that waits for it."""

    READY = "globalThis.caveatReady"
    ASK_READY = ("chrome.runtime.sendMessage({type: 'describe', url: ''})"
                 ".then((answer) => Boolean(answer && !answer.error), () => false)")

    def __init__(self, chromium: "ChromiumExtension"):
        self.url = chromium.url("options.html")
        self.page = None
        self.chromium = chromium

    def evaluate(self, expression: str, arg=None):
        if self.page is None or self.page.is_closed():
            page = self.chromium.ctx.new_page()

            def loaded():
                try:
                    page.goto(self.url)
                    return True
                except Exception:  # the extension is still reloading
                    return False
            wait_until(loaded, timeout=30, interval=0.5, message="the reloaded extension's page")
            self.page = page
        if expression == self.READY:
            expression = self.ASK_READY
        return self.page.evaluate(expression, arg)


def set_manifest_version(manifest: Path, version: str) -> None:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["version"] = version
    manifest.write_text(json.dumps(data, indent=2), encoding="utf-8")


def _text_of(node: dict) -> str:
    if node.get("nodeType") == 3:
        return node.get("nodeValue", "")
    return "".join(_text_of(c) for c in node.get("children") or [])
