"""The console's defences: the secret key, session cookies, sign-in on every page, CSRF,
same-origin POSTs, and the headers of every /admin response.

Sessions are Flask's signed cookies (itsdangerous, timestamped: they expire
after CAVEAT_SESSION_SECONDS). A session names the user and the account's
``session_epoch``; disabling an account or changing its password bumps the
epoch, so its sessions end at their next request.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

from .blueprint import console, storage

csrf = CSRFProtect()

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
# Pages anybody may see (the login form itself and the stylesheet).
OPEN_ENDPOINTS = {"console.login", "console.static"}


class ConsoleSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over https
    (directly, or through TRUST_PROXY_HOPS proxies saying X-Forwarded-Proto: https)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure

    def open_session(self, app, request):
        # The cookie's path is /admin, so no browser sends it anywhere else:
        # the API's requests skip building a signing serializer for nothing.
        if not request.path.startswith(app.config["SESSION_COOKIE_PATH"]):
            return None  # Flask makes a NullSession (read-only, never saved)
        return super().open_session(app, request)


def secret_key(app) -> str:
    """CAVEAT_SECRET_KEY, else a key generated once into the instance folder (mode 0600)."""
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)  # atomic, and never replaces a key another worker made
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


def configure(app) -> None:
    app.secret_key = secret_key(app)
    lifetime = int(app.config["SESSION_SECONDS"])
    app.config.update(
        SESSION_COOKIE_NAME="caveat_console",
        SESSION_COOKIE_PATH="/admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=lifetime),
        WTF_CSRF_CHECK_DEFAULT=False,  # the console checks its own POSTs; the API has no cookies
        WTF_CSRF_TIME_LIMIT=lifetime,
    )
    app.session_interface = ConsoleSessionInterface()
    csrf.init_app(app)


def _same_origin(value: str) -> bool:
    parts = urlsplit(value)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


@console.before_request
def _guard():
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        origin = request.headers.get("Origin")
        if (origin is not None and not _same_origin(origin)) or \
                request.headers.get("Sec-Fetch-Site") == "cross-site":
            abort(403)
        csrf.protect()  # CSRFError (400) without a valid token
    g.user = None
    user_id = session.get("uid")
    if user_id is not None:
        user = storage().get_user_by_id(user_id)
        if user is None or user["disabled"] or user["session_epoch"] != session.get("epoch"):
            session.clear()
        else:
            g.user = user
    if g.user is None and request.endpoint not in OPEN_ENDPOINTS:
        return redirect(url_for("console.login", next=request.path), code=303)
    return None


@console.after_request
def _headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Vary"] = "Cookie"
    # same-origin, not the API's no-referrer: with no-referrer a browser sends
    # "Origin: null" on form posts, and Flask-WTF checks the Referer over https.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def start_session(user: dict) -> None:
    session.clear()
    session.permanent = True
    session["uid"] = user["id"]
    session["epoch"] = user["session_epoch"]
