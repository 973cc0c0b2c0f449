"""The canonical bytes of a list document (docs/design.md, "The list's bytes are canonical").

UTF-8 JSON without whitespace, non-ASCII unescaped, keys in the contract's
field order (a list's, an entry's, a source's; keys the contract does not name
follow, sorted by code point), entries sorted by domain. The extension's
``lib/canonical.js`` gives the same bytes; ``tests/vectors/canonical.json`` is
run by both. What is signed and what is served is exactly these bytes.
"""

from __future__ import annotations

import json

from .contract import ENTRY_FIELDS, LIST_FIELDS, SOURCE_FIELDS

_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER


class CanonicalError(ValueError):
    """A value that has no canonical form (a float, an unpaired surrogate, ...)."""


def _ordered(mapping: dict, fields) -> dict:
    known = [key for key in fields if key in mapping]
    rest = sorted(key for key in mapping if key not in fields)
    return {key: mapping[key] for key in known + rest}


def _plain(value):
    """Check a JSON value holds only what both sides serialize alike; order other objects' keys."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        if abs(value) > _SAFE_INTEGER:  # JavaScript could not write it back
            raise CanonicalError(f"{value} is too large for a canonical document")
        return value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise CanonicalError("object keys must be strings")
        return {key: _plain(item) for key, item in _ordered(value, ()).items()}
    raise CanonicalError(f"{type(value).__name__} has no canonical form (integers only)")


def _entry(entry):
    if not isinstance(entry, dict):
        return _plain(entry)
    result = {key: _plain(value) for key, value in _ordered(entry, ENTRY_FIELDS).items()}
    if isinstance(entry.get("sources"), list):
        result["sources"] = [
            {key: _plain(value) for key, value in _ordered(source, SOURCE_FIELDS).items()}
            if isinstance(source, dict) else _plain(source)
            for source in entry["sources"]
        ]
    return result


def _domain_key(entry):
    domain = entry.get("domain") if isinstance(entry, dict) else None
    return domain if isinstance(domain, str) else ""


def canonical_document(document: dict) -> dict:
    """``document`` with keys in canonical order and entries sorted by domain."""
    if not isinstance(document, dict):
        raise CanonicalError("a list document must be an object")
    result = {key: _plain(value) for key, value in _ordered(document, LIST_FIELDS).items()}
    if isinstance(document.get("entries"), list):
        result["entries"] = [_entry(entry) for entry in sorted(document["entries"], key=_domain_key)]
    return result


def canonical_bytes(document: dict) -> bytes:
    """The canonical bytes of a list document; CanonicalError if it has none."""
    text = json.dumps(canonical_document(document), ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # an unpaired surrogate is not text
        raise CanonicalError("the document contains an unpaired surrogate") from None
