"""The console's strings all come from its one catalogue (server/console/catalogue.py).

Every page is rendered with a test catalogue that wraps each string in ⟦…⟧;
no visible text of the page (text nodes, <title>, aria-label, the buttons)
may lie outside the brackets, except data: domains, names, entry text,
numbers, dates, enum values. The catalogue also has no key the code never uses.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from server import accounts, maintenance
from server.console import catalogue, views_auth
from server.console.blueprint import ERROR_PAGES
from server.contract import ENTRY_FIELDS, STATUSES

CONSOLE = Path(__file__).resolve().parents[1] / "server" / "console"
KEY = re.compile(r'''\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')''')
# Keys kept in module constants and passed to _() by name.
BY_NAME = {views_auth.LOGIN_FAILED, views_auth.LOGIN_LIMITED,
           *[text for pair in ERROR_PAGES.values() for text in pair]}


def _keys_in_code() -> set[str]:
    keys = set(BY_NAME)
    for path in CONSOLE.rglob("*"):
        if path.suffix in (".html", ".py") and path.name != "catalogue.py":
            for m in KEY.finditer(path.read_text(encoding="utf-8")):
                keys.add(m.group(1) if m.group(1) is not None else m.group(2))
    return keys


def test_the_catalogue_has_every_key_the_code_uses_and_no_other():
    used = _keys_in_code()
    assert used - set(catalogue.EN) == set()
    assert set(catalogue.EN) - used == set()


def test_the_locale_comes_from_accept_language(app, monkeypatch):
    monkeypatch.setitem(catalogue.CATALOGUES, "de", {k: "DE:" + v for k, v in catalogue.EN.items()})
    with app.test_request_context("/admin/login", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}):
        assert catalogue._("Log in") == "DE:Log in"
    with app.test_request_context("/admin/login", headers={"Accept-Language": "fr"}):
        assert catalogue._("Log in") == "Log in"
    assert app.test_client().get("/admin/login", headers={"Accept-Language": "de"}).get_data(as_text=True) \
        .count("DE:Log in") >= 2


class _Visible(HTMLParser):
    """Text nodes and the attributes a reader sees or hears. Skipped: form values, scripts, and
    the banner preview (the extension's own strings, from extension/_locales)."""

    SKIP = ("script", "style", "textarea", "code")
    VOID = ("input", "meta", "link", "br", "img", "hr")

    def __init__(self):
        super().__init__()
        self.texts, self._skip, self._depth, self._preview = [], 0, 0, None

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self._depth += 1
        if self._preview is None and "banner-preview" in (dict(attrs).get("class") or ""):
            self._preview = self._depth
        if tag in self.SKIP:
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if tag in self.SKIP:
            self._skip -= 1
        if self._preview == self._depth:
            self._preview = None
        self._depth -= 1

    def handle_data(self, data):
        if not self._skip and self._preview is None and data.strip():
            self.texts.append(data)


def _outside(html: str, data: list[str]) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    left = []
    for text in parser.texts:
        rest = re.sub(r"⟦[^⟧]*⟧", " ", text)
        rest = re.sub(r"\d{4}-\d\d-\d\d(T[\d:.]+Z?)?", " ", rest)
        for value in sorted(data, key=len, reverse=True):
            rest = rest.replace(value, " ")
        rest = re.sub(r"\d+", " ", rest)
        if re.search(r"\w", rest):
            left.append(text.strip())
    return left


@pytest.fixture
def bracketed(monkeypatch):
    monkeypatch.setitem(catalogue.CATALOGUES, "en", {k: f"⟦{v}⟧" for k, v in catalogue.EN.items()})


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_every_page_shows_only_catalogue_strings_and_data(app, storage, make_entry, bracketed):
    entry = make_entry("shop.example", name="Shop Example", related=["other.example"])
    maintenance.add(storage, entry, actor="seed")
    maintenance.put(storage, {**entry, "summary": "Changed summary text."}, actor="seed")
    accounts.add_user(storage, "admin1", "a long admin password", "admin", actor="seed")
    accounts.add_user(storage, "editor1", "a long editor password", "editor", actor="seed")
    storage.add_report("mistake", "shop.example", "A comment from a shopper.", "c1")
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    data = ["Caveat"]
    assert _outside(page, data) == []
    client.post("/admin/login", data={"name": "admin1", "password": "a long admin password",
                                      "csrf_token": _csrf(page)})
    data = [entry["domain"], entry["name"], entry["summary"], entry["details"], "Changed summary text.",
            "other.example", "admin1", "editor1", "seed", "A comment from a shopper.", *STATUSES,
            *accounts.ROLES, *[s["title"] for s in entry["sources"]], "Caveat", "#", "→", "·",
            "entry.save", "entry.delete", "user.add", "save", "delete", "waiting", "approved", "rejected",
            "open", "accepted", "mistake", "shop", "example", *ENTRY_FIELDS,
            "login", "role"]  # audit records: action codes and details are stored data
    pages = ["/admin/", "/admin/entries", "/admin/entries?q=shop.example", "/admin/entries?q=nothing-matches",
             "/admin/entries/new", "/admin/entries/shop.example", "/admin/entries/shop.example/remove",
             "/admin/entries/shop.example/history", "/admin/proposals", "/admin/reports", "/admin/audit",
             "/admin/import", "/admin/users", "/admin/tokens", "/admin/entries/nope.example", "/admin/proposals/999"]
    for url in pages:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert "⟦" in html, url
        assert _outside(html, data) == [], url
    # A form with errors and a flash message.
    html = client.get("/admin/entries/new").get_data(as_text=True)
    response = client.post("/admin/entries/new", data={"csrf_token": _csrf(html), "domain": "bad domain",
                                                       "name": "", "status": "unlawful", "reviewed": "x",
                                                       "jurisdictions": "[oops"})
    assert "⟦is not valid JSON" in response.get_data(as_text=True)
    html = client.get("/admin/tokens").get_data(as_text=True)
    response = client.post("/admin/tokens", data={"csrf_token": _csrf(html), "action": "create",
                                                  "name": "robot", "role": "editor"})
    assert _outside(response.get_data(as_text=True), [*data, "robot"]) == []
    client.post("/admin/tokens", data={"csrf_token": _csrf(html), "action": "revoke", "name": "robot"})
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert "⟦Token robot revoked.⟧" in page
