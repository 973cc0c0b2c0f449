"""Shoppers' reports: receiving them, deciding them, and what to do next.

``submit`` checks a report as ``POST /api/v1/reports`` receives it;
``decide`` records a maintainer's decision and, for an accepted report, the
next step (NextStep: which entry to correct, or which domain to add). The
API, the ``caveat reports`` commands and the web console call this module;
each front end words the next step its own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .domains import DomainError, normalize_domain
from .maintenance import covering_entry
from .storage import REPORT_KINDS, REPORT_STATUSES  # noqa: F401  (re-exported for the front ends)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ReportError(ValueError):
    """A report refused as sent: ``code`` is invalid_report or invalid_domain."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def submit(storage, data: dict, *, client: str, comment_max: int) -> dict:
    """Check and store a report; returns ``{"id", "status": "received", "kind", "domain"}``.

    ``client`` is a pseudonym of the sender (never the address itself).
    Raises ReportError naming the first problem.
    """
    unknown = sorted(set(data) - {"kind", "domain", "comment"})
    if unknown:
        raise ReportError("invalid_report", f"unknown field(s): {', '.join(unknown)}")
    kind = data.get("kind")
    if kind not in REPORT_KINDS:
        raise ReportError("invalid_report", f"kind must be one of {', '.join(REPORT_KINDS)}")
    if "domain" not in data:
        raise ReportError("invalid_domain", "domain is required")
    try:
        domain = normalize_domain(data["domain"])
    except DomainError as exc:
        raise ReportError("invalid_domain", str(exc)) from None
    comment = data.get("comment", "")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise ReportError("invalid_report", "comment must be a string")
    comment = comment.strip()
    if len(comment) > comment_max:
        raise ReportError("invalid_report", f"comment is {len(comment)} characters long; the limit is {comment_max}")
    if _CONTROL.search(comment):
        raise ReportError("invalid_report", "comment must not contain control characters")
    report_id = storage.add_report(kind, domain, comment, client)
    return {"id": report_id, "status": "received", "kind": kind, "domain": domain}


def list_reports(storage, status: str | None = None) -> list[dict]:
    """Reports in the order received; ``status`` open, accepted or rejected (None: all)."""
    return storage.list_reports(status)


@dataclass(frozen=True)
class NextStep:
    """What a maintainer does after accepting a report.

    ``action``: "correct" (a mistake report on a listed host: edit or remove
    ``domain``), "nothing" (a mistake report on a host no longer listed),
    "covered" (a suggestion already covered by ``domain``'s entry) or "add"
    (a suggestion to list ``host``). ``domain`` is the covering entry's
    domain, None when nothing covers ``host``.
    """

    action: str
    host: str
    domain: str | None = None


def next_step(storage, report: dict) -> NextStep:
    host = report["domain"]
    entry = covering_entry(storage, host)
    domain = entry["domain"] if entry is not None else None
    if report["kind"] == "mistake":
        return NextStep("correct" if entry is not None else "nothing", host, domain)
    return NextStep("covered" if entry is not None else "add", host, domain)


@dataclass(frozen=True)
class Decision:
    report: dict                  # the report as stored after the decision
    next_step: NextStep | None    # for accepted reports only


def decide(storage, report_id: int, decision: str, reason: str | None, *, actor: str) -> Decision:
    """Accept or reject an open report (storage.ReportNotFound, ReportAlreadyDecided otherwise)."""
    report = storage.decide_report(report_id, decision, reason, actor)
    return Decision(report, next_step(storage, report) if decision == "accepted" else None)
