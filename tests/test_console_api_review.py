"""The API's review answers match server/openapi.json: 202 with a proposal, under CAVEAT_REVIEW=required."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

SPEC = json.loads((Path(__file__).resolve().parents[1] / "server" / "openapi.json").read_text(encoding="utf-8"))


@pytest.fixture
def app_config(app_config):
    return {**app_config, "REVIEW": "required"}


def _validator(method: str, status: str):
    ref = SPEC["paths"]["/api/v1/warnings/{domain}"][method]["responses"][status]["$ref"].split("/")[-1]
    schema = SPEC["components"]["responses"][ref]["content"]["application/json"]["schema"]
    return jsonschema.Draft202012Validator({**schema, "components": SPEC["components"]})


def test_put_and_delete_under_review_answer_202_with_a_proposal_as_documented(client, auth, make_entry, storage):
    entry = make_entry("shop.example")
    put = client.put("/api/v1/warnings/shop.example", json=entry, headers=auth)
    assert put.status_code == 202
    _validator("put", "202").validate(put.get_json())
    assert put.get_json()["proposal"]["status"] == "waiting"
    assert client.get("/api/v1/list").get_json()["entries"] == []
    assert "403" in SPEC["paths"]["/api/v1/warnings/{domain}"]["put"]["responses"]
    storage.apply_changes([entry], [], actor="seed")
    delete = client.delete("/api/v1/warnings/shop.example", headers=auth)
    assert delete.status_code == 202
    _validator("delete", "202").validate(delete.get_json())
    assert delete.get_json()["proposal"]["entry"] is None
