"""Logging in and out, and the dashboard."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from flask import current_app, g, redirect, render_template, request, session, url_for

from .. import accounts
from ..contract import STATUSES
from .blueprint import console, storage
from .security import start_session

LOGIN_FAILED = "Wrong name or password, or the account is disabled."
LOGIN_LIMITED = "Too many login attempts. Wait a few minutes and try again."


def _safe_next(target: str | None) -> str:
    """Only a path inside the console (never another site) to go to after logging in."""
    if target and target.startswith("/admin/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("console.dashboard")


def _limits(name: str) -> list[tuple[str, int]]:
    """The failed-login counters of this attempt: per account and per address (pseudonymous keys)."""
    config = current_app.config
    account = hashlib.sha256(name.strip().lower().encode("utf-8")).hexdigest()[:32]
    address = hashlib.sha256((request.remote_addr or "").encode("utf-8")).hexdigest()[:32]
    return [(f"login:user:{account}", config["LOGIN_RATE_LIMIT"]),
            (f"login:addr:{address}", config["LOGIN_ADDRESS_RATE_LIMIT"])]


def _rate_limited(name: str) -> bool:
    """True when the account or the address has used up its failed logins (counted in the
    database, so the limits hold across gunicorn workers)."""
    window = current_app.config["LOGIN_RATE_WINDOW"]
    return any(storage().rate_hits(key, window) >= limit for key, limit in _limits(name))


def _count_failure(name: str) -> None:
    window = current_app.config["LOGIN_RATE_WINDOW"]
    for key, limit in _limits(name):
        storage().check_rate(key, limit, window)


@console.route("/login", methods=["GET", "POST"])
def login():
    error, status, name = None, 200, ""
    if request.method == "POST":
        name = request.form.get("name", "")
        password = request.form.get("password", "")
        if _rate_limited(name):
            error, status = LOGIN_LIMITED, 429
        else:
            user = accounts.authenticate(storage(), name, password)
            if user is not None:
                start_session(user)
                storage().audit(user["name"], "login")
                return redirect(_safe_next(request.args.get("next")), code=303)
            _count_failure(name)
            error, status = LOGIN_FAILED, 401
    elif g.user is not None:
        return redirect(url_for("console.dashboard"))
    return render_template("console/login.html", error=error, name=name), status


@console.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("console.login"), code=303)


@console.get("/")
def dashboard():
    db = storage()
    today = datetime.now(timezone.utc).date()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:
        year_ago = today.replace(year=today.year - 1, day=28)
    return render_template(
        "console/dashboard.html",
        version=db.version(), total=db.count(), by_status=db.count_by_status(STATUSES),
        open_reports=len(db.list_reports("open")), waiting=db.count_proposals("waiting"),
        due=db.count_due(year_ago.isoformat()),
    )
