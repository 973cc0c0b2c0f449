"""The published list, serialized once per list version and kept in memory.

Every worker builds the same bytes for the same version (the ``generated``
time is stored with the version, and gzip runs with a fixed mtime), so the
ETag is the same whichever worker or server answers.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass

from .canonical import canonical_bytes
from .contract import LIST_FORMAT
from .matching import WarningIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishedList:
    version: int
    body: bytes          # the JSON document
    gzip_body: bytes     # the same, gzip-compressed
    etag: str            # strong validator of ``body`` (without quotes)
    gzip_etag: str       # strong validator of ``gzip_body``: a different representation
    index: WarningIndex
    generated: str = ""            # when this version was made (deltas carry it: server/publish.py)
    signature: dict | None = None  # server/signing.py's object for ``body``, when built with a signer

    @classmethod
    def build(cls, version: int, generated: str, entries: list[dict], signer=None) -> "PublishedList":
        document = {"format": LIST_FORMAT, "version": version, "generated": generated, "entries": entries}
        body = canonical_bytes(document)  # the bytes the extension can rebuild (docs/design.md)
        digest = hashlib.sha256(body).hexdigest()[:20]
        etag = f"v{version}-{digest}"
        return cls(version, body, gzip.compress(body, compresslevel=9, mtime=0),
                   etag, etag + "-gz", WarningIndex(entries), generated,
                   signer.sign(version, body) if signer is not None else None)


class PublishedCache:
    """The current PublishedList, held in memory: public reads make no database query.

    The list is rebuilt when the stored version moves. A read serves the held
    list, except:

    - after a change made through this process's Storage: the next read
      rebuilds (a worker reads its own writes at once);
    - PostgreSQL (``notify``): a listener thread per worker process hears each
      change's NOTIFY and rebuilds in the background (server/storage_notify.py);
    - every engine: at most once per ``check_seconds`` one read checks the
      stored version (one cheap query); concurrent reads keep serving the held
      list meanwhile. This bounds the staleness when NOTIFY is off, missed, or
      the engine is SQLite, whose writers may be other processes.

    If the database fails during a check, the held list is served (logged).
    """

    def __init__(self, storage, *, check_seconds: float = 0.5, notify: bool = True, clock=time.monotonic):
        self._storage = storage
        self.check_seconds = check_seconds
        self._clock = clock
        self._current: PublishedList | None = None
        self._lock = threading.Lock()
        self._stale = True
        self._next_check = 0.0
        self._listen = notify and storage.is_postgresql
        self._listener = None
        self._listener_pid = 0
        storage.on_change(self._changed)
        storage.on_dispose(self.close)

    def current(self) -> PublishedList:
        published = self._current
        if published is not None and not self._due():
            return published
        # A known change (or nothing held yet) waits for the check; a routine check does not.
        return self.refresh(wait=published is None or self._stale)

    def refresh(self, *, wait: bool = True) -> PublishedList:
        """Check the stored version and rebuild when it moved. ``wait=False``: if another
        thread is checking, return the held list at once."""
        if not self._lock.acquire(blocking=wait):
            return self._current
        try:
            self._ensure_listener()
            self._stale = False  # set before reading: a change during the read marks it again
            self._next_check = self._clock() + self.check_seconds
            published = self._current
            try:
                if published is None or self._storage.version() != published.version:
                    published = PublishedList.build(*self._storage.snapshot())
                    self._current = published
            except Exception:
                if published is None:
                    raise
                log.exception("published list: the version check failed; serving version %s", published.version)
            return published
        finally:
            self._lock.release()

    def _due(self) -> bool:
        return self._stale or self._clock() >= self._next_check

    def _changed(self, _version: int) -> None:
        self._stale = True

    def _heard(self) -> None:
        """A NOTIFY (or the listener's catch-up): check and rebuild here, in the listener's
        thread; reads keep serving the held list meanwhile."""
        try:
            self.refresh()
        except Exception:
            log.exception("published list: refresh after NOTIFY failed")

    def _ensure_listener(self) -> None:
        """One listener per process, started lazily: gunicorn forks workers after building the app."""
        if not self._listen or self._listener_pid == os.getpid():
            return
        from .storage_notify import Listener

        self._listener_pid = os.getpid()
        self._listener = Listener(self._storage.url, self._heard)
        self._listener.start()

    def close(self) -> None:
        if self._listener is not None and self._listener_pid == os.getpid():
            self._listener.stop()
        self._listener = None
