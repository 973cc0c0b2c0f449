"""Maintainer authentication: ``Authorization: Bearer <token>``.

A missing, malformed, unknown and revoked token all take the same path and
get the same 401, so a caller learns nothing about which it was.
"""

from __future__ import annotations

from functools import wraps

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


def require_maintainer(view):
    """Run ``view`` only for an active maintainer token; sets ``g.maintainer``."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        name = current_app.extensions["caveat.storage"].verify_token(bearer_token())
        if name is None:
            raise ApiError(UNAUTHORIZED.status, UNAUTHORIZED.code, UNAUTHORIZED.message,
                           headers=UNAUTHORIZED.headers)
        g.maintainer = name
        return view(*args, **kwargs)

    wrapper.caveat_maintainer_only = True
    return wrapper
