"""Settings: defaults, then ``CAVEAT_*`` environment variables, then an explicit mapping.

docs/settings.md documents every variable; keep the two in step. Each value
is converted to the type of its default, and a value that does not convert is
refused with a message naming the variable (a typo in production should stop
the server, not be ignored).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from .contract import LIMITS

ENV_PREFIX = "CAVEAT_"

DEFAULTS: dict[str, object] = {
    # SQLAlchemy URL; empty means a SQLite file "caveat.db" in the instance folder.
    "DATABASE_URL": "",
    # The public address of this server (used by exports, e.g. the uBlock Origin list header).
    "PUBLIC_URL": "",
    # Largest request body Flask accepts (bytes); larger bodies get 413.
    "MAX_CONTENT_LENGTH": 128 * 1024,
    # Largest body of POST /api/v1/reports (bytes).
    "REPORT_MAX_BYTES": 4 * 1024,
    # Longest report comment (characters).
    "REPORT_COMMENT_MAX": LIMITS["report_comment"],
    # Reports accepted per client address per window.
    "REPORTS_RATE_LIMIT": 10,
    "REPORTS_RATE_WINDOW": 3600,
    # How many list versions of change log are kept for /changes?since=.
    "CHANGES_RETAIN": 1000,
    # The Ed25519 key that signs the list; empty means "signing-key.pem" in the instance folder, if present.
    "SIGNING_KEY_FILE": "",
    # Cache-Control max-age (seconds) of the list, changes and lookups.
    "LIST_MAX_AGE": 300,
    "LOOKUP_MAX_AGE": 60,
    # Number of reverse proxies in front whose X-Forwarded-For is trusted.
    "TRUST_PROXY_HOPS": 0,
    # Public reads serve the list held in memory; at most this often (milliseconds)
    # one read checks whether the stored list version moved. Bounds how stale a
    # worker can be when another process or server changed the list.
    "PUBLISHED_CHECK_MS": 500,
    # PostgreSQL only: each worker LISTENs for list changes and refreshes at once.
    "POSTGRES_NOTIFY": True,
    # SQLite only: how long a writer waits for a lock (milliseconds).
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    # caveat serve
    "BIND": "127.0.0.1:8000",
    "WORKERS": 0,  # 0: min(2 * CPU cores + 1, 8)
    "THREADS": 4,
    "TIMEOUT": 30,
    "LOG_LEVEL": "info",
    # The maintainers' console (docs/console.md).
    # Signs console sessions; empty: a random key generated once into the instance folder.
    "SECRET_KEY": "",
    # off: changes publish at once; required: console and API changes wait for another reviewer.
    "REVIEW": "off",
    # How long a console login lasts (seconds).
    "SESSION_SECONDS": 8 * 3600,
    # Failed logins allowed per account, and per client address, per window (seconds).
    "LOGIN_RATE_LIMIT": 5,
    "LOGIN_ADDRESS_RATE_LIMIT": 20,
    "LOGIN_RATE_WINDOW": 900,
}

REVIEW_MODES = ("off", "required")


class SettingsError(ValueError):
    """A setting whose value cannot be used."""


def _convert(name: str, raw: str, default: object) -> object:
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{ENV_PREFIX}{name}={raw!r}: expected true or false")
    if isinstance(default, int):
        try:
            value = int(raw.strip())
        except ValueError:
            raise SettingsError(f"{ENV_PREFIX}{name}={raw!r}: expected a whole number") from None
        if value < 0:
            raise SettingsError(f"{ENV_PREFIX}{name}={raw!r}: must not be negative")
        return value
    return raw.strip()


def default_database_url(instance_path: str | os.PathLike) -> str:
    return f"sqlite:///{Path(instance_path) / 'caveat.db'}"


def load_settings(
    config: Mapping | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    instance_path: str | os.PathLike | None = None,
) -> dict:
    """The effective settings: defaults < ``CAVEAT_*`` environment < ``config``."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        raw = environ.get(ENV_PREFIX + name)
        if raw is not None and raw != "":
            settings[name] = _convert(name, raw, default)
    if config:
        settings.update(config)
    if settings["REVIEW"] not in REVIEW_MODES:
        raise SettingsError(f"{ENV_PREFIX}REVIEW={settings['REVIEW']!r}: expected off or required")
    if not settings["DATABASE_URL"]:
        if instance_path is None:
            raise SettingsError("DATABASE_URL is not set and there is no instance folder")
        settings["DATABASE_URL"] = default_database_url(instance_path)
    return settings


def default_workers(cores: int | None = None) -> int:
    """Gunicorn's usual 2 * cores + 1, capped: the work is small and SQLite has one writer."""
    cores = cores or os.cpu_count() or 1
    return min(2 * cores + 1, 8)
