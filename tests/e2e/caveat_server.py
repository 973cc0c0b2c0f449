"""The real Caveat Flask app, served from a thread for end-to-end tests.

``create_app`` on a temporary SQLite database, loaded with the given entries,
behind werkzeug's ``make_server`` on ``127.0.0.1:<free port>``. A maintainer
token lets tests publish entries with ``PUT /api/v1/warnings/<domain>``, as a
maintainer would. Every request is recorded (the privacy test reads the log).
``stop()`` and ``start()`` take the server down and back up on the same port.
Browser-neutral: shared by the Chromium and Firefox tests.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from server import create_app
from testkit.ports import free_port


@dataclass
class ApiRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]


class CaveatServer:
    def __init__(self, db_path: Path, entries: list[dict], config: dict | None = None):
        self.db_path = db_path
        self.entries = entries
        self.config = dict(config or {})  # further create_app settings, e.g. SIGNING_KEY_FILE
        self.databases = 0
        self._open_database()
        self.port = free_port()
        self.requests: list[ApiRequest] = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    def _open_database(self) -> None:
        self.databases += 1
        path = self.db_path.with_name(f"{self.db_path.stem}-{self.databases}{self.db_path.suffix}")
        self.app = create_app({"DATABASE_URL": f"sqlite:///{path}", "REPORTS_RATE_LIMIT": 1000, **self.config})
        self.storage = self.app.extensions["caveat.storage"]
        self.storage.init_schema()
        self.storage.apply_changes(self.entries, [], actor="e2e-setup")
        self.token = self.storage.create_token("e2e")

    def reset(self) -> None:
        """A fresh database with the first entries, on the same address (the extension is built for it):
        each browser of a cross-browser module starts from the same server state."""
        self.storage.dispose()
        self._open_database()
        self.clear_log()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _recording(self, environ, start_response):
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        with self._lock:
            self.requests.append(ApiRequest(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""),
                                            environ.get("QUERY_STRING", ""), headers))
        return self.app(environ, start_response)

    def start(self) -> "CaveatServer":
        self._server = make_server("127.0.0.1", self.port, self._recording, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="caveat-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def log(self) -> list[ApiRequest]:
        with self._lock:
            return list(self.requests)

    def _call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as res:
                return res.status, json.loads(res.read() or b"{}")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")

    def put_entry(self, entry: dict) -> int:
        """Publish an entry as a maintainer; returns the new list version."""
        fields = {k: v for k, v in entry.items() if k not in ("domain", "created", "updated")}
        status, answer = self._call("PUT", f"/api/v1/warnings/{entry['domain']}", fields)
        assert status in (200, 201), answer
        return answer["version"]

    def delete_entry(self, domain: str) -> int:
        status, answer = self._call("DELETE", f"/api/v1/warnings/{domain}")
        assert status == 200, answer
        return answer["version"]

    def list_document(self) -> dict:
        return self.storage.list_document()

    def reports(self) -> list[dict]:
        status, answer = self._call("GET", "/api/v1/reports")
        assert status == 200, answer
        return answer["reports"]
