"""Storage: the SQL (SQLAlchemy Core). Tables: server/schema.py; the token, report
and rate-limit queries: server/storage_tokens.py and storage_reports.py (mixins
of Storage, so this interface stays one object).

Storage takes canonical entries only: validation, normalization and every
other rule about entries belong to server/maintenance.py, which calls this.

Interface (used by server/maintenance.py, the API's reads, ``caveat`` CLI
commands and tests; keep stable)::

    Storage(url, *, changes_retain=1000, busy_timeout_ms=5000, clock=time.time)
    init_schema()                      create missing tables; idempotent
    is_initialized() -> bool           the schema exists
    version() -> int                   the list version (0 for a new database)
    count() -> int                     number of entries
    snapshot() -> (version, generated, entries)   one consistent read
    get_entry(domain) -> dict | None   canonical entry with created/updated
    all_entries() -> list[dict]        sorted by domain
    apply(upserts, deletes, actor) -> Applied      one transaction, one version bump;
                                       says which domains were created, changed, removed
    apply_changes(upserts, deletes, actor) -> int  the same, returning the version only
    upsert_entry(entry, actor) -> int  new version (unchanged when nothing differs)
    delete_entry(domain, actor) -> int | None      new version, None if not listed
    changes_since(v) -> dict           {"format", "from", "version", "upserted", "removed"};
                                       raises ChangesTooOld when v is outside the retained log
    change_log(domain=None, limit=100) -> list[dict]   newest first
    create_token(name) -> plaintext    shown once; only its SHA-256 is stored
    verify_token(plaintext) -> name | None          None for unknown or revoked tokens
    revoke_token(name) -> bool
    list_tokens() -> list[dict]        name, created, revoked (never the hash)
    add_report(kind, domain, comment, client) -> id
    list_reports(status=None) -> list[dict]          status: open | accepted | rejected
    decide_report(id, decision, reason, actor) -> dict   decision: accepted | rejected
    check_rate(key, limit, window_seconds) -> (allowed, retry_after_seconds)
    on_change(callback)                callback(version) after each committed list change here
    on_dispose(callback)               callback() when dispose() runs

Entries come back sorted by domain in code-point order whatever the
database's collation (a PostgreSQL database made with en_US.UTF-8 sorts
"a-b" after "ab"). On PostgreSQL each list change also sends
``NOTIFY caveat_list, '<version>'`` in its transaction (server/storage_notify.py),
so every server's published-list cache hears of it when it commits.

Every list change runs in ONE transaction that bumps ``list_state.version``
by one and writes one ``change_log`` row per changed domain (version,
domain, action upsert|delete, actor, at). The version row is updated first,
so concurrent writers (several gunicorn workers, several servers on one
PostgreSQL) queue on it. Change log rows older than ``changes_retain``
versions are pruned in the same transaction; ``log_floor`` remembers the
oldest version a delta can still start from.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa

from . import storage_notify
from .entries import LIST_FORMAT
from .schema import (  # noqa: F401
    StorageError, add_missing_columns, change_log, entries, list_state, make_engine, metadata, stored_json,
)
from .storage_console import ConsoleQueries, ProposalNotFound, UserExists  # noqa: F401
from .storage_reports import (  # noqa: F401  (re-exported: one import place for callers)
    REPORT_KINDS,
    REPORT_STATUSES,
    RateLimits,
    ReportAlreadyDecided,
    ReportNotFound,
    ReportQueries,
)
from .storage_tokens import TOKEN_PREFIX, TokenNameError, TokenQueries  # noqa: F401
from .timestamps import without_timestamps

class ChangesTooOld(StorageError):
    """``since`` is outside the retained change log: fetch the whole list."""

    def __init__(self, since: int, oldest: int, version: int):
        if since > version:
            message = f"version {since} is newer than the list (version {version}); fetch the full list"
        else:
            message = (f"changes since version {since} are no longer kept (oldest is {oldest}); "
                       "fetch the full list")
        super().__init__(message)
        self.since, self.oldest, self.version = since, oldest, version


class AlreadyStored(StorageError):
    """``apply(..., create_only=True)`` met a domain that is already listed; nothing was written."""

    def __init__(self, domain: str):
        super().__init__(f"{domain} is already listed")
        self.domain = domain


def _rfc3339(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _body(entry: dict) -> str:
    """The stored JSON of an entry: canonical fields, no timestamps, stable text."""
    return stored_json(without_timestamps(entry))


@dataclass
class Applied:
    """What one list change did. ``stored`` maps each upserted domain to its
    entry as stored now (with created/updated), changed or not."""

    version: int
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    stored: dict[str, dict] = field(default_factory=dict)


def _chunks(items: list, size: int = 500):
    """Slices of ``items``: keeps IN (...) lists under every database's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _by_domain(rows) -> list:
    """Rows in code-point order of domain (never the database collation's order)."""
    return sorted(rows, key=lambda row: row.domain)


class Storage(TokenQueries, ReportQueries, RateLimits, ConsoleQueries):
    """The list's queries here; tokens, reports and rate limits in their own modules (mixins)."""

    def __init__(self, url: str, *, changes_retain: int = 1000, busy_timeout_ms: int = 5000,
                 clock=time.time):
        self.url = url
        self.changes_retain = max(1, int(changes_retain))
        self.clock = clock
        self.engine = make_engine(url, busy_timeout_ms)
        self.is_postgresql = self.engine.dialect.name == "postgresql"
        self._change_callbacks: list = []
        self._dispose_callbacks: list = []

    # --- plumbing ----------------------------------------------------------

    @contextmanager
    def _read(self):
        """A read transaction that sees one state of the database throughout: SQLite's
        transactions do; PostgreSQL's default (read committed) would not, so REPEATABLE READ."""
        with self.engine.connect() as conn:
            if self.is_postgresql:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def _write(self):
        """A write transaction (BEGIN IMMEDIATE on SQLite)."""
        return self.engine.connect().execution_options(caveat_write=True)

    def _now(self) -> str:
        return _rfc3339(self.clock())

    def on_change(self, callback) -> None:
        """Call ``callback(version)`` after each list change committed through this Storage."""
        self._change_callbacks.append(callback)

    def on_dispose(self, callback) -> None:
        self._dispose_callbacks.append(callback)

    def dispose(self) -> None:
        for callback in self._dispose_callbacks:
            callback()
        self.engine.dispose()

    def ping(self) -> bool:
        with self._read() as conn:
            conn.execute(sa.select(sa.literal(1))).scalar_one()
        return True

    # --- schema ------------------------------------------------------------

    def init_schema(self) -> None:
        """Create missing tables and the list state row; safe to run again."""
        # One transaction under a lock (BEGIN IMMEDIATE on SQLite, an advisory lock on
        # PostgreSQL): two servers initialising one new database at once do not collide.
        with self._write() as conn, conn.begin():
            if self.is_postgresql:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(72616)"))
            metadata.create_all(conn)
            if conn.execute(sa.select(list_state.c.id)).first() is None:
                conn.execute(list_state.insert().values(id=1, version=0, log_floor=0, changed_at=self._now()))
        add_missing_columns(self.engine)  # a database made by an earlier release

    def is_initialized(self) -> bool:
        return sa.inspect(self.engine).has_table(list_state.name)

    # --- reading the list --------------------------------------------------

    def version(self) -> int:
        with self._read() as conn:
            return conn.execute(sa.select(list_state.c.version)).scalar_one()

    def count(self) -> int:
        with self._read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(entries)).scalar_one()

    @staticmethod
    def _entry(row) -> dict:
        entry = json.loads(row.body)
        # Rows stored before `jurisdictions` existed read as having none, so
        # every served entry has every field (openapi.json marks it required).
        entry.setdefault("jurisdictions", [])
        entry["created"] = row.created
        entry["updated"] = row.updated
        return entry

    def get_entry(self, domain: str) -> dict | None:
        with self._read() as conn:
            row = conn.execute(sa.select(entries).where(entries.c.domain == domain)).first()
        return self._entry(row) if row else None

    def all_entries(self) -> list[dict]:
        with self._read() as conn:
            rows = conn.execute(sa.select(entries)).all()
        return [self._entry(row) for row in _by_domain(rows)]

    def snapshot(self) -> tuple[int, str, list[dict]]:
        """(version, generated, entries) read in one transaction."""
        with self._read() as conn:
            return self._snapshot(conn)

    def snapshot_and_changes(self, since: int) -> tuple[tuple[int, str, list[dict]], dict]:
        """``(snapshot(), changes_since(since))`` from one read: the delta leads to that snapshot."""
        with self._read() as conn:
            return self._snapshot(conn), self._changes_since(conn, since)

    def _snapshot(self, conn) -> tuple[int, str, list[dict]]:
        state = conn.execute(sa.select(list_state.c.version, list_state.c.changed_at)).one()
        rows = conn.execute(sa.select(entries)).all()
        return state.version, state.changed_at, [self._entry(row) for row in _by_domain(rows)]

    def list_document(self) -> dict:
        version, generated, items = self.snapshot()
        return {"format": LIST_FORMAT, "version": version, "generated": generated, "entries": items}

    # --- changing the list -------------------------------------------------

    def upsert_entry(self, entry: dict, actor: str) -> int:
        return self.apply([entry], [], actor).version

    def delete_entry(self, domain: str, actor: str) -> int | None:
        applied = self.apply([], [domain], actor)
        return applied.version if applied.removed else None

    def apply_changes(self, upserts: list[dict], deletes: list[str], actor: str) -> int:
        """``apply``, returning only the list version."""
        return self.apply(upserts, deletes, actor).version

    def apply(self, upserts: list[dict], deletes: list[str], actor: str, *, create_only: bool = False) -> Applied:
        """Apply canonical upserts and deletes of canonical domains as one list change.

        created/updated in the entries are ignored and set here. Deleting a
        domain that is not listed is not an error. When nothing actually
        differs the version stays the same (and nothing is written).
        ``create_only`` refuses (AlreadyStored) an upsert of a listed domain.
        """
        if not actor or not isinstance(actor, str):
            raise ValueError("actor is required (a token name or cli:<user>)")
        upsert_domains = [e["domain"] for e in upserts]
        if len(set(upsert_domains)) != len(upsert_domains):
            raise ValueError("the same domain is upserted twice in one change")
        both = set(upsert_domains) & set(deletes)
        if both:
            raise ValueError(f"domains both upserted and deleted: {', '.join(sorted(both))}")
        delete_domains = sorted(set(deletes))

        now = self._now()
        with self._write() as conn:
            transaction = conn.begin()
            try:
                # Bump first: the row lock orders concurrent writers.
                conn.execute(list_state.update().where(list_state.c.id == 1)
                             .values(version=list_state.c.version + 1, changed_at=now))
                state = conn.execute(sa.select(list_state.c.version, list_state.c.log_floor)).one()
                # Each entry's stored JSON, made once: the row and its change-log copy.
                bodies = {e["domain"]: _body(e) for e in upserts}
                applied = self._write_entries(conn, Applied(state.version), upserts, bodies, delete_domains,
                                              now, create_only)
                upserted = set(applied.created + applied.changed)
                log_rows = ([(domain, "upsert", bodies[domain]) for domain in bodies if domain in upserted]
                            + [(domain, "delete", None) for domain in applied.removed])
                if not log_rows:
                    transaction.rollback()
                    applied.version = state.version - 1
                    return applied
                self._log(conn, state, log_rows, actor, now)
                if self.is_postgresql:
                    storage_notify.notify(conn, state.version)
                transaction.commit()
            except BaseException:
                if transaction.is_active:
                    transaction.rollback()
                raise
        for callback in self._change_callbacks:
            callback(applied.version)
        return applied

    def _write_entries(self, conn, applied: Applied, upserts, bodies: dict[str, str], delete_domains, now: str,
                       create_only: bool) -> Applied:
        """Insert, update and delete the entry rows that differ, noting each in ``applied``.

        Batched: one query per chunk of domains, executemany writes, so a
        100,000-entry import is a few hundred statements.
        """
        existing = self._rows(conn, [e["domain"] for e in upserts] + delete_domains)
        inserts, updates = [], []
        for entry in upserts:
            domain = entry["domain"]
            body = bodies[domain]
            old = existing.get(domain)
            if old is None:
                inserts.append({"domain": domain, "body": body, "created": now, "updated": now})
                applied.created.append(domain)
                created, updated = now, now
            elif create_only:
                raise AlreadyStored(domain)
            elif old.body != body:
                updates.append({"b_domain": domain, "b_body": body})
                applied.changed.append(domain)
                created, updated = old.created, now
            else:
                created, updated = old.created, old.updated
            applied.stored[domain] = {**without_timestamps(entry), "created": created, "updated": updated}
        applied.removed = [domain for domain in delete_domains if domain in existing]
        if inserts:
            conn.execute(entries.insert(), inserts)
        if updates:
            conn.execute(entries.update().where(entries.c.domain == sa.bindparam("b_domain"))
                         .values(body=sa.bindparam("b_body"), updated=now), updates)
        for chunk in _chunks(applied.removed):
            conn.execute(entries.delete().where(entries.c.domain.in_(chunk)))
        return applied

    def _log(self, conn, state, rows: list[tuple[str, str, str | None]], actor: str, now: str) -> None:
        """One change_log row per changed domain, with the entry it left (history diffs);
        prune what is older than ``changes_retain`` versions."""
        conn.execute(change_log.insert(), [
            {"version": state.version, "domain": domain, "action": action, "actor": actor[:200], "at": now,
             "body": body}
            for domain, action, body in rows
        ])
        cutoff = state.version - self.changes_retain
        if cutoff > state.log_floor:
            conn.execute(change_log.delete().where(change_log.c.version <= cutoff))
            conn.execute(list_state.update().where(list_state.c.id == 1).values(log_floor=cutoff))

    @staticmethod
    def _rows(conn, domains: list[str]) -> dict:
        """Stored (body, created, updated) rows by domain, for those of ``domains`` that are listed."""
        found = {}
        for chunk in _chunks(domains):
            rows = conn.execute(sa.select(entries.c.domain, entries.c.body, entries.c.created, entries.c.updated)
                                .where(entries.c.domain.in_(chunk)))
            found.update({row.domain: row for row in rows})
        return found

    def changes_since(self, since: int) -> dict:
        """The delta from version ``since`` to now; ChangesTooOld when it cannot be answered."""
        with self._read() as conn:
            return self._changes_since(conn, since)

    def _changes_since(self, conn, since: int) -> dict:
        state = conn.execute(sa.select(list_state.c.version, list_state.c.log_floor)).one()
        if since < state.log_floor or since > state.version:
            raise ChangesTooOld(since, state.log_floor, state.version)
        domains = conn.execute(
            sa.select(change_log.c.domain).where(change_log.c.version > since).distinct()
        ).scalars().all()
        changed = sa.select(change_log.c.domain).where(change_log.c.version > since)
        rows = conn.execute(
            sa.select(entries).where(entries.c.domain.in_(changed))
        ).all() if domains else []
        upserted = [self._entry(row) for row in _by_domain(rows)]
        present = {entry["domain"] for entry in upserted}
        return {
            "format": LIST_FORMAT,
            "from": since,
            "version": state.version,
            "upserted": upserted,
            "removed": sorted(set(domains) - present),
        }

    def change_log(self, domain: str | None = None, limit: int = 100) -> list[dict]:
        query = sa.select(change_log).order_by(change_log.c.version.desc(), change_log.c.id.desc())
        if domain is not None:
            query = query.where(change_log.c.domain == domain)
        with self._read() as conn:
            rows = conn.execute(query.limit(max(0, int(limit)))).all()
        return [{"version": r.version, "domain": r.domain, "action": r.action, "actor": r.actor, "at": r.at}
                for r in rows]

    def entry_history(self, domain: str, limit: int = 200) -> list[dict]:
        """The change log of one domain, newest first, each row with the entry it left
        (``entry``: None for a removal or a row older than the column)."""
        query = (sa.select(change_log).where(change_log.c.domain == domain)
                 .order_by(change_log.c.version.desc(), change_log.c.id.desc()).limit(max(0, int(limit))))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [{"version": r.version, "action": r.action, "actor": r.actor, "at": r.at,
                 "entry": json.loads(r.body) if r.body else None} for r in rows]

def init_app(app) -> None:
    """The app's Storage (``app.extensions["caveat.storage"]``) and its published-list cache.

    No database I/O here: `caveat init` creates the schema, `caveat serve`
    refuses to start without it, tests call init_schema() in a fixture.
    """
    from .published import PublishedCache

    config = app.config
    storage = Storage(config["DATABASE_URL"], changes_retain=config["CHANGES_RETAIN"],
                      busy_timeout_ms=config["SQLITE_BUSY_TIMEOUT_MS"])
    app.extensions["caveat.storage"] = storage
    app.extensions["caveat.published"] = PublishedCache(
        storage, check_seconds=config["PUBLISHED_CHECK_MS"] / 1000, notify=config["POSTGRES_NOTIFY"])

