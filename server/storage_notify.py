"""PostgreSQL LISTEN/NOTIFY for list changes: several servers on one database agree within a second.

Each list change sends ``NOTIFY caveat_list, '<version>'`` inside its
transaction (PostgreSQL delivers it at commit, never for a rollback).
``Listener`` is one background thread per worker process holding one
dedicated connection that LISTENs and calls ``on_notify()`` for each
notification, and once after each (re)connection to catch up on what it
may have missed. A lost connection is retried every second; meanwhile the
published-list cache's own version check (server/published.py) keeps the
staleness bounded.
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa

CHANNEL = "caveat_list"
log = logging.getLogger(__name__)


def notify(conn, version: int) -> None:
    """Queue the notification in ``conn``'s transaction (sent at commit)."""
    conn.execute(sa.select(sa.func.pg_notify(CHANNEL, str(version))))


def conninfo(url: str) -> str:
    """A libpq URI from a SQLAlchemy ``postgresql+psycopg://`` URL."""
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Listener(threading.Thread):
    def __init__(self, url: str, on_notify, *, poll_seconds: float = 0.5):
        super().__init__(name="caveat-listen", daemon=True)
        self.conninfo = conninfo(url)
        self.on_notify = on_notify
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self.listening = threading.Event()  # set while LISTEN is in effect (tests wait on it)

    def run(self) -> None:
        import psycopg

        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self.on_notify()
                    while not self.stopping.is_set():
                        for _ in conn.notifies(timeout=self.poll_seconds):
                            self.on_notify()
            except Exception as exc:  # noqa: BLE001  (any failure: reconnect; the version check covers the gap)
                if not self.stopping.is_set():
                    log.warning("LISTEN %s: %s; retrying in 1 s", CHANNEL, str(exc).splitlines()[0] if str(exc) else exc)
            finally:
                self.listening.clear()
            self.stopping.wait(1)

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout=2)
