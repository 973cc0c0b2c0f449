"""Reading a list file for import, and planning what the import would change.

A list file is either the curated YAML (``server/data/warnings.yaml`` shape) or
a JSON list document (the ``GET /api/v1/list`` format). Reading validates the
whole file with the same rules as the API and refuses it if any entry is
invalid, listing every problem by entry (all-or-nothing). Planning compares
canonical fields only, so re-importing the same file plans no change.

No database access here: the CLI applies a Plan through storage.apply_changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from .curated import load_curated
from .entries import ENTRY_FIELDS, EntryError, ListError, validate_entry, validate_list_document

# What an import compares and writes: everything but the server-set times.
CANONICAL_FIELDS = tuple(f for f in ENTRY_FIELDS if f not in ("created", "updated"))
_DEFAULTS = {"details": "", "related": [], "include_subdomains": True}

Progress = Callable[[int], None]


class ImportFileError(ValueError):
    """A file that cannot be read as a list at all (missing, not UTF-8, not JSON/YAML)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = list(errors)


def _detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".json":
        return "json"
    # No telling extension: a JSON document starts with "{"; YAML rarely does.
    return "json" if text.lstrip().startswith("{") else "yaml"


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ImportFileError([f"{path}: is a directory, not a list file"]) from None
    except OSError as exc:
        raise ImportFileError([f"{path}: cannot be read: {exc.strerror or exc}"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            [f"{path}: is not UTF-8 text (bad byte at offset {exc.start}); is it the right file?"]
        ) from None


def _parse_json(path: Path, text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            [f"{path}: is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]
        ) from None


def validate_document(doc, progress: Progress | None = None) -> dict:
    """``validate_list_document``, entry by entry so a progress bar can follow.

    Same rules, same messages, same result as entries.validate_list_document
    (a test holds the two equal); ``progress(n)`` is called after each entry.
    """
    if not isinstance(doc, dict):
        return validate_list_document(doc)  # raises with the standard message
    raw_entries = doc.get("entries")
    errors: list[str] = []
    try:
        header = validate_list_document({**doc, "entries": raw_entries if not isinstance(raw_entries, list) else []})
    except ListError as exc:
        errors.extend(exc.errors)
        header = None
    if not isinstance(raw_entries, list):
        raise ListError(errors)
    entries: list[dict] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_entries):
        label = f"entries[{i}]"
        if isinstance(raw, dict) and isinstance(raw.get("domain"), str):
            label += f" ({raw['domain']})"
        try:
            entry = validate_entry(raw)
        except EntryError as exc:
            errors.extend(f"{label}: {message}" for message in exc.errors)
        else:
            if entry["domain"] in seen:
                errors.append(f"{label}: duplicate domain, already listed at entries[{seen[entry['domain']]}]")
            else:
                seen[entry["domain"]] = i
                entries.append(entry)
        if progress is not None:
            progress(1)
    if errors:
        raise ListError(errors)
    header["entries"] = sorted(entries, key=lambda e: e["domain"])
    return header


def count_entries(doc) -> int:
    """How many entries a parsed document claims (for sizing a progress bar)."""
    if isinstance(doc, dict) and isinstance(doc.get("entries"), list):
        return len(doc["entries"])
    return 0


def parse_list_file(path) -> tuple[str, object]:
    """``(kind, raw document)`` where kind is "yaml" or "json"; nothing validated yet.

    Raises ImportFileError when the file is missing, unreadable, not UTF-8 or
    not parseable. A YAML file is read by curated.load_curated (validated
    there), so its raw document is already canonical.
    """
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise ImportFileError([f"{path}: is empty"])
    kind = _detect_format(path, text)
    if kind == "json":
        return kind, _parse_json(path, text)
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportFileError([f"{path}: is not valid YAML or JSON: {' '.join(str(exc).split())}"]) from None
    return kind, load_curated(path)


def read_list_file(path, progress: Progress | None = None) -> dict:
    """Read and validate a list file; returns the canonical list document.

    Raises ImportFileError (unreadable) or ListError (every invalid entry).
    """
    kind, doc = parse_list_file(path)
    if kind == "yaml":
        if progress is not None:
            progress(count_entries(doc))
        return doc
    return validate_document(doc, progress)


def comparable(entry: dict) -> dict:
    """The fields an import compares, with the defaults filled in."""
    return {f: entry.get(f, _DEFAULTS.get(f)) for f in CANONICAL_FIELDS}


def writable(entry: dict) -> dict:
    """An entry as the importer hands it to storage: no server-set times."""
    return {f: entry[f] for f in CANONICAL_FIELDS if f in entry}


@dataclass
class Plan:
    """What an import does. ``changed`` holds ``(domain, [field names])``."""

    added: list[dict] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the database, not in the file, no --prune
    upserts: list[dict] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def diff(current_entries: Iterable[dict], new_entries: Iterable[dict], prune: bool) -> Plan:
    """Plan the move from the database's entries to a file's entries.

    Entries equal in every canonical field are unchanged (``created`` and
    ``updated`` are ignored). Entries only in the database are removed with
    ``prune`` and kept otherwise.
    """
    current = {entry["domain"]: entry for entry in current_entries}
    plan = Plan()
    incoming = set()
    for entry in sorted(new_entries, key=lambda e: e["domain"]):
        domain = entry["domain"]
        incoming.add(domain)
        old = current.get(domain)
        if old is None:
            plan.added.append(entry)
            plan.upserts.append(writable(entry))
            continue
        before, after = comparable(old), comparable(entry)
        fields = [f for f in CANONICAL_FIELDS if before[f] != after[f]]
        if fields:
            plan.changed.append((domain, fields))
            plan.upserts.append(writable(entry))
        else:
            plan.unchanged.append(domain)
    for domain in sorted(set(current) - incoming):
        (plan.removed if prune else plan.kept).append(domain)
    return plan

