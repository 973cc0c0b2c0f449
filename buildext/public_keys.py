"""The --public-key rule: `ed25519:<base64 of the 32 raw bytes>`, as `caveat keys show` prints it.

The same form is in the signature object of GET /api/v1/list.sig ("key") and
in the package's data/config.json ("publicKeys"), which
extension/lib/signature.js reads. Only the canonical base64 (standard
alphabet, padded) is accepted, so one key has one spelling and the extension
can compare keys as text.
"""

from __future__ import annotations

import base64
import binascii

KEY_PREFIX = "ed25519:"
ED25519_PUBLIC_KEY_BYTES = 32


def parse_public_key(text: str) -> str:
    """Validate a public key and return it; ValueError says what is wrong."""
    if not isinstance(text, str) or not text.startswith(KEY_PREFIX):
        raise ValueError(f"must start with {KEY_PREFIX!r} (the form `caveat keys show` prints)")
    encoded = text[len(KEY_PREFIX):]
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not base64 after 'ed25519:'") from None
    if len(raw) != ED25519_PUBLIC_KEY_BYTES:
        raise ValueError(f"holds {len(raw)} bytes; an Ed25519 public key is {ED25519_PUBLIC_KEY_BYTES}")
    if base64.b64encode(raw).decode("ascii") != encoded:
        raise ValueError("is not in canonical base64 (standard alphabet, with = padding)")
    return text


def unique_keys(keys: list[str] | None) -> list[str]:
    """The keys in the order given, each once."""
    return list(dict.fromkeys(keys or []))
