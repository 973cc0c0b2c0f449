"""The database's shape: the tables, and the engine set-up (the only dialect-specific part).

SQLite is the default (one file, WAL, busy timeout, foreign keys on); the
tables are plain Core constructs so a PostgreSQL ``DATABASE_URL`` works
unchanged. Queries live in server/storage.py.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event


class StorageError(Exception):
    """Base of the errors storage raises on purpose."""


def stored_json(value) -> str:
    """How a JSON column's text is written (entries, change-log copies, proposals): compact,
    and non-ASCII kept as itself, so the text is stable and LIKE searches see the words."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


metadata = sa.MetaData()

list_state = sa.Table(
    "list_state", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    # Oldest version from which changes_since can still answer.
    sa.Column("log_floor", sa.Integer, nullable=False),
    # When the current version was made: the list's "generated" time, the
    # same in every worker so every worker serves the same bytes and ETag.
    sa.Column("changed_at", sa.String(32), nullable=False),
)

entries = sa.Table(
    "entries", metadata,
    sa.Column("domain", sa.String(253), primary_key=True),
    # Canonical entry without created/updated, as JSON text.
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("updated", sa.String(32), nullable=False),
)

change_log = sa.Table(
    "change_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version", sa.Integer, nullable=False, index=True),
    sa.Column("domain", sa.String(253), nullable=False, index=True),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    # The entry as this version left it (canonical JSON, no timestamps); NULL
    # for a removal and for rows written before the column existed.
    sa.Column("body", sa.Text, nullable=True),
)

tokens = sa.Table(
    "tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("revoked", sa.String(32), nullable=True),
    # editor | reviewer | admin; tokens made before roles existed are admin.
    sa.Column("role", sa.String(10), nullable=False, server_default="admin"),
)

reports = sa.Table(
    "reports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("domain", sa.String(253), nullable=False, index=True),
    sa.Column("comment", sa.Text, nullable=False),
    # A hash of the reporter's address, never the address itself.
    sa.Column("client", sa.String(64), nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("status", sa.String(10), nullable=False, index=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("decided_by", sa.String(200), nullable=True),
    sa.Column("decided_at", sa.String(32), nullable=True),
)

rate_limits = sa.Table(
    "rate_limits", metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("window_start", sa.Integer, nullable=False, index=True),
    sa.Column("hits", sa.Integer, nullable=False),
)


# --- the maintainers' console (queries: server/storage_console.py) -----------------

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    # werkzeug.security's salted scrypt hash; never the password.
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("disabled", sa.String(32), nullable=True),
    # Bumped when the password changes or the account is disabled: every
    # session made before then ends at its next request.
    sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"),
)

proposals = sa.Table(
    "proposals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("domain", sa.String(253), nullable=False, index=True),
    sa.Column("action", sa.String(10), nullable=False),  # upsert | delete
    sa.Column("body", sa.Text, nullable=True),  # the proposed canonical entry (upsert)
    # A fingerprint of the entry as it was when proposed ("" when not listed):
    # approving a proposal whose entry changed since is refused as stale, never applied blind.
    sa.Column("base", sa.String(64), nullable=False, server_default=""),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("proposer", sa.String(200), nullable=False),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("status", sa.String(10), nullable=False, index=True),  # waiting | approved | rejected
    sa.Column("decided_by", sa.String(200), nullable=True),
    sa.Column("decided_at", sa.String(32), nullable=True),
    sa.Column("decision_reason", sa.Text, nullable=True),
)

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False, index=True),
    sa.Column("target", sa.String(253), nullable=False, server_default=""),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
)


def add_missing_columns(engine: sa.Engine) -> list[str]:
    """ALTER TABLE ... ADD COLUMN for every column of ``metadata`` an older database lacks.

    ``create_all`` makes missing tables only; this keeps a database made by an
    earlier release working (``caveat init`` runs both). New columns are
    nullable or have a server default, so existing rows stay valid. Returns
    "table.column" for each column added.
    """
    inspector = sa.inspect(engine)
    added = []
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if not inspector.has_table(table.name):
                continue
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                clause = f'ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}'
                if column.server_default is not None:
                    clause += f" DEFAULT '{column.server_default.arg}'"
                    if not column.nullable:
                        clause += " NOT NULL"
                conn.exec_driver_sql(clause)
                added.append(f"{table.name}.{column.name}")
    return added


def _switch_to_wal(cursor, busy_timeout_ms: int) -> None:
    """PRAGMA journal_mode=WAL, retried while another connection holds the lock it needs.

    Two servers opening one new database at once both switch it, and SQLite
    answers one of them "database is locked" at once, without waiting on the
    busy timeout (tests/test_storage.py, init twice at once: 2 of 200 runs
    failed before the retry).
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def make_engine(url: str, busy_timeout_ms: int) -> sa.Engine:
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)

    database = sa.engine.make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event (below) start transactions, so that
        # writers can take the write lock up front (BEGIN IMMEDIATE) instead
        # of failing on a read-to-write lock upgrade under concurrency.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        _switch_to_wal(cursor, busy_timeout_ms)
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a change acknowledged with a 2xx survives a power cut, not only
        # a killed process. Writes are rare (maintainers), reads never fsync.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get("caveat_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine
