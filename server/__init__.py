"""Caveat lookup server: ``create_app(config=None)`` is the application factory.

Each part sets itself up on the app with ``init_app(app)``: storage and the
published-list cache, JSON errors, the HTTP API (server/api/), the
maintainers' web console (server/console/), the ``caveat`` commands (server/cli/).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .settings import load_settings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


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

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    hops = settings["TRUST_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
