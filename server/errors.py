"""JSON error bodies for every 4xx and 5xx: ``{"error": {"code", "message"}}``.

Flask's own errors (404, 405, 413, ...) and unhandled exceptions get the same
shape; an unhandled exception is logged with its traceback and answered 500
without details.
"""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

# Machine-readable codes for Flask/werkzeug's own HTTP errors.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    411: "length_required",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal_error",
    501: "not_implemented",
    503: "unavailable",
}

HTTP_MESSAGES = {
    404: "there is nothing at this address; the API is under /api/v1 (see /api/v1/openapi.json)",
    405: "this address does not accept that method",
    413: "the request body is too large",
}


class ApiError(Exception):
    """An error answered as JSON with ``status``, ``code`` and ``message``."""

    def __init__(self, status: int, code: str, message: str, *, headers=None, errors=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.errors = errors  # optional list of every problem (entry validation)


def error_response(status: int, code: str, message: str, *, headers=None, errors=None):
    body = {"error": {"code": code, "message": message}}
    if errors:
        body["error"]["errors"] = list(errors)
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Answer every error as JSON."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers, errors=exc.errors)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        headers = {}
        if status == 405 and exc.valid_methods:
            headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        message = HTTP_MESSAGES.get(status) or exc.description or exc.name
        return error_response(status, HTTP_CODES.get(status, "http_error"), message, headers=headers)

    @app.errorhandler(OperationalError)
    def _database_error(exc: OperationalError):
        # SQLite: another writer (a long import, another worker) held the
        # write lock past the busy timeout. Nothing was written; the caller
        # may retry. Anything else is a real failure.
        if "database is locked" in str(exc.orig):
            app.logger.warning("database busy: %s", exc.orig)
            return error_response(503, "busy", "the list is being changed by another writer; try again shortly",
                                  headers={"Retry-After": "1"})
        return _unhandled(exc)

    @app.errorhandler(Exception)
    def _unhandled(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", "the server failed to answer; the error has been logged")
