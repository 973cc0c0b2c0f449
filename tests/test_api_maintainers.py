"""Maintainer endpoints: bearer tokens, PUT/DELETE warnings, GET reports, the change log, and CORS."""

import pytest

from tests.test_api import error_of  # noqa: F401  (shared assertion helper)

pytestmark = pytest.mark.both_engines

ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


def put(client, domain, body, headers):
    return client.put(f"/api/v1/warnings/{domain}", json=body, headers=headers)


# --- authentication -------------------------------------------------------------

MAINTAINER_CALLS = [
    ("put", "/api/v1/warnings/shop.example"),
    ("delete", "/api/v1/warnings/shop.example"),
    ("get", "/api/v1/reports"),
]


def _unauthorized(response):
    error_of(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    return response.get_json()


@pytest.mark.parametrize("method, path", MAINTAINER_CALLS)
def test_missing_wrong_and_revoked_tokens_get_the_same_401(client, storage, maintainer_token, make_entry,
                                                         method, path):
    kwargs = {"json": make_entry("shop.example")} if method == "put" else {}
    call = getattr(client, method)
    missing = _unauthorized(call(path, **kwargs))
    wrong = _unauthorized(call(path, headers={"Authorization": "Bearer cvt_wrong"}, **kwargs))
    not_bearer = _unauthorized(call(path, headers={"Authorization": f"Basic {maintainer_token}"}, **kwargs))
    storage.revoke_token("test-maintainer")
    revoked = _unauthorized(call(path, headers={"Authorization": f"Bearer {maintainer_token}"}, **kwargs))
    assert missing == wrong == not_bearer == revoked
    assert storage.version() == 0 and storage.count() == 0


def test_valid_token_works_and_bearer_is_case_insensitive(client, maintainer_token):
    assert client.get("/api/v1/reports", headers={"Authorization": f"bearer {maintainer_token}"}).status_code == 200


def test_authentication_comes_before_validation(client):
    # No token and a bad body: 401, so nothing about validation leaks to strangers.
    _unauthorized(client.put("/api/v1/warnings/github.io", data="junk", content_type="text/plain"))


# --- PUT / DELETE warnings --------------------------------------------------------------

def test_put_creates_then_replaces(client, storage, auth, make_entry):
    response = put(client, "shop.example", make_entry("shop.example"), auth)
    assert response.status_code == 201
    body = response.get_json()
    assert body["version"] == 1
    assert body["warning"]["domain"] == "shop.example" and body["warning"]["created"].endswith("Z")
    response = put(client, "shop.example", make_entry("shop.example", status="unlawful"), auth)
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    assert storage.get_entry("shop.example")["status"] == "unlawful"
    assert response.headers["Cache-Control"] == "no-store"


def test_put_unchanged_entry_keeps_the_version(client, auth, make_entry):
    put(client, "shop.example", make_entry("shop.example"), auth)
    response = put(client, "shop.example", make_entry("shop.example"), auth)
    assert response.status_code == 200 and response.get_json()["version"] == 1


def test_put_domain_from_the_path_normalized(client, storage, auth, make_entry):
    entry = make_entry()
    del entry["domain"]
    assert client.put("/api/v1/warnings/B%C3%BCCHER.example", json=entry, headers=auth).status_code == 201
    assert storage.get_entry("xn--bcher-kva.example") is not None


def test_put_records_the_token_name_in_the_change_log(client, storage, auth, make_entry):
    put(client, "shop.example", make_entry("shop.example"), auth)
    client.delete("/api/v1/warnings/shop.example", headers=auth)
    assert [(r["version"], r["action"], r["actor"]) for r in storage.change_log("shop.example")] == [
        (2, "delete", "test-maintainer"), (1, "upsert", "test-maintainer")]


def test_put_invalid_entry_lists_every_error(client, storage, auth, make_entry):
    body = make_entry("shop.example", name="", status="maybe",
                      sources=[{"title": "x", "url": "javascript:alert(1)"}])
    response = put(client, "shop.example", body, auth)
    error_of(response, 400, "invalid_entry")
    errors = response.get_json()["error"]["errors"]
    assert {e.split(":")[0] for e in errors} == {"name", "status", "sources[0].url"}
    assert storage.count() == 0


def test_put_domain_mismatch(client, auth, make_entry):
    error_of(put(client, "shop.example", make_entry("other.example"), auth), 400, "invalid_entry")


@pytest.mark.parametrize("domain", ["github.io", "co.uk", "127.0.0.1", "localhost", "a_b.example"])
def test_put_unlistable_domain(client, auth, make_entry, domain):
    error_of(put(client, domain, make_entry(domain), auth), 400, "invalid_domain")


def test_put_requires_a_json_object(client, auth):
    error_of(client.put("/api/v1/warnings/shop.example", data="x", content_type="text/plain", headers=auth),
             415, "unsupported_media_type")
    error_of(client.put("/api/v1/warnings/shop.example", data="{", content_type="application/json", headers=auth),
             400, "invalid_json")
    error_of(client.put("/api/v1/warnings/shop.example", json=[], headers=auth), 400, "invalid_json")


def test_put_ignores_client_timestamps(client, storage, auth, make_entry):
    put(client, "shop.example", make_entry("shop.example", created="2000-01-01T00:00:00Z"), auth)
    assert storage.get_entry("shop.example")["created"] != "2000-01-01T00:00:00Z"


def test_delete(client, storage, auth, make_entry):
    put(client, "shop.example", make_entry("shop.example"), auth)
    response = client.delete("/api/v1/warnings/SHOP.example", headers=auth)
    assert response.status_code == 200
    assert response.get_json() == {"version": 2, "removed": "shop.example"}
    assert storage.count() == 0
    error_of(client.delete("/api/v1/warnings/shop.example", headers=auth), 404, "not_listed")
    error_of(client.delete("/api/v1/warnings/github.io", headers=auth), 400, "invalid_domain")
    assert storage.version() == 2


def test_changes_follow_maintainer_edits(client, auth, make_entry):
    put(client, "a.example", make_entry("a.example"), auth)
    put(client, "b.example", make_entry("b.example"), auth)
    client.delete("/api/v1/warnings/a.example", headers=auth)
    delta = client.get("/api/v1/changes?since=1").get_json()
    assert [e["domain"] for e in delta["upserted"]] == ["b.example"]
    assert delta["removed"] == ["a.example"]
    assert delta["version"] == 3


# --- GET reports --------------------------------------------------------------------

def test_list_reports(client, storage, auth):
    client.post("/api/v1/reports", json={"kind": "suggest", "domain": "a.example", "comment": "cheap"})
    client.post("/api/v1/reports", json={"kind": "mistake", "domain": "b.example"})
    storage.decide_report(2, "rejected", "no", "alice")
    reports = client.get("/api/v1/reports", headers=auth).get_json()["reports"]
    assert [(r["id"], r["kind"], r["domain"], r["status"]) for r in reports] == [
        (1, "suggest", "a.example", "open"), (2, "mistake", "b.example", "rejected")]
    assert [r["id"] for r in client.get("/api/v1/reports?status=open", headers=auth).get_json()["reports"]] == [1]
    error_of(client.get("/api/v1/reports?status=closed", headers=auth), 400, "invalid_status")


# --- CORS -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/list", "/api/v1/lookup?domain=a.example", "/api/v1/changes?since=0",
                                  "/api/v1/openapi.json", "/healthz"])
def test_cors_on_public_reads(client, path):
    response = client.get(path, headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_preflight_for_posting_a_report(client):
    response = client.options("/api/v1/reports", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", ORIGIN)
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    posted = client.post("/api/v1/reports", json={"kind": "suggest", "domain": "a.example"},
                         headers={"Origin": ORIGIN})
    assert posted.status_code == 202 and posted.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_does_not_allow_the_authorization_header(client):
    response = client.options("/api/v1/reports", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    assert "authorization" not in response.headers.get("Access-Control-Allow-Headers", "").lower()


def _no_cors(response):
    leaked = [name for name in response.headers.keys() if name.lower().startswith("access-control-")]
    assert leaked == [], leaked


@pytest.mark.parametrize("method, path", MAINTAINER_CALLS)
def test_no_cors_on_maintainer_routes(client, auth, make_entry, method, path):
    kwargs = {"json": make_entry("shop.example")} if method == "put" else {}
    _no_cors(getattr(client, method)(path, headers={"Origin": ORIGIN, **auth}, **kwargs))
    _no_cors(getattr(client, method)(path, headers={"Origin": ORIGIN}, **kwargs))  # the 401 too


@pytest.mark.parametrize("method, path", [("PUT", "/api/v1/warnings/shop.example"),
                                          ("DELETE", "/api/v1/warnings/shop.example"),
                                          ("GET", "/api/v1/reports")])
def test_no_cors_on_maintainer_preflights(client, method, path):
    _no_cors(client.options(path, headers={"Origin": ORIGIN, "Access-Control-Request-Method": method,
                                           "Access-Control-Request-Headers": "authorization"}))
