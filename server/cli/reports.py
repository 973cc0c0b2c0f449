"""``caveat reports list|accept|reject``: shoppers' reports, decided through server/reports.py."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import reports
from .common import actor, clean_errors, get_storage


@click.group("reports", cls=AppGroup)
def reports_group():
    """Shoppers' reports: suggested stores and reported mistakes."""


@reports_group.command("list")
@click.option("--status", type=click.Choice(reports.REPORT_STATUSES), default="open", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Reports of every status.")
@clean_errors
def reports_list(status, show_all):
    """List reports, open ones by default."""
    found = reports.list_reports(get_storage(), status=None if show_all else status)
    if not found:
        click.echo("No reports." if show_all else f"No {status} reports.")
        return
    for r in found:
        click.echo(f"#{r['id']}  {r['created']}  {r['kind']:<7}  {r['domain']}  [{r['status']}]")
        if r.get("comment"):
            click.echo(f"      {' '.join(r['comment'].split())}")
        if r.get("decided_by"):
            reason = f": {r['reason']}" if r.get("reason") else ""
            click.echo(f"      {r['status']} by {r['decided_by']} at {r['decided_at']}{reason}")


def describe(step: reports.NextStep) -> str:
    """The next step as the commands to run."""
    host, domain = step.host, step.domain
    if step.action == "nothing":
        return f"{host} is not listed (any more); nothing more to do."
    if step.action == "correct":
        hint = "" if domain == host else f" ({host} is covered by the entry for {domain}; --exact-only limits it to {domain})"
        return (f"Next: correct the entry with `caveat warnings edit {domain} ...` "
                f"or retire it with `caveat warnings remove {domain}`{hint}.")
    if step.action == "covered":
        return f"{host} is already covered by the entry for {domain}; see `caveat warnings show {domain}`."
    return (f"Next: once you have a public source, run `caveat warnings add --domain {host} "
            f"--name NAME --status disputed --summary TEXT --source \"TITLE|URL\"`.")


def _decide(report_id: int, decision: str, reason: str | None) -> None:
    result = reports.decide(get_storage(), report_id, decision, reason, actor=actor())
    report = result.report
    click.echo(f"Report #{report_id} ({report['kind']} for {report['domain']}) {decision}.")
    if result.next_step is not None:
        click.echo(describe(result.next_step))


def _decision_command(name: str, decision: str, help_text: str):
    """``caveat reports accept|reject ID [--reason TEXT]``."""

    @reports_group.command(name, help=help_text)
    @click.argument("report_id", metavar="ID", type=int)
    @click.option("--reason", help="Why (recorded with the decision).")
    @clean_errors
    def command(report_id, reason):
        _decide(report_id, decision, reason)

    return command


reports_accept = _decision_command(
    "accept", "accepted", "Accept a report, then act on it (the command says what to run next).")
reports_reject = _decision_command("reject", "rejected", "Reject a report, with a reason for the record.")
