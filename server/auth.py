"""Maintainer authentication: ``Authorization: Bearer <token>``.

A missing, malformed, unknown and revoked token all take the same path and
get the same 401, so a caller learns nothing about which it was.
"""

from __future__ import annotations

from flask import current_app, g, request

from .errors import ApiError

UNAUTHORIZED = ApiError(
    401, "unauthorized", "a valid maintainer token is required: Authorization: Bearer <token>",
    headers={"WWW-Authenticate": 'Bearer realm="caveat"'},
)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def require_token() -> None:
    """A ``before_request`` hook: 401 unless the request has an active token; sets
    ``g.maintainer`` (its name) and ``g.role`` (editor, reviewer or admin)."""
    found = current_app.extensions["caveat.storage"].verify_token_role(bearer_token())
    if found is None:
        raise ApiError(UNAUTHORIZED.status, UNAUTHORIZED.code, UNAUTHORIZED.message,
                       headers=UNAUTHORIZED.headers)
    g.maintainer, g.role = found
