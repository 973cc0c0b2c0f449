"""The public read path's shortcuts (bench/README.md, "Server") answer exactly what the
general code they replace would: the lookup body that jsonify writes, the CORS headers
that flask-cors writes, If-None-Match as werkzeug parses it, the security headers on
every response, and no console session opened outside /admin.
"""

from __future__ import annotations

import gc

import pytest
from flask import Blueprint, Flask, jsonify, session
from flask.sessions import NullSession
from flask_cors import CORS

from server.api.public import CORS_OPTIONS
from server.cli import gunicorn_options
from server.security_headers import SECURITY_HEADERS

UNICODE_NAME = "Магазин «музыки» – ünïcode </script> \u2028"


@pytest.fixture
def listed(storage, make_entry):
    storage.upsert_entry(make_entry("shop.example", name=UNICODE_NAME, include_subdomains=True), "alice")
    storage.upsert_entry(make_entry("exact.example", include_subdomains=False), "alice")
    return storage


@pytest.mark.parametrize("host", ["shop.example", "www.shop.example", "exact.example",
                                  "www.exact.example", "other.example", "xn--mnchen-3ya.example"])
def test_lookup_body_is_byte_for_byte_what_jsonify_writes(app, client, listed, host):
    first = client.get(f"/api/v1/lookup?domain={host}")
    again = client.get(f"/api/v1/lookup?domain={host}")  # the second answer comes from the per-entry cache
    entry = app.extensions["caveat.published"].current().index.match(host)
    with app.test_request_context():
        expected = jsonify({"host": host, "listed": entry is not None, "warning": entry}).get_data()
    assert first.data == again.data == expected
    assert first.mimetype == "application/json"
    assert (entry is not None) == first.get_json()["listed"]


def _reference_app() -> Flask:
    """The same CORS options on a blueprint with nothing else: flask-cors's own answers."""
    reference = Flask("reference")
    blueprint = Blueprint("reference", __name__)

    @blueprint.get("/api/v1/lookup")
    def lookup():
        return jsonify({})

    CORS(blueprint, **CORS_OPTIONS)
    reference.register_blueprint(blueprint)
    return reference


def _cors(response) -> dict:
    return {name: value for name, value in response.headers.items() if name.startswith("Access-Control-")}


@pytest.mark.parametrize("origin", [None, "https://shop.example", "moz-extension://0b1d", "null"])
def test_simple_request_cors_headers_are_what_flask_cors_writes(client, listed, origin):
    headers = {} if origin is None else {"Origin": origin}
    expected = _cors(_reference_app().test_client().get("/api/v1/lookup?domain=a.example", headers=headers))
    assert expected  # the reference answers with CORS headers at all
    for path in ("/api/v1/lookup?domain=shop.example", "/api/v1/list", "/api/v1/lookup?domain=-", "/healthz"):
        assert _cors(client.get(path, headers=headers)) == expected, path


def test_a_preflight_is_still_answered_by_flask_cors(client):
    asked = {"Origin": "moz-extension://0b1d", "Access-Control-Request-Method": "GET",
             "Access-Control-Request-Headers": "if-none-match"}
    expected = _cors(_reference_app().test_client().options("/api/v1/lookup", headers=asked))
    assert "Access-Control-Max-Age" in expected
    assert _cors(client.options("/api/v1/lookup", headers=asked)) == expected


@pytest.mark.parametrize("form, status", [
    ("{etag}", 304), ("W/{etag}", 304), ("{gzip_etag}", 304), ("W/{gzip_etag}", 304),
    ('"x", {etag}', 304), ('  {etag} ', 304), ("*", 304),
    ("{etag_unquoted}", 304),  # werkzeug's parser is lenient about the quotes; so is the shortcut's fallback
    ('"v1-0000"', 200), ('W/"x"', 200), ("", 200),
])
def test_if_none_match_forms(client, listed, form, status):
    plain = client.get("/api/v1/list").headers["ETag"]
    zipped = client.get("/api/v1/list", headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    value = form.format(etag=plain, gzip_etag=zipped, etag_unquoted=plain.strip('"'))
    for encoding in ("gzip", "identity"):
        response = client.get("/api/v1/list", headers={"If-None-Match": value, "Accept-Encoding": encoding})
        assert response.status_code == status, (value, encoding)


@pytest.mark.parametrize("accept, gzipped", [
    ("gzip", True), ("gzip, deflate, br", True), ("GZIP", True), ("br;q=1, gzip;q=0.5", True), ("*", True),
    ("gzip;q=0", False), ("identity", False), ("br", False), ("", False), ("*;q=0", False),
])
def test_accept_encoding_forms(client, listed, accept, gzipped):
    response = client.get("/api/v1/list", headers={"Accept-Encoding": accept})
    assert (response.headers.get("Content-Encoding") == "gzip") is gzipped


def test_security_headers_on_api_console_and_not_found(client, listed):
    for path in ("/api/v1/lookup?domain=shop.example", "/api/v1/list", "/nowhere", "/admin/login"):
        response = client.get(path)
        for name in SECURITY_HEADERS:
            assert len(response.headers.getlist(name)) == 1, (path, name)  # present once: never doubled
    # A response's own value wins: the console's stricter policy is not replaced.
    assert "form-action 'self'" in client.get("/admin/login").headers["Content-Security-Policy"]


def test_console_session_is_opened_under_admin_only(app):
    cookie = {"Cookie": "caveat_console=forged"}
    with app.test_request_context("/api/v1/list", headers=cookie):
        assert isinstance(session._get_current_object(), NullSession)
    with app.test_request_context("/admin/login", headers=cookie):
        assert not isinstance(session._get_current_object(), NullSession)


def test_serve_freezes_the_masters_objects_before_each_fork():
    options = gunicorn_options({"BIND": "127.0.0.1:8000", "WORKERS": 1, "THREADS": 1, "TIMEOUT": 30,
                                "LOG_LEVEL": "info"})
    assert gc.get_freeze_count() == 0
    try:
        options["pre_fork"](None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
