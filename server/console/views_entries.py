"""Entries: the paged list, the entry form (add and edit, with the banner preview),
removing with a reason, and each entry's history with field-by-field diffs."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from .. import maintenance
from ..contract import STATUSES
from ..domains import DomainError, normalize_host
from ..entries import EntryError
from .blueprint import PAGE_SIZE, console, review_required, storage
from .forms import banner_text, entry_from_form, errors_by_field, field_diff, form_from_entry
from .catalogue import _


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 100_000))
    except ValueError:
        return 1


@console.get("/entries")
def entries():
    search = request.args.get("q", "").strip()[:200]
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    page = _page_number()
    rows, total, more = storage().page_entries(search=search, status=status or None,
                                               limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE)) if total is not None else None
    covering = _covering(search) if page == 1 else None
    if covering and covering["entry"]["domain"] in {row["domain"] for row in rows}:
        covering = None  # already the first row
    return render_template("console/entries.html", rows=rows, total=total, page=page, pages=pages, more=more,
                           q=search, status=status, statuses=STATUSES, covering=covering)


def _covering(search: str) -> dict | None:
    """The entry that covers a host or address typed into the search: a curator pastes
    what a shopper saw (www.shop.example/basket) and finds shop.example, which a
    prefix search of domains cannot. At most a few primary-key reads."""
    if "." not in search or any(c.isspace() for c in search):
        return None
    try:
        host = normalize_host(search)
    except DomainError:
        return None
    entry = maintenance.covering_entry(storage(), host)
    return {"host": host, "entry": entry} if entry is not None else None


def _get_or_404(domain: str) -> dict:
    try:
        return maintenance.get(storage(), domain)
    except (maintenance.NotListed, DomainError):
        abort(404)


def _save(existing: dict | None):
    """Validate and publish (or propose) the submitted entry; the form again with errors."""
    reason = request.form.get("reason", "").strip()[:1000]
    actor = g.user["name"]
    try:
        data = entry_from_form(request.form)
        if existing is not None:
            data["domain"] = existing["domain"]
        if review_required():
            proposal = maintenance.propose_put(storage(), data, actor=actor, reason=reason)
            flash(_("Proposal %(id)s for %(domain)s waits for another reviewer.", id=proposal["id"], domain=proposal["domain"]))
            return redirect(url_for("console.proposal", proposal_id=proposal["id"]), code=303)
        if existing is None:
            change = maintenance.add(storage(), data, actor=actor)
        else:
            change = maintenance.put(storage(), data, actor=actor)
    except EntryError as exc:
        return _form(existing, request.form, errors_by_field(exc.errors), status=400)
    except maintenance.AlreadyListed as exc:
        return _form(existing, request.form, {"domain": [f"domain: {exc.domain} is already listed"]}, status=409)
    domain = change.entry["domain"]
    flash(_("Saved %(domain)s (list version %(version)s).", domain=domain, version=change.version))
    return redirect(url_for("console.entry_edit", domain=domain), code=303)


def _form(existing, values, errors=None, status=200):
    preview = None
    if not errors:
        preview_entry = existing if not hasattr(values, "getlist") else None
        if preview_entry and preview_entry.get("domain"):
            preview = {"entry": preview_entry, "text": banner_text(preview_entry)}
    if not hasattr(values, "getlist"):
        values = form_from_entry(values) if values else {"include_subdomains": True}
    else:
        values = {**values.to_dict(), "include_subdomains": values.get("include_subdomains") == "on"}
    waiting = storage().list_proposals("waiting", existing["domain"]) if existing else []
    return render_template("console/entry_form.html", existing=existing, values=values, errors=errors or {},
                           statuses=STATUSES, preview=preview, waiting=waiting,
                           review=review_required()), status


@console.route("/entries/new", methods=["GET", "POST"])
def entry_new():
    return _save(None) if request.method == "POST" else _form(None, None)


@console.route("/entries/<domain>", methods=["GET", "POST"])
def entry_edit(domain):
    existing = _get_or_404(domain)
    return _save(existing) if request.method == "POST" else _form(existing, existing)


@console.route("/entries/<domain>/remove", methods=["GET", "POST"])
def entry_remove(domain):
    existing = _get_or_404(domain)
    error = None
    if request.method == "POST":
        reason = request.form.get("reason", "").strip()[:1000]
        if not reason:
            error = _("Give a reason: it is kept in the audit log.")
        elif review_required():
            proposal = maintenance.propose_remove(storage(), existing["domain"], actor=g.user["name"], reason=reason)
            flash(_("Proposal %(id)s to remove %(domain)s waits for another reviewer.", id=proposal["id"],
                    domain=existing["domain"]))
            return redirect(url_for("console.proposal", proposal_id=proposal["id"]), code=303)
        else:
            change = maintenance.retire(storage(), existing["domain"], actor=g.user["name"], reason=reason)
            flash(_("Removed %(domain)s (list version %(version)s).", domain=existing["domain"], version=change.version))
            return redirect(url_for("console.entries"), code=303)
    return render_template("console/entry_remove.html", entry=existing, error=error), 400 if error else 200


@console.get("/entries/<domain>/history")
def entry_history(domain):
    try:
        canonical = maintenance.normalize_domain(domain)
    except DomainError:
        abort(404)
    versions = storage().entry_history(canonical)
    if not versions:
        abort(404)
    numbers = [v["version"] for v in versions]

    def pick(name, default):
        try:
            value = int(request.args.get(name, default))
        except (TypeError, ValueError):
            value = default
        return value if value in numbers else default

    new = pick("to", numbers[0])
    old = pick("from", numbers[1] if len(numbers) > 1 else 0)  # 0: before the entry existed
    by_version = {v["version"]: v for v in versions}
    diff = field_diff(by_version[old]["entry"] if old else None, by_version[new]["entry"])
    return render_template("console/history.html", domain=canonical, versions=versions, old=old, new=new,
                           diff=diff)
