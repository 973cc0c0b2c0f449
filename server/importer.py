"""Planning what an import of a list file would change.

Reading the file is server/listfile.py's job (read_list_file). Planning
compares canonical fields only, so re-importing the same file plans no change.

No database access here: maintenance.plan_import and apply_import use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .contract import CONTRACT
from .entries import ENTRY_FIELDS
from .timestamps import SERVER_FIELDS, without_timestamps
# The reader lives in listfile.py; these names stay importable from here.
from .listfile import (  # noqa: F401
    ListFileError,
    Progress,
    count_entries,
    parse_list_file,
    read_list_file,
    validate_document,
)

# What an import compares: everything but the server-set times.
CANONICAL_FIELDS = tuple(f for f in ENTRY_FIELDS if f not in SERVER_FIELDS)
# An entry stored before a field existed (jurisdictions) compares as its default.
_DEFAULTS = CONTRACT["entry"]["defaults"]

# Unreadable and invalid files raise the same error now.
ImportFileError = ListFileError


def comparable(entry: dict) -> dict:
    """The fields an import compares, with the defaults filled in."""
    return {f: entry.get(f, _DEFAULTS.get(f)) for f in CANONICAL_FIELDS}


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
            plan.upserts.append(without_timestamps(entry))
            continue
        before, after = comparable(old), comparable(entry)
        fields = [f for f in CANONICAL_FIELDS if before[f] != after[f]]
        if fields:
            plan.changed.append((domain, fields))
            plan.upserts.append(without_timestamps(entry))
        else:
            plan.unchanged.append(domain)
    for domain in sorted(set(current) - incoming):
        (plan.removed if prune else plan.kept).append(domain)
    return plan

