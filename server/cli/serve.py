"""``caveat init`` and ``caveat serve``: create the database, run the API under gunicorn."""

from __future__ import annotations

import gc

import click
from flask import current_app
from flask.cli import ScriptInfo, pass_script_info, with_appcontext
from gunicorn.app.base import BaseApplication

from .. import maintenance
from ..entries import ListError
from ..listfile import CURATED_PATH, read_list_file
from ..settings import default_workers
from .common import actor, describe_url


@click.command("init")
@click.option("--list", "list_path", type=click.Path(exists=True, dir_okay=False),
              help="List file to load (default: the bundled curated list, server/data/warnings.yaml).")
@with_appcontext
def init_command(list_path):
    """Create the database and load the bundled list into a new one.

    The list is loaded only while the list has never been changed (version
    0, no entries), so running init again keeps every maintainer change.
    """
    storage = current_app.extensions["caveat.storage"]
    storage.init_schema()
    click.echo(f"Database ready: {describe_url(storage.url)}")
    if not storage.list_users():
        click.echo("No console accounts yet. Create the first admin of the web console (/admin/) with:\n"
                   "  caveat users add NAME --role admin --password-stdin")
    version, count = storage.version(), storage.count()
    if version > 0 or count > 0:
        click.echo(f"The list already exists (version {version}, {count} entries); "
                   "the bundled list was not loaded.")
        return
    try:
        document = read_list_file(list_path)
    except ListError as exc:
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{list_path or CURATED_PATH} is not a valid list") from None
    plan = maintenance.plan_import(storage, document, prune=False)
    change = maintenance.apply_import(storage, plan, actor=actor())
    click.echo(f"Loaded {len(document['entries'])} entries from {list_path or CURATED_PATH} "
               f"(list version {change.version}).")


class CaveatServer(BaseApplication):
    """gunicorn running the already-built Flask app (its Python API, no config file)."""

    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:  # e.g. control_socket_disable is new in gunicorn 25.1
                self.cfg.set(key, value)

    def load(self):
        return self.application


def gunicorn_options(config, storage=None, *, bind=None, workers=None, threads=None, timeout=None) -> dict:
    """gunicorn settings from flags, falling back to the app's settings (CAVEAT_* variables)."""

    def pre_fork(_server, _worker):
        # Move everything the master built (the app, the preloaded list) out of the
        # garbage collector's view: a worker's full collection then walks only its own
        # objects (45 ms became 0 for the app alone), and reading shared pages does not
        # copy them. The pattern the gc module's documentation gives for fork servers.
        gc.freeze()

    def post_fork(_server, _worker):
        # The app is built once in the master (preload); each worker must open
        # its own database connections, never share the master's.
        if storage is not None:
            storage.engine.dispose(close=False)

    workers = workers or config["WORKERS"] or default_workers()
    threads = threads or config["THREADS"] or 1
    options = {
        "bind": [bind or config["BIND"]],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout or config["TIMEOUT"],
        "graceful_timeout": 20,
        "keepalive": 5,
        "preload_app": True,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": config["LOG_LEVEL"],
        # Bound memory growth in long-running workers.
        "max_requests": 20000,
        "max_requests_jitter": 2000,
        "pre_fork": pre_fork,
        "post_fork": post_fork,
        # No ~/.gunicorn control socket: two servers on one machine would collide.
        "control_socket_disable": True,
    }
    return options


@click.command("serve")
@click.option("--bind", metavar="HOST:PORT", help="Address to listen on [CAVEAT_BIND, default 127.0.0.1:8000].")
@click.option("--workers", type=click.IntRange(1, 64),
              help="Worker processes [CAVEAT_WORKERS, default min(2 x CPU cores + 1, 8)].")
@click.option("--threads", type=click.IntRange(1, 64), help="Threads per worker [CAVEAT_THREADS, default 4].")
@click.option("--timeout", type=click.IntRange(1, 3600), help="Worker timeout in seconds [CAVEAT_TIMEOUT, default 30].")
@pass_script_info
def serve_command(info: ScriptInfo, bind, workers, threads, timeout):
    """Serve the API with gunicorn (a production WSGI server)."""
    app = info.load_app()
    storage = app.extensions["caveat.storage"]
    if not storage.is_initialized():
        raise click.ClickException(f"the database {describe_url(storage.url)} has no schema; run `caveat init` first")
    options = gunicorn_options(app.config, storage, bind=bind, workers=workers, threads=threads,
                               timeout=timeout)
    click.echo(f"Serving list version {storage.version()} on http://{options['bind'][0]} "
               f"({options['workers']} workers x {options['threads']} threads)")
    # Built once here: every worker, and every worker gunicorn restarts later
    # (max_requests), starts with the list instead of building its own.
    app.extensions["caveat.published"].preload()
    storage.engine.dispose()  # no connection of the master's may leak into workers
    CaveatServer(app, options).run()
