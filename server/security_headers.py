"""Security headers on every response, added at the WSGI edge.

A response that sets one of these itself keeps its own (the console sends a
stricter Content-Security-Policy). Done when the response starts rather than
in an ``after_request`` hook: werkzeug's ``Headers.setdefault`` scans the
whole header list once per name, which cost a public lookup about a tenth of
its time (bench/README.md, "Server").
"""

from __future__ import annotations

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_DEFAULTS = tuple((name.lower(), name, value) for name, value in SECURITY_HEADERS.items())


class SecurityHeaders:
    """WSGI middleware: append each of SECURITY_HEADERS the response does not already have."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend((name, value) for lower, name, value in _DEFAULTS if lower not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)
