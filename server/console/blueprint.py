"""The console's blueprint and what its views share: the storage, the user, role checks."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, g
from .catalogue import _

console = Blueprint("console", __name__, url_prefix="/admin", template_folder="templates",
                    static_folder="static", static_url_path="/static")

PAGE_SIZE = 50

# Each error page's title and explanation (catalogue keys).
ERROR_PAGES = {
    400: ("Bad request",
          "The form could not be accepted (its security token was missing or expired). Reload the page and try again."),
    403: ("Forbidden", "Your role does not allow this, or the request came from another site."),
    404: ("Not found", "There is nothing here."),
    405: ("Method not allowed", "This address does not accept that method."),
    413: ("Too large", "The upload is too large."),
}


def storage():
    return current_app.extensions["caveat.storage"]


def review_required() -> bool:
    return current_app.config["REVIEW"] == "required"


def needs(*roles):
    """A view only these roles may use (403 for the others)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if g.user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


@console.errorhandler(400)
@console.errorhandler(403)
@console.errorhandler(404)
@console.errorhandler(405)
@console.errorhandler(413)
def _error_page(exc):
    from flask import render_template

    status = exc.code if exc.code in ERROR_PAGES else 400
    title, message = ERROR_PAGES[status]
    return render_template("console/error.html", status=status, title=_(title), message=_(message)), status
