"""Caveat lookup server: ``create_app(config=None)`` is the application factory.

Each part sets itself up on the app with ``init_app(app)``: storage and the
published-list cache, JSON errors, the HTTP API (server/api/), the
maintainers' web console (server/console/), the ``caveat`` commands (server/cli/).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .security_headers import SecurityHeaders
from .settings import load_settings


def create_app(config=None) -> Flask:
    """Build the app. ``config`` overrides defaults and ``CAVEAT_*`` variables."""
    from . import api, cli, console, errors, signing, storage

    app = api.App(__name__, instance_relative_config=True)
    settings = load_settings(config, instance_path=app.instance_path)
    app.config.update(settings)
    app.json.sort_keys = False  # keep the canonical entry field order

    storage.init_app(app)
    signing.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    console.init_app(app)
    cli.init_app(app)

    app.wsgi_app = SecurityHeaders(app.wsgi_app)
    hops = settings["TRUST_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
