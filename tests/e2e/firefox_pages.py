"""Firefox-side helpers shared by the sync tests: Caveat's options page in
a tab of its own, "is there a banner on this host", and what the real
toolbar popup shows."""

from __future__ import annotations

from contextlib import contextmanager

from tests.e2e.firefox_harness import CaveatFirefox


class OptionsTab:
    """Caveat's options page in a tab of its own, beside the site tab."""

    def __init__(self, firefox: CaveatFirefox):
        self.firefox = firefox
        self.handle = firefox.client.open(type="tab")["handle"]
        with self.front():
            firefox.client.navigate(firefox.url("options.html"))
            firefox.wait_until(lambda: firefox.text_of("#list-status"), message="options to render")

    @contextmanager
    def front(self):
        self.firefox.client.switch_to_window(self.handle)
        try:
            yield self.firefox
        finally:
            self.firefox.client.switch_to_window(self.firefox.site_tab)

    def sync_now(self) -> str:
        """Click "Update the list now" and return the result it shows."""
        with self.front() as ff:
            ff.element("#sync-now").click()
            return ff.wait_until(
                lambda: (lambda text: text if text and text != "Updating…" else None)(ff.text_of("#sync-result")),
                timeout=15, message="the sync result")

    def set_server(self, url: str | None) -> None:
        with self.front() as ff:
            ff.client.execute_script("document.getElementById('server-result').textContent = '';")
            if url is None:
                ff.element("#server-reset").click()
            else:
                field = ff.element("#server-url")
                field.clear()
                field.send_keys(url)
                ff.element("#server-save").click()
            ff.wait_until(lambda: ff.text_of("#server-result") == "Saved. The next update uses this server.",
                          message="the server saved")

    def text_of(self, css: str) -> str | None:
        with self.front() as ff:
            return ff.text_of(css)

    def close(self) -> None:
        self.firefox.client.switch_to_window(self.handle)
        self.firefox.client.close()
        self.firefox.client.switch_to_window(self.firefox.site_tab)


def has_banner(firefox: CaveatFirefox, host: str) -> str | None:
    firefox.open(f"http://{host}/")
    assert firefox.element("#site-header").is_displayed()
    if firefox.banner() is None:
        firefox.settle()
    return firefox.banner_domain()


def popup_state(firefox: CaveatFirefox) -> dict:
    """What the real toolbar popup shows over the site tab."""
    firefox.open_toolbar_popup()
    try:
        firefox.wait_until(lambda: firefox.popup_text("#list-version"), message="the popup to render")
        return {
            "sync_error": firefox.popup_text("#sync-error"),
            "list_version": firefox.popup_text("#list-version"),
            "access_offered": firefox.popup_text("#access") is not None,
        }
    finally:
        firefox.close_toolbar_popup()
