"""The public read API as files: what ``GET /api/v1/list``, ``list.sig`` and
``changes/<V>`` answer, as ``caveat serve`` and ``caveat publish`` both give it.

The list's bytes come from server/canonical.py only (PublishedList.build);
deltas and signature objects are written by ``json_bytes`` here, so a served
answer and a published file are the same bytes.
"""

from __future__ import annotations

import json

from .published import PublishedList
from .storage import ChangesTooOld  # noqa: F401  (callers catch it from here too)


class VersionMoved(Exception):
    """The list changed between reading the published version and reading a delta: read again."""


def json_bytes(value) -> bytes:
    """A delta or a signature object as served: compact UTF-8 JSON, keys in the order given."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signed_delta(storage, published, since: int) -> dict:
    """The delta from ``since`` to ``published`` (a PublishedList), with its ``generated``
    time and its signature object when it has one.

    With both, a client that applies the delta to its list at ``since`` gets
    the canonical bytes of ``published`` and can check the signature over them.
    ChangesTooOld when ``since`` is outside the retained log; VersionMoved when
    the stored list is no longer at ``published.version`` (a delta always leads
    to the stored version, so it must carry that version's signature).
    """
    delta = storage.changes_since(since)
    if delta["version"] != published.version:
        raise VersionMoved(f"the list moved from version {published.version} to {delta['version']}")
    signed = {"format": delta["format"], "from": delta["from"], "version": delta["version"],
              "generated": published.generated, "upserted": delta["upserted"], "removed": delta["removed"]}
    if published.signature is not None:
        signed["signature"] = published.signature
    return signed


def stored_list(storage, signer) -> PublishedList:
    """The list as the database holds it now (not the cache's), signed by ``signer`` if any."""
    return PublishedList.build(*storage.snapshot(), signer=signer)
