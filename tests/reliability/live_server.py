"""The real server for reliability tests: ``caveat init`` then ``caveat serve``
(gunicorn, several workers) on a temporary database (a SQLite file, or the
``url`` of a PostgreSQL database from the ``database_url`` fixture), as a child process
in its own process group so a test can ``kill -9`` master and workers at once.

Plus a small HTTP client for the maintainer API (one keep-alive connection per
thread, the way a script would drive it) that classifies every answer as
acknowledged (a complete 2xx), refused (a complete non-2xx) or unknown (the
connection broke before a complete answer arrived).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from server.storage import Storage
from testkit.entries import entry
from testkit.ports import free_port

CAVEAT = str(Path(sys.executable).with_name("caveat"))


class LiveServer:
    """``caveat serve`` on ``127.0.0.1:<port>``; ``start()``, ``kill9()``, ``stop()``, ``token``.

    ``workers``/``threads`` None: ``caveat serve``'s own defaults.
    """

    def __init__(self, db_path: Path, *, url: str | None = None, workers: int | None = 3,
                 threads: int | None = 4, extra_env: dict | None = None):
        self.db_path = db_path  # the SQLite file, and where the log goes (next to it)
        self.url = url or f"sqlite:///{db_path}"
        self.is_sqlite = self.url.startswith("sqlite")
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.log_path = db_path.with_suffix(".log")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CAVEAT_")}
        self.env.update({"CAVEAT_DATABASE_URL": self.url, "CAVEAT_LOG_LEVEL": "warning",
                         "CAVEAT_CHANGES_RETAIN": "100000", **(extra_env or {})})
        self.proc: subprocess.Popen | None = None
        self.token = ""

    def init(self) -> "LiveServer":
        """``caveat init`` (schema and the bundled list) and a maintainer token."""
        subprocess.run([CAVEAT, "init"], env=self.env, check=True, capture_output=True, timeout=60)
        storage = Storage(self.url)
        try:
            self.token = storage.create_token(f"reliability-{os.getpid()}-{time.monotonic_ns()}")
        finally:
            storage.dispose()
        return self

    def init_schema(self) -> "LiveServer":
        """An empty initialised database, as ``caveat init`` leaves it without the bundled list."""
        storage = Storage(self.url)
        try:
            storage.init_schema()
            self.token = storage.create_token(f"reliability-{os.getpid()}-{time.monotonic_ns()}")
        finally:
            storage.dispose()
        return self

    def start(self, timeout: float = 30) -> "LiveServer":
        log = open(self.log_path, "ab")
        argv = [CAVEAT, "serve", "--bind", f"127.0.0.1:{self.port}"]
        if self.workers:
            argv += ["--workers", str(self.workers)]
        if self.threads:
            argv += ["--threads", str(self.threads)]
        self.proc = subprocess.Popen(
            argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"caveat serve exited with {self.proc.returncode}; see {self.log_path}")
            try:
                status, _ = request(self.port, "GET", "/healthz", timeout=2)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"caveat serve did not answer /healthz within {timeout}s; see {self.log_path}")

    def pids(self) -> list[int]:
        """The master and its workers (children of the master), from /proc."""
        if self.proc is None:
            return []
        pids = [self.proc.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid:
                    pids.append(int(entry.name))
        return pids

    def rss_kib(self) -> int:
        """Resident memory of master and workers together (KiB)."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total

    def kill9(self) -> None:
        """SIGKILL the whole process group: master and every worker die mid-request."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            self.proc = None

    def open_database(self) -> sa.Engine:
        return sa.create_engine(self.url)


def wait_for_list(port: int, version: int, *, attempts: int = 200) -> dict:
    """The list document once this server serves ``version`` (a worker may hold the
    previous list for up to CAVEAT_PUBLISHED_CHECK_MS); polls, never times a claim."""
    document = {}
    for _ in range(attempts):
        status, body = request(port, "GET", "/api/v1/list", headers={"Accept-Encoding": "identity"})
        document = json.loads(body) if status == 200 else {}
        if document.get("version") == version:
            return document
        time.sleep(0.05)
    raise AssertionError(f"the server on port {port} never served version {version} "
                         f"(last: {document.get('version')})")


def request(port: int, method: str, path: str, body=None, headers=None, timeout: float = 10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Outcome:
    """One maintainer write as the client saw it."""
    op: str             # "put" | "delete"
    domain: str
    summary: str        # the summary a PUT sent (unique per write); "" for a delete
    state: str          # "acked" (complete 2xx) | "refused" (complete non-2xx) | "unknown" (no complete answer)
    status: int = 0
    version: int | None = None


class MaintainerClient:
    """One keep-alive connection; reconnects after a failure."""

    def __init__(self, port: int, token: str, timeout: float = 15):
        self.port, self.token, self.timeout = port, token, timeout
        self.connection: http.client.HTTPConnection | None = None

    def _send(self, method: str, path: str, body=None) -> tuple[int, bytes]:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        self.connection.request(method, path, body=None if body is None else json.dumps(body).encode(),
                                headers=headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def write(self, op: str, domain: str, entry: dict | None = None) -> Outcome:
        summary = entry["summary"] if entry else ""
        try:
            if op == "put":
                status, raw = self._send("PUT", f"/api/v1/warnings/{domain}", entry)
            else:
                status, raw = self._send("DELETE", f"/api/v1/warnings/{domain}")
        except (OSError, http.client.HTTPException):
            self.close()
            return Outcome(op, domain, summary, "unknown")
        if 200 <= status < 300:
            return Outcome(op, domain, summary, "acked", status, json.loads(raw)["version"])
        return Outcome(op, domain, summary, "refused", status)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def make_entry(domain: str, summary: str) -> dict:
    """A PUT body for ``domain`` whose summary is unique to this write (the tests compare summaries)."""
    body = entry(domain, f"Store {domain}", summary=summary, reviewed="2026-11-01",
                 sources=[{"title": "Reliability test", "url": "https://reliability.example/source"}])
    del body["domain"]  # named by the URL
    return body
