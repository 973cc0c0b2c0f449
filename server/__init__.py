"""Caveat lookup server: ``create_app(config=None)`` is the application factory."""

from __future__ import annotations

from flask import Flask, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from .settings import load_settings

# Public routes answer any origin: the extension's origin differs per install
# and per browser. Maintainer routes are never listed here.
PUBLIC_CORS_RESOURCES = {
    r"^/api/v1/(lookup|list|changes|reports|openapi\.json)$": {},
    r"^/healthz$": {},
}

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(config=None) -> Flask:
    """Build the app. ``config`` overrides defaults and ``CAVEAT_*`` variables."""
    from .api import api, health
    from .errors import register_error_handlers
    from .published import PublishedCache
    from .storage import Storage

    app = Flask(__name__, instance_relative_config=True)
    settings = load_settings(config, instance_path=app.instance_path)
    app.config.update(settings)
    app.json.sort_keys = False  # keep the canonical entry field order

    storage = Storage(
        settings["DATABASE_URL"],
        changes_retain=settings["CHANGES_RETAIN"],
        busy_timeout_ms=settings["SQLITE_BUSY_TIMEOUT_MS"],
    )
    # No database I/O here: `caveat init` creates the schema, `caveat serve`
    # refuses to start without it, tests call init_schema() in a fixture.
    app.extensions["caveat.storage"] = storage
    app.extensions["caveat.published"] = PublishedCache(storage)

    app.register_blueprint(api)
    app.register_blueprint(health)
    register_error_handlers(app)

    # after_request functions run in reverse order of registration: these two
    # run after flask-cors's, so they can strip what it added.
    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.after_request
    def _no_cors_for_maintainers(response):
        if _is_maintainer_request(app):
            for name in [n for n in response.headers.keys() if n.lower().startswith("access-control-")]:
                del response.headers[name]
            response.vary.discard("Origin")
        return response

    CORS(
        app,
        resources=PUBLIC_CORS_RESOURCES,
        origins="*",
        send_wildcard=True,  # "*" rather than echoing Origin: one cacheable response for everyone
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "If-None-Match"],
        expose_headers=["ETag", "Retry-After", "X-Caveat-List-Version"],
        supports_credentials=False,
        max_age=86400,
    )

    hops = settings["TRUST_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def _is_maintainer_request(app: Flask) -> bool:
    """True when the request (or, for a CORS preflight, the request it asks about) is maintainer-only."""
    method = request.method
    if method == "OPTIONS":
        method = request.headers.get("Access-Control-Request-Method", "OPTIONS").upper()
    try:
        endpoint, _ = app.url_map.bind_to_environ(request.environ).match(request.path, method=method)
    except HTTPException:
        endpoint = request.endpoint
    view = app.view_functions.get(endpoint)
    return bool(getattr(view, "caveat_maintainer_only", False))
