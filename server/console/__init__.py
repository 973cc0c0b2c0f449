"""The maintainers' web console at /admin/ (docs/console.md).

Server-rendered HTML (Jinja2, autoescaped), usable without JavaScript, never
CORS, with a strict CSP. Every change goes through server/maintenance.py
(entries, proposals) or server/accounts.py (users); the views only read
forms, call those, and render.
"""

from __future__ import annotations

from . import views_admin, views_auth, views_entries, views_review  # noqa: F401  (routes)
from .blueprint import console
from .security import configure


def init_app(app) -> None:
    configure(app)
    app.register_blueprint(console)
