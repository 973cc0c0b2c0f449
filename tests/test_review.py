"""Review before publishing (CAVEAT_REVIEW=required): proposals through the console and the API."""

from __future__ import annotations

import pytest

from server import maintenance
from tests.console_helpers import entry_form, logged_in, post


@pytest.fixture
def app_config(tmp_path):
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'caveat.db'}", "TESTING": True, "REVIEW": "required"}


def _listed(client) -> list[str]:
    return [e["domain"] for e in client.get("/api/v1/list").get_json()["entries"]]


def test_an_editor_token_change_waits_and_a_reviewer_publishes_it(app, client, storage, make_entry):
    token = storage.create_token("bot", "editor")
    entry = make_entry("shop.example")
    version = storage.version()
    response = client.put("/api/v1/warnings/shop.example", json=entry, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 202
    proposal = response.get_json()["proposal"]
    assert proposal["status"] == "waiting" and proposal["proposer"] == "bot"
    assert storage.version() == version and "shop.example" not in _listed(client)

    reviewer = logged_in(app, storage, "rita", "reviewer")
    page = reviewer.get(f"/admin/proposals/{proposal['id']}")
    assert page.status_code == 200 and "Approve and publish" in page.get_data(as_text=True)
    done = post(reviewer, f"/admin/proposals/{proposal['id']}/approve", {})
    assert done.status_code == 303
    assert "shop.example" in _listed(client) and storage.version() == version + 1
    assert storage.get_proposal(proposal["id"])["decided_by"] == "rita"
    assert storage.entry_history("shop.example")[0]["actor"] == "bot; approved by rita"


def test_an_api_removal_waits_too(app, client, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example"), actor="cli:op")
    token = storage.create_token("bot", "admin")
    response = client.delete("/api/v1/warnings/shop.example", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 202 and response.get_json()["proposal"]["action"] == "delete"
    assert "shop.example" in _listed(client)
    maintenance.approve(storage, response.get_json()["proposal"]["id"], actor="rita", role="reviewer")
    assert "shop.example" not in _listed(client)


def test_an_invalid_entry_is_refused_at_the_door_not_proposed(client, storage, make_entry):
    token = storage.create_token("bot", "editor")
    response = client.put("/api/v1/warnings/shop.example", json=make_entry("shop.example", status="bogus"),
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and storage.list_proposals() == []


def test_a_console_editor_proposes_and_cannot_approve(app, client, storage, make_entry):
    editor = logged_in(app, storage, "eddie", "editor")
    response = post(editor, "/admin/entries/new", entry_form(make_entry("shop.example")), token_from="/admin/entries/new")
    assert response.status_code == 303 and "/admin/proposals/" in response.headers["Location"]
    proposal = storage.list_proposals("waiting")[0]
    assert "shop.example" not in _listed(client)
    page = editor.get(f"/admin/proposals/{proposal['id']}").get_data(as_text=True)
    assert "Approve and publish" not in page and "another reviewer must approve it" in page
    refused = post(editor, f"/admin/proposals/{proposal['id']}/approve", {})
    assert refused.status_code == 403 and storage.get_proposal(proposal["id"])["status"] == "waiting"
    assert "shop.example" not in _listed(client)


def test_nobody_approves_their_own_proposal(app, client, storage, make_entry):
    reviewer = logged_in(app, storage, "rita", "reviewer")
    post(reviewer, "/admin/entries/new", entry_form(make_entry("shop.example")), token_from="/admin/entries/new")
    proposal = storage.list_proposals("waiting")[0]
    assert proposal["proposer"] == "rita"
    refused = post(reviewer, f"/admin/proposals/{proposal['id']}/approve", {})
    assert refused.status_code == 403 and "nobody approves their own" in refused.get_data(as_text=True)
    assert "shop.example" not in _listed(client)
    with pytest.raises(maintenance.SelfApproval):
        maintenance.approve(storage, proposal["id"], actor="rita", role="admin")
    admin = logged_in(app, storage, "ada", "admin")
    assert post(admin, f"/admin/proposals/{proposal['id']}/approve", {}).status_code == 303
    assert "shop.example" in _listed(client)


def test_a_rejected_proposal_keeps_its_reason(app, client, storage, make_entry):
    proposal = maintenance.propose_put(storage, make_entry("shop.example"), actor="eddie")
    reviewer = logged_in(app, storage, "rita", "reviewer")
    empty = post(reviewer, f"/admin/proposals/{proposal['id']}/reject", {"reason": "  "})
    assert empty.status_code == 400 and storage.get_proposal(proposal["id"])["status"] == "waiting"
    done = post(reviewer, f"/admin/proposals/{proposal['id']}/reject", {"reason": "Sources <b>too thin</b>"})
    assert done.status_code == 303
    stored = storage.get_proposal(proposal["id"])
    assert stored["status"] == "rejected" and stored["decision_reason"] == "Sources <b>too thin</b>"
    page = reviewer.get(f"/admin/proposals/{proposal['id']}").get_data(as_text=True)
    assert "Sources &lt;b&gt;too thin&lt;/b&gt;" in page
    again = post(reviewer, f"/admin/proposals/{proposal['id']}/approve", {})
    assert again.status_code == 409 and "shop.example" not in _listed(client)


def test_two_proposals_for_one_entry_the_second_is_shown_against_the_first_and_never_applied_blind(
        app, client, storage, make_entry):
    maintenance.add(storage, make_entry("shop.example", name="Shop"), actor="cli:op")
    first = maintenance.propose_edit(storage, "shop.example", {"name": "Shop One"}, actor="eddie")
    second = maintenance.propose_edit(storage, "shop.example", {"name": "Shop Two"}, actor="erin")
    reviewer = logged_in(app, storage, "rita", "reviewer")
    page = reviewer.get(f"/admin/proposals/{second['id']}").get_data(as_text=True)
    assert f"Proposal {first['id']}</a> by eddie, against this one" in page and "Shop One" in page
    assert post(reviewer, f"/admin/proposals/{first['id']}/approve", {}).status_code == 303
    assert maintenance.get(storage, "shop.example")["name"] == "Shop One"
    stale = post(reviewer, f"/admin/proposals/{second['id']}/approve", {})
    assert stale.status_code == 409 and "has changed since" in stale.get_data(as_text=True)
    assert maintenance.get(storage, "shop.example")["name"] == "Shop One"
    assert storage.get_proposal(second["id"])["status"] == "waiting"  # still there, to reject or redo
    edit_page = reviewer.get("/admin/entries/shop.example").get_data(as_text=True)
    assert f"Proposal {second['id']}" in edit_page


def test_two_reviewers_racing_on_one_proposal_publish_it_once(storage, make_entry):
    proposal = maintenance.propose_put(storage, make_entry("shop.example"), actor="eddie")
    version = storage.version()
    maintenance.approve(storage, proposal["id"], actor="rita", role="reviewer")
    with pytest.raises(maintenance.ProposalClosed):
        maintenance.approve(storage, proposal["id"], actor="ravi", role="reviewer")
    assert storage.version() == version + 1


def test_an_editor_role_cannot_approve_in_the_layer(storage, make_entry):
    proposal = maintenance.propose_put(storage, make_entry("shop.example"), actor="eddie")
    with pytest.raises(maintenance.Forbidden):
        maintenance.approve(storage, proposal["id"], actor="erin", role="editor")
    with pytest.raises(maintenance.Forbidden):
        maintenance.reject(storage, proposal["id"], actor="erin", role="editor", reason="no")
    withdrawn = maintenance.reject(storage, proposal["id"], actor="eddie", role="editor", reason="withdrawn")
    assert withdrawn["status"] == "rejected"


def test_with_review_off_changes_publish_at_once(tmp_path, make_entry):
    from server import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'off.db'}", "REVIEW": "off"})
    storage = app.extensions["caveat.storage"]
    storage.init_schema()
    client = app.test_client()
    token = storage.create_token("bot", "editor")
    response = client.put("/api/v1/warnings/shop.example", json=make_entry("shop.example"),
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201 and "shop.example" in _listed(client)
    editor = logged_in(app, storage, "eddie", "editor")
    saved = post(editor, "/admin/entries/new", entry_form(make_entry("other.example")), token_from="/admin/entries/new")
    assert saved.status_code == 303 and "other.example" in _listed(client)
    assert storage.list_proposals() == []


def test_review_setting_is_checked():
    from server.settings import SettingsError, load_settings

    with pytest.raises(SettingsError):
        load_settings({"DATABASE_URL": "sqlite://"}, environ={"CAVEAT_REVIEW": "maybe"})
