"""The console's blueprint and what its views share: the storage, the user, role checks."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, g

console = Blueprint("console", __name__, url_prefix="/admin", template_folder="templates",
                    static_folder="static", static_url_path="/static")

PAGE_SIZE = 50


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

    messages = {
        400: "The form could not be accepted (its security token was missing or expired). Reload the page and try again.",
        403: "Your role does not allow this, or the request came from another site.",
        404: "There is nothing here.",
        405: "This address does not accept that method.",
        413: "The upload is too large.",
    }
    status = exc.code or 400
    return render_template("console/error.html", status=status, title=exc.name,
                           message=messages.get(status, exc.description)), status
