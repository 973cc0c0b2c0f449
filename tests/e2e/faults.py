"""A list server whose answers a test switches between healthy and broken,
and the faults both browsers' sync tests put the extension through (see
test_sync_faults.py for the procedure)."""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from testkit.entries import base_entries, entry, list_document
from testkit.ports import free_port
from testkit.serving import ThreadedServer, serve_in_thread, stop_serving

FETCHING_JS = Path(__file__).resolve().parents[2] / "extension" / "background" / "fetching.js"
FETCH_TIMEOUT_MS = int(re.search(r"FETCH_TIMEOUT_MS\s*=\s*([\d_]+)", FETCHING_JS.read_text()).group(1).replace("_", ""))
FIFTY_MB = 50 * 1024 * 1024
MARKER = "faultmarker.example"  # listed only by the fault server


class FaultServer:
    """A list server on a fixed port whose answers a test switches: ``mode`` and ``version``."""

    def __init__(self):
        self.release = threading.Event()  # ends a "slow" answer early when the test is done with it
        self.reset()
        self._server: ThreadedServer | None = None
        self.port = free_port()  # fixed: the extension is built to sync from it

    def reset(self) -> None:
        """Healthy, at version 10, publishing the first entries and the marker: each browser starts here."""
        self.version = 10
        self.extra: list[dict] = []
        self.mode = "good"
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def document(self, version: int | None = None, entries: list[dict] | None = None) -> dict:
        if entries is None:
            entries = base_entries() + [entry(MARKER, "Fault Marker Store")] + self.extra
        return list_document(entries, version=self.version if version is None else version)

    def start(self) -> "FaultServer":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.0: one request per connection, so "server down" cannot be
            # answered over a kept-alive connection from before the stop.
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.requests.append(self.path)
                owner.answer(self)

        self._server = serve_in_thread(Handler, self.port, name="fault-server")
        return self

    def stop(self) -> None:
        stop_serving(self._server)
        self._server = None

    # --- answers ------------------------------------------------------------------------------

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        is_list = url.path == "/api/v1/list"
        is_changes = url.path.startswith("/api/v1/changes/")  # the path form the extension asks for
        mode = self.mode
        if not (is_list or is_changes):
            return self.send(handler, 404, {"error": {"code": "not_found", "message": "no"}})
        if mode == "good":
            if is_changes:
                since = int(url.path.rsplit("/", 1)[1]) if url.path.rsplit("/", 1)[1].isdigit() else -1
                if since == self.version:
                    return self.send(handler, 200, {"format": 1, "from": since, "version": self.version,
                                                    "upserted": [], "removed": []})
                return self.send(handler, 410, {"error": {"code": "changes_gone", "message": "fetch the list"}})
            etag = f'"v{self.version}-{len(self.extra)}"'
            if handler.headers.get("If-None-Match") == etag:
                return self.send(handler, 304, None, {"ETag": etag})
            return self.send(handler, 200, self.document(), {"ETag": etag})
        if mode == "reset":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            handler.connection.close()
            return None
        if mode == "500":
            return self.send(handler, 500, {"error": {"code": "internal_error", "message": "boom"}})
        if mode == "slow":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            handler.wfile.write(b'{"format": 1, ')
            handler.wfile.flush()
            self.release.wait(FETCH_TIMEOUT_MS / 1000 + 10)
            handler.close_connection = True
            return None
        if mode == "truncated":
            body = json.dumps(self.document(version=self.version + 1)).encode()
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 3])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return None
        if mode == "bad_gzip":  # says gzip, is not
            return self.send(handler, 200, b"\x1f\x8b\x08\x00garbage-not-deflate" * 10, {"Content-Encoding": "gzip"})
        if mode == "redirect_loop":
            handler.send_response(302)
            handler.send_header("Location", handler.path)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if mode == "redirect_data":
            handler.send_response(302)
            handler.send_header("Location", "data:application/json," + json.dumps(self.document(version=self.version + 1)))
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if mode == "huge":
            return self.send_huge(handler, declare_length=True)
        if mode == "huge_chunked":
            return self.send_huge(handler, declare_length=False)
        # Faults in the content: the delta endpoint says "too old" so the full list is fetched,
        # except for the delta faults themselves.
        if is_changes and not mode.startswith("delta_"):
            return self.send(handler, 410, {"error": {"code": "changes_gone", "message": "fetch the list"}})
        newer = self.version + 1
        bodies = {
            "invalid_json": b'{"format": 1, "version": ' + str(newer).encode() + b', "entries": [',
            "wrong_shape": [self.document(version=newer)],
            "wrong_shape_entries": {"format": 1, "version": newer, "entries": {"allofmp3.example": "listed"}},
            "empty": self.document(version=newer, entries=[]),
            "older": self.document(version=self.version - 1),
            "delta_wrong_shape": {"format": 1, "from": self.version, "version": newer,
                                  "upserted": "everything", "removed": [MARKER]},
            "delta_older": {"format": 1, "from": self.version, "version": self.version - 1,
                            "upserted": [], "removed": [MARKER]},
        }
        if is_list and mode.startswith("delta_"):
            return self.send(handler, 500, {"error": {"code": "internal_error", "message": "unexpected"}})
        return self.send(handler, 200, bodies[mode])

    @staticmethod
    def send(handler, status: int, body, headers: dict | None = None) -> None:
        data = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        if data:
            handler.wfile.write(data)

    @staticmethod
    def send_huge(handler, *, declare_length: bool) -> None:
        """A 50 MB list-shaped JSON document; without Content-Length it is streamed until the client stops."""
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declare_length:
            handler.send_header("Content-Length", str(FIFTY_MB))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = b" " * (1024 * 1024)
        sent = 0
        try:
            handler.wfile.write(b'{"format": 1, "version": 999999, "entries": [], "pad": "')
            while sent < FIFTY_MB - 2 * len(chunk):
                handler.wfile.write(chunk)
                sent += len(chunk)
            handler.wfile.write(b'"}')
        except OSError:
            pass  # the extension stopped reading: what it should do
        handler.close_connection = True


FAULTS = {
    # name: (mode, expected error code)
    "server down": ("down", "network"),
    "connection reset": ("reset", "network"),
    "HTTP 500": ("500", "http"),
    "body cut short": ("truncated", "network"),
    "invalid JSON": ("invalid_json", "not_json"),
    "wrong shape: array": ("wrong_shape", "invalid_list"),
    "wrong shape: entries object": ("wrong_shape_entries", "invalid_list"),
    "empty list": ("empty", "invalid_list"),
    "older version": ("older", "invalid_list"),
    "delta of the wrong shape": ("delta_wrong_shape", "invalid_list"),
    "delta to an older version": ("delta_older", "invalid_list"),
    "gzip that is not gzip": ("bad_gzip", "network"),
    "redirect loop": ("redirect_loop", "network"),
    "redirect to a data: URL": ("redirect_data", "network"),
    "50 MB with Content-Length": ("huge", "too_large"),
    "50 MB streamed": ("huge_chunked", "too_large"),
    "slower than the timeout": ("slow", "timeout"),
}
