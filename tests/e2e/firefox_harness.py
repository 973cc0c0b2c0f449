"""Drive Debian's Firefox ESR headless through Marionette for end-to-end tests.

One ``FirefoxBrowser`` is one Firefox process on its own profile. The profile
routes every non-loopback host through a PAC file to a local test server (which
answers absolute-URL proxy requests for any Host), so ``http://allofmp3.example/``
reaches the test server while the Caveat server on ``127.0.0.1`` is reached
directly.

Nothing here fakes the browser: the extension is installed through the add-on
manager, pages load over real HTTP, and the banner is read from its closed
shadow root with a system-principal script (page scripts cannot do that).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from marionette_driver import errors
from marionette_driver.addons import Addons
from marionette_driver.marionette import Marionette

from testkit.ports import free_port  # tests/test_build_browsers.py imports it from here too
from tests.e2e.firefox_profile import profile_prefs, write_user_js
from tests.e2e.waiting import wait_until

FIREFOX_BINARY = Path(os.environ.get("CAVEAT_FIREFOX", "/usr/bin/firefox-esr"))
# A banner with its entry filled in (the frame drawn at document_start gets
# its domain when the background answers); BANNER_HOST_SELECTOR also finds
# the unfilled frame, for "no banner here".
BANNER_SELECTOR = "[data-caveat-banner][data-caveat-domain]"
BANNER_HOST_SELECTOR = "[data-caveat-banner]"

# Seconds. Generous because the machine is small and shared; a test that hangs
# still fails instead of waiting for Marionette's 300 s default.
PAGE_LOAD_TIMEOUT = 20
SCRIPT_TIMEOUT = 20
STARTUP_TIMEOUT = 60
SHUTDOWN_TIMEOUT = 30


@dataclass(frozen=True)
class InstalledExtension:
    addon_id: str
    hostname: str  # the moz-extension:// host; changes on every install

    def url(self, path: str) -> str:
        return f"moz-extension://{self.hostname}/{path.lstrip('/')}"


# Runs with the system principal inside the content process, so it may open
# the closed shadow root. Style and script text are not part of what a person reads.
_BANNER_TEXT_SCRIPT = """
const host = document.querySelector(arguments[0]);
if (!host) return null;
const root = host.openOrClosedShadowRoot;
if (!root) return null;
const parts = [];
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const tag = node.parentNode && node.parentNode.localName;
  if (tag === "style" || tag === "script") continue;
  const text = node.data.trim();
  if (text) parts.push(text);
}
return parts.join(" ");
"""

# Elements inside the closed shadow root matching a selector (and, when given,
# with exactly this text), as WebElements or as plain {text, attributes}.
_BANNER_QUERY_SCRIPT = """
const host = document.querySelector(arguments[0]);
const root = host && host.openOrClosedShadowRoot;
if (!root) return [];
const text = arguments[2];
return Array.from(root.querySelectorAll(arguments[1]))
  .filter(el => text === null || el.textContent.trim() === text);
"""

_BANNER_NODES_SCRIPT = """
const host = document.querySelector(arguments[0]);
const root = host && host.openOrClosedShadowRoot;
if (!root) return [];
return Array.from(root.querySelectorAll(arguments[1])).map(el => ({
  text: el.textContent,
  attributes: Object.fromEntries(Array.from(el.attributes).map(a => [a.name, a.value])),
}));
"""


_REQUEST_LOG_SCRIPT = """
if (window.caveatRequestLog) Services.obs.removeObserver(window.caveatRequestLog, "http-on-modify-request");
const entries = [];
const observer = {
  entries,
  observe(subject) {
    const channel = subject.QueryInterface(Ci.nsIHttpChannel);
    const principal = channel.loadInfo && channel.loadInfo.triggeringPrincipal;
    const addons = [];
    if (principal) {
      if (principal.addonId) addons.push(principal.addonId);
      if (principal.isExpandedPrincipal) {  // a content script's principal
        for (const inner of principal.QueryInterface(Ci.nsIExpandedPrincipal).allowlist) {
          if (inner.addonId) addons.push(inner.addonId);
        }
      }
    }
    entries.push({url: channel.URI.spec, method: channel.requestMethod, addons,
                  origin: principal ? principal.origin : null});
  },
};
Services.obs.addObserver(observer, "http-on-modify-request");
window.caveatRequestLog = observer;
"""


class FirefoxBrowser:
    """One headless Firefox ESR process, its profile and its Marionette session."""

    def __init__(self, profile_dir: Path, site_port: int, *, binary: Path = FIREFOX_BINARY,
                 extra_prefs: dict[str, object] | None = None):
        self.profile_dir = Path(profile_dir)
        self.site_port = site_port
        self.binary = Path(binary)
        self.marionette_port = free_port()
        self.log_path = self.profile_dir.parent / f"{self.profile_dir.name}-firefox.log"
        prefs = profile_prefs(self.marionette_port, site_port)
        prefs.update(extra_prefs or {})
        write_user_js(self.profile_dir, prefs)
        self.process: subprocess.Popen | None = None
        self.client: Marionette | None = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> "FirefoxBrowser":
        if not self.binary.is_file():
            # A missing browser is a failed test, never a skip.
            raise FileNotFoundError(f"Firefox ESR not found at {self.binary}; install firefox-esr")
        log = open(self.log_path, "ab")
        env = {**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1", "MOZ_CRASHREPORTER": "0",
               "MOZ_HEADLESS": "1",
               # Release builds ignore services.settings.server without this,
               # and would keep polling Mozilla's remote settings.
               "MOZ_REMOTE_SETTINGS_DEVTOOLS": "1"}
        self.process = subprocess.Popen(
            [str(self.binary), "--marionette", "--remote-allow-system-access", "--headless",
             "--no-remote", "--profile", str(self.profile_dir)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        log.close()
        try:
            self._connect()
        except BaseException:
            self._kill()
            raise
        return self

    def _connect(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Firefox exited with {self.process.returncode} during startup; "
                                   f"see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.marionette_port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"Marionette did not listen on {self.marionette_port} "
                                       f"within {STARTUP_TIMEOUT}s; see {self.log_path}")
                time.sleep(0.1)
        self.client = Marionette(host="127.0.0.1", port=self.marionette_port,
                                 startup_timeout=STARTUP_TIMEOUT)
        self.client.start_session()
        self.client.timeout.page_load = PAGE_LOAD_TIMEOUT
        self.client.timeout.script = SCRIPT_TIMEOUT

    def quit(self) -> None:
        """Ask Firefox to shut down cleanly (profile data flushed), then wait for it."""
        if self.process is None:
            return
        if self.client is None:  # no session to ask through
            self._kill()
            return
        if self.process.poll() is None:
            try:
                self.client._send_message("Marionette:Quit", {})
            except (OSError, errors.MarionetteException):
                pass  # the socket may close before the reply; the wait below decides
            try:
                self.client.delete_session(send_request=False)
            except (OSError, errors.MarionetteException):
                pass
        self.client = None
        try:
            self.process.wait(timeout=SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._kill()
            raise RuntimeError(f"Firefox did not exit within {SHUTDOWN_TIMEOUT}s of a quit request")
        finally:
            self.process = None

    def restart(self) -> None:
        """Quit cleanly and start again on the same profile."""
        self.quit()
        self.marionette_port = free_port()
        prefs_path = self.profile_dir / "user.js"
        text = prefs_path.read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if not line.startswith('user_pref("marionette.port"')]
        lines.append(f'user_pref("marionette.port", {self.marionette_port});')
        prefs_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.start()

    def close(self) -> None:
        """Tear down whatever state the browser is in; never raises for a dead process."""
        try:
            self.quit()
        except Exception:
            self._kill()

    def _kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        self.client = None

    def __enter__(self) -> "FirefoxBrowser":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- add-ons -----------------------------------------------------------

    def install_extension(self, path: Path, *, temporary: bool = True) -> InstalledExtension:
        """Install an unpacked directory (temporary only) or an xpi.

        A temporary add-on disappears when Firefox quits. A permanent one (an
        xpi with a gecko id; needs ``xpinstall.signatures.required`` false)
        stays installed across restarts, as it does for a person.
        """
        addon_id = Addons(self.client).install(str(path), temp=temporary)
        return InstalledExtension(addon_id, self.extension_hostname(addon_id))

    def uninstall_extension(self, addon_id: str) -> None:
        # Uninstalling closes the add-on's tabs; headless Firefox quits when the
        # last tab closes, so leave a plain page in front first.
        self.client.navigate("about:blank")
        Addons(self.client).uninstall(addon_id)

    def chrome_script(self, script: str, script_args: list | None = None):
        """Run a script in Firefox's own (chrome) context, where WebExtensionPolicy and Services live."""
        with self.client.using_context(self.client.CONTEXT_CHROME):
            return self.client.execute_script(script, script_args=script_args or [])

    def extension_hostname(self, addon_id: str) -> str:
        hostname = self.chrome_script(
            "const p = WebExtensionPolicy.getByID(arguments[0]);"
            "return p ? p.mozExtensionHostname : null;",
            script_args=[addon_id])
        if not hostname:
            raise LookupError(f"add-on {addon_id} is not active")
        return hostname

    def installed_addon_ids(self) -> list[str]:
        return self.chrome_script(
            "return WebExtensionPolicy.getActiveExtensions().map(p => p.id);")

    def granted_origins(self, addon_id: str) -> list[str]:
        """The host patterns the add-on may currently access."""
        return self.chrome_script(
            "const p = WebExtensionPolicy.getByID(arguments[0]);"
            "return p ? p.allowedOrigins.patterns.map(m => m.pattern) : [];",
            script_args=[addon_id])

    def suspend_background(self, addon_id: str) -> str:
        """Stop the add-on's event page, as Firefox does after it idles; returns its new state."""
        with self.client.using_context(self.client.CONTEXT_CHROME):
            return self.client.execute_async_script(
                "const [id, done] = arguments;"
                "const extension = WebExtensionPolicy.getByID(id).extension;"
                "extension.terminateBackground({ignoreDevToolsAttached: true})"
                "  .then(() => done(extension.backgroundState), (err) => done('failed: ' + err));",
                script_args=[addon_id])

    def background_state(self, addon_id: str) -> str:
        """"running", "stopped", ... as Firefox's add-on manager sees the event page."""
        return self.chrome_script(
            "return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState;",
            script_args=[addon_id])

    def can_access(self, addon_id: str, url: str) -> bool:
        """Whether the add-on's host permissions cover ``url`` right now."""
        return self.chrome_script(
            "return WebExtensionPolicy.getByID(arguments[0]).canAccessURI(Services.io.newURI(arguments[1]));",
            script_args=[addon_id, url])

    def content_scripts_for(self, addon_id: str, url: str) -> list[str]:
        """The add-on's content script files Firefox would inject into ``url`` (static and registered).

        Asked in the current tab's content process, which is where Firefox
        decides injection: after a restart the parent's copy of the policy
        lists no scripts registered by ``scripting`` in an earlier session,
        while content processes have them (and inject them).
        """
        return self.privileged_page_script(
            "const policy = WebExtensionPolicy.getByID(arguments[0]);"
            "const uri = Services.io.newURI(arguments[1]);"
            "return policy.contentScripts.filter(s => s.matchesURI(uri))"
            "  .flatMap(s => s.jsPaths.map(path => path.split('/').slice(3).join('/')));",
            addon_id, url)

    # -- network ------------------------------------------------------------

    def start_request_log(self) -> None:
        """Record every HTTP(S) request Firefox makes from now on, with who caused it.

        The parent process sees every channel; the triggering principal says
        whether a page, the browser itself or an add-on (``addons``) asked.
        """
        self.chrome_script(_REQUEST_LOG_SCRIPT)

    def request_log(self) -> list[dict]:
        """Requests since ``start_request_log``: {url, method, addons, origin}."""
        return self.chrome_script("return window.caveatRequestLog.entries.slice();")

    def permission_prompt_shown(self) -> bool:
        """Whether Firefox is showing an add-on's permission request doorhanger."""
        return self.chrome_script(
            "return !!PopupNotifications.getNotification('addon-webext-permissions', gBrowser.selectedBrowser);")

    def accept_permission_prompt(self) -> None:
        """Click "Allow" on the permission doorhanger, as the person would."""
        clicked = self.chrome_script(
            "const shown = PopupNotifications.getNotification('addon-webext-permissions', gBrowser.selectedBrowser);"
            "if (!shown) return false;"
            "const panel = PopupNotifications.panel.querySelector('popupnotification#addon-webext-permissions-notification');"
            "if (!panel) return false;"
            "panel.button.click();"
            "return true;")
        assert clicked, "no add-on permission prompt to accept"

    # -- pages -------------------------------------------------------------

    def navigate(self, url: str) -> None:
        self.client.navigate(url)

    def current_url(self) -> str:
        return self.client.get_url()

    def page_script(self, script: str, *args):
        """Run a script in the page's own world (its globals via window.wrappedJSObject)."""
        return self.client.execute_script(script, script_args=list(args))

    def privileged_page_script(self, script: str, *args):
        """Run a script with the system principal in the current page's process."""
        return self.client.execute_script(script, script_args=list(args), sandbox="system",
                                          new_sandbox=True)

    def wait_until(self, condition, *, timeout: float = 10, interval: float = 0.1,
                   message: str = "condition"):
        """Poll ``condition()`` until it returns something truthy; return that value."""
        return wait_until(condition, timeout=timeout, interval=interval, message=message)

    def set_color_scheme(self, scheme: str) -> None:
        """Make pages see ``prefers-color-scheme: light|dark`` (like a system theme)."""
        self.client.set_pref("layout.css.prefers-color-scheme.content-override",
                             {"dark": 0, "light": 1}[scheme])

    # -- the banner --------------------------------------------------------

    def banner_attributes(self) -> dict[str, str] | None:
        """The banner host element's attributes, or None when there is no banner."""
        return self.client.execute_script(
            "const host = document.querySelector(arguments[0]);"
            "if (!host) return null;"
            "const out = {};"
            "for (const a of host.attributes) out[a.name] = a.value;"
            "return out;",
            script_args=[BANNER_SELECTOR])

    def banner_count(self) -> int:
        return self.client.execute_script(
            "return document.querySelectorAll(arguments[0]).length;", script_args=[BANNER_SELECTOR])

    def banner_host_count(self) -> int:
        """Banner host elements, filled or not."""
        return self.client.execute_script(
            "return document.querySelectorAll(arguments[0]).length;", script_args=[BANNER_HOST_SELECTOR])

    def banner_is_displayed(self) -> bool:
        hosts = self.client.find_elements("css selector", BANNER_SELECTOR)
        return bool(hosts) and hosts[0].is_displayed()

    def wait_for_banner(self, timeout: float = 10) -> dict[str, str]:
        return self.wait_until(self.banner_attributes, timeout=timeout, message="the banner")

    def banner_text(self) -> str | None:
        """Text a person reads in the banner (closed shadow root included)."""
        return self.privileged_page_script(_BANNER_TEXT_SCRIPT, BANNER_SELECTOR)

    def banner_elements(self, selector: str, text: str | None = None) -> list:
        """WebElements matching ``selector`` (and ``text``) inside the banner's closed shadow root."""
        return self.privileged_page_script(_BANNER_QUERY_SCRIPT, BANNER_SELECTOR, selector, text) or []

    def banner_nodes(self, selector: str) -> list[dict]:
        """Elements matching ``selector`` in the banner, as {text, attributes}."""
        return self.privileged_page_script(_BANNER_NODES_SCRIPT, BANNER_SELECTOR, selector)

    def banner_styles(self, selector: str, properties: list[str]) -> list[dict[str, str]]:
        """Computed ``properties`` of each element matching ``selector`` inside the banner."""
        return self.privileged_page_script(
            "const host = document.querySelector(arguments[0]);"
            "const root = host && host.openOrClosedShadowRoot;"
            "if (!root) return [];"
            "return Array.from(root.querySelectorAll(arguments[1])).map(el => {"
            "  const style = getComputedStyle(el);"
            "  return Object.fromEntries(arguments[2].map(name => [name, style.getPropertyValue(name)]));"
            "});",
            BANNER_SELECTOR, selector, properties)

    def click_in_banner(self, selector: str, text: str | None = None) -> None:
        """Click an element inside the banner as a person would (a trusted click)."""
        elements = self.banner_elements(selector, text)
        assert elements, f"no {selector} {text!r} in the banner"
        elements[0].click()

    # -- extension pages and background ------------------------------------

    def open_extension_page(self, extension: InstalledExtension, path: str) -> None:
        self.client.navigate(extension.url(path))

    def extension_page_script(self, body: str, *args):
        """Run an async function body in the open extension page.

        The body runs in Marionette's sandbox over the page and sees ``browser``
        (the page's WebExtension API), ``page`` (its global), ``args`` (the
        JSON-serialisable arguments) and ``toPage(value)`` (copies a value into
        the page so the API accepts it). Its return value comes back as JSON.
        """
        return self.client.execute_script(
            _EXTENSION_PAGE_PRELUDE + "return (async () => {\n" + body + "\n})().then(fromPage);",
            script_args=[json.dumps(list(args))])

    def background_script(self, body: str, *args):
        """Run an async function body against the extension's background page.

        Needs an extension page open (``open_extension_page``). Like
        ``extension_page_script``, but ``background`` is the background page's
        global (its own variables included) and ``browser`` is its API.
        """
        return self.client.execute_script(
            _EXTENSION_PAGE_PRELUDE
            + "return page.browser.runtime.getBackgroundPage().then(async (bgWindow) => {\n"
            + "  if (!bgWindow) throw new Error('the extension has no background page');\n"
            + "  const background = bgWindow.wrappedJSObject;\n"
            + "  return (async (browser) => {\n" + body + "\n})(background.browser);\n"
            + "}).then(fromPage);",
            script_args=[json.dumps(list(args))])


# Shared by the extension-page helpers: values cross between Marionette's
# sandbox and the page as JSON so neither side sees the other's wrappers.
_EXTENSION_PAGE_PRELUDE = """
const page = window.wrappedJSObject;
const browser = page.browser;
const api = browser;
const args = JSON.parse(arguments[0]);
const toPage = (value) => value === undefined ? undefined : page.JSON.parse(JSON.stringify(value));
const fromPage = (value) => value === undefined ? null : JSON.parse(page.JSON.stringify(value));
"""
