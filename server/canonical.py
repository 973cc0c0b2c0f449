"""The canonical bytes of a list document (docs/design.md, "The list's bytes are canonical").

UTF-8 JSON without whitespace, non-ASCII unescaped, keys in the contract's
field order (a list's, an entry's, a source's, a jurisdiction item's; keys
the contract does not name follow, sorted by code point), entries sorted by
domain. The extension's
``lib/canonical.js`` gives the same bytes; ``tests/vectors/canonical.json`` is
run by both. GET /api/v1/list serves exactly these bytes.
"""

from __future__ import annotations

import json

from .contract import ENTRY_FIELDS, JURISDICTION_FIELDS, LIST_FIELDS, SOURCE_FIELDS

_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER


class CanonicalError(ValueError):
    """A value that has no canonical form (a float, an unpaired surrogate, ...)."""


def _ordered(mapping: dict, fields) -> list[str]:
    """The keys of ``mapping``: those in ``fields`` in that order, then the rest by code point."""
    if len(mapping) <= len(fields) and all(key in fields for key in mapping):
        return [key for key in fields if key in mapping]  # the common case: no other keys
    return [key for key in fields if key in mapping] + sorted(key for key in mapping if key not in fields)


def _plain(value):
    """A JSON value both sides serialize alike; other objects' keys sorted by code point."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if abs(value) > _SAFE_INTEGER:  # JavaScript could not write it back
            raise CanonicalError(f"{value} is too large for a canonical document")
        return value
    if kind is list:
        return [_plain(item) for item in value]
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise CanonicalError("object keys must be strings")
        return {key: _plain(value[key]) for key in _ordered(value, ())}
    raise CanonicalError(f"{kind.__name__} has no canonical form (integers only)")


def _object(mapping, fields, special=None) -> dict:
    """``mapping`` with keys in ``fields`` order; ``special`` serializes some keys' values."""
    special = special or {}
    return {key: special[key](mapping[key]) if key in special else _plain(mapping[key])
            for key in _ordered(mapping, fields)}


def _sources(sources):
    if type(sources) is not list:
        return _plain(sources)
    return [_object(s, SOURCE_FIELDS) if type(s) is dict else _plain(s) for s in sources]


def _jurisdictions(items):
    if type(items) is not list:
        return _plain(items)
    return [_object(i, JURISDICTION_FIELDS, {"sources": _sources}) if type(i) is dict else _plain(i) for i in items]


def _entry(entry):
    if type(entry) is not dict:
        return _plain(entry)
    return _object(entry, ENTRY_FIELDS, {"sources": _sources, "jurisdictions": _jurisdictions})


def _domain_key(entry):
    domain = entry.get("domain") if type(entry) is dict else None
    return domain if type(domain) is str else ""


def _entries(entries):
    if type(entries) is not list:
        return _plain(entries)
    return [_entry(entry) for entry in sorted(entries, key=_domain_key)]


def canonical_document(document: dict) -> dict:
    """``document`` with keys in canonical order and entries sorted by domain."""
    if type(document) is not dict:
        raise CanonicalError("a list document must be an object")
    return _object(document, LIST_FIELDS, {"entries": _entries})


def canonical_bytes(document: dict) -> bytes:
    """The canonical bytes of a list document; CanonicalError if it has none."""
    text = json.dumps(canonical_document(document), ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # an unpaired surrogate is not text
        raise CanonicalError("the document contains an unpaired surrogate") from None
