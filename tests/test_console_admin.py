"""Console slice e: import (upload, dry-run diff, apply) and users and tokens, for admins."""

from __future__ import annotations

import io
import json
import re

import yaml

from server import maintenance
from tests.console_helpers import csrf_token, logged_in, login, post

XSS_NAME = '<img src=x onerror=alert(1)>.yaml'


def _upload(client, name: str, content: bytes, prune: bool = False):
    token = csrf_token(client, "/admin/import")
    data = {"csrf_token": token, "file": (io.BytesIO(content), name)}
    if prune:
        data["prune"] = "on"
    return client.post("/admin/import", data=data, content_type="multipart/form-data")


def _pending(html: str) -> str:
    return re.search(r'name="pending" value="([^"]+)"', html).group(1)


def test_import_dry_run_then_apply(app, client, storage, make_entry):
    maintenance.add(storage, make_entry("keep.example", name="Keep"), actor="cli:op")
    maintenance.add(storage, make_entry("gone.example"), actor="cli:op")
    admin = logged_in(app, storage, "ada", "admin")
    document = {"entries": [make_entry("keep.example", name="Keep Renamed"), make_entry("new.example")]}
    version = storage.version()
    response = _upload(admin, "list.yaml", yaml.safe_dump(document).encode(), prune=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 to add, 1 to change, 1 to remove, 0 unchanged" in html
    assert "keep.example: name" in html and "new.example" in html and "gone.example" in html
    assert storage.version() == version and storage.get_entry("new.example") is None  # a dry run

    applied = post(admin, "/admin/import/apply", {"pending": _pending(html)}, token_from="/admin/import")
    assert applied.status_code == 303
    listed = {e["domain"]: e for e in client.get("/api/v1/list").get_json()["entries"]}
    assert set(listed) == {"keep.example", "new.example"} and listed["keep.example"]["name"] == "Keep Renamed"
    assert storage.version() == version + 1
    assert storage.audit_log()[0]["action"] == "import"
    again = post(admin, "/admin/import/apply", {"pending": _pending(html)}, token_from="/admin/import")
    assert again.status_code == 303 and storage.version() == version + 1  # applied once only


def test_import_of_json_waits_for_an_unchanged_list(app, storage, make_entry):
    admin = logged_in(app, storage, "ada", "admin")
    document = {"format": 1, "version": 0, "entries": [make_entry("new.example")]}
    html = _upload(admin, "list.json", json.dumps(document).encode()).get_data(as_text=True)
    assert "1 to add" in html
    maintenance.add(storage, make_entry("other.example"), actor="cli:op")  # the list moves on meanwhile
    response = post(admin, "/admin/import/apply", {"pending": _pending(html)}, token_from="/admin/import")
    assert response.status_code == 303 and storage.get_entry("new.example") is None


def test_an_invalid_upload_names_its_problems_escaped(app, storage, make_entry):
    admin = logged_in(app, storage, "ada", "admin")
    bad = {"entries": [make_entry("new.example", status="bogus")]}
    response = _upload(admin, XSS_NAME, yaml.safe_dump(bad).encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "status: must be one of" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;.yaml" in html
    garbage = _upload(admin, "list.json", b"{not json")
    assert garbage.status_code == 400 and "is not valid JSON" in garbage.get_data(as_text=True)
    assert storage.count() == 0


def test_another_admins_dry_run_cannot_be_applied(app, storage, make_entry):
    ada = logged_in(app, storage, "ada", "admin")
    html = _upload(ada, "l.yaml", yaml.safe_dump({"entries": [make_entry("new.example")]}).encode()).get_data(as_text=True)
    bea = logged_in(app, storage, "bea", "admin")
    response = post(bea, "/admin/import/apply", {"pending": _pending(html)}, token_from="/admin/import")
    assert response.status_code == 403 and storage.get_entry("new.example") is None
    forged = post(bea, "/admin/import/apply", {"pending": "../../etc/passwd"}, token_from="/admin/import")
    assert forged.status_code == 400


def test_admin_manages_users(app, storage):
    admin = logged_in(app, storage, "ada", "admin")
    added = post(admin, "/admin/users", {"action": "add", "name": "eddie", "role": "editor",
                                         "password": "a long enough password"})
    assert added.status_code == 303 and storage.get_user("eddie")["role"] == "editor"
    eddie = app.test_client()
    assert login(eddie, "eddie", "a long enough password").status_code == 303
    post(admin, "/admin/users", {"action": "role", "name": "eddie", "role": "reviewer"})
    assert storage.get_user("eddie")["role"] == "reviewer"
    assert eddie.get("/admin/").status_code == 303  # a role change ends the sessions
    post(admin, "/admin/users", {"action": "disable", "name": "eddie"})
    assert storage.get_user("eddie")["disabled"]
    html = admin.get("/admin/users").get_data(as_text=True)
    assert "scrypt" not in html and "password_hash" not in html
    short = post(admin, "/admin/users", {"action": "add", "name": "x", "role": "editor", "password": "short"})
    assert short.status_code == 400 and storage.get_user("x") is None
    self_disable = post(admin, "/admin/users", {"action": "disable", "name": "ada"})
    assert self_disable.status_code == 400 and not storage.get_user("ada")["disabled"]


def test_admin_manages_tokens(app, client, storage, make_entry):
    admin = logged_in(app, storage, "ada", "admin")
    created = post(admin, "/admin/tokens", {"action": "create", "name": "bot", "role": "editor"})
    assert created.status_code == 200
    token = re.search(r'<code id="new-token">([^<]+)</code>', created.get_data(as_text=True)).group(1)
    assert storage.verify_token_role(token) == ("bot", "editor")
    assert token not in admin.get("/admin/tokens").get_data(as_text=True)  # shown once
    put = client.put("/api/v1/warnings/shop.example", json=make_entry("shop.example"),
                     headers={"Authorization": f"Bearer {token}"})
    assert put.status_code == 201
    assert post(admin, "/admin/tokens", {"action": "revoke", "name": "bot"}).status_code == 303
    assert storage.verify_token(token) is None
    assert {"token.create", "token.revoke"} <= {row["action"] for row in storage.audit_log()}
