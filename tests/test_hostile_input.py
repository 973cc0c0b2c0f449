"""Hostile HTTP input against the app: every bad request gets a JSON 4xx in
the design's error shape (``{"error": {"code", "message"}}``), never a 500;
security headers on every response; the report rate limit; maintainer 401s
that say nothing about why.

Through ``app.test_client()`` on a real SQLite database (tests/conftest.py).
Limits a front server enforces before the app (gunicorn's request-line and
header limits) are covered in tests/reliability/test_server_limits.py.
"""

from __future__ import annotations

import hashlib
import json

import pytest

REPORTS = "/api/v1/reports"
VALID_REPORT = {"kind": "mistake", "domain": "allofmp3.example", "comment": "They closed."}


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    """``response`` is ``status`` with the design's error body; returns the error object."""
    assert response.status_code == status, (response.status_code, response.data[:300])
    assert response.mimetype == "application/json", response.mimetype
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


def put(client, auth, domain, body: bytes | str, content_type="application/json"):
    return client.put(f"/api/v1/warnings/{domain}", data=body, content_type=content_type, headers=auth)


# --- body size -------------------------------------------------------------------------------

def test_oversized_entry_body_is_413(client, auth, make_entry, app):
    entry = make_entry(details="x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert_json_error(put(client, auth, "allofmp3.example", json.dumps(entry)), 413, "payload_too_large")


def test_oversized_report_body_is_413(client, app):
    body = json.dumps({**VALID_REPORT, "comment": "x" * app.config["REPORT_MAX_BYTES"]})
    assert_json_error(client.post(REPORTS, data=body, content_type="application/json"), 413)


def test_oversized_body_is_refused_before_authentication_matters(client):
    """An anonymous caller cannot make the server buffer a huge body: 401 or 413, never 2xx/5xx."""
    response = client.put("/api/v1/warnings/allofmp3.example", data=b"x" * (1 << 20), content_type="application/json")
    assert response.status_code in (401, 413)
    assert_json_error(response, response.status_code)


# --- content types and encodings ---------------------------------------------------------------

@pytest.mark.parametrize("content_type", [
    None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/xml", "text/html", "application/jsonp", "json", "*/*",
])
def test_wrong_content_type_is_415(client, auth, make_entry, content_type):
    body = json.dumps(make_entry())
    headers = dict(auth)
    if content_type:
        headers["Content-Type"] = content_type
    assert_json_error(client.put("/api/v1/warnings/allofmp3.example", data=body, headers=headers), 415)
    report_headers = {"Content-Type": content_type} if content_type else {}
    assert_json_error(client.post(REPORTS, data=json.dumps(VALID_REPORT), headers=report_headers), 415)


@pytest.mark.parametrize("body", [
    b'{"kind": "mistake", "domain": "caf\xe9.example"}',          # Latin-1, not UTF-8
    b"\xff\xfe\x00\x00garbage",                                    # broken BOM
    b'{"kind": "mistake", "domain": "a.example", "comment": "\xc3\x28"}',  # invalid UTF-8 sequence
    b"\x00" * 64,
    b"",
    b"{",
    b'{"kind": "mistake",}',
    b"null",
    b"[1, 2]",
    b'"a string"',
    b"\xef\xbb\xbf{",
])
def test_malformed_or_non_utf8_json_is_400(client, body):
    assert_json_error(client.post(REPORTS, data=body, content_type="application/json"), 400, "invalid_json")


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\udc80abc", "a\\ud83d"])
def test_unpaired_surrogate_escapes_are_400_not_500(client, auth, make_entry, escape):
    """JSON can spell text that is not Unicode ("\\ud800"); it must be refused, not crash the database write."""
    report = json.dumps({**VALID_REPORT, "comment": "x"}).replace('"x"', f'"{escape}"')
    assert_json_error(client.post(REPORTS, data=report, content_type="application/json"), 400)
    entry = json.dumps(make_entry(name="NAME")).replace('"NAME"', f'"{escape}"')
    assert_json_error(put(client, auth, "allofmp3.example", entry), 400)


def test_a_paired_surrogate_escape_is_ordinary_text(client):
    body = json.dumps({**VALID_REPORT, "comment": "x"}).replace('"x"', '"great \\ud83c\\udfb5 store"')
    response = client.post(REPORTS, data=body, content_type="application/json")
    assert response.status_code == 202


@pytest.mark.parametrize("depth", [1_000, 2_000, 40_000])
def test_deeply_nested_json_is_400_not_500(client, auth, depth, app):
    nested = "[" * depth + "]" * depth
    if len(nested) <= app.config["REPORT_MAX_BYTES"]:
        assert_json_error(client.post(REPORTS, data=nested, content_type="application/json"), 400)
    objects = '{"name":' * depth + "1" + "}" * depth
    for body in (nested, objects):
        if len(body) <= app.config["MAX_CONTENT_LENGTH"]:
            assert_json_error(put(client, auth, "allofmp3.example", body), 400)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999999", "123456789" * 50])
def test_odd_json_numbers_are_refused_as_values(client, auth, make_entry, literal):
    body = json.dumps(make_entry(include_subdomains="X")).replace('"X"', literal)
    assert_json_error(put(client, auth, "allofmp3.example", body), 400, "invalid_entry")


def test_duplicate_keys_do_not_bypass_validation(client, auth, make_entry):
    """With a repeated key the last one counts, and it is validated like any other."""
    body = json.dumps(make_entry())[:-1] + ', "summary": "<script>alert(1)</script>"}'
    error = assert_json_error(put(client, auth, "allofmp3.example", body), 400, "invalid_entry")
    assert any(e.startswith("summary") for e in error["errors"])


# --- query strings and paths ---------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "domain=" + "a" * 100_000,
    "domain=" + "a." * 5_000 + "com",
    "domain=" + "%00" * 1000,
    "domain=%ff%fe",
    "domain=x.example&domain=y.example&" + "&".join(f"p{i}=1" for i in range(5_000)),
    "domain=http://[::1]:80/",
    "domain=" + "\u202e" + "moc.elpmaxe",
    "domain=a.example%0d%0aSet-Cookie:%20x=1",
])
def test_huge_or_strange_lookup_queries_are_400(client, query):
    response = client.get(f"/api/v1/lookup?{query}")
    if response.status_code == 200:  # only the repeated-parameter case may answer: the first value counts
        assert query.startswith("domain=x.example&")
        assert response.get_json()["host"] == "x.example"
    else:
        assert_json_error(response, 400, "invalid_domain")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("since", ["-1", "1.5", "1e3", "0x10", "99999999999999999999", "%00", "", " 1", "١٢"])
def test_bad_changes_since_is_400(client, since):
    assert_json_error(client.get(f"/api/v1/changes?since={since}"), 400, "invalid_since")


@pytest.mark.parametrize("path", [
    "/api/v1/warnings/" + "a" * 10_000, "/api/v1/warnings/..%2f..%2fetc%2fpasswd", "/api/v1/warnings/%00",
    "/api/v1/warnings/com", "/api/v1/warnings/127.0.0.1", "/api/v1/warnings/%E2%80%AEmoc.x",
])
def test_bad_warning_paths_are_4xx(client, auth, make_entry, path):
    response = client.put(path, json=make_entry(domain="ignored.example"), headers=auth)
    assert response.status_code in (400, 404), response.status_code
    assert_json_error(response, response.status_code)


@pytest.mark.parametrize("method", ["PATCH", "TRACE", "PROPFIND", "POST"])
def test_unknown_methods_are_405_json(client, method):
    response = client.open("/api/v1/list", method=method)
    assert_json_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


# --- headers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("host", [
    "evil.example", "evil.example:99999", "a b", "ex\u00e4mple.example", "[::1]", "x" * 5000, "", "localhost:0",
])
def test_weird_host_headers_change_nothing(client, host):
    """The app builds no URLs from Host: the answer is the same whatever Host says
    (werkzeug refuses a Host it cannot parse, e.g. 5000 characters, with a JSON 400)."""
    response = client.get("/api/v1/lookup?domain=allofmp3.example", headers={"Host": host})
    if response.status_code == 200:
        assert response.get_json()["host"] == "allofmp3.example"
    else:
        assert_json_error(response, 400)
    if host:
        assert host not in str(response.headers)


def test_header_values_are_never_reflected(client):
    """Nothing from request headers is copied into response headers (no response splitting)."""
    canary = "caveat-canary-1234"
    response = client.get("/api/v1/list", headers={
        "If-None-Match": f'"{canary}"', "Origin": f"https://{canary}.example",
        "Accept-Encoding": canary, "X-Forwarded-For": canary, "X-Forwarded-Host": canary,
    })
    assert response.status_code == 200
    assert canary not in str(response.headers)


def test_crlf_in_header_values_cannot_reach_the_app():
    """Werkzeug refuses to even build a request whose header value holds CR/LF."""
    from werkzeug.datastructures import Headers

    with pytest.raises(ValueError):
        Headers([("If-None-Match", '"x"\r\nSet-Cookie: a=b')])


# --- security headers -------------------------------------------------------------------------

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def test_security_headers_on_every_kind_of_response(client, auth, make_entry, app):
    """2xx, 304, 400, 401, 404, 405, 410, 413, 415 and 500-free answers alike carry the headers."""
    etag = client.get("/api/v1/list").headers["ETag"]
    responses = {
        "200 list": client.get("/api/v1/list"),
        "200 gzip list": client.get("/api/v1/list", headers={"Accept-Encoding": "gzip"}),
        "304": client.get("/api/v1/list", headers={"If-None-Match": etag}),
        "200 lookup": client.get("/api/v1/lookup?domain=allofmp3.example"),
        "200 openapi": client.get("/api/v1/openapi.json"),
        "200 healthz": client.get("/healthz"),
        "201 put": client.put("/api/v1/warnings/allofmp3.example", json=make_entry(), headers=auth),
        "202 report": client.post(REPORTS, json=VALID_REPORT),
        "400": client.get("/api/v1/lookup?domain=com.."),
        "401": client.get(REPORTS),
        "404": client.get("/nothing-here"),
        "405": client.delete("/api/v1/list"),
        "410": client.get("/api/v1/changes?since=999999"),
        "413": client.post(REPORTS, data="x" * (app.config["REPORT_MAX_BYTES"] + 1), content_type="application/json"),
        "415": client.post(REPORTS, data="x", content_type="text/plain"),
        "options": client.options("/api/v1/list", headers={"Origin": "https://a.example",
                                                            "Access-Control-Request-Method": "GET"}),
    }
    for name, response in responses.items():
        assert response.status_code < 500, name
        for header, value in SECURITY_HEADERS.items():
            assert response.headers.get(header) == value, (name, header, response.headers.get(header))
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, (name, csp)
    assert responses["304"].status_code == 304 and responses["410"].status_code == 410


def test_no_response_is_html(client):
    """Even the 404 for a browser asking for HTML is JSON: there is no HTML to inject into."""
    for path in ("/", "/nothing", "/api/v1/", "/api/v1/warnings/"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.mimetype == "application/json", (path, response.mimetype)


# --- rate limit ---------------------------------------------------------------------------------

@pytest.fixture
def app_config(tmp_path):
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'caveat.db'}", "TESTING": True,
            "REPORTS_RATE_LIMIT": 3, "REPORTS_RATE_WINDOW": 600}


def test_reports_are_rate_limited_per_address_with_retry_after(client):
    here = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(3):
        assert client.post(REPORTS, json=VALID_REPORT, environ_base=here).status_code == 202
    limited = client.post(REPORTS, json=VALID_REPORT, environ_base=here)
    assert_json_error(limited, 429, "rate_limited")
    retry_after = int(limited.headers["Retry-After"])
    assert 1 <= retry_after <= 600
    # Another address still gets through: the limit is per client, not global.
    assert client.post(REPORTS, json=VALID_REPORT, environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 202


def test_bad_reports_count_against_the_limit_too(client):
    """Otherwise a flood of malformed or oversized reports would be free."""
    here = {"REMOTE_ADDR": "203.0.113.8"}
    for _ in range(3):
        assert client.post(REPORTS, data="{", content_type="application/json", environ_base=here).status_code == 400
    assert_json_error(client.post(REPORTS, json=VALID_REPORT, environ_base=here), 429)


def test_forwarded_for_is_not_trusted_by_default(client):
    """Without TRUST_PROXY_HOPS a caller cannot dodge the limit by inventing X-Forwarded-For."""
    here = {"REMOTE_ADDR": "203.0.113.9"}
    statuses = [client.post(REPORTS, json=VALID_REPORT, environ_base=here,
                            headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(5)]
    assert statuses == [202, 202, 202, 429, 429]


# --- maintainer authentication ------------------------------------------------------------------

def _unauthorized_signature(response):
    """Everything a caller can observe of a 401 except the clock."""
    headers = {k: v for k, v in response.headers.items() if k.lower() != "date"}
    return response.status_code, tuple(sorted(headers.items())), response.data


BAD_AUTHORIZATION = [
    None, "", "Bearer", "Bearer ", "Bearer  ", "Basic dXNlcjpwYXNz", "Token abc", "bearer",
    "Bearer cvt_wrong", "Bearer " + "a" * 10_000, "Bearer \u00e9\u00e8", "Bearer a b c",
    "Bearer cvt_" + "A" * 43, "Digest username=x", "Bearer\tcvt_x", "Bearer null", "Bearer undefined",
]


def test_401_is_identical_for_missing_wrong_and_revoked_tokens(client, storage, make_entry):
    revoked = storage.create_token("revoked-maintainer")
    assert storage.revoke_token("revoked-maintainer")
    variants = BAD_AUTHORIZATION + [f"Bearer {revoked}", f"bearer {revoked}", f"Bearer {revoked}x",
                                    f"Bearer {revoked[:-1]}"]
    for request in (lambda h: client.get(REPORTS, headers=h),
                    lambda h: client.put("/api/v1/warnings/allofmp3.example", json=make_entry(), headers=h),
                    lambda h: client.delete("/api/v1/warnings/allofmp3.example", headers=h)):
        signatures = set()
        for value in variants:
            response = request({} if value is None else {"Authorization": value})
            assert_json_error(response, 401, "unauthorized")
            assert response.headers["WWW-Authenticate"] == 'Bearer realm="caveat"'
            signatures.add(_unauthorized_signature(response))
        assert len(signatures) == 1, "a 401 must not reveal which kind of bad token was sent"


def test_an_active_token_works_and_the_same_token_revoked_does_not(client, storage):
    token = storage.create_token("soon-revoked")
    assert client.get(REPORTS, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    storage.revoke_token("soon-revoked")
    assert_json_error(client.get(REPORTS, headers={"Authorization": f"Bearer {token}"}), 401)


def test_token_check_compares_hashes_in_constant_time(storage, monkeypatch):
    """Code review, made executable: the presented token is hashed first; the
    database is searched by that SHA-256 (an attacker timing the index lookup
    learns about the hash of their own guess, not about a stored secret);
    the stored and computed hashes are compared with hmac.compare_digest.
    Tests never measure time (the machine is shared and noisy)."""
    import hmac

    import server.storage_tokens as storage_module

    token = storage.create_token("timing")
    compared: list[tuple[str, str]] = []
    real_compare = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr(storage_module.hmac, "compare_digest", spy)
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    from sqlalchemy import event

    event.listen(storage.engine, "before_cursor_execute", record)
    try:
        assert storage.verify_token(token) == "timing"
        assert storage.verify_token(token + "x") is None
    finally:
        event.remove(storage.engine, "before_cursor_execute", record)

    digest = hashlib.sha256(token.encode()).hexdigest()
    assert compared == [(digest, digest)], "the found row's hash is compared with hmac.compare_digest"
    for statement, parameters in statements:
        assert token not in statement and token not in repr(parameters), "the plaintext token never reaches SQL"
    assert any(digest in repr(parameters) for _, parameters in statements)


def test_maintainer_endpoints_send_no_cors_headers(client, auth):
    """A web page can never drive the maintainer API with a maintainer's browser."""
    response = client.get(REPORTS, headers={**auth, "Origin": "https://evil.example"})
    assert response.status_code == 200
    assert not [h for h in response.headers.keys() if h.lower().startswith("access-control-")]
    preflight = client.options("/api/v1/warnings/allofmp3.example", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert not [h for h in preflight.headers.keys() if h.lower().startswith("access-control-")]


# --- script and data URLs as sources -------------------------------------------------------------

SCRIPT_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
               "data:text/html,<script>alert(1)</script>", "data:text/html;base64,PHNjcmlwdD4=",
               "vbscript:msgbox", "blob:https://a.example/x", "file:///etc/passwd", "//a.example/x"]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_server_refuses_script_and_data_source_urls(client, auth, make_entry, url):
    entry = make_entry(sources=[{"title": "Source", "url": url}])
    error = assert_json_error(client.put("/api/v1/warnings/allofmp3.example", json=entry, headers=auth),
                              400, "invalid_entry")
    assert any(e.startswith("sources[0].url") for e in error["errors"]), error


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "JAVASCRIPT:void(0)"])
def test_build_refuses_a_list_with_script_or_data_source_urls(tmp_path, make_entry, url, capsys):
    import build

    entry = make_entry(sources=[{"title": "Source", "url": url}])
    list_file = tmp_path / "list.json"
    list_file.write_text(json.dumps({"format": 1, "version": 1, "entries": [entry]}), encoding="utf-8")
    code = build.main(["--browser", "chrome", "--out", str(tmp_path / "dist"), "--list", str(list_file)])
    assert code != 0
    assert "sources[0].url" in capsys.readouterr().err
    assert not (tmp_path / "dist" / "chrome" / "data" / "list.json").exists()
