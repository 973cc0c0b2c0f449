"""Signed lists: `caveat keys`, GET /api/v1/list.sig, the delta's signature, the path form of /changes.

Signatures are checked with the `cryptography` package directly (not with
server/signing.py's own verify), over the bytes GET /api/v1/list serves.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from server import create_app, signing
from server.canonical import canonical_bytes
from server.cli import cli

IDENTITY = {"Accept-Encoding": "identity"}


def check_signature(signature: dict, body: bytes, public_key: str) -> None:
    """Raises InvalidSignature unless ``signature`` signs ``body`` with ``public_key``."""
    assert signature["format"] == 1
    assert signature["key"] == public_key
    assert signature["sha256"] == hashlib.sha256(body).hexdigest()
    raw_key = base64.b64decode(public_key.removeprefix("ed25519:"), validate=True)
    Ed25519PublicKey.from_public_bytes(raw_key).verify(base64.b64decode(signature["signature"], validate=True), body)


def keys(key_file, *args):
    """`caveat keys ...` with CAVEAT_SIGNING_KEY_FILE=key_file."""
    return CliRunner().invoke(cli, ["keys", *args], env={"CAVEAT_SIGNING_KEY_FILE": str(key_file)})


# --- caveat keys --------------------------------------------------------------

def test_keys_create_writes_an_owner_only_key_and_prints_its_public_key(tmp_path):
    key_file = tmp_path / "secret" / "key.pem"
    old_umask = os.umask(0o000)  # the file is 0600 whatever the umask
    try:
        result = keys(key_file, "create")
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    public_key = result.stdout.strip()
    assert public_key.startswith("ed25519:") and len(base64.b64decode(public_key[8:])) == 32
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert str(key_file) in result.stderr
    assert keys(key_file, "show").stdout.strip() == public_key
    assert b"BEGIN PRIVATE KEY" in key_file.read_bytes()


def test_keys_create_refuses_to_replace_a_key_unless_forced(tmp_path):
    key_file = tmp_path / "key.pem"
    first = keys(key_file, "create").stdout.strip()
    refused = keys(key_file, "create")
    assert refused.exit_code == 1
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert keys(key_file, "show").stdout.strip() == first
    forced = keys(key_file, "create", "--force")
    assert forced.exit_code == 0
    assert forced.stdout.strip() != first
    assert keys(key_file, "show").stdout.strip() == forced.stdout.strip()
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.pem"]  # no temporary file left


def test_keys_default_to_the_instance_folder(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"})
    with app.app_context():
        from server.cli.keys import key_file
        assert key_file() == Path(app.instance_path) / "signing-key.pem"


def _bad_key(tmp_path, kind):
    key_file = tmp_path / "key.pem"
    if kind == "missing":
        return key_file, "no signing key at"
    if kind == "folder":
        key_file.mkdir()
        return key_file, "not a regular file"
    if kind == "open_mode":
        keys(key_file, "create")
        key_file.chmod(0o644)
        return key_file, "readable by others (mode 0644)"
    if kind == "not_pem":
        key_file.write_bytes(b"hello")
        key_file.chmod(0o600)
        return key_file, "not an unencrypted PEM private key"
    if kind == "rsa":
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        key_file.write_bytes(pem)
        key_file.chmod(0o600)
        return key_file, "not an Ed25519 key"
    if kind == "unreadable":
        keys(key_file, "create")
        key_file.chmod(0o000)
        return key_file, "cannot read the signing key"
    raise AssertionError(kind)


BAD_KEYS = ["missing", "folder", "open_mode", "not_pem", "rsa"] + (["unreadable"] if os.geteuid() != 0 else [])


@pytest.mark.parametrize("kind", BAD_KEYS)
def test_keys_show_with_a_bad_key_is_one_clear_line(tmp_path, kind):
    key_file, message = _bad_key(tmp_path, kind)
    result = keys(key_file, "show")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", BAD_KEYS)
def test_a_server_with_a_bad_key_does_not_start(tmp_path, kind):
    key_file, message = _bad_key(tmp_path, kind)
    with pytest.raises(signing.SigningKeyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "SIGNING_KEY_FILE": str(key_file)})


def test_the_console_script_says_one_line_without_a_traceback(tmp_path):
    """Through the installed entry point: `caveat keys show` and `caveat log` (which builds the app)."""
    key_file = tmp_path / "nothing.pem"
    env = {**os.environ, "CAVEAT_SIGNING_KEY_FILE": str(key_file),
           "CAVEAT_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    script = os.path.join(os.path.dirname(sys.executable), "caveat")
    for args in (["keys", "show"], ["log"]):
        result = subprocess.run([script, *args], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert result.stderr == f"Error: no signing key at {key_file}; create one with `caveat keys create`\n"


# --- the signed server ----------------------------------------------------------

@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "signing-key.pem"
    signing.create(path)
    return path


@pytest.fixture
def public_key(key_file):
    return signing.load(key_file).public_key


@pytest.fixture
def signed_config(tmp_path, key_file):
    """Settings of an app on a temporary database that signs with ``key_file``."""
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'caveat.db'}", "TESTING": True,
            "SIGNING_KEY_FILE": str(key_file)}


@pytest.fixture
def app_config(signed_config):
    return signed_config


def test_list_sig_signs_the_served_list_bytes(client, storage, make_entry, public_key):
    for version in (0, 1, 2):
        if version:
            storage.upsert_entry(make_entry(f"shop{version}.example", name="Магазин ☂"), "alice")
        body = client.get("/api/v1/list", headers=IDENTITY).data
        response = client.get("/api/v1/list.sig")
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        signature = response.get_json()
        assert list(signature) == ["format", "version", "sha256", "key", "signature"]
        assert signature["version"] == version == json.loads(body)["version"]
        check_signature(signature, body, public_key)
        gzipped = client.get("/api/v1/list", headers={"Accept-Encoding": "gzip"}).data
        check_signature(signature, gzip.decompress(gzipped), public_key)  # the same bytes, compressed


def test_a_changed_body_or_another_key_does_not_verify(client, storage, make_entry, public_key):
    storage.upsert_entry(make_entry("shop.example"), "alice")
    body = client.get("/api/v1/list", headers=IDENTITY).data
    signature = client.get("/api/v1/list.sig").get_json()
    with pytest.raises(InvalidSignature):
        check_signature({**signature, "sha256": hashlib.sha256(body + b" ").hexdigest()}, body + b" ", public_key)
    other = signing.Signer.generate().public_key
    with pytest.raises(InvalidSignature):
        check_signature({**signature, "key": other}, body, other)
    assert signing.verify(signature, body, [public_key])
    assert not signing.verify(signature, body.replace(b"shop", b"shoq"), [public_key])
    assert not signing.verify(signature, body, [other])


def test_list_sig_is_signed_once_per_version_and_revalidates(client, app, storage, make_entry, monkeypatch):
    calls = []
    signer = app.extensions["caveat.signer"]
    original = signer.sign
    monkeypatch.setattr(signer, "sign", lambda version, body: calls.append(version) or original(version, body))
    first = client.get("/api/v1/list.sig")
    for _ in range(3):
        assert client.get("/api/v1/list.sig").data == first.data
        client.get("/api/v1/list")
    assert calls == [0]
    assert client.get("/api/v1/list.sig", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    storage.upsert_entry(make_entry("shop.example"), "alice")
    second = client.get("/api/v1/list.sig", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.get_json()["version"] == 1
    assert calls == [0, 1]


def apply_delta(document: dict, delta: dict) -> dict:
    """What the extension does with a delta (extension/lib/listdoc.js applyDelta)."""
    by_domain = {entry["domain"]: entry for entry in document["entries"]}
    for domain in delta["removed"]:
        by_domain.pop(domain, None)
    for entry in delta["upserted"]:
        by_domain[entry["domain"]] = entry
    return {"format": 1, "version": delta["version"], "generated": delta["generated"],
            "entries": sorted(by_domain.values(), key=lambda e: e["domain"])}


def test_a_delta_carries_the_signature_of_the_list_it_leads_to(client, storage, make_entry, public_key):
    storage.upsert_entry(make_entry("a.example"), "alice")
    storage.upsert_entry(make_entry("b.example", name="Bé"), "alice")
    old = {1: client.get("/api/v1/list", headers=IDENTITY).get_json()}
    storage.upsert_entry(make_entry("c.example"), "alice")
    storage.upsert_entry(make_entry("a.example", summary="Changed."), "alice")
    storage.delete_entry("b.example", "alice")
    current = client.get("/api/v1/list", headers=IDENTITY).data
    delta = client.get("/api/v1/changes/1").get_json()
    assert delta["version"] == 5 and delta["from"] == 1
    assert delta["signature"] == client.get("/api/v1/list.sig").get_json()
    rebuilt = canonical_bytes(apply_delta(old[1], delta))
    assert rebuilt == current
    check_signature(delta["signature"], rebuilt, public_key)


def test_a_delta_read_while_the_cache_lags_is_signed_for_its_own_version(client, app, storage, make_entry,
                                                                         public_key):
    """The cache holds version 1 while the database is at 2, even after a refresh (the list
    moved again meanwhile): the delta leads to 2, so its signature is 2's."""
    storage.upsert_entry(make_entry("a.example"), "alice")
    cache = app.extensions["caveat.published"]
    stale = cache.current()
    storage.upsert_entry(make_entry("b.example"), "alice")
    app.extensions["caveat.published"] = type("Stale", (), {"current": lambda self: stale,
                                                            "refresh": lambda self: stale})()
    delta = client.get("/api/v1/changes/0").get_json()
    app.extensions["caveat.published"] = cache
    assert stale.version == 1 and delta["version"] == 2
    assert delta["signature"]["version"] == 2
    check_signature(delta["signature"], canonical_bytes(apply_delta({"entries": []}, delta)), public_key)


def test_a_delta_read_while_the_cache_lags_catches_the_shared_list_up(database_url, make_entry, key_file,
                                                                      public_key, monkeypatch):
    """Another app (worker, server) wrote: the first delta asked of this one refreshes its held
    list, and the deltas after it are answered from that list, without building one each."""
    from server.published import PublishedList

    settings = {"DATABASE_URL": database_url, "SIGNING_KEY_FILE": str(key_file), "PUBLISHED_CHECK_MS": 3_600_000}
    reader, writer = create_app(settings), create_app(settings)
    reader.extensions["caveat.storage"].init_schema()
    client = reader.test_client()
    assert client.get("/api/v1/list").headers["X-Caveat-List-Version"] == "0"
    writer.extensions["caveat.storage"].upsert_entry(make_entry("a.example"), "alice")
    builds = []
    real_build = PublishedList.build
    monkeypatch.setattr(PublishedList, "build",
                        classmethod(lambda cls, *a, **k: builds.append(1) or real_build(*a, **k)))
    for _ in range(3):
        delta = client.get("/api/v1/changes/0").get_json()
        assert delta["version"] == 1 and delta["signature"]["version"] == 1
        check_signature(delta["signature"], canonical_bytes(apply_delta({"entries": []}, delta)), public_key)
    assert builds == [1]  # the held list's one rebuild, for all three
    assert client.get("/api/v1/list").headers["X-Caveat-List-Version"] == "1"
    for app in (reader, writer):
        app.extensions["caveat.storage"].dispose()


# --- the path form of /changes ---------------------------------------------------

def test_path_form_answers_as_the_query_form(client, storage, make_entry):
    storage.upsert_entry(make_entry("a.example"), "alice")
    storage.delete_entry("a.example", "alice")
    for since in (0, 1, 2):
        by_path = client.get(f"/api/v1/changes/{since}")
        by_query = client.get(f"/api/v1/changes?since={since}")
        assert by_path.status_code == by_query.status_code == 200
        assert by_path.data == by_query.data
        assert by_path.get_json()["from"] == since
        assert by_path.headers["Access-Control-Allow-Origin"] == "*"
        assert by_path.headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/api/v1/changes/0").get_json()["removed"] == ["a.example"]


@pytest.mark.parametrize("since", ["x", "-1", "1.5", "9" * 30, "%201"])
def test_path_form_refuses_junk(client, since):
    response = client.get(f"/api/v1/changes/{since}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_since"


def test_path_form_too_old_or_too_new_is_410(tmp_path, make_entry, key_file):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "CHANGES_RETAIN": 2,
                      "SIGNING_KEY_FILE": str(key_file)})
    storage = app.extensions["caveat.storage"]
    storage.init_schema()
    for name in "abcd":
        storage.upsert_entry(make_entry(f"{name}.example"), "alice")
    client = app.test_client()
    assert client.get("/api/v1/changes/2").status_code == 200
    for since in (1, 5):
        response = client.get(f"/api/v1/changes/{since}")
        assert response.status_code == 410
        assert response.get_json()["error"]["code"] == "changes_gone"
        assert response.headers["Access-Control-Allow-Origin"] == "*"


# --- without a key ----------------------------------------------------------------

def test_an_unsigned_server_has_no_list_sig_and_unsigned_deltas(tmp_path, make_entry):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", "TESTING": True})
    app.extensions["caveat.storage"].init_schema()
    app.extensions["caveat.storage"].upsert_entry(make_entry("a.example"), "alice")
    client = app.test_client()
    response = client.get("/api/v1/list.sig")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unsigned"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    delta = client.get("/api/v1/changes/0").get_json()
    assert "signature" not in delta
    assert canonical_bytes(apply_delta({"entries": []}, delta)) == client.get("/api/v1/list", headers=IDENTITY).data
