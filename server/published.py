"""The published list, serialized once per list version and kept in memory.

Every worker builds the same bytes for the same version (the ``generated``
time is stored with the version, and gzip runs with a fixed mtime), so the
ETag is the same whichever worker or server answers.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass

from .canonical import canonical_bytes
from .contract import LIST_FORMAT
from .matching import WarningIndex


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
    """The current PublishedList; rebuilt when the stored version moves."""

    def __init__(self, storage):
        self._storage = storage
        self._current: PublishedList | None = None
        self._lock = threading.Lock()

    def current(self) -> PublishedList:
        version = self._storage.version()  # one cheap query per request
        published = self._current
        if published is not None and published.version == version:
            return published
        with self._lock:
            published = self._current
            if published is None or published.version != version:
                published = PublishedList.build(*self._storage.snapshot())
                self._current = published
        return published
