"""The maintainer API: PUT and DELETE warnings, GET reports.

Every route needs a maintainer token (checked before any view runs, so a
stranger learns nothing about validation), and none is ever CORS: a web
page cannot drive this API with a maintainer's browser. Changes go through
server/maintenance.py, recorded under the token's name. With
CAVEAT_REVIEW=required a change waits as a proposal (202 with the proposal)
until another reviewer approves it in the console.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from .. import maintenance, reports
from ..auth import require_token
from ..entries import EntryError
from ..errors import ApiError
from .http import domain_or_400, json_body, no_store, storage

maintainer = Blueprint("maintainer", __name__, url_prefix="/api/v1")
maintainer.before_request(require_token)


def _review() -> bool:
    return current_app.config["REVIEW"] == "required"


def _proposed(proposal: dict):
    """202: the change waits for review; the list has not changed."""
    response = jsonify({"version": storage().version(), "proposal": proposal})
    response.status_code = 202
    return no_store(response)


@maintainer.put("/warnings/<domain>")
def put_warning(domain):
    domain = domain_or_400(domain, listable=True)
    data = json_body()
    try:
        if _review():
            return _proposed(maintenance.propose_put(storage(), data, domain=domain, actor=g.maintainer))
        change = maintenance.put(storage(), data, domain=domain, actor=g.maintainer)
    except EntryError as exc:
        raise ApiError(400, "invalid_entry", "the entry is not valid: " + "; ".join(exc.errors),
                       errors=exc.errors) from None
    response = jsonify({"version": change.version, "warning": change.entry})
    response.status_code = 201 if change.created else 200
    return no_store(response)


@maintainer.delete("/warnings/<domain>")
def delete_warning(domain):
    domain = domain_or_400(domain, listable=True)
    try:
        if _review():
            return _proposed(maintenance.propose_remove(storage(), domain, actor=g.maintainer))
        change = maintenance.remove(storage(), domain, actor=g.maintainer)
    except maintenance.NotListed:
        raise ApiError(404, "not_listed", f"{domain} is not on the list") from None
    return no_store(jsonify({"version": change.version, "removed": domain}))


@maintainer.get("/reports")
def list_reports():
    status = request.args.get("status")
    if status is not None and status not in reports.REPORT_STATUSES:
        raise ApiError(400, "invalid_status", f"status must be one of {', '.join(reports.REPORT_STATUSES)}")
    return no_store(jsonify({"reports": reports.list_reports(storage(), status)}))
