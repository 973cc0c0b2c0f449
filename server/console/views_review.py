"""Review: waiting proposals (approve, reject with a reason) and shoppers' reports."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from .. import maintenance, reports
from ..storage import ProposalNotFound, ReportAlreadyDecided, ReportNotFound
from .blueprint import console, storage
from .forms import field_diff

PROPOSAL_STATUSES = ("waiting", "approved", "rejected")


@console.get("/proposals")
def proposals():
    status = request.args.get("status", "waiting")
    status = status if status in PROPOSAL_STATUSES else "waiting"
    return render_template("console/proposals.html", proposals=storage().list_proposals(status),
                           status=status, statuses=PROPOSAL_STATUSES)


def _proposal_or_404(proposal_id: int) -> dict:
    try:
        return storage().get_proposal(proposal_id)
    except ProposalNotFound:
        abort(404)


@console.get("/proposals/<int:proposal_id>")
def proposal(proposal_id, error=None, status=200):
    item = _proposal_or_404(proposal_id)
    db = storage()
    current = db.get_entry(item["domain"])
    rivals = maintenance.rival_proposals(db, item)
    return render_template(
        "console/proposal.html", p=item, current=current,
        diff=field_diff(current, item["entry"]),
        rivals=[{"p": r, "diff": field_diff(item["entry"], r["entry"])} for r in rivals],
        stale=item["status"] == "waiting" and maintenance.is_stale(db, item),
        can_approve=maintenance.can_review(g.user["role"]) and item["proposer"] != g.user["name"],
        error=error,
    ), status


@console.post("/proposals/<int:proposal_id>/approve")
def proposal_approve(proposal_id):
    _proposal_or_404(proposal_id)
    try:
        change = maintenance.approve(storage(), proposal_id, actor=g.user["name"], role=g.user["role"],
                                     reason=request.form.get("reason", "").strip()[:1000])
    except maintenance.Forbidden as exc:
        return proposal(proposal_id, error=str(exc), status=403)
    except maintenance.MaintenanceError as exc:  # closed or stale
        return proposal(proposal_id, error=str(exc), status=409)
    flash(f"Proposal {proposal_id} approved and published (list version {change.version}).")
    return redirect(url_for("console.proposals"), code=303)


@console.post("/proposals/<int:proposal_id>/reject")
def proposal_reject(proposal_id):
    _proposal_or_404(proposal_id)
    try:
        maintenance.reject(storage(), proposal_id, actor=g.user["name"], role=g.user["role"],
                           reason=request.form.get("reason", "")[:1000])
    except maintenance.Forbidden as exc:
        return proposal(proposal_id, error=str(exc), status=403)
    except maintenance.MaintenanceError as exc:
        return proposal(proposal_id, error=str(exc), status=409 if "already" in str(exc) else 400)
    flash(f"Proposal {proposal_id} rejected.")
    return redirect(url_for("console.proposals"), code=303)


@console.get("/reports")
def reports_page():
    status = request.args.get("status", "open")
    status = status if status in reports.REPORT_STATUSES else "open"
    items = reports.list_reports(storage(), status)
    steps = {r["id"]: reports.next_step(storage(), r) for r in items}
    return render_template("console/reports.html", reports=items, steps=steps, status=status,
                           statuses=reports.REPORT_STATUSES,
                           can_decide=maintenance.can_review(g.user["role"]))


@console.post("/reports/<int:report_id>")
def report_decide(report_id):
    if not maintenance.can_review(g.user["role"]):
        abort(403)
    decision = request.form.get("decision")
    reason = request.form.get("reason", "").strip()[:1000]
    if decision not in ("accepted", "rejected") or not reason:
        flash("Choose accept or reject, and give a reason.", "error")
        return redirect(url_for("console.reports_page"), code=303)
    try:
        reports.decide(storage(), report_id, decision, reason, actor=g.user["name"])
    except ReportNotFound:
        abort(404)
    except ReportAlreadyDecided as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.reports_page"), code=303)
    storage().audit(g.user["name"], f"report.{decision[:-2]}", str(report_id), reason)
    flash(f"Report {report_id} {decision}.")
    return redirect(url_for("console.reports_page"), code=303)
