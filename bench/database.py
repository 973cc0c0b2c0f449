"""A Caveat SQLite database for a benchmark, filled through the server's
maintenance layer (entries are validated and made canonical exactly as a
maintainer's are; storage itself takes canonical entries only)."""

from __future__ import annotations

from pathlib import Path

from bench.synthetic import synthetic_entries


def prepare_database(path: Path, synthetic: int, *, curated: bool = True) -> tuple[str, list[dict]]:
    """Create the schema, load the curated list (optional) plus ``synthetic`` entries.

    Returns the database URL and the synthetic entries added.
    """
    from server import create_app, maintenance
    from server.curated import load_curated

    url = f"sqlite:///{path}"
    storage = create_app({"DATABASE_URL": url}).extensions["caveat.storage"]
    storage.init_schema()
    extra = synthetic_entries(synthetic)
    entries = (load_curated()["entries"] if curated else []) + extra
    maintenance.apply(storage, entries, [], actor="bench")
    storage.dispose()
    return url, extra


def open_storage(url: str):
    """The server's storage on an existing database (to change the list mid-benchmark)."""
    from server import create_app

    return create_app({"DATABASE_URL": url}).extensions["caveat.storage"]
