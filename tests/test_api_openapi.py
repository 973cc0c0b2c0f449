"""The OpenAPI description: valid, served, and covering every route the app has."""

import json
from pathlib import Path

from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).parent.parent / "server" / "openapi.json"


def test_openapi_document_is_valid():
    validate(json.loads(SPEC_PATH.read_text(encoding="utf-8")))


def test_openapi_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def test_every_route_and_method_is_described(app):
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    described = {(path, method.upper()) for path, item in spec["paths"].items()
                 for method in item if method != "parameters"}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule.startswith("/admin"):
            continue  # the web console (HTML, docs/console.md) is not part of the API
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed.add((path, method))
    assert routed == described


def test_maintainer_operations_require_the_bearer_scheme(app):
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    secured = {(path, method.upper()) for path, item in spec["paths"].items()
               for method, operation in item.items()
               if method != "parameters" and operation.get("security") == [{"bearer": []}]}
    assert secured == {("/api/v1/warnings/{domain}", "PUT"), ("/api/v1/warnings/{domain}", "DELETE"),
                       ("/api/v1/reports", "GET")}
    for path, method in secured:
        assert "401" in spec["paths"][path][method.lower()]["responses"]
