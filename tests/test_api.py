"""The public API through Flask's test client, on SQLite and on PostgreSQL (tests/conftest.py)."""

import gzip
import json

import pytest

pytestmark = pytest.mark.both_engines


def error_of(response, status, code):
    """Assert the JSON error shape of every 4xx/5xx and return the message."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]["message"]


@pytest.fixture
def listed(storage, make_entry):
    storage.apply_changes([
        make_entry("allofmp3.example"),
        make_entry("shop.allofmp3.example", name="AllOfMP3 shop"),
        make_entry("exact.example", include_subdomains=False),
        make_entry("xn--mp3-sprks-02a.example", name="MP3 Spärks"),
    ], [], "cli:test")
    return storage


# --- lookup -------------------------------------------------------------------

@pytest.mark.parametrize(
    "query, host, match",
    [
        ("allofmp3.example", "allofmp3.example", "allofmp3.example"),
        ("WWW.AllOfMP3.example.", "www.allofmp3.example", "allofmp3.example"),
        ("https://eu.shop.allofmp3.example:8443/buy?x=1", "eu.shop.allofmp3.example", "shop.allofmp3.example"),
        ("notallofmp3.example", "notallofmp3.example", None),
        ("www.exact.example", "www.exact.example", None),
        ("mp3-spärks.example", "xn--mp3-sprks-02a.example", "xn--mp3-sprks-02a.example"),
        ("github.io", "github.io", None),  # a public suffix can be looked up, never listed
    ],
)
def test_lookup(client, listed, query, host, match):
    response = client.get("/api/v1/lookup", query_string={"domain": query})
    assert response.status_code == 200
    body = response.get_json()
    assert body["host"] == host
    assert body["listed"] is (match is not None)
    assert (body["warning"]["domain"] if body["warning"] else None) == match
    assert response.headers["Cache-Control"].startswith("public, max-age=")


def test_lookup_returns_the_full_entry(client, listed):
    warning = client.get("/api/v1/lookup?domain=allofmp3.example").get_json()["warning"]
    assert list(warning) == ["domain", "name", "status", "summary", "details", "sources", "related",
                             "include_subdomains", "reviewed", "jurisdictions", "created", "updated"]


@pytest.mark.parametrize("query", ["", "   ", "127.0.0.1", "http://[::1]/", "a_b.example", "localhost", "x" * 300,
                                   "a..example"])
def test_lookup_rejects_invalid_hosts(client, query):
    message = error_of(client.get("/api/v1/lookup", query_string={"domain": query}), 400, "invalid_domain")
    assert len(message) > 10


def test_lookup_without_parameter(client):
    error_of(client.get("/api/v1/lookup"), 400, "invalid_domain")


def test_lookup_sees_changes_at_once(client, storage, make_entry):
    assert client.get("/api/v1/lookup?domain=new.example").get_json()["listed"] is False
    storage.upsert_entry(make_entry("new.example"), "alice")
    assert client.get("/api/v1/lookup?domain=new.example").get_json()["listed"] is True


# --- list ---------------------------------------------------------------------

def test_list_document(client, listed):
    response = client.get("/api/v1/list")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    doc = response.get_json()
    assert doc["format"] == 1 and doc["version"] == 1
    assert doc["generated"].endswith("Z")
    assert [e["domain"] for e in doc["entries"]] == sorted(e["domain"] for e in doc["entries"])
    assert len(doc["entries"]) == 4
    assert response.headers["X-Caveat-List-Version"] == "1"


def test_list_document_passes_list_validation(client, listed):
    from server.entries import validate_list_document

    doc = client.get("/api/v1/list").get_json()
    assert validate_list_document(doc)["entries"] == doc["entries"]


def test_list_etag_and_304(client, listed):
    first = client.get("/api/v1/list")
    etag = first.headers["ETag"]
    assert etag.startswith('"v1-') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert "Accept-Encoding" in first.headers["Vary"]
    again = client.get("/api/v1/list", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, max-age=300"
    other = client.get("/api/v1/list", headers={"If-None-Match": '"v0-0000"'})
    assert other.status_code == 200
    listed_etags = client.get("/api/v1/list", headers={"If-None-Match": f'"x", {etag}'})
    assert listed_etags.status_code == 304


def test_list_etag_changes_with_every_version(client, listed, make_entry):
    etag = client.get("/api/v1/list").headers["ETag"]
    listed.upsert_entry(make_entry("new.example"), "alice")
    response = client.get("/api/v1/list", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert response.headers["ETag"].startswith('"v2-')


def test_list_etag_is_the_same_in_every_worker(app, listed):
    # A second app on the same database stands for another gunicorn worker.
    from server import create_app

    other = create_app({"DATABASE_URL": app.config["DATABASE_URL"]})
    first = app.test_client().get("/api/v1/list")
    second = other.test_client().get("/api/v1/list")
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.data == second.data
    other.extensions["caveat.storage"].dispose()


def test_list_gzip(client, listed):
    plain = client.get("/api/v1/list")
    zipped = client.get("/api/v1/list", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data)
    # A different coding is a different representation: a different strong ETag ...
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    # ... and either one revalidates.
    for etag in (plain.headers["ETag"], zipped.headers["ETag"]):
        response = client.get("/api/v1/list", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        assert response.status_code == 304


@pytest.mark.parametrize("accept", ["", "identity", "gzip;q=0", "br"])
def test_list_not_gzipped_unless_accepted(client, listed, accept):
    response = client.get("/api/v1/list", headers={"Accept-Encoding": accept})
    assert "Content-Encoding" not in response.headers
    json.loads(response.data)


def test_list_head(client, listed):
    response = client.head("/api/v1/list")
    assert response.status_code == 200 and response.headers["ETag"].startswith('"v1-')


def test_empty_list(client):
    doc = client.get("/api/v1/list").get_json()
    assert doc["version"] == 0 and doc["entries"] == []


# --- changes ------------------------------------------------------------------

def test_changes(client, listed, make_entry):
    listed.upsert_entry(make_entry("new.example"), "alice")
    listed.delete_entry("exact.example", "alice")
    response = client.get("/api/v1/changes?since=1")
    assert response.status_code == 200
    delta = response.get_json()
    assert delta == {"format": 1, "from": 1, "version": 3, "generated": listed.snapshot()[1],
                     "upserted": [listed.get_entry("new.example")], "removed": ["exact.example"]}
    assert client.get("/api/v1/changes?since=3").get_json()["upserted"] == []
    full = client.get("/api/v1/changes?since=0").get_json()
    assert [e["domain"] for e in full["upserted"]] == [e["domain"] for e in listed.all_entries()]


@pytest.mark.parametrize("since", ["", "x", "-1", "1.5", "1e3", "9" * 30, " 1"])
def test_changes_rejects_junk(client, since):
    error_of(client.get("/api/v1/changes", query_string={"since": since}), 400, "invalid_since")


def test_changes_missing_since(client):
    error_of(client.get("/api/v1/changes"), 400, "invalid_since")


def test_changes_too_old_is_410(database_url, make_entry):
    from server import create_app

    app = create_app({"DATABASE_URL": database_url, "CHANGES_RETAIN": 2})
    storage = app.extensions["caveat.storage"]
    storage.init_schema()
    for i in range(4):
        storage.upsert_entry(make_entry(f"s{i}.example"), "alice")
    client = app.test_client()
    assert client.get("/api/v1/changes?since=2").status_code == 200
    message = error_of(client.get("/api/v1/changes?since=1"), 410, "changes_gone")
    assert "full list" in message
    error_of(client.get("/api/v1/changes?since=99"), 410, "changes_gone")
    storage.dispose()


# --- reports ------------------------------------------------------------------

def post_report(client, body, **kwargs):
    return client.post("/api/v1/reports", json=body, **kwargs)


def test_report_accepted(client, storage):
    response = post_report(client, {"kind": "suggest", "domain": "https://WWW.Shop.example/cart",
                                    "comment": "  Sells albums for 10 cents  "})
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "received" and body["domain"] == "www.shop.example"
    stored = storage.list_reports()
    assert [(r["id"], r["kind"], r["domain"], r["comment"]) for r in stored] == [
        (body["id"], "suggest", "www.shop.example", "Sells albums for 10 cents")]


def test_report_without_comment(client, storage):
    assert post_report(client, {"kind": "mistake", "domain": "shop.example"}).status_code == 202
    assert storage.list_reports()[0]["comment"] == ""


def test_reporter_address_is_not_stored(client, storage):
    post_report(client, {"kind": "mistake", "domain": "shop.example"}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    with storage.engine.connect() as conn:
        rows = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM reports")]
        rows += [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM rate_limits")]
    assert rows and all("203.0.113.9" not in str(value) for row in rows for value in row)


@pytest.mark.parametrize(
    "body, code",
    [
        ({"kind": "praise", "domain": "shop.example"}, "invalid_report"),
        ({"domain": "shop.example"}, "invalid_report"),
        ({"kind": "suggest"}, "invalid_domain"),
        ({"kind": "suggest", "domain": "github.io"}, "invalid_domain"),
        ({"kind": "suggest", "domain": "10.0.0.1"}, "invalid_domain"),
        ({"kind": "suggest", "domain": 5}, "invalid_domain"),
        ({"kind": "suggest", "domain": "shop.example", "comment": 5}, "invalid_report"),
        ({"kind": "suggest", "domain": "shop.example", "comment": "x" * 1001}, "invalid_report"),
        ({"kind": "suggest", "domain": "shop.example", "comment": "bell\x07"}, "invalid_report"),
        ({"kind": "suggest", "domain": "shop.example", "email": "a@b.c"}, "invalid_report"),
    ],
)
def test_report_rejects_bad_fields(client, storage, body, code):
    error_of(post_report(client, body), 400, code)
    assert storage.list_reports() == []


def test_report_must_be_json(client):
    error_of(client.post("/api/v1/reports", data="kind=suggest&domain=shop.example",
                         content_type="application/x-www-form-urlencoded"), 415, "unsupported_media_type")
    error_of(client.post("/api/v1/reports"), 415, "unsupported_media_type")


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", "null", "\"text\"", "\xff\xfe"])
def test_report_rejects_malformed_json(client, raw):
    error_of(client.post("/api/v1/reports", data=raw, content_type="application/json"), 400, "invalid_json")


def test_report_body_size_limit(client):
    body = json.dumps({"kind": "suggest", "domain": "shop.example", "comment": "x" * 5000})
    error_of(client.post("/api/v1/reports", data=body, content_type="application/json"), 413, "payload_too_large")


def test_report_rate_limit_per_address(client, app):
    limit = app.config["REPORTS_RATE_LIMIT"]
    a = {"REMOTE_ADDR": "198.51.100.1"}
    for _ in range(limit):
        assert post_report(client, {"kind": "suggest", "domain": "shop.example"}, environ_base=a).status_code == 202
    response = post_report(client, {"kind": "suggest", "domain": "shop.example"}, environ_base=a)
    message = error_of(response, 429, "rate_limited")
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= app.config["REPORTS_RATE_WINDOW"]
    assert "try again" in message
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # the extension can read the 429
    other = {"REMOTE_ADDR": "198.51.100.2"}
    assert post_report(client, {"kind": "suggest", "domain": "shop.example"}, environ_base=other).status_code == 202


def test_rate_limit_uses_forwarded_address_behind_a_trusted_proxy(database_url):
    from server import create_app

    app = create_app({"DATABASE_URL": database_url, "TRUST_PROXY_HOPS": 1,
                      "REPORTS_RATE_LIMIT": 1})
    app.extensions["caveat.storage"].init_schema()
    client = app.test_client()
    body = {"kind": "suggest", "domain": "shop.example"}
    assert post_report(client, body, headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 202
    assert post_report(client, body, headers={"X-Forwarded-For": "192.0.2.2"}).status_code == 202
    assert post_report(client, body, headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 429
    app.extensions["caveat.storage"].dispose()


# --- health, openapi, errors, headers ---------------------------------------------

def test_healthz(client, listed):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "version": 1}


def test_healthz_reports_a_broken_database(database_url):
    from server import create_app

    app = create_app({"DATABASE_URL": database_url})  # never initialized: no tables
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["error"]["code"] == "database_unavailable"


def test_not_found_is_json(client):
    error_of(client.get("/nope"), 404, "not_found")
    error_of(client.get("/api/v1/warnings"), 404, "not_found")


@pytest.mark.parametrize("method, path", [("post", "/api/v1/list"), ("delete", "/api/v1/lookup"),
                                          ("put", "/healthz"), ("patch", "/api/v1/warnings/shop.example")])
def test_method_not_allowed_is_json_with_allow(client, method, path):
    response = getattr(client, method)(path)
    error_of(response, 405, "method_not_allowed")
    assert response.headers["Allow"]


def test_request_larger_than_max_content_length_is_413_json(client, auth, app):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.put("/api/v1/warnings/shop.example", data=body, content_type="application/json", headers=auth)
    error_of(response, 413, "payload_too_large")


def test_unhandled_exception_is_a_logged_json_500(app, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    message = error_of(response, 500, "internal_error")
    assert "kaboom" not in message
    assert "kaboom" in caplog.text


@pytest.mark.parametrize("path", ["/api/v1/list", "/api/v1/lookup?domain=x.example", "/nope", "/healthz",
                                  "/api/v1/reports"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_errors_are_not_cached(client):
    assert client.get("/nope").headers["Cache-Control"] == "no-store"
