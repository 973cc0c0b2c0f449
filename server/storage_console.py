"""Storage of the maintainers' console: accounts, proposals, the audit log, entry pages.

A mixin of storage.Storage (it uses the Storage's transactions and clock).
SQL only: roles, review rules and passwords are decided in
server/maintenance.py and server/accounts.py.
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from .schema import StorageError, audit, entries, proposals, rate_limits, stored_json, users


_DOMAINISH = re.compile(r"^[\w-]*\.[\w.-]*$")


class UserExists(StorageError):
    pass


class ProposalNotFound(StorageError, LookupError):
    pass


def _user(row) -> dict:
    return {"id": row.id, "name": row.name, "role": row.role, "created": row.created,
            "disabled": row.disabled, "session_epoch": row.session_epoch, "password_hash": row.password_hash}


def _proposal(row) -> dict:
    return {"id": row.id, "domain": row.domain, "action": row.action,
            "entry": json.loads(row.body) if row.body else None, "base": row.base,
            "reason": row.reason, "proposer": row.proposer, "created": row.created, "status": row.status,
            "decided_by": row.decided_by, "decided_at": row.decided_at, "decision_reason": row.decision_reason}


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching it anywhere (with \\ as the escape)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ConsoleQueries:
    # --- accounts --------------------------------------------------------------

    def add_user(self, name: str, password_hash: str, role: str) -> dict:
        try:
            with self._write() as conn, conn.begin():
                conn.execute(users.insert().values(name=name, password_hash=password_hash, role=role,
                                                   created=self._now(), session_epoch=0))
        except IntegrityError:
            raise UserExists(f"a user named {name!r} already exists") from None
        return self.get_user(name)

    def get_user(self, name: str) -> dict | None:
        with self._read() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        return _user(row) if row else None

    def get_user_by_id(self, user_id: int) -> dict | None:
        with self._read() as conn:
            row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
        return _user(row) if row else None

    def list_users(self) -> list[dict]:
        with self._read() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.name)).all()
        return [_user(row) for row in rows]

    def update_user(self, name: str, **values) -> bool:
        """Set columns of a user (password_hash, role, disabled); any change also ends
        the user's sessions (session_epoch + 1). False when there is no such user."""
        with self._write() as conn, conn.begin():
            result = conn.execute(users.update().where(users.c.name == name)
                                  .values(session_epoch=users.c.session_epoch + 1, **values))
        return result.rowcount > 0

    # --- proposals ---------------------------------------------------------------

    def add_proposal(self, domain: str, action: str, entry: dict | None, base: str,
                     proposer: str, reason: str = "") -> dict:
        body = stored_json(entry) if entry is not None else None
        with self._write() as conn, conn.begin():
            result = conn.execute(proposals.insert().values(
                domain=domain, action=action, body=body, base=base, reason=reason or "",
                proposer=proposer[:200], created=self._now(), status="waiting"))
            proposal_id = result.inserted_primary_key[0]
        return self.get_proposal(proposal_id)

    def get_proposal(self, proposal_id: int) -> dict:
        with self._read() as conn:
            row = conn.execute(sa.select(proposals).where(proposals.c.id == proposal_id)).first()
        if row is None:
            raise ProposalNotFound(f"no proposal {proposal_id}")
        return _proposal(row)

    def list_proposals(self, status: str | None = None, domain: str | None = None, limit: int = 500) -> list[dict]:
        query = sa.select(proposals).order_by(proposals.c.id)
        if status is not None:
            query = query.where(proposals.c.status == status)
        if domain is not None:
            query = query.where(proposals.c.domain == domain)
        with self._read() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [_proposal(row) for row in rows]

    def decide_proposal(self, proposal_id: int, status: str, actor: str, reason: str | None,
                        *, from_status: str = "waiting") -> bool:
        """Move a proposal from ``from_status`` to ``status``; False when it was not in
        ``from_status`` any more (another reviewer was first)."""
        with self._write() as conn, conn.begin():
            result = conn.execute(proposals.update()
                                  .where(proposals.c.id == proposal_id, proposals.c.status == from_status)
                                  .values(status=status, decided_by=actor, decided_at=self._now(),
                                          decision_reason=reason))
        return result.rowcount > 0

    def count_proposals(self, status: str = "waiting") -> int:
        with self._read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(proposals)
                                .where(proposals.c.status == status)).scalar_one()

    # --- login limits ---------------------------------------------------------------

    def rate_hits(self, key: str, window_seconds: int) -> int:
        """How many hits ``check_rate`` counted for ``key`` in its current window (0 when expired)."""
        with self._read() as conn:
            row = conn.execute(sa.select(rate_limits.c.window_start, rate_limits.c.hits)
                               .where(rate_limits.c.key == key)).first()
        if row is None or row.window_start + max(1, int(window_seconds)) <= int(self.clock()):
            return 0
        return row.hits

    # --- audit -------------------------------------------------------------------

    def audit(self, actor: str, action: str, target: str = "", detail: str = "") -> None:
        with self._write() as conn, conn.begin():
            conn.execute(audit.insert().values(at=self._now(), actor=actor[:200], action=action[:40],
                                               target=(target or "")[:253], detail=detail or ""))

    def audit_log(self, limit: int = 100, offset: int = 0) -> list[dict]:
        query = sa.select(audit).order_by(audit.c.id.desc()).limit(limit).offset(offset)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "target": r.target,
                 "detail": r.detail} for r in rows]

    # --- entry pages ---------------------------------------------------------------

    def page_entries(self, *, search: str = "", status: str | None = None,
                     limit: int = 50, offset: int = 0) -> tuple[list[dict], int | None, bool]:
        """One page of entries by domain: (entries, total, more).

        Reads a page, never the list: the page's domains first (LIMIT/OFFSET;
        without a filter an index-only walk of the primary key), then their
        rows. ``total`` is counted only without a filter (a filtered count
        would read every entry); ``more`` says whether another page follows.
        ``search`` with a dot and no spaces matches domains starting with it (a
        range of the domain index); other searches match any text of the entry
        (name, summary, ...), case-insensitively, which reads entries until a
        page is found; ``status`` matches the stored
        canonical JSON, where ``"status":"x"`` can appear only as the field
        (quotes inside text are escaped as \\").
        """
        conditions = []
        if search and _DOMAINISH.match(search):
            # Looks like the start of a domain: a range of the primary key's index
            # (domain >= q AND domain < q + U+FFFF), never a scan of the list.
            prefix = search.lower()
            conditions += [entries.c.domain >= prefix, entries.c.domain < prefix + "\uffff"]
        elif search:
            conditions.append(self._contains(entries.c.body, search))
        if status:
            conditions.append(entries.c.body.like(_like(f'"status":{json.dumps(status)}'), escape="\\"))
        limit, offset = max(1, int(limit)), max(0, int(offset))
        page = (sa.select(entries.c.domain).where(*conditions).order_by(entries.c.domain)
                .limit(limit + 1).offset(offset))
        with self._read() as conn:
            domains = conn.execute(page).scalars().all()
            more = len(domains) > limit
            domains = domains[:limit]
            rows = conn.execute(sa.select(entries).where(entries.c.domain.in_(domains))
                                .order_by(entries.c.domain)).all() if domains else []
            total = None if conditions else conn.execute(
                sa.select(sa.func.count()).select_from(entries)).scalar_one()
        return [self._entry(row) for row in rows], total, more

    def _contains(self, column, text: str):
        """``column`` contains ``text``, ignoring case (SQLite's LIKE already does, for ASCII)."""
        pattern = _like(text)
        if self.engine.dialect.name == "sqlite":
            return column.like(pattern, escape="\\")
        return column.ilike(pattern, escape="\\")

    def count_by_status(self, statuses) -> dict[str, int]:
        with self._read() as conn:
            return {status: conn.execute(
                sa.select(sa.func.count()).select_from(entries)
                .where(entries.c.body.like(_like(f'"status":{json.dumps(status)}'), escape="\\"))).scalar_one()
                for status in statuses}

    def count_due(self, before: str) -> int:
        """Entries whose reviewed date is before ``before`` (YYYY-MM-DD)."""
        # In SQL (json_extract on SQLite, ->> on PostgreSQL): no entry comes back to Python.
        if self.engine.dialect.name == "sqlite":
            reviewed = sa.func.json_extract(entries.c.body, "$.reviewed")
        else:
            reviewed = sa.cast(entries.c.body, postgresql.JSONB)["reviewed"].astext
        with self._read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(entries)
                                .where(sa.func.coalesce(reviewed, "") < before)).scalar_one()
