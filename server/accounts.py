"""Maintainer accounts of the web console: roles, passwords, logging in.

Passwords are kept only as werkzeug's salted scrypt hashes. The ``caveat
users`` commands and the console's user pages call this module; storage
(server/storage_console.py) holds the SQL.
"""

from __future__ import annotations

import re

from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("editor", "reviewer", "admin")
REVIEWER_ROLES = ("reviewer", "admin")
PASSWORD_MIN = 10
PASSWORD_MAX = 1000
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
# Checked against when the name is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anybody", method="scrypt")


class AccountError(ValueError):
    """A refused account change; the message says why."""


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise AccountError(f"a password has at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"a password has at most {PASSWORD_MAX} characters")
    return password


def hash_password(password: str) -> str:
    return generate_password_hash(check_password(password), method="scrypt")


def add_user(storage, name: str, password: str, role: str, *, actor: str) -> dict:
    if not isinstance(name, str) or not _NAME.match(name):
        raise AccountError("a user name is 1-100 letters, digits and . _ @ - (starting with a letter or digit)")
    user = storage.add_user(name, hash_password(password), check_role(role))
    storage.audit(actor, "user.add", name, f"role {role}")
    return user


def set_password(storage, name: str, password: str, *, actor: str) -> None:
    if not storage.update_user(name, password_hash=hash_password(password)):
        raise AccountError(f"no user named {name!r}")
    storage.audit(actor, "user.passwd", name)


def set_role(storage, name: str, role: str, *, actor: str) -> None:
    if not storage.update_user(name, role=check_role(role)):
        raise AccountError(f"no user named {name!r}")
    storage.audit(actor, "user.role", name, f"role {role}")


def disable(storage, name: str, *, actor: str) -> None:
    """Disable an account: it cannot log in, and its sessions end at their next request."""
    user = storage.get_user(name)
    if user is None:
        raise AccountError(f"no user named {name!r}")
    if not user["disabled"]:
        storage.update_user(name, disabled=storage._now())
    storage.audit(actor, "user.disable", name)


def enable(storage, name: str, *, actor: str) -> None:
    if not storage.update_user(name, disabled=None):
        raise AccountError(f"no user named {name!r}")
    storage.audit(actor, "user.enable", name)


def authenticate(storage, name, password) -> dict | None:
    """The active user ``name`` when ``password`` is theirs; None otherwise (whatever was wrong)."""
    if not isinstance(name, str) or not isinstance(password, str) or len(password) > PASSWORD_MAX:
        return None
    user = storage.get_user(name.strip()) if _NAME.match(name.strip() or "-") else None
    ok = check_password_hash(user["password_hash"] if user else _DUMMY_HASH, password)
    if user is None or not ok or user["disabled"]:
        return None
    return user


def public(user: dict) -> dict:
    """A user without the password hash."""
    return {key: value for key, value in user.items() if key != "password_hash"}
