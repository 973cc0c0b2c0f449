"""The one warning-entry factory for tests and benchmarks, and the entries the
end-to-end tests use: reserved test names only (``.example``, ``.test``,
punycode IDN ``.example`` names), never real stores."""

from __future__ import annotations

import copy

LISTED = "allofmp3.example"
IDN_UNICODE = "mp3-spärks.example"
IDN = "xn--mp3-sprks-02a.example"  # IDNA of IDN_UNICODE
SHOP_TEST = "shop.example.test"


def entry(domain: str, name: str | None = None, status: str = "disputed", **extra) -> dict:
    """A valid entry in the published form; keyword arguments replace fields, and a field
    given as ``...`` is left out. ``name`` defaults to the domain's first label, capitalised."""
    name = domain.split(".")[0].capitalize() if name is None else name
    base = {
        "domain": domain,
        "name": name,
        "status": status,
        "summary": f"{name} sells music downloads under licences that rights holders say do not cover it.",
        "details": f"{name} claims a licence from a collecting society.\nRights holders dispute that the licence covers sales abroad.",
        "sources": [
            {"title": f"Report on {name}", "url": "https://news.example/report"},
            {"title": "Court record", "url": "http://court.example/case/1"},
        ],
        "related": [],
        "include_subdomains": True,
        "reviewed": "2026-10-01",
        "jurisdictions": [],
    }
    base.update(extra)
    # A copy: nothing is shared with the caller's arguments.
    return copy.deepcopy({key: value for key, value in base.items() if value is not ...})


def base_entries() -> list[dict]:
    return copy.deepcopy([
        entry(LISTED, "AllOfMP3", related=["allofmp3.ru.example"]),
        entry(IDN, "MP3 Spärks", status="unlawful"),
        entry(SHOP_TEST, "Example Test Shop", status="defunct", include_subdomains=False),
    ])


def list_document(entries: list[dict], version: int = 1, generated: str = "2026-11-28T09:00:00Z") -> dict:
    return {"format": 1, "version": version, "generated": generated,
            "entries": sorted(copy.deepcopy(entries), key=lambda e: e["domain"])}
