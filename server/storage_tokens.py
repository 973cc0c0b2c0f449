"""Storage of maintainer tokens: only a SHA-256 of each token is kept.

A mixin of storage.Storage (it uses the Storage's transactions and clock).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import sqlalchemy as sa

from .schema import StorageError, tokens

TOKEN_PREFIX = "cvt_"
TOKEN_ROLES = ("editor", "reviewer", "admin")
_TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$")


class TokenNameError(StorageError, ValueError):
    pass


def _hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


class TokenQueries:
    """Tokens by name; at most one active token per name."""

    def create_token(self, name: str, role: str = "admin") -> str:
        """A new token for ``name`` with ``role`` (editor, reviewer or admin); the plaintext
        is returned once and never stored."""
        if role not in TOKEN_ROLES:
            raise TokenNameError(f"role must be one of {', '.join(TOKEN_ROLES)}")
        if not isinstance(name, str) or not _TOKEN_NAME.match(name):
            raise TokenNameError("a token name is 1-100 letters, digits and . _ @ : - (starting with a letter or digit)")
        plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._write() as conn, conn.begin():
            active = conn.execute(sa.select(tokens.c.id).where(
                tokens.c.name == name, tokens.c.revoked.is_(None))).first()
            if active:
                raise TokenNameError(f"an active token named {name!r} already exists; revoke it first")
            conn.execute(tokens.insert().values(
                name=name, token_hash=_hash_token(plaintext), created=self._now(), revoked=None, role=role))
        return plaintext

    def verify_token(self, plaintext) -> str | None:
        """The name of the active token ``plaintext``, or None."""
        found = self.verify_token_role(plaintext)
        return found[0] if found else None

    def verify_token_role(self, plaintext) -> tuple[str, str] | None:
        """(name, role) of the active token ``plaintext``, or None."""
        if not isinstance(plaintext, str) or not plaintext or len(plaintext) > 200:
            return None
        digest = _hash_token(plaintext)
        with self._read() as conn:
            row = conn.execute(sa.select(tokens.c.name, tokens.c.token_hash, tokens.c.revoked, tokens.c.role)
                               .where(tokens.c.token_hash == digest)).first()
        # The lookup is by a SHA-256 of a 256-bit secret, which leaks nothing
        # useful through timing; the final comparison is constant-time anyway.
        if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked is not None:
            return None
        return row.name, row.role or "admin"

    def revoke_token(self, name: str) -> bool:
        with self._write() as conn, conn.begin():
            result = conn.execute(tokens.update()
                                  .where(tokens.c.name == name, tokens.c.revoked.is_(None))
                                  .values(revoked=self._now()))
        return result.rowcount > 0

    def list_tokens(self) -> list[dict]:
        with self._read() as conn:
            rows = conn.execute(sa.select(tokens.c.name, tokens.c.role, tokens.c.created, tokens.c.revoked)
                                .order_by(tokens.c.created, tokens.c.id)).all()
        return [{"name": r.name, "role": r.role, "created": r.created, "revoked": r.revoked} for r in rows]
