"""Synthetic warning entries on reserved names only (RFC 2606/6761: .example,
.test, .invalid), never real stores. Deterministic for a given count and seed,
and varied enough (random labels, some subdomain entries) that gzip figures
are not flattered by sequential names."""

from __future__ import annotations

import random
import string

from testkit.entries import entry

RESERVED_TLDS = ("example", "test", "invalid")
STATUSES = ("disputed", "unlawful", "defunct")


def _label(rng: random.Random, low: int = 5, high: int = 14) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(low, high)))


def synthetic_domains(count: int, seed: int = 7) -> list[str]:
    """``count`` distinct entry domains: mostly ``label.tld``, one in eight ``sub.label.tld``."""
    rng = random.Random(seed)
    seen: set[str] = set()
    domains: list[str] = []
    while len(domains) < count:
        domain = f"{_label(rng)}.{rng.choice(RESERVED_TLDS)}"
        if rng.random() < 0.125:
            domain = f"{_label(rng, 3, 6)}.{domain}"
        if domain not in seen:
            seen.add(domain)
            domains.append(domain)
    return domains


def synthetic_entry(domain: str, i: int) -> dict:
    """One entry in the published form, shaped like the curated ones (shorter text, no details)."""
    name = domain.split(".")[-2].capitalize()
    return entry(domain, name, STATUSES[i % 3],
                 summary=f"{name} sells downloads under licences that rights holders say do not cover it.",
                 details=...,  # the figures in bench/results were measured without it
                 sources=[{"title": f"Report on {name}", "url": f"https://news.example/{i}"}],
                 include_subdomains=i % 10 != 0)


def synthetic_entries(count: int, seed: int = 7) -> list[dict]:
    return [synthetic_entry(d, i) for i, d in enumerate(synthetic_domains(count, seed))]
