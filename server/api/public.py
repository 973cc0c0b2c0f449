"""The public API: lookup, list, list.sig, changes, POST reports, openapi.json, and /healthz.

Open to any origin (CORS on these two blueprints only): the extension's origin differs per install and per
browser. docs/api.md describes every route.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request
from flask_cors import CORS
from werkzeug.http import parse_accept_header

from .. import reports
from ..errors import ApiError
from ..publish import VersionMoved, delta_document, json_bytes, signed_delta
from ..published import PublishedList
from ..storage import ChangesTooOld
from .http import cache, domain_or_400, json_body, no_store, storage

public = Blueprint("public", __name__, url_prefix="/api/v1")
health = Blueprint("health", __name__)

# Public answers are the same for everyone: "*" rather than echoing Origin
# (one cacheable response), no credentials, a day of preflight caching.
EXPOSED_HEADERS = ["ETag", "Retry-After", "X-Caveat-List-Version"]
CORS_OPTIONS = {"origins": "*", "send_wildcard": True, "methods": ["GET", "HEAD", "POST", "OPTIONS"],
                "allow_headers": ["Content-Type", "If-None-Match"], "expose_headers": EXPOSED_HEADERS,
                "supports_credentials": False, "max_age": 86400}
for _blueprint in (public, health):
    CORS(_blueprint, **CORS_OPTIONS)

# What flask-cors answers a simple (non-preflight) request with under these
# options, for any Origin or none (tests/test_hot_path.py holds the two equal).
# Written directly because flask-cors recomputes them on every request, a
# fifth of a lookup's time; it skips a response that already has them, and
# still answers every preflight.
SIMPLE_CORS_HEADERS = (("Access-Control-Allow-Origin", "*"),
                       ("Access-Control-Expose-Headers", ", ".join(EXPOSED_HEADERS)))


def _simple_cors(response: Response) -> Response:
    if request.method != "OPTIONS":
        for name, value in SIMPLE_CORS_HEADERS:
            response.headers.add(name, value)
    return response


for _blueprint in (public, health):  # registered after CORS(): a blueprint runs its hooks last-first
    _blueprint.after_request(_simple_cors)

OPENAPI_PATH = Path(__file__).parent.parent / "openapi.json"
_VERSION_PARAM = re.compile(r"^[0-9]{1,15}$")


def _cache():
    return current_app.extensions["caveat.published"]


def _published():
    return _cache().current()


def _signatures():
    return current_app.extensions["caveat.signatures"]


def _client_id() -> str:
    """A stable pseudonym for the caller's address (reports and rate limits never store it)."""
    address = request.remote_addr or "unknown"
    return hashlib.sha256(f"caveat-client:{address}".encode()).hexdigest()[:32]


@public.get("/lookup")
def lookup():
    text = request.args.get("domain")
    if text is None or not text.strip():
        raise ApiError(400, "invalid_domain", "give the host to look up: /api/v1/lookup?domain=HOST")
    host = domain_or_400(text, listable=False)
    response = Response(_published().lookup_answer(host), mimetype="application/json")
    return cache(response, current_app.config["LOOKUP_MAX_AGE"])


@lru_cache(maxsize=256)  # browsers send a handful of distinct values: parse each once
def _gzip_acceptable(accept_encoding: str) -> bool:
    return parse_accept_header(accept_encoding).quality("gzip") > 0


def _not_modified(published: PublishedList) -> bool:
    """Whether If-None-Match names this list: either representation's ETag revalidates
    (the content is the same), weak comparison, or ``*``."""
    sent = request.headers.get("If-None-Match")
    if sent is None:
        return False
    if sent in published.validators:  # the usual case: one ETag of ours, exactly as we sent it
        return True
    tags = request.if_none_match
    return tags.contains_weak(published.etag) or tags.contains_weak(published.gzip_etag) or tags.star_tag


@public.get("/list")
def full_list():
    published = _published()
    use_gzip = _gzip_acceptable(request.headers.get("Accept-Encoding", ""))
    etag = published.gzip_etag if use_gzip else published.etag
    if _not_modified(published):
        response = Response(status=304)
    else:
        response = Response(published.gzip_body if use_gzip else published.body,
                            mimetype="application/json")
        if use_gzip:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["X-Caveat-List-Version"] = str(published.version)
    return cache(response, current_app.config["LIST_MAX_AGE"])


@public.get("/list.sig")
def list_signature():
    published = _published()
    signature = _signatures().signature(published)
    if signature is None:
        raise ApiError(404, "unsigned", "this server has no signing key: its list is not signed")
    response = Response(json_bytes(signature), mimetype="application/json")
    response.set_etag(published.etag + "-sig")
    response.headers["X-Caveat-List-Version"] = str(published.version)
    return cache(response.make_conditional(request), current_app.config["LIST_MAX_AGE"])


def _since(text: str) -> int:
    if not _VERSION_PARAM.match(text):
        raise ApiError(400, "invalid_since",
                       "since must be a list version: a whole number, e.g. /changes/12 or ?since=12")
    return int(text)


def _delta(since: int) -> dict:
    """The delta from ``since`` to the current version, with its ``generated`` time and signature."""
    signatures = _signatures()
    cache = _cache()
    published = cache.current()
    try:
        return signed_delta(storage(), published, signatures.signature(published), since)
    except VersionMoved:
        pass
    # The held list is behind the database (another worker or server wrote, and
    # its check is not due yet): catch the shared list up, so a burst of deltas
    # builds it once, not once per request.
    published = cache.refresh()
    try:
        return signed_delta(storage(), published, signatures.signature(published), since)
    except VersionMoved:  # it moved again meanwhile: the list and its delta from one read
        snapshot, delta = storage().snapshot_and_changes(since)
        published = PublishedList.build(*snapshot, signer=signatures.signer)
        return delta_document(published, published.signature, since, delta["upserted"], delta["removed"])


def _changes(since_text: str):
    try:
        delta = _delta(_since(since_text))
    except ChangesTooOld as exc:
        raise ApiError(410, "changes_gone", str(exc)) from None
    response = Response(json_bytes(delta), mimetype="application/json")
    return cache(response, current_app.config["LIST_MAX_AGE"])


@public.get("/changes")
def changes():
    return _changes(request.args.get("since", ""))


@public.get("/changes/<since>")
def changes_path(since):
    """The same answer as ?since=: a static mirror can serve this form (caveat publish)."""
    return _changes(since)


@public.post("/reports")
def add_report():
    config = current_app.config
    client = _client_id()
    allowed, retry_after = storage().check_rate(
        f"reports:{client}", config["REPORTS_RATE_LIMIT"], config["REPORTS_RATE_WINDOW"])
    if not allowed:
        raise ApiError(429, "rate_limited",
                       f"too many reports from your address; try again in {retry_after} seconds",
                       headers={"Retry-After": str(retry_after)})
    data = json_body(config["REPORT_MAX_BYTES"])
    try:
        received = reports.submit(storage(), data, client=client, comment_max=config["REPORT_COMMENT_MAX"])
    except reports.ReportError as exc:
        raise ApiError(400, exc.code, exc.message) from None
    response = jsonify(received)
    response.status_code = 202
    return no_store(response)


@public.get("/openapi.json")
def openapi():
    response = Response(OPENAPI_PATH.read_bytes(), mimetype="application/json")
    return cache(response, 3600)


@health.get("/healthz")
def healthz():
    try:
        version = storage().version()
    except Exception:  # any database failure means "not healthy", never a 500
        current_app.logger.exception("health check: database unavailable")
        response = jsonify({"status": "unavailable", "database": "error",
                            "error": {"code": "database_unavailable", "message": "the database cannot be reached"}})
        response.status_code = 503
        return no_store(response)
    return no_store(jsonify({"status": "ok", "database": "ok", "version": version}))
