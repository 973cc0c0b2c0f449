"""Ed25519 signing of the published list (docs/design.md, "Signed lists").

The key file is the private key as unencrypted PKCS#8 PEM (what ``openssl
genpkey -algorithm ed25519`` writes), readable by its owner only (mode 0600).
It lives in the instance folder (``signing-key.pem``) or at
``CAVEAT_SIGNING_KEY_FILE``. A public key is written ``ed25519:<base64 of the
32 raw bytes>``.

A signature object covers exactly the canonical bytes of ``GET /api/v1/list``
at one version::

    {"format": 1, "version": V, "sha256": "<hex of the bytes>",
     "key": "ed25519:...", "signature": "<base64 of the 64-byte Ed25519 signature>"}

The Ed25519 signature is over the list bytes themselves (not over the hash);
``sha256`` lets a client check it has the bytes the signature speaks of.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE_NAME = "signing-key.pem"
KEY_PREFIX = "ed25519:"
SIGNATURE_FORMAT = 1


class SigningKeyError(Exception):
    """A key file that is missing, unreadable, too open or not an Ed25519 key; the message says which."""


def key_path(setting: str, instance_path: str | os.PathLike) -> Path:
    """The key file: the SIGNING_KEY_FILE setting, else ``signing-key.pem`` in the instance folder."""
    return Path(setting).expanduser() if setting else Path(instance_path) / KEY_FILE_NAME


def public_key_text(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """``ed25519:<base64>`` -> the key; ValueError when it is not one."""
    if not isinstance(text, str) or not text.startswith(KEY_PREFIX):
        raise ValueError(f"a public key is written {KEY_PREFIX}<base64 of 32 bytes>")
    try:
        raw = base64.b64decode(text[len(KEY_PREFIX):], validate=True)
    except binascii.Error:
        raise ValueError("the public key is not valid base64") from None
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, this one is {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


class Signer:
    """Signs list bytes with one private key."""

    def __init__(self, private_key: Ed25519PrivateKey, path: Path | None = None):
        self._key = private_key
        self.path = path
        self.public_key = public_key_text(private_key.public_key())

    @classmethod
    def generate(cls) -> "Signer":
        return cls(Ed25519PrivateKey.generate())

    def sign(self, version: int, body: bytes) -> dict:
        """The signature object for the canonical list ``body`` at ``version``."""
        return {
            "format": SIGNATURE_FORMAT,
            "version": version,
            "sha256": hashlib.sha256(body).hexdigest(),
            "key": self.public_key,
            "signature": base64.b64encode(self._key.sign(body)).decode("ascii"),
        }

    def pem(self) -> bytes:
        return self._key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())


class SignedLists:
    """The signature object of each published list, made once per version.

    The published-list cache (server/published.py) hands out one PublishedList
    per version; the first request that needs its signature (list.sig or a
    delta) signs it, every later one gets the same object.
    """

    def __init__(self, signer):
        self.signer = signer  # server/signing.py's Signer, or None: unsigned
        self._held: tuple[tuple[int, str], dict] | None = None
        self._lock = threading.Lock()

    def signature(self, published) -> dict | None:
        if self.signer is None:
            return None
        if published.signature is not None:
            return published.signature
        key = (published.version, published.etag)
        held = self._held
        if held is None or held[0] != key:
            with self._lock:
                held = self._held
                if held is None or held[0] != key:
                    held = (key, self.signer.sign(published.version, published.body))
                    self._held = held
        return held[1]


def verify(signature: dict, body: bytes, public_keys) -> bool:
    """Whether ``signature`` (an object as above) signs ``body`` with one of ``public_keys`` (texts)."""
    if not isinstance(signature, dict) or signature.get("key") not in set(public_keys):
        return False
    if signature.get("sha256") != hashlib.sha256(body).hexdigest():
        return False
    try:
        raw = base64.b64decode(signature.get("signature", ""), validate=True)
        parse_public_key(signature["key"]).verify(raw, body)
    except (InvalidSignature, ValueError, TypeError, binascii.Error):
        return False
    return True


def _check_mode(path: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise SigningKeyError(f"the signing key {path} is not a regular file")
    if os.name == "posix" and info.st_mode & 0o077:
        raise SigningKeyError(f"the signing key {path} is readable by others (mode {stat.S_IMODE(info.st_mode):04o}); "
                              f"run `chmod 600 {path}`")


def load(path: str | os.PathLike) -> Signer:
    """The Signer of the key file at ``path``; SigningKeyError (one line) when it cannot be used."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            _check_mode(path, os.fstat(handle.fileno()))
            data = handle.read(64 * 1024)
    except FileNotFoundError:
        raise SigningKeyError(f"no signing key at {path}; create one with `caveat keys create`") from None
    except IsADirectoryError:
        raise SigningKeyError(f"the signing key {path} is not a regular file") from None
    except OSError as exc:
        raise SigningKeyError(f"cannot read the signing key {path}: {exc.strerror or exc}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SigningKeyError(f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key")
    return Signer(key, path)


def create(path: str | os.PathLike, *, force: bool = False) -> Signer:
    """A new key written to ``path`` with mode 0600 (atomically); refuses to replace one unless ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise SigningKeyError(f"a signing key already exists at {path}; "
                              "use --force to replace it (extensions built with its public key will refuse new lists)")
    if path.is_dir():
        raise SigningKeyError(f"{path} is a folder, not a key file")
    signer = Signer.generate()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                os.fchmod(handle.fileno(), 0o600)  # whatever the umask
                handle.write(signer.pem())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SigningKeyError(f"cannot write the signing key {path}: {exc.strerror or exc}") from None
    signer.path = path
    return signer


def init_app(app) -> None:
    """Load the signing key, if any: ``app.extensions["caveat.signer"]`` (a Signer or None)
    and ``["caveat.signatures"]`` (SignedLists: each version signed once).

    No key file at the default place: the server publishes unsigned lists.
    A key file that is named by CAVEAT_SIGNING_KEY_FILE but missing, or that
    cannot be used, stops the app (SigningKeyError): a server meant to sign
    must never serve unsigned lists quietly.
    """
    setting = app.config["SIGNING_KEY_FILE"]
    path = key_path(setting, app.instance_path)
    try:
        present = bool(setting) or path.exists()
    except OSError:  # cannot even look: let load() say why
        present = True
    signer = load(path) if present else None
    app.extensions["caveat.signer"] = signer
    app.extensions["caveat.signatures"] = SignedLists(signer)
