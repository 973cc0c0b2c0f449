"""Debian's nginx serving a `caveat publish` folder with the configuration in docs/self-hosting.md.

The server block is taken from the documentation as written (only `listen`
and `root` replaced), so the documented configuration is the tested one.
"""

from __future__ import annotations

import gzip
import http.client
import json
import re

import pytest

from server import create_app, publish, signing
from server.canonical import canonical_bytes
from testkit.nginx import documented_server_block, nginx_server
from testkit.ports import free_port
from tests.test_signing import apply_delta, check_signature
from tests.test_signing import app_config, key_file, signed_config  # noqa: F401  (fixtures)

IDENTITY = {"Accept-Encoding": "identity"}


def get(base: str, path: str, headers=None, method="GET"):
    """(status, headers as a lower-cased dict, body), without any decoding."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture
def mirror(tmp_path, app, storage, make_entry):
    """nginx on a published folder of a three-version list; yields (base URL, folder)."""
    storage.upsert_entry(make_entry("a.example"), "alice")
    storage.upsert_entry(make_entry("b.example", name="Bé ☂"), "alice")
    storage.delete_entry("a.example", "alice")
    folder = tmp_path / "www" / "caveat"
    publish.publish(folder, storage, app.extensions["caveat.signer"])
    port = free_port()
    with nginx_server(documented_server_block(port, folder), tmp_path / "nginx", port) as base:
        yield base, folder


def test_nginx_serves_the_list_as_the_server_does(mirror, client, key_file):
    base, _ = mirror
    status, headers, body = get(base, "/api/v1/list", IDENTITY)
    assert status == 200
    assert headers["content-type"] == "application/json"
    assert headers["cache-control"] == "public, max-age=300"
    assert headers["access-control-allow-origin"] == "*"
    assert headers["x-content-type-options"] == "nosniff"
    assert re.fullmatch(r'"[0-9a-f]+-[0-9a-f]+"', headers["etag"])  # strong
    assert body == client.get("/api/v1/list", headers=IDENTITY).data
    signature_status, signature_headers, signature = get(base, "/api/v1/list.sig")
    assert signature_status == 200 and signature_headers["content-type"] == "application/json"
    assert signature == client.get("/api/v1/list.sig").data
    check_signature(json.loads(signature), body, signing.load(key_file).public_key)


def test_nginx_answers_304_to_its_etag(mirror):
    base, _ = mirror
    for path in ("/api/v1/list", "/api/v1/list.sig", "/api/v1/changes/1"):
        _, headers, _ = get(base, path, IDENTITY)
        status, again, body = get(base, path, {**IDENTITY, "If-None-Match": headers["etag"]})
        assert status == 304, path
        assert body == b""
        assert again["etag"] == headers["etag"]
        assert again["access-control-allow-origin"] == "*"
        assert get(base, path, {**IDENTITY, "If-None-Match": '"0-0"'})[0] == 200


def test_nginx_sends_the_precompressed_list_to_gzip_clients(mirror):
    base, folder = mirror
    status, headers, body = get(base, "/api/v1/list", {"Accept-Encoding": "gzip, deflate"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"] == "application/json"
    assert headers["vary"] == "Accept-Encoding"
    assert body == (folder / "api" / "v1" / "list.gz").read_bytes()
    assert gzip.decompress(body) == (folder / "api" / "v1" / "list").read_bytes()
    status, again, _ = get(base, "/api/v1/list", {"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})
    assert status == 304
    assert "content-encoding" not in get(base, "/api/v1/list", IDENTITY)[1]


def test_nginx_serves_every_delta_and_a_signed_result(mirror, client, key_file):
    base, _ = mirror
    public_key = signing.load(key_file).public_key
    current = client.get("/api/v1/list", headers=IDENTITY).data
    for since in range(0, 4):
        status, headers, body = get(base, f"/api/v1/changes/{since}")
        assert status == 200
        assert headers["content-type"] == "application/json"
        assert headers["cache-control"] == "public, max-age=300"
        assert body == client.get(f"/api/v1/changes/{since}").data
    delta = json.loads(get(base, "/api/v1/changes/0")[2])
    rebuilt = canonical_bytes(apply_delta({"entries": []}, delta))
    assert rebuilt == current
    check_signature(delta["signature"], rebuilt, public_key)


def test_nginx_answers_410_json_for_a_version_it_does_not_have(mirror):
    base, _ = mirror
    for path in ("/api/v1/changes/4", "/api/v1/changes/99", "/api/v1/changes/x"):
        status, headers, body = get(base, path)
        assert status == 410, path
        assert headers["content-type"] == "application/json"
        assert headers["access-control-allow-origin"] == "*"
        assert headers["cache-control"] == "no-store"
        assert json.loads(body)["error"]["code"] == "changes_gone"


def test_nginx_lists_no_folder_and_serves_nothing_else(mirror):
    base, _ = mirror
    for path in ("/", "/api/", "/api/v1/", "/api/v1/changes", "/.caveat-publish",
                 "/errors/changes_gone.json", "/api/v1/lookup?domain=a.example", "/api/v1/list.gz/x"):
        status, _, body = get(base, path)
        assert status == 404, path
        assert b"Index of" not in body and b"changes_gone" not in body
    status, _, body = get(base, "/api/v1/changes/")  # the folder of deltas: "no such version", not a listing
    assert status == 410 and json.loads(body)["error"]["code"] == "changes_gone"


def test_a_new_release_is_served_with_a_new_etag(mirror, app, storage, make_entry):
    base, folder = mirror
    _, before, old_body = get(base, "/api/v1/list", IDENTITY)
    storage.upsert_entry(make_entry("c.example"), "alice")
    publish.publish(folder, storage, app.extensions["caveat.signer"])
    status, after, body = get(base, "/api/v1/list", {**IDENTITY, "If-None-Match": before["etag"]})
    assert status == 200
    assert after["etag"] != before["etag"]
    assert json.loads(body)["version"] == json.loads(old_body)["version"] + 1
    assert json.loads(get(base, "/api/v1/list.sig")[2])["version"] == json.loads(body)["version"]
    assert json.loads(get(base, "/api/v1/changes/0")[2])["version"] == json.loads(body)["version"]


def test_the_server_block_is_what_the_docs_show(tmp_path):
    """The test's substitutions touch only listen and root."""
    block = documented_server_block(8080, tmp_path)
    assert "listen 127.0.0.1:8080;" in block and f"root {tmp_path};" in block
    assert "gzip_static on;" in block and "default_type application/json;" in block
