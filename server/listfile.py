"""The one reader of list files: the curated YAML and JSON list documents.

Used by ``caveat warnings import/validate``, ``curated.load_curated`` and
``build.py``. A list file is either

- the curated YAML (``server/data/warnings.yaml``): a mapping with only an
  ``entries`` list, so maintainers can keep comments next to entries; it reads
  as a list document of format 1, version 0 and no ``generated`` (the file has
  no publication time); or
- a JSON list document (the ``GET /api/v1/list`` format).

Reading validates the whole file with the same rules as the API and refuses
it if anything is wrong, naming every problem by entry (all-or-nothing).
Every problem raises ListFileError, which carries ``.errors`` (a list of
one-line messages) and is a ListError, so callers that catch ListError still
catch it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import yaml

from .entries import LIST_FORMAT, ListError, validate_list_document

CURATED_PATH = Path(__file__).parent / "data" / "warnings.yaml"

# Called with a number of entries just validated (a progress bar's update).
Progress = Callable[[int], None]


class ListFileError(ListError):
    """A list file that cannot be used: unreadable, unparseable or with invalid entries."""

    def __init__(self, errors: list[str]):
        super().__init__(list(errors))
        self.errors = list(errors)


def read_list_file(path=None, progress: Progress | None = None) -> dict:
    """Read and validate a list file; returns the canonical list document.

    ``path`` None reads the bundled curated list. ``progress(n)`` is called
    as entries are validated. Raises ListFileError naming every problem.
    """
    document = parse_list_file(path)
    try:
        return validate_document(document, progress)
    except ListError as exc:
        raise ListFileError(exc.errors) from None


def parse_list_file(path=None):
    """The raw list document in a file, not validated yet (the curated YAML's
    ``{entries: [...]}`` becomes format 1, version 0). Raises ListFileError
    when the file is missing, unreadable, not UTF-8 or not parseable.
    """
    path = Path(path) if path is not None else CURATED_PATH
    text = _read_text(path)
    if not text.strip():
        raise ListFileError([f"{path}: is empty"])
    if _detect_format(path, text) == "json":
        return _parse_json(path, text)
    return _curated_document(path, _parse_yaml(path, text))


def count_entries(doc) -> int:
    """How many entries a parsed document claims (for sizing a progress bar)."""
    if isinstance(doc, dict) and isinstance(doc.get("entries"), list):
        return len(doc["entries"])
    return 0


def validate_document(doc, progress: Progress | None = None) -> dict:
    """``entries.validate_list_document``, with ``progress(1)`` after each entry."""
    return validate_list_document(doc, progress=progress)


# --- reading and parsing -------------------------------------------------------------

def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ListFileError([f"{path}: cannot be read: no such file"]) from None
    except IsADirectoryError:
        raise ListFileError([f"{path}: is a directory, not a list file"]) from None
    except OSError as exc:
        raise ListFileError([f"{path}: cannot be read: {exc.strerror or exc}"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListFileError(
            [f"{path}: is not UTF-8 text (bad byte at offset {exc.start}); is it the right file?"]
        ) from None


def _detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".json":
        return "json"
    # No telling extension: a JSON document starts with "{"; YAML rarely does.
    return "json" if text.lstrip().startswith("{") else "yaml"


def _parse_json(path: Path, text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListFileError(
            [f"{path}: is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]
        ) from None


def _parse_yaml(path: Path, text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ListFileError([f"{path}: is not valid YAML or JSON: {' '.join(str(exc).split())}"]) from None


def _curated_document(path: Path, data) -> dict:
    """The curated YAML's ``{entries: [...]}`` as a list document (format 1, version 0)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ListFileError([f"{path}: must be a mapping with an 'entries' list"])
    unknown = sorted(str(k) for k in data if k != "entries")
    if unknown:
        raise ListFileError([f"{path}: unknown top-level key {key!r}" for key in unknown])
    return {"format": LIST_FORMAT, "version": 0, "entries": data["entries"]}
