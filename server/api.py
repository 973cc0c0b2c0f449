"""HTTP API: the ``/api/v1`` blueprint and ``/healthz``.

Public: lookup, list, changes, POST reports, openapi.json, healthz (CORS for
any origin). Maintainers only (``@require_maintainer``, never CORS): PUT and
DELETE warnings, GET reports. docs/api.md describes every route.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from flask import Blueprint, Response, current_app, g, jsonify, request

from .auth import require_maintainer
from .domains import DomainError, normalize_domain, normalize_host
from .entries import EntryError, validate_entry
from .errors import ApiError
from .storage import REPORT_KINDS, REPORT_STATUSES, ChangesTooOld

api = Blueprint("api", __name__, url_prefix="/api/v1")
health = Blueprint("health", __name__)

OPENAPI_PATH = Path(__file__).parent / "openapi.json"
_VERSION_PARAM = re.compile(r"^[0-9]{1,15}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _storage():
    return current_app.extensions["caveat.storage"]


def _published():
    return current_app.extensions["caveat.published"].current()


def _cache(response: Response, max_age: int) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={int(max_age)}"
    return response


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _json_body(max_bytes: int | None = None):
    """The request's JSON object; 415 unless JSON, 413 when too big, 400 when malformed."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send a JSON body with Content-Type: application/json")
    if max_bytes is not None:
        request.max_content_length = max_bytes  # Flask 3.1: a per-request limit, raises 413
    raw = request.get_data(cache=True)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(raw) >= limit:
        # A streamed (chunked) body is cut at the limit rather than refused
        # (werkzeug's LimitedStream); refuse it as too large, not as bad JSON.
        raise ApiError(413, "payload_too_large", "the request body is too large")
    try:
        data = json.loads(raw)
        # JSON can spell unpaired surrogates ("\ud800"), which are not text:
        # refuse them here rather than fail when the database encodes them.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError, RecursionError):  # RecursionError: deeply nested arrays/objects
        raise ApiError(400, "invalid_json", "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object")
    return data


def _domain_or_400(text, *, listable: bool):
    try:
        return normalize_domain(text) if listable else normalize_host(text)
    except DomainError as exc:
        raise ApiError(400, "invalid_domain", str(exc)) from None


def _client_id() -> str:
    """A stable pseudonym for the caller's address (reports and rate limits never store it)."""
    address = request.remote_addr or "unknown"
    return hashlib.sha256(f"caveat-client:{address}".encode()).hexdigest()[:32]


# --- public ---------------------------------------------------------------

@api.get("/lookup")
def lookup():
    text = request.args.get("domain")
    if text is None or not text.strip():
        raise ApiError(400, "invalid_domain", "give the host to look up: /api/v1/lookup?domain=HOST")
    host = _domain_or_400(text, listable=False)
    entry = _published().index.match(host)
    response = jsonify({"host": host, "listed": entry is not None, "warning": entry})
    return _cache(response, current_app.config["LOOKUP_MAX_AGE"])


def _accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


@api.get("/list")
def full_list():
    published = _published()
    use_gzip = _accepts_gzip()
    etag = published.gzip_etag if use_gzip else published.etag
    # Either representation's ETag revalidates: the content is the same.
    not_modified = (request.if_none_match.contains_weak(published.etag)
                    or request.if_none_match.contains_weak(published.gzip_etag)
                    or request.if_none_match.star_tag)
    if not_modified:
        response = Response(status=304)
    else:
        response = Response(published.gzip_body if use_gzip else published.body,
                            mimetype="application/json")
        if use_gzip:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(etag)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["X-Caveat-List-Version"] = str(published.version)
    return _cache(response, current_app.config["LIST_MAX_AGE"])


@api.get("/changes")
def changes():
    since = request.args.get("since", "")
    if not _VERSION_PARAM.match(since):
        raise ApiError(400, "invalid_since", "since must be a list version: a whole number, e.g. ?since=12")
    try:
        delta = _storage().changes_since(int(since))
    except ChangesTooOld as exc:
        raise ApiError(410, "changes_gone", str(exc)) from None
    return _cache(jsonify(delta), current_app.config["LIST_MAX_AGE"])


@api.post("/reports")
def add_report():
    config = current_app.config
    client = _client_id()
    allowed, retry_after = _storage().check_rate(
        f"reports:{client}", config["REPORTS_RATE_LIMIT"], config["REPORTS_RATE_WINDOW"])
    if not allowed:
        raise ApiError(429, "rate_limited",
                       f"too many reports from your address; try again in {retry_after} seconds",
                       headers={"Retry-After": str(retry_after)})
    data = _json_body(config["REPORT_MAX_BYTES"])
    unknown = sorted(set(data) - {"kind", "domain", "comment"})
    if unknown:
        raise ApiError(400, "invalid_report", f"unknown field(s): {', '.join(unknown)}")
    kind = data.get("kind")
    if kind not in REPORT_KINDS:
        raise ApiError(400, "invalid_report", f"kind must be one of {', '.join(REPORT_KINDS)}")
    if "domain" not in data:
        raise ApiError(400, "invalid_domain", "domain is required")
    domain = _domain_or_400(data["domain"], listable=True)
    comment = data.get("comment", "")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise ApiError(400, "invalid_report", "comment must be a string")
    comment = comment.strip()
    if len(comment) > config["REPORT_COMMENT_MAX"]:
        raise ApiError(400, "invalid_report",
                       f"comment is {len(comment)} characters long; the limit is {config['REPORT_COMMENT_MAX']}")
    if _CONTROL.search(comment):
        raise ApiError(400, "invalid_report", "comment must not contain control characters")
    report_id = _storage().add_report(kind, domain, comment, client)
    response = jsonify({"id": report_id, "status": "received", "kind": kind, "domain": domain})
    response.status_code = 202
    return _no_store(response)


@api.get("/openapi.json")
def openapi():
    response = Response(OPENAPI_PATH.read_bytes(), mimetype="application/json")
    return _cache(response, 3600)


# --- maintainers ------------------------------------------------------------

@api.put("/warnings/<domain>")
@require_maintainer
def put_warning(domain):
    domain = _domain_or_400(domain, listable=True)
    data = _json_body()
    try:
        entry = validate_entry(data, domain=domain)
    except EntryError as exc:
        raise ApiError(400, "invalid_entry", "the entry is not valid: " + "; ".join(exc.errors),
                       errors=exc.errors) from None
    if "created" in entry or "updated" in entry:
        entry = {k: v for k, v in entry.items() if k not in ("created", "updated")}
    storage = _storage()
    existed = storage.get_entry(domain) is not None
    version = storage.upsert_entry(entry, actor=g.maintainer)
    response = jsonify({"version": version, "warning": storage.get_entry(domain)})
    response.status_code = 200 if existed else 201
    return _no_store(response)


@api.delete("/warnings/<domain>")
@require_maintainer
def delete_warning(domain):
    domain = _domain_or_400(domain, listable=True)
    version = _storage().delete_entry(domain, actor=g.maintainer)
    if version is None:
        raise ApiError(404, "not_listed", f"{domain} is not on the list")
    return _no_store(jsonify({"version": version, "removed": domain}))


@api.get("/reports")
@require_maintainer
def list_reports():
    status = request.args.get("status")
    if status is not None and status not in REPORT_STATUSES:
        raise ApiError(400, "invalid_status", f"status must be one of {', '.join(REPORT_STATUSES)}")
    return _no_store(jsonify({"reports": _storage().list_reports(status)}))


# --- health -------------------------------------------------------------------

@health.get("/healthz")
def healthz():
    try:
        version = _storage().version()
    except Exception:  # any database failure means "not healthy", never a 500
        current_app.logger.exception("health check: database unavailable")
        response = jsonify({"status": "unavailable", "database": "error",
                            "error": {"code": "database_unavailable", "message": "the database cannot be reached"}})
        response.status_code = 503
        return _no_store(response)
    return _no_store(jsonify({"status": "ok", "database": "ok", "version": version}))
