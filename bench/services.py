"""Servers the benchmarks start as child processes: `caveat serve` itself,
the Flask floor under the same gunicorn settings, and nginx serving a static
export. Each is stopped by its own process id; nothing is found by name."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from bench.common import ROOT, python

NGINX_CONF = """\
# A static host for the exported list: the ceiling in server_bench.py.
daemon off;
master_process on;
worker_processes auto;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/json;
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    etag on;
    gzip_static on;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location = /api/v1/list {{ add_header Cache-Control "public, max-age=300"; }}
        location = /api/v1/lookup {{ try_files /lookup/$arg_domain.json =404; }}
        location = /healthz {{ }}
    }}
}}
"""


class Service:
    """A child process serving HTTP on 127.0.0.1:port."""

    def __init__(self, name: str, argv: list[str], port: int, log: Path, env: dict | None = None,
                 ready_path: str = "/"):
        self.name, self.argv, self.port, self.log = name, argv, port, log
        self.env = {**os.environ, **(env or {})}
        self.ready_path = ready_path
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> "Service":
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=log, env=self.env,
                                         cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log}:\n"
                                   + self.log.read_text(errors="replace")[-2000:])
            try:
                status, _, _ = request(self.port, self.ready_path)
                if status < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on port {self.port} within {timeout} s; see {self.log}")

    def stop(self) -> None:
        """SIGINT (quick shutdown for gunicorn and nginx alike), then the process group we started."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            # gunicorn's master lingers for seconds after its workers have gone.
            self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # our own session: the master and its workers
            self.proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def request(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One GET on loopback: status, headers (lowercase names), body as sent (not decompressed)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
    finally:
        conn.close()


def caveat_executable() -> str:
    script = Path(python()).parent / "caveat"
    found = str(script) if script.exists() else shutil.which("caveat")
    if not found:
        raise RuntimeError("the `caveat` console script is not installed (make setup)")
    return found


def caveat_service(database_url: str, port: int, log: Path) -> Service:
    """`caveat serve` exactly as a self-hoster runs it, default workers and threads."""
    return Service("caveat serve", [caveat_executable(), "serve", "--bind", f"127.0.0.1:{port}"], port, log,
                   env={"CAVEAT_DATABASE_URL": database_url}, ready_path="/healthz")


def floor_service(port: int, log: Path) -> Service:
    return Service("flask floor", [python(), "-m", "bench.floor_server", "--bind", f"127.0.0.1:{port}"],
                   port, log, ready_path="/ping")


def nginx_service(tmp: Path, root: Path, port: int) -> Service:
    """nginx in the foreground (daemon off) on a temporary config."""
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, root=root, port=port), encoding="utf-8")
    # Workers run as "nobody" when started as root: they must be able to read the export.
    for path in [tmp, *root.rglob("*"), root]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return Service("nginx", ["nginx", "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "nginx-error.log")],
                   port, tmp / "nginx-stderr.log", ready_path="/healthz")
