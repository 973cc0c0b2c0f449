"""``caveat users add|list|disable|enable|passwd|role``: the web console's accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from .. import accounts
from .common import actor, clean_errors, get_storage

_ROLE = click.option("--role", type=click.Choice(accounts.ROLES), required=True,
                     help="editor: changes entries; reviewer: also approves others' proposals "
                          "and decides reports; admin: also users, tokens and imports.")
_STDIN = click.option("--password-stdin", is_flag=True,
                      help="Read the password from the first line of standard input.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users", cls=AppGroup)
def users_group():
    """Accounts of the web console (/admin/)."""


@users_group.command("add")
@click.argument("name")
@_ROLE
@_STDIN
@clean_errors
def users_add(name, role, password_stdin):
    """Create an account (the password is stored only as a salted scrypt hash)."""
    accounts.add_user(get_storage(), name, _password(password_stdin), role, actor=actor())
    click.echo(f"User {name!r} added ({role}).")


@users_group.command("list")
@clean_errors
def users_list():
    """List accounts: name, role, created, and disabled when it is."""
    users = get_storage().list_users()
    if not users:
        click.echo("No users. Create one: caveat users add NAME --role admin --password-stdin")
        return
    for user in users:
        state = f"  disabled={user['disabled']}" if user["disabled"] else ""
        click.echo(f"{user['name']}  role={user['role']}  created={user['created']}{state}")


@users_group.command("disable")
@click.argument("name")
@clean_errors
def users_disable(name):
    """Disable an account: it cannot log in, and its sessions end at their next request."""
    accounts.disable(get_storage(), name, actor=actor())
    click.echo(f"User {name!r} disabled.")


@users_group.command("enable")
@click.argument("name")
@clean_errors
def users_enable(name):
    """Enable a disabled account again."""
    accounts.enable(get_storage(), name, actor=actor())
    click.echo(f"User {name!r} enabled.")


@users_group.command("passwd")
@click.argument("name")
@_STDIN
@clean_errors
def users_passwd(name, password_stdin):
    """Set a new password; the account's sessions end."""
    accounts.set_password(get_storage(), name, _password(password_stdin), actor=actor())
    click.echo(f"Password of {name!r} changed.")


@users_group.command("role")
@click.argument("name")
@_ROLE
@clean_errors
def users_role(name, role):
    """Change an account's role; its sessions end."""
    accounts.set_role(get_storage(), name, role, actor=actor())
    click.echo(f"User {name!r} is now {role}.")
