"""The published list, serialized once per list version and kept in memory.

Every worker builds the same bytes for the same version (the ``generated``
time is stored with the version, and gzip runs with a fixed mtime), so the
ETag is the same whichever worker or server answers.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property

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
    _entry_bytes: dict = field(default_factory=dict, repr=False, compare=False)  # domain -> JSON

    @cached_property
    def validators(self) -> frozenset:
        """If-None-Match values that name this list exactly as a client echoes our ETags."""
        tags = (f'"{self.etag}"', f'"{self.gzip_etag}"')
        return frozenset(tags + tuple("W/" + tag for tag in tags))

    @classmethod
    def build(cls, version: int, generated: str, entries: list[dict], signer=None) -> "PublishedList":
        document = {"format": LIST_FORMAT, "version": version, "generated": generated, "entries": entries}
        body = canonical_bytes(document)  # the bytes the extension can rebuild (docs/design.md)
        digest = hashlib.sha256(body).hexdigest()[:20]
        etag = f"v{version}-{digest}"
        return cls(version, body, gzip.compress(body, compresslevel=9, mtime=0),
                   etag, etag + "-gz", WarningIndex(entries), generated,
                   signer.sign(version, body) if signer is not None else None)

    def lookup_answer(self, host: str) -> bytes:
        """``GET /lookup``'s JSON body for ``host`` (normalized): what ``jsonify`` would write,
        with each listed entry serialized once per version rather than once per request."""
        entry = self.index.match(host)
        warning = b"null" if entry is None else self._entry_json(entry)
        listed = b"false" if entry is None else b"true"
        return b'{"host":%s,"listed":%s,"warning":%s}\n' % (_json(host), listed, warning)

    def _entry_json(self, entry: dict) -> bytes:
        cached = self._entry_bytes.get(entry["domain"])
        if cached is None:  # a race makes the same bytes twice: harmless
            cached = self._entry_bytes[entry["domain"]] = _json(entry)
        return cached


def _json(value) -> bytes:
    # Flask's jsonify settings here: compact, ASCII-escaped, keys in their given order.
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")


class PublishedCache:
    """The current PublishedList, held in memory: public reads make no database query.

    The list is rebuilt when the stored version moves. A read serves the held
    list, except:

    - after a change made through this process's Storage: the next read
      rebuilds (a worker reads its own writes at once);
    - PostgreSQL (``notify``): a listener thread per worker process hears each
      change's NOTIFY and rebuilds in the background (server/storage_notify.py);
    - every engine: once the last version check is ``check_seconds`` old, a
      read starts the next one in a background thread and is served the held
      list meanwhile, so no request waits for the database. Only when the last
      check is twice that old (an idle worker) does a read wait for a check.
      A read is therefore never served a list checked more than
      2 x ``check_seconds`` ago, even when NOTIFY is off or missed, or the
      engine is SQLite, whose writers may be other processes.

    If the database fails during a check, the held list is served (logged).
    """

    def __init__(self, storage, *, check_seconds: float = 0.5, notify: bool = True, clock=time.monotonic):
        self._storage = storage
        self.check_seconds = check_seconds
        self._clock = clock
        self._current: PublishedList | None = None
        self._lock = threading.Lock()  # held by whichever thread is checking
        self._stale = True
        self._checked_at = float("-inf")  # when the last check read the stored version
        self._listen = notify and storage.is_postgresql
        self._listener = None
        self._listener_pid = 0
        storage.on_change(self._changed)
        storage.on_dispose(self.close)

    def current(self) -> PublishedList:
        age = self._age()
        if age < self.check_seconds:
            return self._current
        if age < 2 * self.check_seconds:
            self._check_in_background()
            return self._current
        # Nothing held, a change known, or an idle worker: wait for a check.
        with self._lock:
            if self._age() < self.check_seconds:
                return self._current  # the check this read waited for was enough
            return self._check()

    def _age(self) -> float:
        """Seconds since the held list was last checked; infinite when none is held or a change is known."""
        if self._current is None or self._stale:
            return float("inf")
        return self._clock() - self._checked_at

    def refresh(self) -> PublishedList:
        """Check the stored version now, and rebuild when it moved."""
        with self._lock:
            return self._check()

    def preload(self) -> None:
        """Build the list now, without a listener: ``caveat serve`` calls this in gunicorn's
        master, so each worker, and each worker restarted later, starts with it.

        No check is recorded: a worker's first read checks the version (a worker forked
        long after may hold an old list) and starts that worker's NOTIFY listener; the
        list is rebuilt only if the version moved."""
        with self._lock:
            self._current = PublishedList.build(*self._storage.snapshot())
            self._stale = False

    def _check_in_background(self) -> None:
        if not self._lock.acquire(blocking=False):
            return  # a check is under way

        def check_then_release():
            try:
                self._check()
            except Exception:  # nothing was held: the next read waits for its own check
                log.exception("published list: the version check failed")
            finally:
                self._lock.release()

        threading.Thread(target=check_then_release, name="caveat-version-check", daemon=True).start()

    def _check(self) -> PublishedList:
        """Read the stored version; rebuild when it moved. The caller holds the lock."""
        self._ensure_listener()
        started = self._clock()
        self._stale = False  # set before reading: a change during the read marks it again
        published = self._current
        try:
            if published is None or self._storage.version() != published.version:
                published = PublishedList.build(*self._storage.snapshot())
                self._current = published
        except Exception:
            if published is None:
                raise
            log.exception("published list: the version check failed; serving version %s", published.version)
        # A failed check counts too: a database that is down is retried once per interval,
        # not by every read.
        self._checked_at = started
        return published

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
