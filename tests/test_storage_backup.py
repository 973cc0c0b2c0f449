"""The backup and restore commands of docs/self-hosting.md, run for real:
``sqlite3 DB ".backup FILE"`` and ``pg_dump --format=custom`` / ``pg_restore``.
A restored database has the same list (version, entries, change log) and tokens.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
import sqlalchemy as sa

from server.storage import Storage


def fill(storage: Storage, make_entry) -> str:
    storage.init_schema()
    storage.apply_changes([make_entry("a.example"), make_entry("b.example")], [], "alice")
    storage.delete_entry("a.example", "alice")
    return storage.create_token("bob")


def assert_same(original: Storage, restored: Storage, token: str) -> None:
    assert restored.snapshot() == original.snapshot()
    assert restored.change_log() == original.change_log()
    assert restored.verify_token(token) == "bob"


def test_sqlite_backup_command(tmp_path, make_entry):
    assert shutil.which("sqlite3"), "the sqlite3 command (Debian package sqlite3)"
    original = Storage(f"sqlite:///{tmp_path / 'caveat.db'}")
    token = fill(original, make_entry)
    backup = tmp_path / "backup.db"
    subprocess.run(["sqlite3", str(tmp_path / "caveat.db"), f".backup '{backup}'"], check=True, timeout=60)
    check = subprocess.run(["sqlite3", str(backup), "PRAGMA integrity_check"], check=True, timeout=60,
                           capture_output=True, text=True)
    assert check.stdout.strip() == "ok"
    restored = Storage(f"sqlite:///{backup}")
    assert_same(original, restored, token)
    for storage in (original, restored):
        storage.dispose()


def test_pg_dump_and_pg_restore(postgres_cluster, make_entry):
    bindir = postgres_cluster.bindir
    source_url = postgres_cluster.create_database()
    target_url = postgres_cluster.create_database()  # "createdb caveat_restored"
    original, restored = Storage(source_url), Storage(target_url)
    try:
        token = fill(original, make_entry)
        libpq = sa.engine.make_url(source_url).set(drivername="postgresql").render_as_string(hide_password=False)
        dump = postgres_cluster.folder.parent / f"{postgres_cluster.folder.name}-caveat.dump"
        subprocess.run([str(bindir / "pg_dump"), "--format=custom", f"--file={dump}", libpq],
                       check=True, timeout=120)
        target = sa.engine.make_url(target_url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([str(bindir / "pg_restore"), "--no-owner", f"--dbname={target}", str(dump)],
                       check=True, timeout=120)
        dump.unlink()
        assert_same(original, restored, token)
        # The restored database takes writes where the original left off.
        assert restored.upsert_entry(make_entry("c.example"), "alice") == original.version() + 1
    finally:
        for storage in (original, restored):
            storage.dispose()
        postgres_cluster.drop_database(source_url)
        postgres_cluster.drop_database(target_url)


@pytest.mark.parametrize("command", ["pg_dump", "pg_restore"])
def test_the_documented_commands_are_in_the_doc(command):
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "self-hosting.md").read_text(encoding="utf-8")
    assert f"{command} " in doc and 'sqlite3 /srv/caveat/caveat.db ".backup' in doc
