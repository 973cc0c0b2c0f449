"""What every ``caveat`` command shares: who is acting, the app's storage, one-line errors.

Every failure ends in one clear line on stderr and a non-zero exit
(click.ClickException), never a traceback.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
from datetime import date, datetime, timezone
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from ..entries import EntryError
from ..maintenance import AlreadyListed, MaintenanceError
from ..storage import StorageError


def actor() -> str:
    """Who is making a CLI change: ``cli:<OS user>``."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (containers)
        user = f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"cli:{user}"


def today() -> date:
    return datetime.now(timezone.utc).date()


def describe_url(url: str) -> str:
    """The database URL without a password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _database_file(url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases and :memory:)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def get_storage():
    """The app's storage, checked to be initialised (else: run `caveat init`)."""
    storage = current_app.extensions["caveat.storage"]
    database = _database_file(storage.url)
    if database is not None and not database.exists():
        # Checked before connecting: SQLite would create an empty file.
        raise click.ClickException(f"no database at {database}; run `caveat init` first")
    try:
        ready = storage.is_initialized()
    except sa_exc.SQLAlchemyError as exc:  # unreachable server, bad credentials, not a database
        raise click.ClickException(f"cannot open the database: {one_line(getattr(exc, 'orig', None) or exc)}") from None
    if not ready:
        raise click.ClickException("the database is not initialised; run `caveat init` first")
    return storage


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")


def clean_errors(command):
    """Turn the errors a maintainer can cause into one line (no tracebacks)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except EntryError as exc:
            raise click.ClickException("invalid entry: " + "; ".join(exc.errors)) from None
        except AlreadyListed as exc:
            raise click.ClickException(
                f"{exc.domain} is already listed; change it with `caveat warnings edit {exc.domain}`") from None
        except (MaintenanceError, StorageError) as exc:  # refused on purpose: the message says why
            raise click.ClickException(one_line(exc)) from None
        except sa_exc.SQLAlchemyError as exc:
            raise click.ClickException(f"database error: {one_line(getattr(exc, 'orig', None) or exc)}") from None
        except (OSError, ValueError, LookupError) as exc:
            raise click.ClickException(one_line(exc)) from None
        except Exception as exc:  # anything else: still one line, never a traceback
            raise click.ClickException(f"{type(exc).__name__}: {one_line(exc)}") from None

    return wrapper


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def print_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))
