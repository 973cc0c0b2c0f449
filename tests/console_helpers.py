"""Helpers of the web console's tests (tests/test_console*.py, tests/test_review*.py, tests/test_users*.py)."""

from __future__ import annotations

import re

from server import accounts

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_user(storage, name: str, role: str, password: str = PASSWORD) -> dict:
    return accounts.add_user(storage, name, password, role, actor="test")


def csrf_token(client, path: str = "/admin/login") -> str:
    page = client.get(path)
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


def login(client, name: str, password: str = PASSWORD, **kwargs):
    token = csrf_token(client)
    return client.post("/admin/login", data={"name": name, "password": password, "csrf_token": token}, **kwargs)


def post(client, path: str, data: dict, *, token_from: str | None = None, **kwargs):
    """POST a console form with a valid CSRF token (taken from ``token_from``, default the dashboard)."""
    token = csrf_token(client, token_from or "/admin/")
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def logged_in(app, storage, name: str, role: str):
    """A test client logged in as a new user ``name`` with ``role``."""
    make_user(storage, name, role)
    client = app.test_client()
    response = login(client, name)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def entry_form(entry: dict) -> dict:
    """The console form's fields for an entry."""
    return {
        "domain": entry["domain"], "name": entry["name"], "status": entry["status"],
        "summary": entry["summary"], "details": entry.get("details", ""),
        "sources": "\n".join(f"{s['title']} | {s['url']}" for s in entry["sources"]),
        "related": "\n".join(entry.get("related", [])),
        **({"include_subdomains": "on"} if entry.get("include_subdomains", True) else {}),
        "reviewed": entry["reviewed"],
    }
