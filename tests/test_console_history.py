"""Console slice d: reports accepted or rejected with a reason, each entry's history with a
field-by-field diff between any two versions, the audit log; untrusted text comes back escaped."""

from __future__ import annotations

import re

from server import maintenance
from tests.console_helpers import logged_in, post

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def test_a_reviewer_accepts_and_rejects_reports_with_a_reason(app, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example"), actor="cli:op")
    first = storage.add_report("mistake", "www.shop.example", "They are licensed now", "c1")
    second = storage.add_report("suggest", "new.example", "Sells fakes", "c2")
    reviewer = logged_in(app, storage, "rita", "reviewer")
    html = reviewer.get("/admin/reports").get_data(as_text=True)
    assert 'href="/admin/entries/shop.example"' in html  # the report links to the entry covering its host
    no_reason = post(reviewer, f"/admin/reports/{first}", {"decision": "accepted", "reason": ""},
                     token_from="/admin/reports")
    assert no_reason.status_code == 303 and storage.list_reports("open")[0]["id"] == first
    post(reviewer, f"/admin/reports/{first}", {"decision": "accepted", "reason": "Checked the licence"},
         token_from="/admin/reports")
    post(reviewer, f"/admin/reports/{second}", {"decision": "rejected", "reason": "No source"},
         token_from="/admin/reports")
    decided = {r["id"]: r for r in storage.list_reports()}
    assert (decided[first]["status"], decided[first]["reason"], decided[first]["decided_by"]) == (
        "accepted", "Checked the licence", "rita")
    assert (decided[second]["status"], decided[second]["reason"]) == ("rejected", "No source")
    assert "Checked the licence" in reviewer.get("/admin/reports?status=accepted").get_data(as_text=True)
    assert {"report.accept", "report.reject"} <= {row["action"] for row in storage.audit_log()}


def test_an_editor_cannot_decide_reports(app, storage):
    report = storage.add_report("mistake", "shop.example", "x", "c1")
    editor = logged_in(app, storage, "eddie", "editor")
    assert "Accept</button>" not in editor.get("/admin/reports").get_data(as_text=True)
    response = post(editor, f"/admin/reports/{report}", {"decision": "accepted", "reason": "ok"})
    assert response.status_code == 403 and storage.list_reports("open")[0]["id"] == report


def test_report_comments_and_domains_are_rendered_escaped(app, storage):
    storage.add_report("suggest", "xn--mp3-sprks-02a.example", XSS, "c1")
    html = logged_in(app, storage, "rita", "reviewer").get("/admin/reports").get_data(as_text=True)
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_entry_text_stored_directly_is_rendered_escaped(app, storage, make_entry):
    entry = maintenance.canonical_entry(make_entry("shop.example"))
    storage.apply([{**entry, "name": XSS, "summary": XSS, "details": XSS}], [], "test")  # past the door
    client = logged_in(app, storage, "ada", "admin")
    for path in ("/admin/entries", "/admin/entries/shop.example", "/admin/entries/shop.example/history",
                 "/admin/entries/shop.example/remove"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html, path


def test_markup_sent_through_the_api_is_refused(client, auth, make_entry):
    response = client.put("/api/v1/warnings/shop.example", json=make_entry("shop.example", name=XSS), headers=auth)
    assert response.status_code == 400


def test_history_diffs_any_two_versions_field_by_field(app, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example", name="Shop"), actor="alice")
    maintenance.edit(storage, "shop.example", {"name": "Shop Two"}, actor="bob")
    maintenance.edit(storage, "shop.example", {"summary": "A new summary.", "status": "unlawful"}, actor="carol")
    versions = [v["version"] for v in storage.entry_history("shop.example")]
    assert len(versions) == 3
    newest, middle, oldest = versions
    client = logged_in(app, storage, "eddie", "editor")

    html = client.get("/admin/entries/shop.example/history").get_data(as_text=True)  # newest vs the one before
    changed = re.findall(r'<tr data-field="([a-z_]+)">', html)
    assert changed == ["status", "summary"]
    assert "carol" in html and "bob" in html and "alice" in html

    html = client.get(f"/admin/entries/shop.example/history?from={oldest}&to={newest}").get_data(as_text=True)
    assert re.findall(r'<tr data-field="([a-z_]+)">', html) == ["name", "status", "summary"]
    row = re.search(r'<tr data-field="name">.*?</tr>', html, re.S).group(0)
    assert '<td class="before">Shop</td>' in row and '<td class="after">Shop Two</td>' in row

    html = client.get(f"/admin/entries/shop.example/history?from={middle}&to={middle}").get_data(as_text=True)
    assert "No field differs." in html


def test_history_shows_a_removal(app, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example"), actor="alice")
    maintenance.retire(storage, "shop.example", actor="bob", reason="closed")
    html = logged_in(app, storage, "eddie", "editor").get("/admin/entries/shop.example/history").get_data(as_text=True)
    assert "removed" in html and '<tr data-field="name">' in html


def test_the_audit_log_lists_who_did_what(app, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example"), actor="cli:op")
    maintenance.retire(storage, "shop.example", actor="bob", reason=XSS)
    client = logged_in(app, storage, "rita", "reviewer")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "entry.remove" in html and "user.add" in html and "login" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
