"""The one interface the cross-browser end-to-end tests drive Caveat through.

A driver is one browser process on one profile with the built extension
installed. It has a *current page* (``open`` loads a site into it), the
banner on that page, the extension's own pages (popup, options), its storage
and its background. Each method says what a person would see or do; how a
browser gets there (Playwright and CDP in Chromium, Marionette and
system-principal scripts in Firefox) stays inside the driver.

Where the browsers really differ, the driver says so here, once:

- ``name``: "chromium" or "firefox" (test ids read ``test_x[chromium]``);
- ``scripts_injected_into(url)``: Firefox can say which content scripts it
  would inject into a URL; Chromium cannot (None);
- ``popup_text``: "shown" is Playwright's visibility in Chromium and "no
  ``hidden`` attribute" in Firefox, as the suites always checked it.
"""

from __future__ import annotations

import time

from tests.e2e.waiting import wait_until

# A banner with its entry filled in; the script draws the empty frame (the
# host element alone) first, at document_start, and fills it when the
# background answers.
BANNER = "[data-caveat-banner][data-caveat-domain]"
# Any banner host element, the unfilled frame included: for "no banner here".
BANNER_HOST = "[data-caveat-banner]"

# Page-side expression: the style properties a page could use to hide the banner's host.
HOST_STYLE = ("(() => { const s = getComputedStyle(document.querySelector('[data-caveat-banner]'));"
              " return {display: s.display, visibility: s.visibility, opacity: s.opacity, transform: s.transform,"
              " scale: s.scale, translate: s.translate, rotate: s.rotate, clipPath: s.clipPath, filter: s.filter,"
              " zoom: s.zoom, contentVisibility: s.contentVisibility, maskImage: s.maskImage,"
              " position: s.position}; })()")


class BrowserDriver:
    """What every driver offers; subclasses implement the methods that raise here."""

    name = ""

    # -- lifecycle ------------------------------------------------------------

    def start(self, *, wait_ready: bool = True) -> "BrowserDriver":
        raise NotImplementedError

    def restart(self, *, wait_ready: bool = True) -> None:
        """Quit and reopen on the same profile; ``wait_ready=False`` leaves the background asleep."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def url(self, path: str) -> str:
        """The address of one of Caveat's own pages (``options.html``, ``popup.html``)."""
        raise NotImplementedError

    # -- the current page -----------------------------------------------------

    def open(self, url: str):
        """Load ``url`` as the current page and wait for its load event."""
        raise NotImplementedError

    def open_tab(self, url: str) -> object:
        """Load ``url`` in a further tab, leaving the current page open; returns a handle for ``close_tab``."""
        raise NotImplementedError

    def close_tab(self, handle: object) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def start_loading(self, url: str) -> None:
        """Start loading ``url`` as the current page without waiting for any of it."""
        raise NotImplementedError

    def set_color_scheme(self, scheme: str | None) -> None:
        """Pages opened from now on see ``prefers-color-scheme: light|dark`` (None: the default)."""
        raise NotImplementedError

    @staticmethod
    def language_options(language: str) -> dict:
        """Constructor options that start the browser in ``language``."""
        raise NotImplementedError

    def evaluate(self, expression: str):
        """A JavaScript expression's value in the current page (DOM only: page globals go through ``page_global``)."""
        raise NotImplementedError

    def page_global(self, name: str):
        """``window[name]`` as the page's own scripts set it."""
        raise NotImplementedError

    def page_sees_shadow_root(self) -> bool:
        """Whether the page's own scripts see the banner host's shadow root (they must not: it is closed)."""
        raise NotImplementedError

    def page_finds(self, words: list[str]) -> list[str]:
        """The words the page's own ``window.find`` reports on the page (selection cleared before each)."""
        raise NotImplementedError

    def press(self, key: str) -> None:
        """A real key press: "Tab", "Enter"."""
        raise NotImplementedError

    def type_text(self, text: str) -> None:
        """Real key presses typing ``text`` into whatever has focus."""
        raise NotImplementedError

    def text_of(self, css: str) -> str | None:
        return self.evaluate(f"document.querySelector({css!r})?.textContent ?? null")

    def count(self, css: str) -> int:
        return self.evaluate(f"document.querySelectorAll({css!r}).length")

    def is_visible(self, css: str) -> bool:
        raise NotImplementedError

    def is_hidden(self, css: str) -> bool:
        """Absent, or hidden by its ``hidden`` attribute or ``display: none``."""
        return self.evaluate(f"(() => {{ const el = document.querySelector({css!r});"
                             " return !el || el.hidden || getComputedStyle(el).display === 'none'; })()")

    def click(self, css: str) -> None:
        """A real click on the current page's element."""
        raise NotImplementedError

    def fill(self, css: str, text: str) -> None:
        """Replace a field's value by typing ``text``."""
        raise NotImplementedError

    def attribute(self, css: str, name: str) -> str | None:
        return self.evaluate(f"document.querySelector({css!r})?.getAttribute({name!r}) ?? null")

    def value(self, css: str) -> str | None:
        return self.evaluate(f"document.querySelector({css!r})?.value ?? null")

    def rect(self, css: str) -> dict | None:
        """The element's box in CSS pixels ({x, y, width, height}), None when absent."""
        return self.evaluate(f"(() => {{ const el = document.querySelector({css!r}); if (!el) return null;"
                             " const r = el.getBoundingClientRect();"
                             " return {x: r.x, y: r.y, width: r.width, height: r.height}; })()")

    def close_pages(self) -> None:
        """After a test: close what it opened besides the browser's own tabs."""

    def sleep(self, seconds: float = 0.3) -> None:
        """Give a document_start script time it would never need, before asserting absence."""
        time.sleep(seconds)

    def screenshot(self, path: str, width: int, height: int) -> None:
        raise NotImplementedError

    # -- the banner on the current page ----------------------------------------

    def banner(self) -> dict[str, str] | None:
        """The filled banner host's attributes, or None when there is none."""
        return self.evaluate(f"(() => {{ const host = document.querySelector({BANNER!r}); if (!host) return null;"
                             " const out = {}; for (const a of host.attributes) out[a.name] = a.value;"
                             " return out; })()")

    def wait_for_banner(self, timeout: float = 10) -> dict[str, str]:
        return wait_until(self.banner, timeout=timeout, message="the banner")

    def banner_hosts(self) -> int:
        """Banner host elements, filled or not."""
        return self.count(BANNER_HOST)

    def no_banner(self) -> bool:
        """No banner host element at all: neither a banner nor its unfilled frame."""
        return self.banner_hosts() == 0

    def wait_for_no_banner(self, message: str = "the banner to go") -> None:
        wait_until(self.no_banner, message=message)

    def banner_is_displayed(self) -> bool:
        return self.is_visible(BANNER)

    def banner_text(self) -> str:
        """Text a person reads in the banner (its closed shadow root included)."""
        raise NotImplementedError

    def banner_nodes(self, tag: str) -> list[dict]:
        """Elements named ``tag`` ("a") or with that class (".bar") inside the banner, as {text, attributes}."""
        raise NotImplementedError

    def banner_styles(self, tag: str, properties: list[str]) -> list[dict[str, str]]:
        """Computed ``properties`` of each ``tag`` element inside the banner."""
        raise NotImplementedError

    def click_in_banner(self, tag: str, text: str) -> None:
        """A real (trusted) click on the banner's ``tag`` element whose text is ``text``."""
        raise NotImplementedError

    def banner_buttons(self) -> dict[str, dict[str, str]]:
        return {n["text"]: n["attributes"] for n in self.banner_nodes("button")}

    def banner_domain_on(self, host: str) -> str | None:
        """Opens ``http://host/`` and returns the filled banner's entry domain, or None."""
        self.open(f"http://{host}/")
        assert self.is_visible("#site-header")
        if self.banner() is None:
            self.sleep()
        found = self.banner()
        return found.get("data-caveat-domain") if found else None

    # -- the extension ---------------------------------------------------------

    def wait_ready(self) -> None:
        """Wait for the background's start-up (storage, index, banner registration)."""
        raise NotImplementedError

    def update_extension(self, newer) -> None:
        """Update the installed extension, in the running browser, to the build ``newer``
        (``newer_build``'s result): what a person gets from the store."""
        raise NotImplementedError

    def newer_build(self, version: str):
        """A copy of the installed build with ``version`` in its manifest, for ``update_extension``."""
        raise NotImplementedError

    def extension_api(self, body: str, *args):
        """Run an async function body with the extension's API as ``api`` (chrome./browser.),
        ``args`` (JSON values) and ``toPage(value)`` (hands a value to the API); returns its JSON result."""
        raise NotImplementedError

    def storage(self, *keys: str) -> dict:
        return self.extension_api("return await api.storage.local.get(args);", *keys)

    def registered_scripts(self, *ids: str) -> list[dict]:
        if ids:
            return self.extension_api("return await api.scripting.getRegisteredContentScripts({ids: args});", *ids)
        return self.extension_api("return await api.scripting.getRegisteredContentScripts();")

    def banner_registration(self) -> dict | None:
        """The banner's registered content script, or None while there is none."""
        scripts = self.registered_scripts("caveat-banner")
        return scripts[0] if scripts else None

    def extension_requests(self) -> list[tuple[str, str]]:
        """(method, URL) of every http(s) request the extension itself made since the browser
        started; needs the driver made with ``record_requests=True``."""
        raise NotImplementedError

    def scripts_injected_into(self, url: str) -> list[str] | None:
        """Content script files the browser itself says it would inject into ``url``; None where it cannot tell."""
        return None

    def tab_badges(self) -> dict[str, list[str]]:
        """{hostname: [badge text, title]} for every open http(s) tab."""
        return self.extension_api("""
            const out = {};
            for (const t of await api.tabs.query({})) {
              if (t.url.startsWith('http')) out[new URL(t.url).hostname] =
                [await api.action.getBadgeText({tabId: t.id}), await api.action.getTitle({tabId: t.id})];
            }
            return out;""")

    # -- the toolbar popup -----------------------------------------------------

    def open_popup(self) -> None:
        """Caveat's toolbar popup over the current page."""
        raise NotImplementedError

    def close_popup(self) -> None:
        raise NotImplementedError

    def popup_text(self, css: str) -> str | None:
        """Text of a popup element, or None when it is not shown (see the module docstring)."""
        raise NotImplementedError

    def popup_nodes(self, css: str) -> list[dict]:
        """Popup elements as {text, attributes, hidden} (hidden: inside a ``hidden`` element)."""
        raise NotImplementedError

    def popup_click(self, css: str) -> None:
        raise NotImplementedError

    def popup_fill(self, css: str, text: str) -> None:
        raise NotImplementedError

    def wait_for_popup_text(self, css: str, message: str = "the popup") -> str:
        return wait_until(lambda: self.popup_text(css), message=message)

    def popup_state(self) -> dict:
        """What the popup over the current page says about the list: {sync_error, list_version, access_offered}."""
        self.open_popup()
        try:
            self.wait_for_popup_text("#list-version", "the popup to render")
            return {"sync_error": self.popup_text("#sync-error"), "list_version": self.popup_text("#list-version"),
                    "access_offered": self.popup_text("#access") is not None}
        finally:
            self.close_popup()

    # -- the options page in a tab of its own ------------------------------------

    def options_tab(self) -> "OptionsTab":
        raise NotImplementedError


class OptionsTab:
    """Caveat's options page in its own tab, beside the current page."""

    def wait_rendered(self) -> None:
        """The page has its state: the list status and the server address are filled in."""
        wait_until(lambda: self.text_of("#list-status"), message="options to render")
        wait_until(lambda: self.value("#server-url"), message="the options' server address")

    def text_of(self, css: str) -> str | None:
        raise NotImplementedError

    def value(self, css: str) -> str | None:
        raise NotImplementedError

    def click(self, css: str) -> None:
        raise NotImplementedError

    def fill(self, css: str, text: str) -> None:
        raise NotImplementedError

    def attribute(self, css: str, name: str) -> str | None:
        raise NotImplementedError

    def choose(self, css: str, value: str) -> None:
        """Pick the option with ``value`` in a <select>, as a person does."""
        raise NotImplementedError

    def evaluate(self, expression: str):
        """A JavaScript expression's value in the options page."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def set_country(self, code: str) -> None:
        """Choose "Your country" (``""``: "Don't use my country") and wait until it is saved."""
        self.clear_text("#country-result")
        self.choose("#country", code)
        wait_until(lambda: self.text_of("#country-result"), message="the country saved")
        assert self.value("#country") == code

    def sync_now(self, timeout: float = 15) -> str:
        """Click "Update the list now" and return the (new) result it shows."""
        self.clear_text("#sync-result")
        self.click("#sync-now")
        return wait_until(lambda: (lambda text: text if text and text != "Updating…" else None)(
            self.text_of("#sync-result")), timeout=timeout, message="the sync result")

    def set_server(self, url: str | None) -> None:
        """Save ``url`` as the list server (None: back to the built-in one)."""
        self.clear_text("#server-result")
        if url is None:
            self.click("#server-reset")
        else:
            self.fill("#server-url", url)
            self.click("#server-save")
        wait_until(lambda: self.text_of("#server-result") == "Saved. The next update uses this server.",
                   message="the server saved")

    def clear_text(self, css: str) -> None:
        """Empty an element's text, so the next message shown there is a new one."""
        raise NotImplementedError
