"""The list snapshot a package bundles: read once by server/listfile.py (the one
reader of list files, which validates with the server's rules), then dated."""

from __future__ import annotations

import time
from pathlib import Path

from server.listfile import CURATED_PATH, ListFileError, read_list_file

from .archive import source_date_epoch
from .errors import BuildError, display_path, join_errors

CURATED_LABEL = "server/data/warnings.yaml"


def read_snapshot(list_file: Path | None) -> dict:
    """The canonical list document to bundle: --list FILE, or the curated list shipped with the server."""
    label = display_path(list_file) if list_file is not None else CURATED_LABEL
    if list_file is not None and not list_file.exists():
        raise BuildError(f"list file {label} does not exist")
    try:
        canonical = read_list_file(list_file)
    except ListFileError as exc:
        # The reader names the file at the start of file-level errors; say it once.
        prefix = f"{list_file if list_file is not None else CURATED_PATH}: "
        errors = [error.removeprefix(prefix) for error in exc.errors]
        raise BuildError(f"invalid list {label}: {join_errors(errors)}") from None
    if not canonical["entries"]:
        # The extension refuses an empty list on refresh; shipping one would warn nobody.
        raise BuildError(f"invalid list {label}: it has no entries")
    return with_generated_time(canonical)


def with_generated_time(doc: dict) -> dict:
    """The snapshot always says when the list was generated, without reading the clock.

    A served list carries `generated`; the curated file has none, so its time is
    derived from the inputs: SOURCE_DATE_EPOCH when set, else the newest
    `updated` or `reviewed` date among the entries (midnight UTC).
    """
    if "generated" in doc:
        return doc
    epoch = source_date_epoch()
    if epoch is not None:
        generated = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
    else:
        generated = max(entry.get("updated") or f"{entry['reviewed']}T00:00:00Z" for entry in doc["entries"])
    return {"format": doc["format"], "version": doc["version"], "generated": generated, "entries": doc["entries"]}
