"""Debian's Chromium and the command line that loads the built extension into it
(the end-to-end tests and the extension benchmark launch it the same way)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("CAVEAT_CHROMIUM", "/usr/lib/chromium/chromium"))

BROWSER_SERVICES = "".join(f"MAP {pattern} ~NOTFOUND, " for pattern in (
    "*.googleapis.com", "*.google.com", "*.gvt1.com", "*.gstatic.com", "*.googleusercontent.com"))


def chromium_args(extension: Path, site_port: int) -> list[str]:
    return [
        f"--disable-extensions-except={extension}",
        f"--load-extension={extension}",
        # Chromium's own services (update checks that --disable-component-update
        # does not stop) resolve nowhere instead of reaching the site server,
        # where they would look like traffic from the extension.
        f"--host-resolver-rules={BROWSER_SERVICES} MAP * 127.0.0.1:{site_port}, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-sync",
        "--disable-quic",
        "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
    ]
