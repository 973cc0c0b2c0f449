"""A local HTTP server standing in for every website the tests (and the
extension benchmark) visit.

It answers any Host, both as a plain server (Chromium's
``--host-resolver-rules`` sends every hostname to it; the Host header names
the site) and as an HTTP proxy (Firefox's PAC sends absolute-URL requests
``GET http://host/path``). ``CONNECT`` is refused with 405: test sites are
plain http. Every request is recorded, so tests can assert what reached
"the web". Browser-neutral: the Chromium and Firefox tests share it.

Pages by path (any host):

- ``/`` and anything else: a normal shop page with its own header;
- ``/slow``: the page arrives in two parts, 1.5 s apart;
- ``/hostile/remove``: removes the banner's host element each time it appears (5 times);
- ``/hostile/hide``: hides it through attributes and inline style;
- ``/hostile/cover``: covers the top of the page with its own max-z-index box;
- ``/api/v1/...``: canned answers set by ``set_api`` (a broken or hostile list
  server, reached at ``.origin``), only while set.
"""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from testkit.serving import ThreadedServer, serve_in_thread, stop_serving

NORMAL_BODY = """<header id="site-header" style="background:#223;color:#fff;padding:12px 16px;font:20px sans-serif">
  <strong id="site-name">{host}</strong> <nav><a href="/cart">Cart</a> <a href="/checkout">Checkout</a></nav>
</header>
<main style="padding:16px;font:16px sans-serif">
  <h1>Welcome to {host}</h1>
  <p id="content">Albums from 0.99 each. Pay by card.</p>
</main>"""

HOSTILE_SCRIPTS = {
    "remove": """
      window.caveatRemovals = 0;
      new MutationObserver(() => {
        const el = document.querySelector('[data-caveat-banner]');
        if (el && window.caveatRemovals < 5) { el.remove(); window.caveatRemovals++; }
      }).observe(document, {childList: true, subtree: true});
    """,
    "hide": """
      window.caveatHides = 0;
      new MutationObserver(() => {
        const el = document.querySelector('[data-caveat-banner]');
        if (el && window.caveatHides < 5 && el.style.display !== 'none') {
          window.caveatHides++;
          el.setAttribute('hidden', '');
          el.setAttribute('inert', '');
          el.style.setProperty('display', 'none', 'important');
        }
      }).observe(document, {childList: true, subtree: true, attributes: true});
      const style = document.createElement('style');
      style.textContent = '[data-caveat-banner], html > div { visibility: hidden !important; opacity: 0 !important; }';
      document.documentElement.appendChild(style);
    """,
    "cover": """
      function cover() {
        const box = document.createElement('div');
        box.id = 'cover';
        box.style.cssText = 'position:fixed;top:0;left:0;right:0;height:200px;z-index:2147483647;background:#0a0';
        document.documentElement.appendChild(box);
      }
      window.addEventListener('DOMContentLoaded', cover);
    """,
}


def page_html(host: str, title: str | None = None, head_script: str = "", body: str | None = None) -> str:
    host = html.escape(host)
    script = f"<script>{head_script}</script>" if head_script else ""
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title or host)}</title>"
            f"{script}</head><body style='margin:0'>{body or NORMAL_BODY.format(host=host)}</body></html>")


@dataclass
class ApiAnswer:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str]


@dataclass
class RecordedRequest:
    method: str
    host: str
    path: str
    proxied: bool
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ThreadedServer  # its ``owner`` is the SiteServer

    def log_message(self, *args):  # keep test output quiet
        pass

    def _target(self) -> tuple[str, str, bool]:
        if self.path.startswith(("http://", "https://")):
            parsed = urllib.parse.urlsplit(self.path)
            path = parsed.path or "/"
            if parsed.query:
                path += "?" + parsed.query
            return (parsed.hostname or "").lower(), path, True
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        return host, self.path, False

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_CONNECT(self):
        self.server.owner._record(self.command, self.path, "", True, self.headers)
        self._send(405, b"CONNECT is not supported: test sites are plain http\n", "text/plain")

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.do_GET()

    def do_GET(self):
        host, path, proxied = self._target()
        owner = self.server.owner
        owner._record(self.command, host, path, proxied, self.headers)
        route = urllib.parse.urlsplit(path).path
        custom = owner.pages.get((host, route)) or owner.pages.get(("*", route))
        if route.startswith("/api/v1/") and route in owner.api:
            answer = owner.api[route]
            self._send(answer.status, answer.body, answer.content_type, answer.headers)
        elif custom is not None:
            self._send(200, custom.encode())
        elif route == "/favicon.ico":
            self._send(404, b"", "text/plain")
        elif route == "/slow":
            self._slow(host)
        elif route.startswith("/hostile/") and route.split("/")[2] in HOSTILE_SCRIPTS:
            kind = route.split("/")[2]
            self._send(200, page_html(host, f"hostile {kind}", HOSTILE_SCRIPTS[kind]).encode())
        else:
            self._send(200, page_html(host).encode())

    def _slow(self, host: str):
        first = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(host)}</title></head>"
                 "<body style='margin:0'><p id='first-part'>Loading the shop…</p>").encode()
        rest = NORMAL_BODY.format(host=html.escape(host)).encode() + b"</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(first) + len(rest)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(first)
        self.wfile.flush()
        time.sleep(1.5)
        self.wfile.write(rest)


class SiteServer:
    """Start with ``SiteServer().start()``; ``.port``, ``.requests``, ``.stop()``."""

    def __init__(self):
        self.pages: dict[tuple[str, str], str] = {}
        self.api: dict[str, ApiAnswer] = {}
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server: ThreadedServer | None = None

    def start(self) -> "SiteServer":
        self._server = serve_in_thread(_Handler, name="site-server", owner=self)
        return self

    def stop(self) -> None:
        stop_serving(self._server)
        self._server = None

    @property
    def port(self) -> int:
        assert self._server is not None, "site server not started"
        return self._server.server_address[1]

    @property
    def origin(self) -> str:
        """The server's own address, for use as a (broken) list server URL."""
        return f"http://127.0.0.1:{self.port}"

    def set_page(self, path: str, body_html: str, host: str = "*") -> None:
        self.pages[(host, path)] = body_html

    def set_api(self, route: str, status: int, body: bytes | str | dict = b"", *,
                content_type: str = "application/json", headers: dict[str, str] | None = None) -> None:
        """Answer ``route`` (e.g. "/api/v1/list") with this; a dict body is sent as JSON."""
        if isinstance(body, dict):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.api[route] = ApiAnswer(status, body, content_type, headers or {})

    def clear_api(self) -> None:
        self.api.clear()

    def _record(self, method, host, path, proxied, headers) -> None:
        with self._lock:
            self._requests.append(RecordedRequest(method, host, path, proxied, {k: v for k, v in headers.items()}))

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
