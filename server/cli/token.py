"""``caveat token create|list|revoke``: maintainer API tokens."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .common import clean_errors, echo_err, get_storage


@click.group("token", cls=AppGroup)
def token_group():
    """Maintainer API tokens (for PUT/DELETE /api/v1/warnings and GET /api/v1/reports)."""


@token_group.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(("editor", "reviewer", "admin")), default="admin", show_default=True,
              help="What the token may do; with CAVEAT_REVIEW=required its changes wait for review.")
@clean_errors
def token_create(name, role):
    """Create a token; it is printed once and cannot be shown again."""
    plaintext = get_storage().create_token(name, role)
    click.echo(plaintext)
    echo_err(f"Token {name!r} ({role}) created. Store it now: it will not be shown again.")


@token_group.command("list")
@clean_errors
def token_list():
    """List tokens by name (the secrets themselves are never stored)."""
    tokens = get_storage().list_tokens()
    if not tokens:
        click.echo("No tokens.")
        return
    for token in tokens:
        click.echo("  ".join(f"{k}={v}" for k, v in token.items() if v is not None))


@token_group.command("revoke")
@click.argument("name")
@clean_errors
def token_revoke(name):
    """Revoke a token by name; requests using it are refused from now on."""
    if not get_storage().revoke_token(name):
        raise click.ClickException(f"no token named {name!r}")
    click.echo(f"Token {name!r} revoked.")
