"""The HTTP API: a public blueprint (CORS for any origin) and a maintainer one (token, never CORS).

Which blueprint serves a request decides whether it is public: there is no
list of public URLs. ``GET /api/v1/reports`` (maintainer) and ``POST
/api/v1/reports`` (public) share an address, so a CORS preflight is routed
as the request it asks about (App.create_url_adapter): a preflight for the
POST reaches the public blueprint, one for the GET the maintainer one.
"""

from __future__ import annotations

from flask import Flask

from .maintainer import maintainer
from .public import health, public


class App(Flask):
    """Flask, routing a CORS preflight (OPTIONS with Access-Control-Request-Method)
    by the method it asks about, when the address has a route for that method.

    The view never runs for it: Flask answers OPTIONS itself for every route
    (provide_automatic_options), after the blueprint's hooks; so a preflight
    for a maintainer route gets the maintainer blueprint's 401, never CORS.
    """

    def create_url_adapter(self, request):
        adapter = super().create_url_adapter(request)
        if adapter is not None and request is not None and request.method == "OPTIONS":
            asked = request.headers.get("Access-Control-Request-Method", "").strip().upper()
            if asked and asked != "OPTIONS" and adapter.test(method=asked):
                adapter.default_method = asked
        return adapter


def init_app(app: Flask) -> None:
    """Register the blueprints (CORS is part of the public ones: server/api/public.py)."""
    app.register_blueprint(public)
    app.register_blueprint(health)
    app.register_blueprint(maintainer)
