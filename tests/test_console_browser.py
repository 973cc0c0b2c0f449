"""A curator's journey through the console in real Chromium (Playwright), with review required:
log in, add an entry, see a validation error next to its field, fix it, propose; a reviewer
approves and the public list has it; a report is accepted; the history shows a diff.

Screenshots (dashboard, the entry form with an error, the history diff) go to the test's
folder, or to CONSOLE_SCREENSHOTS (e.g. docs/screenshots) when that is set.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from server import accounts, create_app, maintenance
from testkit.chromium import CHROMIUM
from testkit.ports import free_port
from tests.console_helpers import PASSWORD

pytestmark = pytest.mark.e2e
SCREENSHOTS = os.environ.get("CONSOLE_SCREENSHOTS")


@pytest.fixture
def server(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'console.db'}", "REVIEW": "required",
                      "SECRET_KEY": "e2e-" + "k" * 40})
    storage = app.extensions["caveat.storage"]
    storage.init_schema()
    for name, role in (("eddie", "editor"), ("rita", "reviewer")):
        accounts.add_user(storage, name, PASSWORD, role, actor="e2e")
    port = free_port()
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", storage
    httpd.shutdown()
    storage.dispose()


@pytest.fixture
def browser(playwright):
    """Debian's Chromium, from pytest-playwright's one Playwright instance of the
    session (a second sync_playwright() inside it fails: the e2e suite holds one)."""
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    yield chromium
    chromium.close()


def _listed(url: str) -> list[str]:
    with urllib.request.urlopen(f"{url}/api/v1/list") as response:
        return [e["domain"] for e in json.load(response)["entries"]]


def _shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert (folder / f"{name}.png").stat().st_size > 1000


def _login(browser, url: str, name: str, width: int = 1100):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{url}/admin/")
    expect(page).to_have_url(f"{url}/admin/login?next=/admin/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    return page


def test_a_curators_journey(server, browser, tmp_path):
    url, storage = server
    domain = "fake-shop.example"

    editor = _login(browser, url, "eddie")
    editor.get_by_role("link", name="Add entry").click()
    editor.get_by_label("Domain", exact=True).fill(domain)
    editor.get_by_label("Name", exact=True).fill("Fake Shop")
    editor.get_by_label("Summary", exact=True).fill("Sells <b>counterfeit</b> goods.")
    editor.locator("#sources").fill("Consumer alert | https://alerts.example/fake-shop")
    editor.locator("#reviewed").fill("2026-11-02")
    editor.get_by_role("button", name="Propose").click()
    error = editor.locator("#summary-error")
    expect(error).to_contain_text("summary: must be plain text")
    expect(editor.get_by_label("Summary", exact=True)).to_have_attribute("aria-describedby", "summary-error")
    expect(editor.locator("#name-error")).to_have_count(0)
    _shot(editor, tmp_path, "console-entry-form-error")

    editor.get_by_label("Summary", exact=True).fill("Sells counterfeit goods.")
    editor.get_by_role("button", name="Propose").click()
    expect(editor.locator("#proposal-status")).to_have_text("waiting")
    assert domain not in _listed(url)

    reviewer = _login(browser, url, "rita")
    _shot(reviewer, tmp_path, "console-dashboard")
    reviewer.get_by_role("link", name="Proposals").first.click()
    reviewer.get_by_role("link", name="1", exact=True).click()
    reviewer.get_by_role("button", name="Approve and publish").click()
    expect(reviewer.get_by_role("status")).to_contain_text("approved and published")
    assert domain in _listed(url)

    report = storage.add_report("mistake", f"www.{domain}", "The shop is <i>genuine</i>", "e2e")
    reviewer.get_by_role("link", name="Reports").click()
    expect(reviewer.locator(f"#report-{report} .comment")).to_have_text("The shop is <i>genuine</i>")
    reviewer.locator(f"#reason-{report}").fill("Sources confirm the warning")
    reviewer.locator(f"#report-{report}").get_by_role("button", name="Accept").click()
    expect(reviewer.get_by_role("status")).to_contain_text(f"Report {report} accepted")
    assert storage.list_reports("accepted")[0]["reason"] == "Sources confirm the warning"

    maintenance.edit(storage, domain, {"status": "unlawful", "summary": "Ruled a counterfeit shop."}, actor="cli:op")
    reviewer.goto(f"{url}/admin/entries/{domain}/history")
    rows = reviewer.locator("table.diff tbody tr")
    expect(rows).to_have_count(2)
    expect(reviewer.locator('tr[data-field="status"] .before')).to_have_text("disputed")
    expect(reviewer.locator('tr[data-field="status"] .after')).to_have_text("unlawful")
    _shot(reviewer, tmp_path, "console-history-diff")


def test_the_console_works_at_400_px_with_the_keyboard(server, browser):
    url, storage = server
    page = _login(browser, url, "eddie", width=400)
    for path in ("/admin/", "/admin/entries", "/admin/entries/new", "/admin/proposals", "/admin/reports"):
        page.goto(url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, overflow)
    page.goto(f"{url}/admin/entries/new")
    page.keyboard.press("Tab")  # the skip link first
    expect(page.locator(".skip")).to_be_focused()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.reload()
    assert not [e for e in errors if "Content Security Policy" in e]
