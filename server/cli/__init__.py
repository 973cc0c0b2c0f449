"""The ``caveat`` console script: a Flask CLI group.

``caveat init`` creates the database and loads the bundled list the first
time; ``caveat serve`` runs the API under gunicorn (server/cli/serve.py).
The maintainer commands (warnings, token, reports, log) change the list
through server/maintenance.py, recorded as ``cli:<OS user>``. Each module
here only parses options, calls the layer and prints.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from .. import create_app
from .common import actor as cli_actor  # noqa: F401  (kept importable)
from .serve import CaveatServer, gunicorn_options, init_command, serve_command  # noqa: F401


def _make_app():
    # A bad CAVEAT_* value or database URL is the operator's typo, not a bug:
    # one clear line and exit 1, never a traceback.
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from ..settings import SettingsError
    from ..signing import SigningKeyError

    try:
        return create_app()
    except SettingsError as exc:
        raise click.ClickException(f"bad setting: {exc}") from None
    except SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    except (ArgumentError, NoSuchModuleError) as exc:
        raise click.ClickException(f"bad CAVEAT_DATABASE_URL: {exc}") from None
    except ImportError as exc:
        raise click.ClickException(
            f"the database driver is not installed ({exc.name or exc}); "
            "install it in this environment, e.g. `pip install psycopg[binary]`"
        ) from None


@click.group(cls=FlaskGroup, create_app=_make_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def cli():
    """Caveat: the lookup server and the maintainers' tools.

    Settings come from CAVEAT_* environment variables (docs/settings.md),
    e.g. CAVEAT_DATABASE_URL.
    """


def _commands() -> list[click.Command]:
    from . import listfiles  # noqa: F401  (adds validate, import, export to the warnings group)
    from .keys import keys_group
    from .publish import publish_command
    from .log import log_command
    from .reports import reports_group
    from .token import token_group
    from .users import users_group
    from .warnings import warnings_group

    return [init_command, serve_command, warnings_group, token_group, reports_group, log_command, keys_group,
            publish_command, users_group]


def init_app(app) -> None:
    """The commands on ``app.cli`` too (``flask --app server ...``, ``app.test_cli_runner()``)."""
    for command in _commands():
        app.cli.add_command(command)


for _command in _commands():
    cli.add_command(_command)
