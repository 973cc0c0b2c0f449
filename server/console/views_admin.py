"""Admin pages: the audit log, importing a list file (dry run, then apply), users and tokens."""

from __future__ import annotations

import json
import re
import secrets
import tempfile
from pathlib import Path

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from .. import accounts, maintenance
from ..listfile import ListFileError, read_list_file
from ..storage import TokenNameError, UserExists
from .blueprint import PAGE_SIZE, console, needs, storage

_SUFFIX = re.compile(r"\.(ya?ml|json)$", re.IGNORECASE)
_PENDING = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@console.get("/audit")
@needs("reviewer", "admin")
def audit():
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    rows = storage().audit_log(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("console/audit.html", rows=rows, page=page, more=len(rows) == PAGE_SIZE)


# --- import ------------------------------------------------------------------------------

def _pending_dir() -> Path:
    path = Path(current_app.instance_path) / "pending-imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _read_upload(upload) -> dict:
    """The uploaded list file, validated (ListFileError naming the file as uploaded)."""
    shown = upload.filename or "upload"
    match = _SUFFIX.search(shown)
    suffix = match.group(0).lower() if match else ".yaml"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        upload.save(path)
        try:
            return read_list_file(path)
        except ListFileError as exc:
            raise ListFileError([error.replace(str(path), shown) for error in exc.errors]) from None


@console.route("/import", methods=["GET", "POST"])
@needs("admin")
def import_page():
    if request.method == "GET":
        return render_template("console/import.html", plan=None, errors=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("console/import.html", plan=None, errors=["Choose a YAML or JSON list file."]), 400
    try:
        document = _read_upload(upload)
    except ListFileError as exc:
        return render_template("console/import.html", plan=None, errors=exc.errors[:200],
                               filename=upload.filename), 400
    prune = request.form.get("prune") == "on"
    plan = maintenance.plan_import(storage(), document, prune=prune)
    pending = secrets.token_urlsafe(24)
    (_pending_dir() / f"{pending}.json").write_text(json.dumps(
        {"user": g.user["name"], "prune": prune, "version": storage().version(), "document": document},
        ensure_ascii=False), encoding="utf-8")
    return render_template("console/import.html", plan=plan, errors=None, pending=pending,
                           filename=upload.filename, prune=prune)


@console.post("/import/apply")
@needs("admin")
def import_apply():
    pending = request.form.get("pending", "")
    if not _PENDING.match(pending):
        abort(400)
    path = _pending_dir() / f"{pending}.json"
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        flash("That dry run has expired or was already applied; upload the file again.", "error")
        return redirect(url_for("console.import_page"), code=303)
    if saved["user"] != g.user["name"]:
        abort(403)
    db = storage()
    if db.version() != saved["version"]:
        flash("The list changed since the dry run; upload the file again to see the new differences.", "error")
        path.unlink(missing_ok=True)
        return redirect(url_for("console.import_page"), code=303)
    plan = maintenance.plan_import(db, saved["document"], prune=saved["prune"])
    change = maintenance.apply_import(db, plan, actor=g.user["name"])
    path.unlink(missing_ok=True)
    db.audit(g.user["name"], "import", "", f"{len(plan.added)} added, {len(plan.changed)} changed, "
                                             f"{len(plan.removed)} removed; version {change.version}")
    flash(f"Imported: {len(plan.added)} added, {len(plan.changed)} changed, {len(plan.removed)} removed "
          f"(list version {change.version}).")
    return redirect(url_for("console.dashboard"), code=303)


# --- users and tokens --------------------------------------------------------------------

@console.route("/users", methods=["GET", "POST"])
@needs("admin")
def users():
    error, status = None, 200
    if request.method == "POST":
        action, name = request.form.get("action"), request.form.get("name", "").strip()
        actor = g.user["name"]
        try:
            if action == "add":
                accounts.add_user(storage(), name, request.form.get("password", ""),
                                  request.form.get("role", ""), actor=actor)
            elif action == "disable":
                if name == actor:
                    raise accounts.AccountError("you cannot disable your own account")
                accounts.disable(storage(), name, actor=actor)
            elif action == "enable":
                accounts.enable(storage(), name, actor=actor)
            elif action == "role":
                accounts.set_role(storage(), name, request.form.get("role", ""), actor=actor)
            elif action == "passwd":
                accounts.set_password(storage(), name, request.form.get("password", ""), actor=actor)
            else:
                abort(400)
        except (accounts.AccountError, UserExists) as exc:
            error, status = str(exc), 400
        else:
            flash(f"User {name}: {action} done.")
            return redirect(url_for("console.users"), code=303)
    listed = [accounts.public(user) for user in storage().list_users()]
    return render_template("console/users.html", users=listed, roles=accounts.ROLES, error=error), status


@console.route("/tokens", methods=["GET", "POST"])
@needs("admin")
def tokens():
    error, created, status = None, None, 200
    if request.method == "POST":
        action, name = request.form.get("action"), request.form.get("name", "").strip()
        try:
            if action == "create":
                role = request.form.get("role", "")
                created = {"name": name, "token": storage().create_token(name, role)}
                storage().audit(g.user["name"], "token.create", name, f"role {role}")
            elif action == "revoke":
                if not storage().revoke_token(name):
                    raise TokenNameError(f"no active token named {name!r}")
                storage().audit(g.user["name"], "token.revoke", name)
                flash(f"Token {name} revoked.")
                return redirect(url_for("console.tokens"), code=303)
            else:
                abort(400)
        except TokenNameError as exc:
            error, status = str(exc), 400
    return render_template("console/tokens.html", tokens=storage().list_tokens(), roles=accounts.ROLES,
                           error=error, created=created), status
