"""``caveat log [DOMAIN]``: the change history."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..domains import normalize_domain
from .common import clean_errors, get_storage


@click.command("log")
@click.argument("domain", required=False)
@click.option("--limit", type=click.IntRange(1, 100000), default=50, show_default=True)
@with_appcontext
@clean_errors
def log_command(domain, limit):
    """The change history: version, time, who, what (newest first)."""
    storage = get_storage()
    if domain is not None:
        domain = normalize_domain(domain)
    rows = storage.change_log(domain=domain, limit=limit)
    if not rows:
        click.echo(f"No changes recorded for {domain}." if domain else "No changes recorded.")
        return
    for row in rows:
        click.echo(f"v{row['version']}  {row['at']}  {row['actor']:<20}  {row['action']:<7}  {row['domain']}")
