"""A static mirror in Chromium: Debian's nginx, with the server block of
docs/self-hosting.md, serving what `caveat publish` wrote (server/publish.py),
and the extension built with ``--server-url`` pointing at it and
``--public-key`` of the key that signed it.

- the first sync takes the full list and its list.sig from nginx;
- a mirror that keeps no deltas (its changes/ files gone: nginx answers 410)
  makes the extension revalidate the full list with If-None-Match, and
  nginx's 304 keeps the list;
- a new version, published again, arrives as a signed delta
  (``/api/v1/changes/<V>``, the path form a static host can answer).

Which answers nginx gave is read from its own access log.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from server import create_app, publish
from testkit.entries import base_entries, entry
from testkit.nginx import nginx_server
from testkit.ports import free_port
from tests.e2e.waiting import wait_until
from tests.e2e.signing import extension_public_keys  # noqa: F401  (the module's builds trust the first key)
from tests.test_nginx_mirror import documented_server_block

pytestmark = pytest.mark.e2e

MARKER = "mirror-marker.example"  # listed only by the published list


@dataclass
class Mirror:
    url: str
    folder: Path
    access_log: Path
    storage: object
    signer: object

    def publish(self) -> int:
        return publish.publish(self.folder, self.storage, self.signer).version

    def answers(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every request nginx logged so far."""
        text = self.access_log.read_text(encoding="utf-8") if self.access_log.exists() else ""
        return [(m, p, int(s)) for m, p, s in re.findall(r'"(GET|HEAD) (\S+) HTTP/[0-9.]+" ([0-9]{3}) ', text)]


@pytest.fixture(scope="module")
def mirror(tmp_path_factory, signing_keys):
    tmp = tmp_path_factory.mktemp("mirror")
    key_file = signing_keys[0].write_pem(tmp / "signing-key.pem")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp / 'caveat.db'}", "SIGNING_KEY_FILE": str(key_file)})
    storage = app.extensions["caveat.storage"]
    storage.init_schema()
    storage.apply_changes(base_entries() + [entry(MARKER, "Mirror Marker Store")], [], actor="e2e-setup")
    port = free_port()
    folder = tmp / "www" / "caveat"
    served = Mirror(f"http://127.0.0.1:{port}", folder, tmp / "nginx" / "access.log", storage,
                    app.extensions["caveat.signer"])
    assert served.signer is not None
    served.publish()
    with nginx_server(documented_server_block(port, folder), tmp / "nginx", port):
        yield served
    storage.dispose()


@pytest.fixture(scope="module")
def list_server_url(mirror):
    return mirror.url


def new_answers(mirror: Mirror, seen: int) -> list[tuple[str, str, int]]:
    return [answer for answer in mirror.answers()[seen:] if answer[1].startswith("/api/")]


def test_a_signed_update_arrives_from_nginx_and_a_304_keeps_the_list(chromium, mirror):
    options = chromium.options_tab()
    try:
        version = mirror.storage.list_document()["version"]
        seen = len(mirror.answers())
        assert options.sync_now() == f"The list is up to date (version {version}).", chromium.storage("lastSync")
        wait_until(lambda: len(new_answers(mirror, seen)) >= 2, message="nginx to log the requests")
        assert new_answers(mirror, seen) == [("GET", "/api/v1/list", 200), ("GET", "/api/v1/list.sig", 200)]
        assert chromium.banner_domain_on(MARKER) == MARKER
        held = chromium.storage("list", "etag")
        assert held["etag"], held  # nginx's ETag, kept for the next full request

        # A mirror that keeps no deltas: 410 from nginx, then If-None-Match on the list, and a 304.
        shutil.rmtree(mirror.folder / "api" / "v1" / "changes")
        seen = len(mirror.answers())
        assert options.sync_now() == f"The list is up to date (version {version})."
        wait_until(lambda: len(new_answers(mirror, seen)) >= 2, message="nginx to log the requests")
        assert new_answers(mirror, seen) == [("GET", f"/api/v1/changes/{version}", 410), ("GET", "/api/v1/list", 304)]
        assert chromium.storage("list")["list"] == held["list"]

        # A new version, published again: a signed delta by path.
        mirror.storage.apply_changes([entry("mirror-new.example", "Mirror New Store")], [], actor="e2e")
        newer = mirror.publish()
        assert newer == version + 1
        seen = len(mirror.answers())
        assert options.sync_now() == f"The list is up to date (version {newer})."
        wait_until(lambda: new_answers(mirror, seen), message="nginx to log the request")
        assert new_answers(mirror, seen) == [("GET", f"/api/v1/changes/{version}", 200)]
        assert chromium.storage("lastSync")["lastSync"]["ok"] is True
        assert chromium.banner_domain_on("mirror-new.example") == "mirror-new.example"
    finally:
        options.close()
