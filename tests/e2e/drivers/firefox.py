"""Firefox ESR with Caveat's built xpi, driven through Marionette
(``firefox_harness.FirefoxBrowser`` runs the process and its scripts).

A permanent install is what a shopper has, and it is what makes "survives
a restart" honest: a temporary add-on would be gone after the restart.
Storage and the moz-extension UUID then persist across ``restart()``.

Two tabs: the site tab (the current page) and one for Caveat's own pages,
used to reach the background and the extension's API without disturbing
the site tab. The real toolbar popup lives in Firefox's chrome and is read
through ``extension.getViews``.
"""

from __future__ import annotations

import json
import zipfile
from contextlib import contextmanager
from pathlib import Path

from marionette_driver.keys import Keys
from marionette_driver.marionette import Marionette

from tests.e2e.drivers.base import BrowserDriver, OptionsTab
from tests.e2e.firefox_harness import FirefoxBrowser, InstalledExtension
from tests.e2e.waiting import wait_until

KEYS = {"Tab": Keys.TAB, "Enter": Keys.ENTER}


class CaveatFirefox(BrowserDriver):
    name = "firefox"

    def __init__(self, xpi: Path, profile_dir: Path, site_port: int, *, record_requests: bool = False,
                 extra_prefs: dict[str, object] | None = None):
        self.xpi = Path(xpi)
        self.record_requests = record_requests  # log every request from before the install on
        self.browser = FirefoxBrowser(profile_dir, site_port, extra_prefs=extra_prefs)
        self.extension: InstalledExtension | None = None
        self.site_tab = ""
        self.extension_tab = ""

    @property
    def client(self) -> Marionette:
        return self.browser.client

    # -- lifecycle ------------------------------------------------------------

    def start(self, *, wait_ready: bool = True) -> "CaveatFirefox":
        self.browser.start()
        try:
            self._set_up(wait_ready)
        except BaseException:
            self.browser.close()
            raise
        return self

    def _set_up(self, wait_ready: bool) -> None:
        if self.record_requests:
            self.browser.start_request_log()
        if self.extension is None:
            self.extension = self.browser.install_extension(self.xpi, temporary=False)
        else:  # after a restart: the same add-on, same UUID, still installed
            assert self.extension.addon_id in self.browser.installed_addon_ids(), "Caveat vanished on restart"
            self.extension = InstalledExtension(self.extension.addon_id,
                                                self.browser.extension_hostname(self.extension.addon_id))
        self.site_tab = self.client.current_window_handle
        self.extension_tab = self.client.open(type="tab")["handle"]
        if wait_ready:
            self.wait_ready()

    def restart(self, *, wait_ready: bool = True) -> None:
        """``wait_ready=False`` leaves the event page asleep, as it is when a person reopens the browser."""
        self.browser.quit()
        self.start(wait_ready=wait_ready)

    def close(self) -> None:
        self.browser.close()

    def url(self, path: str) -> str:
        return self.extension.url(path)

    def newer_build(self, version: str) -> Path:
        newer = self.xpi.with_name(f"{self.xpi.stem}-{version}.xpi")
        with zipfile.ZipFile(self.xpi) as old, zipfile.ZipFile(newer, "w", zipfile.ZIP_DEFLATED) as new:
            for info in old.infolist():
                data = old.read(info)
                if info.filename == "manifest.json":
                    manifest = json.loads(data)
                    manifest["version"] = version
                    data = json.dumps(manifest, indent=2).encode()
                new.writestr(info, data)
        return newer

    def update_extension(self, newer: Path) -> None:
        """Installs the newer xpi over the installed add-on (same gecko id, higher
        version): Firefox updates it in place and fires ``runtime.onInstalled``
        with reason "update"."""
        self.client.switch_to_window(self.site_tab)
        addon_id = self.browser.install_extension(newer, temporary=False).addon_id
        assert addon_id == self.extension.addon_id, "the newer build installed as another add-on"
        self.extension = InstalledExtension(addon_id, self.browser.extension_hostname(addon_id))
        self.xpi = Path(newer)
        # The update closes (or leaves dead) the extension's own tab: load its page afresh.
        if self.extension_tab not in self.client.window_handles:
            self.extension_tab = self.client.open(type="tab")["handle"]
        self.client.switch_to_window(self.extension_tab, focus=False)
        try:
            self.client.navigate(self.url("options.html"))
        finally:
            self.client.switch_to_window(self.site_tab)

    def wait_ready(self, timeout: float = 180) -> None:
        # Asked in slices shorter than Marionette's script timeout: a large list
        # (50,000 entries: tests/e2e/test_scale.py) can take longer than one.
        ask = ("return await Promise.race([background.caveatReady,"
               " new Promise((done) => setTimeout(() => done('pending'), 5000))]);")
        ready = wait_until(lambda: (lambda r: None if r == "pending" else {"ready": r})(self.background(ask)),
                           timeout=timeout, interval=0, message="the background's start-up")["ready"]
        assert ready is True, "the extension's background failed to start"

    # -- the extension's tab ----------------------------------------------------

    def _in_extension_tab(self, run):
        # focus=False: the site tab stays the selected one, as it is for the
        # person (the popup and "active tab" queries depend on it).
        self.client.switch_to_window(self.extension_tab, focus=False)
        try:
            if not self.client.get_url().startswith(f"moz-extension://{self.extension.hostname}/"):
                self.client.navigate(self.url("options.html"))
            return run()
        finally:
            self.client.switch_to_window(self.site_tab)

    def background(self, body: str, *args):
        """Run an async function body in the background page (see FirefoxBrowser.background_script)."""
        return self._in_extension_tab(lambda: self.browser.background_script(body, *args))

    def extension_api(self, body: str, *args):
        return self._in_extension_tab(lambda: self.browser.extension_page_script(body, *args))

    def extension_requests(self) -> list[tuple[str, str]]:
        # Firefox's parent process sees every request and the add-on that triggered it.
        return [(r["method"], r["url"]) for r in self.browser.request_log() if self.extension.addon_id in r["addons"]]

    def scripts_injected_into(self, url: str) -> list[str]:
        return self.browser.content_scripts_for(self.extension.addon_id, url)

    # -- the site tab (the current page) ------------------------------------------

    def open(self, url: str) -> None:
        self.client.switch_to_window(self.site_tab)
        self.client.navigate(url)

    def open_page(self, path: str) -> None:
        """Load one of Caveat's own pages (options.html, popup.html) in the site tab."""
        self.open(self.url(path))

    def open_tab(self, url: str) -> str:
        handle = self.client.open(type="tab")["handle"]
        self.client.switch_to_window(handle)
        try:
            self.client.navigate(url)
        finally:
            self.client.switch_to_window(self.site_tab)
        return handle

    def close_tab(self, handle: str) -> None:
        self.client.switch_to_window(handle)
        self.client.close()
        self.client.switch_to_window(self.site_tab)

    def reload(self) -> None:
        self.client.refresh()

    def start_loading(self, url: str) -> None:
        self.open("about:blank")
        self.client.execute_script("window.location.assign(arguments[0])", script_args=[url])

    def set_color_scheme(self, scheme: str | None) -> None:
        if scheme is None:
            self.client.clear_pref("layout.css.prefers-color-scheme.content-override")
        else:
            self.browser.set_color_scheme(scheme)

    @staticmethod
    def language_options(language: str) -> dict:
        # The UI language needs Debian's firefox-esr-l10n-<language> language pack. A tag
        # with a region ("de-DE") also sets the preferred languages (navigator.languages)
        # to "de-DE, de", as a person choosing that language in the settings gets them.
        if "-" in language:
            lang = language.split("-", 1)[0]
            return {"extra_prefs": {"intl.locale.requested": lang, "intl.accept_languages": f"{language}, {lang}"}}
        return {"extra_prefs": {"intl.locale.requested": language}}

    def evaluate(self, expression: str):
        return self.client.execute_script(f"return ({expression});")

    def page_global(self, name: str):
        # Page objects reach Marionette's sandbox through Xrays: copy them out as JSON.
        return self.client.execute_script(
            "const w = window.wrappedJSObject; const v = w[arguments[0]];"
            "return v === undefined ? null : JSON.parse(w.JSON.stringify(v));", script_args=[name])

    def page_sees_shadow_root(self) -> bool:
        return self.client.execute_script(
            "return window.wrappedJSObject.document.querySelector('[data-caveat-banner]').shadowRoot !== null;")

    def page_finds(self, words: list[str]) -> list[str]:
        return self.client.execute_script(
            "const w = window.wrappedJSObject;"
            "return arguments[0].filter((word) => { w.getSelection().removeAllRanges(); return w.find(word); });",
            script_args=[words])

    def press(self, key: str) -> None:
        self.type_text(KEYS[key])

    def type_text(self, text: str) -> None:
        self.client.actions.sequence("key", "keyboard").send_keys(text).perform()

    def element(self, css: str):
        return self.client.find_element("css selector", css)

    def elements(self, css: str) -> list:
        return self.client.find_elements("css selector", css)

    def is_visible(self, css: str) -> bool:
        found = self.elements(css)
        return bool(found) and found[0].is_displayed()

    def click(self, css: str) -> None:
        self.element(css).click()

    def fill(self, css: str, text: str) -> None:
        field = self.element(css)
        field.clear()
        field.send_keys(text)

    def wait_until(self, condition, *, timeout: float = 10, message: str = "condition"):
        return wait_until(condition, timeout=timeout, message=message)

    def settle(self, seconds: float = 0.3) -> None:
        self.sleep(seconds)

    # -- the banner ---------------------------------------------------------------

    def banner_text(self) -> str:
        return self.browser.banner_text() or ""

    def banner_nodes(self, tag: str) -> list[dict]:
        return self.browser.banner_nodes(tag)

    def banner_styles(self, tag: str, properties: list[str]) -> list[dict[str, str]]:
        return self.browser.banner_styles(tag, properties)

    def click_in_banner(self, tag: str, text: str) -> None:
        self.browser.click_in_banner(tag, text)

    def no_banner(self) -> bool:
        return self.browser.banner_host_count() == 0

    def banner_domain(self) -> str | None:
        attributes = self.banner()
        return attributes.get("data-caveat-domain") if attributes else None

    # -- the toolbar popup ----------------------------------------------------------

    def open_popup(self) -> None:
        """Open Caveat's real toolbar popup over the site tab and wait for it to load."""
        self.close_popup()
        self.background("await browser.action.openPopup();")
        wait_until(lambda: self.popup_script("return doc.readyState;") == "complete",
                   message="the toolbar popup to load")

    def close_popup(self) -> None:
        self.extension_api("for (const view of browser.extension.getViews({type: 'popup'})) view.close();")

    def popup_script(self, body: str, *args):
        """Run an async function body against the open popup: ``doc`` is its document (null when none is open)."""
        return self.extension_api(
            "const [view] = browser.extension.getViews({type: 'popup'});"
            "const doc = view ? view.document : null;"
            "if (!doc) return null;\n" + body, *args)

    def popup_text(self, css: str) -> str | None:
        return self.popup_script(
            "const el = doc.querySelector(args[0]);"
            "return el && !el.hidden ? el.textContent : null;", css)

    def popup_nodes(self, css: str) -> list[dict]:
        return self.popup_script(
            "return Array.from(doc.querySelectorAll(args[0])).map(el => ({text: el.textContent,"
            " attributes: Object.fromEntries(Array.from(el.attributes).map(a => [a.name, a.value])),"
            " hidden: el.closest('[hidden]') !== null}));", css) or []

    def popup_click(self, css: str) -> None:
        """A DOM click: the popup is not a Marionette window."""
        assert self.popup_script("const el = doc.querySelector(args[0]); if (!el) return false;"
                                 " el.click(); return true;", css), f"no {css} in the popup"

    def popup_fill(self, css: str, text: str) -> None:
        """The value set, then an input event."""
        assert self.popup_script(
            "const el = doc.querySelector(args[0]); if (!el) return false;"
            " el.focus(); el.value = args[1];"
            " el.dispatchEvent(new view.Event('input', {bubbles: true})); return true;", css, text), \
            f"no {css} in the popup"

    def options_tab(self) -> "FirefoxOptions":
        return FirefoxOptions(self)


class FirefoxOptions(OptionsTab):
    def __init__(self, firefox: CaveatFirefox):
        self.firefox = firefox
        self.handle = firefox.client.open(type="tab")["handle"]
        with self.front():
            firefox.client.navigate(firefox.url("options.html"))
        self.wait_rendered()

    @contextmanager
    def front(self):
        self.firefox.client.switch_to_window(self.handle)
        try:
            yield self.firefox
        finally:
            self.firefox.client.switch_to_window(self.firefox.site_tab)

    def text_of(self, css: str) -> str | None:
        with self.front() as ff:
            return ff.text_of(css)

    def value(self, css: str) -> str | None:
        with self.front() as ff:
            return ff.value(css)

    def click(self, css: str) -> None:
        with self.front() as ff:
            ff.click(css)

    def fill(self, css: str, text: str) -> None:
        with self.front() as ff:
            ff.fill(css, text)

    def attribute(self, css: str, name: str) -> str | None:
        with self.front() as ff:
            return ff.element(css).get_attribute(name)

    def clear_text(self, css: str) -> None:
        with self.front() as ff:
            ff.client.execute_script("document.querySelector(arguments[0]).textContent = '';", script_args=[css])

    def choose(self, css: str, value: str) -> None:
        # WebDriver's click on an <option> selects it and fires input and change, as a person's choice does.
        with self.front() as ff:
            ff.element(f'{css} option[value="{value}"]').click()

    def evaluate(self, expression: str):
        with self.front() as ff:
            return ff.evaluate(expression)

    def close(self) -> None:
        self.firefox.close_tab(self.handle)


