"""What both blueprints need to read a request and shape an answer."""

from __future__ import annotations

import json

from flask import Response, current_app, request

from ..domains import DomainError, normalize_domain, normalize_host
from ..errors import ApiError


def storage():
    return current_app.extensions["caveat.storage"]


def cache(response: Response, max_age: int) -> Response:
    response.headers["Cache-Control"] = f"public, max-age={int(max_age)}"
    return response


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def json_body(max_bytes: int | None = None) -> dict:
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


def domain_or_400(text, *, listable: bool) -> str:
    """A listable domain (``listable``) or any host, normalized; 400 invalid_domain otherwise."""
    try:
        return normalize_domain(text) if listable else normalize_host(text)
    except DomainError as exc:
        raise ApiError(400, "invalid_domain", str(exc)) from None
