"""Signing keys and a list server that signs, for the signed-list tests (test_signatures.py).

``SigningKey`` is an Ed25519 key pair (the ``cryptography`` package) and
``signature_of`` makes the signature object of docs/design.md "Signed lists"
over the canonical bytes (server/canonical.py, the server's one serializer).
``SigningServer`` serves GET /api/v1/list (canonical bytes, ETag, 304),
/api/v1/list.sig and /api/v1/changes/<V> from what a test hands it, so a test
can serve a list signed with another key, a body changed after signing, a
delta whose result does not match its signature, or no signature at all.
"""

from __future__ import annotations

import pytest

import base64
import copy
import hashlib
import re
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from server.canonical import canonical_bytes
from tests.e2e.faults import FaultServer

_CHANGES = re.compile(r"/api/v1/changes/([0-9]+)")


@dataclass
class SigningKey:
    private: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def public(self) -> str:
        """``ed25519:<base64 of the 32 raw bytes>``, as ``caveat keys show`` prints it and build.py takes it."""
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return "ed25519:" + base64.b64encode(raw).decode("ascii")


    def write_pem(self, path: Path) -> Path:
        """The private key as the server reads it (server/signing.py): PKCS#8 PEM, mode 0600."""
        path.write_bytes(self.private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
        path.chmod(0o600)
        return path


def signature_of(doc: dict, key: SigningKey, version: int | None = None) -> dict:
    """The list.sig object for ``doc``, signed by ``key`` over its canonical bytes."""
    body = canonical_bytes(doc)
    return {"format": 1, "version": doc["version"] if version is None else version,
            "sha256": hashlib.sha256(body).hexdigest(), "key": key.public,
            "signature": base64.b64encode(key.private.sign(body)).decode("ascii")}


class SigningServer(FaultServer):
    """Serves ``doc`` at /api/v1/list, ``sig`` at /api/v1/list.sig (None: 404) and
    ``deltas[V]`` at /api/v1/changes/V (absent: 410); records the paths asked for.
    A FaultServer (its port, thread and request log) with answers of its own."""

    def reset(self) -> None:
        self.doc: dict | None = None
        self.sig: dict | None = None
        self.deltas: dict[int, dict] = {}
        self.requests: list[str] = []

    def publish(self, doc: dict, key: SigningKey | None, *, delta_from: dict | None = None) -> None:
        """Serve ``doc`` signed by ``key`` (None: no list.sig), and a signed delta from ``delta_from``."""
        self.doc = copy.deepcopy(doc)
        self.sig = signature_of(doc, key) if key else None
        self.deltas = {}
        if delta_from is not None:
            self.deltas[delta_from["version"]] = delta(delta_from, doc, self.sig)

    def asked(self) -> list[str]:
        return list(self.requests)

    def clear_log(self) -> None:
        self.requests.clear()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        changes = _CHANGES.fullmatch(path)
        if path == "/api/v1/list" and self.doc is not None:
            body = canonical_bytes(self.doc)
            etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
            if handler.headers.get("If-None-Match") == etag:
                return self.send(handler, 304, None, {"ETag": etag})
            return self.send(handler, 200, body, {"ETag": etag})
        if path == "/api/v1/list.sig" and self.sig is not None:
            return self.send(handler, 200, self.sig)
        if changes and int(changes.group(1)) in self.deltas:
            return self.send(handler, 200, self.deltas[int(changes.group(1))])
        if changes:
            return self.send(handler, 410, {"error": {"code": "changes_gone", "message": "fetch the list"}})
        return self.send(handler, 404, {"error": {"code": "not_found", "message": "no such file"}})


def delta(old: dict, new: dict, signature: dict | None) -> dict:
    """The delta from ``old`` to ``new`` as the server gives it, carrying ``signature``."""
    before = {e["domain"]: e for e in old["entries"]}
    after = {e["domain"]: e for e in new["entries"]}
    answer = {"format": 1, "from": old["version"], "version": new["version"], "generated": new["generated"],
              "upserted": [e for d, e in sorted(after.items()) if before.get(d) != e],
              "removed": sorted(set(before) - set(after))}
    if signature is not None:
        answer["signature"] = signature
    return answer


@pytest.fixture(scope="module")
def extension_public_keys(signing_keys):
    """Builds that trust the first test key. A module testing signed lists
    imports this fixture, which overrides conftest's (no keys)."""
    return (signing_keys[0].public,)
