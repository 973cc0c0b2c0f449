"""`caveat publish DIR`: the read API as files, the same bytes as the server, swapped in at once."""

from __future__ import annotations

import gzip
import json
import os
import threading

import pytest

from server import create_app, publish, signing
from server.canonical import canonical_bytes
from server.cli import cli
from tests.test_signing import apply_delta, check_signature
from tests.test_signing import key_file, signed_config  # noqa: F401  (fixtures)

IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def app_config(signed_config):
    return {**signed_config, "CHANGES_RETAIN": 4}


@pytest.fixture
def signer(app):
    return app.extensions["caveat.signer"]


@pytest.fixture
def changed(storage, make_entry):
    """A list at version 6 whose change log keeps versions 2-6 (CHANGES_RETAIN 4)."""
    for name in "abcd":
        storage.upsert_entry(make_entry(f"{name}.example", name=f"Shop {name} ☂"), "alice")
    storage.delete_entry("b.example", "alice")
    storage.upsert_entry(make_entry("a.example", summary="Changed."), "alice")
    return storage


def files(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_publish_writes_the_servers_answers(tmp_path, client, changed, signer, key_file):
    folder = tmp_path / "www"
    release = publish.publish(folder, changed, signer)
    assert (release.version, release.entries, release.signed, release.changes) == (6, 3, True, [2, 3, 4, 5, 6])
    assert files(folder) == [".caveat-publish", "api/v1/changes/2", "api/v1/changes/3", "api/v1/changes/4",
                             "api/v1/changes/5", "api/v1/changes/6", "api/v1/list", "api/v1/list.gz",
                             "api/v1/list.sig", "errors/changes_gone.json"]
    api = folder / "api" / "v1"
    body = (api / "list").read_bytes()
    assert body == client.get("/api/v1/list", headers=IDENTITY).data
    assert (api / "list.sig").read_bytes() == client.get("/api/v1/list.sig").data
    check_signature(json.loads((api / "list.sig").read_bytes()), body, signing.load(key_file).public_key)
    for version in release.changes:
        assert (api / "changes" / str(version)).read_bytes() == client.get(f"/api/v1/changes/{version}").data
    assert client.get("/api/v1/changes/1").status_code == 410  # and so no file for it


def test_every_published_delta_leads_to_the_signed_list(tmp_path, storage, make_entry, signer, key_file):
    """changes/V applied to the list at V gives the published list's bytes, which its signature covers."""
    at = {0: storage.list_document()}
    steps = [("put", "a.example", {}), ("put", "b.example", {"name": "Bé ☂"}), ("put", "c.example", {}),
             ("delete", "a.example", {}), ("put", "b.example", {"summary": "Changed."}), ("put", "a.example", {})]
    for action, domain, changes in steps:
        if action == "put":
            storage.upsert_entry(make_entry(domain, **changes), "alice")
        else:
            storage.delete_entry(domain, "alice")
        at[storage.version()] = storage.list_document()
    folder = tmp_path / "www"
    release = publish.publish(folder, storage, signer)
    assert release.changes == [2, 3, 4, 5, 6]
    published = (folder / "api" / "v1" / "list").read_bytes()
    public_key = signing.load(key_file).public_key
    for version in release.changes:
        delta = json.loads((folder / "api" / "v1" / "changes" / str(version)).read_bytes())
        assert (delta["from"], delta["version"]) == (version, 6)
        rebuilt = canonical_bytes(apply_delta(at[version], delta))
        assert rebuilt == published
        check_signature(delta["signature"], rebuilt, public_key)


def test_list_gz_is_the_list_gzipped_reproducibly(tmp_path, changed, signer):
    first, second = tmp_path / "one", tmp_path / "two"
    publish.publish(first, changed, signer)
    publish.publish(second, changed, signer)
    packed = (first / "api" / "v1" / "list.gz").read_bytes()
    assert packed[4:8] == b"\0\0\0\0"  # gzip header mtime 0
    assert gzip.decompress(packed) == (first / "api" / "v1" / "list").read_bytes()
    for name in ("list", "list.gz", "list.sig", "changes/3"):
        assert (first / "api" / "v1" / name).read_bytes() == (second / "api" / "v1" / name).read_bytes()


def test_files_are_world_readable_and_dated_later_each_release(tmp_path, changed, signer):
    folder = tmp_path / "www"
    publish.publish(folder, changed, signer)
    assert os.stat(folder).st_mode & 0o777 == 0o755
    assert {os.stat(p).st_mode & 0o777 for p in folder.rglob("*")} == {0o755, 0o644}
    times = []
    for _ in range(3):  # three releases within the same second or two
        publish.publish(folder, changed, signer)
        times.append({int(p.stat().st_mtime) for p in folder.rglob("*") if p.is_file()})
    assert all(len(t) == 1 for t in times)
    assert max(times[0]) < min(times[1]) and max(times[1]) < min(times[2])  # nginx's ETag (mtime, size) never repeats


def test_an_unsigned_publish_has_no_list_sig(tmp_path, changed):
    release = publish.publish(tmp_path / "www", changed, None)
    assert not release.signed
    assert not (tmp_path / "www" / "api" / "v1" / "list.sig").exists()
    assert "signature" not in json.loads((tmp_path / "www" / "api" / "v1" / "changes" / "2").read_bytes())


# --- replacing the folder ------------------------------------------------------------

def leftovers(parent, keep):
    """What is in ``parent`` besides ``keep`` (no staging or old release left behind)."""
    return sorted(p.name for p in parent.iterdir() if p.name not in keep)


@pytest.fixture
def pub(tmp_path):
    """The folder the published folders go in (the database and key are elsewhere)."""
    path = tmp_path / "pub"
    path.mkdir()
    return path


def test_publish_refuses_to_replace_what_it_did_not_write(pub, changed, signer):
    site = pub / "site"
    site.mkdir()
    (site / "index.html").write_text("mine")
    with pytest.raises(publish.PublishError, match="did not write"):
        publish.publish(site, changed, signer)
    assert (site / "index.html").read_text() == "mine"
    (pub / "file").write_text("x")
    with pytest.raises(publish.PublishError, match="not a folder"):
        publish.publish(pub / "file", changed, signer)
    empty = pub / "empty"
    empty.mkdir()
    publish.publish(empty, changed, signer)
    assert (empty / "api" / "v1" / "list").is_file()
    assert leftovers(pub, {"site", "file", "empty"}) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_a_release_replaces_the_last_whole(pub, changed, signer, make_entry, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(publish, "_exchange", lambda first, second: False)
    folder = pub / "www"
    publish.publish(folder, changed, signer)
    (folder / "api" / "v1" / "changes" / "stale").write_text("from an older release")
    inode = folder.stat().st_ino
    changed.upsert_entry(make_entry("e.example"), "alice")
    release = publish.publish(folder, changed, signer)
    assert folder.stat().st_ino != inode  # a new folder, not files rewritten in place
    assert json.loads((folder / "api" / "v1" / "list").read_bytes())["version"] == release.version == 7
    assert not (folder / "api" / "v1" / "changes" / "stale").exists()
    assert release.changes == [3, 4, 5, 6, 7]
    assert leftovers(pub, {"www"}) == []


def test_readers_never_see_a_missing_or_partial_release(pub, changed, signer, make_entry):
    """While releases replace each other, every read finds a whole list and the signature of a published version."""
    folder = pub / "www"
    publish.publish(folder, changed, signer)
    stop = threading.Event()
    problems, reads = [], [0]

    def read():
        while not stop.is_set():
            try:
                document = json.loads((folder / "api" / "v1" / "list").read_bytes())
                signature = json.loads((folder / "api" / "v1" / "list.sig").read_bytes())
                assert document["format"] == 1 and signature["format"] == 1
                reads[0] += 1
            except (OSError, ValueError, AssertionError) as exc:
                problems.append(repr(exc))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for number in range(15):
            changed.upsert_entry(make_entry(f"n{number}.example"), "alice")
            publish.publish(folder, changed, signer)
    finally:
        stop.set()
        reader.join()
    assert problems == []
    assert reads[0] > 0


def test_a_symlinked_folder_is_pointed_at_the_new_release(pub, changed, signer, make_entry):
    mine = pub / "mine"
    mine.mkdir()
    (mine / "keep").write_text("x")
    link = pub / "current"
    link.symlink_to("mine")
    publish.publish(link, changed, signer)
    first = link.resolve()
    assert link.is_symlink() and first.parent == pub and first.name.startswith(".current.release-")
    assert (mine / "keep").read_text() == "x"  # the link's old target is not publish's: left alone
    changed.upsert_entry(make_entry("e.example"), "alice")
    publish.publish(link, changed, signer)
    assert link.resolve() != first and not first.exists()  # publish's own old release is removed
    assert json.loads((link / "api" / "v1" / "list").read_bytes())["version"] == 7
    assert leftovers(pub, {"mine", "current", link.resolve().name}) == []


def test_a_list_changed_during_publish_is_published_again(pub, changed, signer, make_entry, monkeypatch):
    original = changed.changes_since
    writes = iter(["e.example", "f.example"])

    def changes_since(since):
        domain = next(writes, None)
        if domain is not None:  # another maintainer writes while the release is written
            changed.upsert_entry(make_entry(domain), "bob")
        return original(since)

    monkeypatch.setattr(changed, "changes_since", changes_since)
    release = publish.publish(pub / "www", changed, signer)
    assert release.version == 8
    for version in release.changes:
        delta = json.loads((pub / "www" / "api" / "v1" / "changes" / str(version)).read_bytes())
        assert delta["version"] == delta["signature"]["version"] == 8
    assert leftovers(pub, {"www"}) == []


def test_a_list_that_never_holds_still_is_an_error(pub, changed, signer, make_entry, monkeypatch):
    original = changed.changes_since
    counter = iter(range(1000))

    def changes_since(since):
        changed.upsert_entry(make_entry(f"x{next(counter)}.example"), "bob")
        return original(since)

    monkeypatch.setattr(changed, "changes_since", changes_since)
    with pytest.raises(publish.PublishError, match="changed during each of 5 attempts"):
        publish.publish(pub / "www", changed, signer)
    assert leftovers(pub, set()) == []


# --- the command ------------------------------------------------------------------

def test_caveat_publish_command(tmp_path, runner, changed):
    result = runner.invoke(cli, ["publish", str(tmp_path / "www")])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Published list version 6 (3 entries, signed) to {tmp_path / 'www'}; "
                             "changes files for versions 2-6.\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x")
    refused = runner.invoke(cli, ["publish", str(tmp_path / "other")])
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1 and "caveat publish did not write" in refused.stderr


def test_caveat_publish_shows_progress_for_many_versions(tmp_path, make_entry, key_file):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "SIGNING_KEY_FILE": str(key_file)})
    storage = app.extensions["caveat.storage"]
    storage.init_schema()
    for number in range(60):
        storage.upsert_entry(make_entry(f"s{number}.example"), "alice")
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["publish", str(tmp_path / "www")])
    assert result.exit_code == 0, result.output
    assert "changes files" in result.stderr  # a bar on a terminal, its label elsewhere
    assert len(list((tmp_path / "www" / "api" / "v1" / "changes").iterdir())) == 61
    quiet = runner.invoke(cli, ["publish", "--quiet", str(tmp_path / "www")])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_caveat_publish_unsigned_warns(tmp_path, make_entry):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"})
    app.extensions["caveat.storage"].init_schema()
    result = app.test_cli_runner().invoke(cli, ["publish", str(tmp_path / "www")])
    assert result.exit_code == 0
    assert "UNSIGNED" in result.stdout and "no signing key" in result.stderr
