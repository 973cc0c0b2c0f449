"""A small, complete extension source and list document for build.py's tests.

The tests of build.py break this fixture in one way at a time (a missing file,
a locale without a key, ...) so each validation rule is proven on its own,
independently of the real extension/ (which has its own end-to-end tests).
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

from testkit.entries import entry, list_document

FIXTURE_MANIFEST = {
    "manifest_version": 3,
    "name": "__MSG_extName__",
    "description": "__MSG_extDescription__",
    "version": "0.0.1",
    "default_locale": "en",
    # Chrome-only: fixes the id of an unpacked test build; never in a package.
    "key": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAfixture",
    "background": {"service_worker": "background.js", "type": "module"},
    "permissions": ["storage", "alarms", "scripting"],
    "host_permissions": ["<all_urls>"],
    "action": {
        "default_popup": "popup.html",
        "default_icon": {"16": "icons/icon-16.png", "32": "icons/icon-32.png"},
    },
    "options_ui": {"page": "options.html", "open_in_tab": True},
    "content_scripts": [],
    "web_accessible_resources": [{"resources": ["banner.css"], "matches": ["<all_urls>"]}],
    "icons": {
        "16": "icons/icon-16.png",
        "32": "icons/icon-32.png",
        "48": "icons/icon-48.png",
        "128": "icons/icon-128.png",
    },
}

MESSAGES = {
    "en": {"extName": {"message": "Caveat"}, "extDescription": {"message": "Warns shoppers about disputed stores."}},
    "fr": {"extName": {"message": "Caveat"}, "extDescription": {"message": "Avertit avant l'achat."}},
}

PAGE = ('<!doctype html>\n<html><head><meta charset="utf-8"><title>Caveat</title>'
        '<link rel="stylesheet" href="banner.css"></head>'
        '<body><script type="module" src="{script}"></script></body></html>\n')

# What a build of the fixture ships, besides the generated manifest and data files.
FIXTURE_SHIPPED = {
    "_locales/en/messages.json", "_locales/fr/messages.json",
    "background.js", "lib/matcher.js", "banner.css",
    "popup.html", "popup.js", "options.html", "options.js",
    "icons/icon-16.png", "icons/icon-32.png", "icons/icon-48.png", "icons/icon-128.png",
}


def png(size: int) -> bytes:
    """A valid solid-colour RGBA PNG of size x size (linters read icon dimensions)."""
    row = b"\x00" + b"\xc0\x30\x10\xff" * size
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * size))
            + chunk(b"IEND", b""))


def write_json(path: Path, value) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
    return path


def write_fixture_extension(root: Path) -> Path:
    """Write a valid extension source (plus files that must never ship) under root."""
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / "manifest.json", FIXTURE_MANIFEST)
    for locale, messages in MESSAGES.items():
        write_json(root / "_locales" / locale / "messages.json", messages)
    (root / "lib").mkdir()
    (root / "lib" / "matcher.js").write_text("export function match(index, host) { return index.get(host) ?? null; }\n")
    (root / "background.js").write_text(
        'import { match } from "./lib/matcher.js";\n'
        'globalThis.caveatReady = typeof match === "function";\n')
    (root / "banner.css").write_text(":host { all: initial; }\n")
    for page in ("popup", "options"):
        (root / f"{page}.html").write_text(PAGE.format(script=f"{page}.js"))
        (root / f"{page}.js").write_text(f'document.body.dataset.page = "{page}";\n')
    (root / "icons").mkdir()
    for size in (16, 32, 48, 128):
        (root / "icons" / f"icon-{size}.png").write_bytes(png(size))
    # Never shipped: tests, dotfiles, docs, editor leftovers, a stale snapshot.
    (root / "tests").mkdir()
    (root / "tests" / "matcher.test.js").write_text("import test from 'node:test';\n")
    (root / "lib" / "matcher.test.js").write_text("import test from 'node:test';\n")
    (root / ".eslintrc.json").write_text("{}\n")
    (root / ".cache").mkdir()
    (root / ".cache" / "state").write_text("x\n")
    (root / "README.md").write_text("# notes\n")
    (root / "background.js~").write_text("old\n")
    write_json(root / "data" / "list.json", {"stale": True})
    return root


def sample_entry(**overrides) -> dict:
    """The shared factory's entry as the server publishes it, with its timestamps."""
    return entry(**{"domain": "allofmp3.example", "name": "AllOfMP3", "created": "2026-11-01T10:00:00Z",
                    "updated": "2026-11-02T10:00:00Z", **overrides})


def sample_list(*entries: dict, version: int = 7, generated: str = "2026-11-20T08:30:00Z") -> dict:
    default = [sample_entry(), sample_entry(domain="mp3sparks.example", name="MP3Sparks")]
    return list_document(list(entries) or default, version, generated)
