"""The database's shape: the tables, and the engine set-up (the only dialect-specific part).

SQLite is the default (one file, WAL, busy timeout, foreign keys on); the
tables are plain Core constructs so a PostgreSQL ``DATABASE_URL`` works
unchanged. Queries live in server/storage.py.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

class StorageError(Exception):
    """Base of the errors storage raises on purpose."""


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
)

tokens = sa.Table(
    "tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("revoked", sa.String(32), nullable=True),
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
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
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
