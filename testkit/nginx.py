"""Debian's nginx, run by the test user on its own prefix and a free loopback port.

``with nginx_server(server_block, tmp) as base_url:`` writes a main
configuration around ``server_block`` (pid, logs and temporary folders under
``tmp``), starts nginx in the foreground, waits until it answers, and stops it
(by its own process id) afterwards. ``documented_server_block(port, root)`` is
the server block of docs/self-hosting.md ("Static mirrors with nginx") as
written, listening on ``port`` and serving ``root`` (a ``caveat publish`` folder).
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SELF_HOSTING = Path(__file__).parent.parent / "docs" / "self-hosting.md"

_MAIN = """\
daemon off;
master_process on;
worker_processes 1;
{user}pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{server}
}}
"""


def documented_server_block(port: int, root: Path) -> str:
    """The documented nginx server block, only ``listen`` and ``root`` replaced."""
    text = SELF_HOSTING.read_text(encoding="utf-8")
    section = text[text.index("## Static mirrors with nginx"):]
    block = re.search(r"```nginx\n(.*?)```", section, re.S).group(1)
    block, listens = re.subn(r"^(\s*)listen 80;$", rf"\g<1>listen 127.0.0.1:{port};", block, flags=re.M)
    block, roots = re.subn(r"^(\s*)root /var/www/caveat;", rf"\g<1>root {root};", block, flags=re.M)
    if (listens, roots) != (1, 1):
        raise ValueError("the documented server block should have one `listen 80;` and one `root /var/www/caveat;`")
    return block


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def nginx_server(server_block: str, tmp: Path, port: int, *, timeout: float = 20.0):
    """nginx serving ``server_block`` (which listens on 127.0.0.1:``port``); yields its base URL."""
    tmp.mkdir(parents=True, exist_ok=True)
    # Started as root, nginx would switch its workers to "nobody": keep them the test user.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(_MAIN.format(user=user, tmp=tmp, server=server_block), encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")],
                           capture_output=True, text=True, timeout=30)
    if check.returncode != 0:
        raise RuntimeError(f"nginx refuses the configuration:\n{check.stderr}")
    stderr = open(tmp / "stderr.log", "wb")
    process = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + timeout
        while not _answers(port):
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited ({process.returncode}): {(tmp / 'error.log').read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer on port {port} within {timeout} s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # fast shutdown of the master and its workers
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        stderr.close()
