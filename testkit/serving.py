"""Serve a ``BaseHTTPRequestHandler`` from a daemon thread on loopback."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ThreadedServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # a server stopped and started again keeps its port


def serve_in_thread(handler: type[BaseHTTPRequestHandler], port: int = 0, *, name: str = "test-server",
                    owner: object = None) -> ThreadedServer:
    """Start serving on ``127.0.0.1:port`` (0: any free port); ``server.owner`` is ``owner``."""
    server = ThreadedServer(("127.0.0.1", port), handler)
    server.owner = owner
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
    return server


def stop_serving(server: ThreadedServer | None) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()
