"""The server-set times of an entry: ``created`` and ``updated``.

Clients may send them (an exported list carries them) but never set them:
the server stamps them when an entry is first stored and last changed. This
is the one place that removes them from an entry.
"""

from __future__ import annotations

SERVER_FIELDS = ("created", "updated")


def without_timestamps(entry: dict) -> dict:
    """A copy of ``entry`` without the server-set times (other fields in their order)."""
    return {key: value for key, value in entry.items() if key not in SERVER_FIELDS}
