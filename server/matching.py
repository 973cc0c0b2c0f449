"""Which entry, if any, covers a host. Pure; mirrors extension/lib's matcher.

A host matches an entry when it equals the entry's domain or, when the entry
has ``include_subdomains``, ends with "." + the domain (label boundary only:
``notallofmp3.com`` never matches ``allofmp3.com``). The most specific entry
wins. The shared cases in tests/vectors/matching.json hold both sides to this.
"""

from __future__ import annotations

from typing import Iterable


class WarningIndex:
    """Entries keyed by domain; ``match`` makes one dict probe per label."""

    def __init__(self, entries: Iterable[dict]):
        self._by_domain = {entry["domain"]: entry for entry in entries}

    def __len__(self) -> int:
        return len(self._by_domain)

    def match(self, host: str) -> dict | None:
        """The most specific entry covering ``host`` (already normalized), or None."""
        if not host:
            return None
        labels = host.lower().rstrip(".").split(".")
        # Longest candidate first: host itself, then each parent domain.
        for i in range(len(labels)):
            entry = self._by_domain.get(".".join(labels[i:]))
            if entry is not None and (i == 0 or entry.get("include_subdomains", True)):
                return entry
        return None
