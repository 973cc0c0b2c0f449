"""The curated warning list that ships with Caveat (server/data/warnings.yaml).

YAML so maintainers can keep comments next to entries. Shape::

    entries:
      - domain: allofmp3.com
        name: AllOfMP3
        status: disputed
        summary: ...
        sources: [{title: ..., url: https://...}]
        reviewed: 2026-11-28

The result is a list document (format 1, version 0, no ``generated``: the file
has no publication time), validated by the same rules as every other list.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .entries import LIST_FORMAT, ListError, validate_list_document

CURATED_PATH = Path(__file__).parent / "data" / "warnings.yaml"


def load_curated(path=None) -> dict:
    """Read and validate the curated YAML list; raises ListError naming every problem."""
    path = Path(path) if path is not None else CURATED_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ListError([f"{path}: cannot be read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise ListError([f"{path}: is not UTF-8 text (bad byte at offset {exc.start})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ListError([f"{path}: is not valid YAML: {exc}"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ListError([f"{path}: must be a mapping with an 'entries' list"])
    unknown = sorted(str(k) for k in data if k != "entries")
    if unknown:
        raise ListError([f"{path}: unknown top-level key {key!r}" for key in unknown])
    return validate_list_document({"format": LIST_FORMAT, "version": 0, "entries": data["entries"]})
