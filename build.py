#!/usr/bin/env python3
"""Package the Caveat extension for Chrome (zip) and Firefox (xpi).

    python build.py [--browser chrome|firefox|all] [--server-url URL] [--list FILE] [--out DIR]

One source manifest (extension/manifest.json, Chrome-shaped) gives both
browsers' manifests. The list snapshot is validated by the server's own rules
(server.entries.validate_list_document) before it is packed. The same inputs
always give byte-identical archives. See docs/build.md.

Shape of this file: the source tree is read into memory once (I/O), every
check and every generated file is a pure function of that tree, and only the
last step writes folders and archives (I/O).
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import html.parser
import io
import ipaddress
import json
import os
import posixpath
import re
import shutil
import sys
import tempfile
import time
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_SOURCE = PROJECT_ROOT / "extension"
DEFAULT_OUT = PROJECT_ROOT / "dist"
PYPROJECT = PROJECT_ROOT / "pyproject.toml"
CURATED_LABEL = "server/data/warnings.yaml"
# The server that `make run` starts; self-hosters pass their own --server-url.
DEFAULT_SERVER_URL = "http://127.0.0.1:8000"

BROWSERS = ("chrome", "firefox")
ARCHIVE_NAMES = {"chrome": "caveat-chrome-{version}.zip", "firefox": "caveat-firefox-{version}.xpi"}

# Chrome 120: MV3 module service workers (92), scripting.registerContentScripts
# with persistAcrossSessions (101), storage.session (102), and the current
# web_accessible_resources and host-permission behaviour all predate it.
CHROME_MIN_VERSION = "120"
# Firefox 142: data_collection_permissions is honoured on desktop and Android
# from 142 (addons-linter warns below that); MV3 module background scripts and
# scripting.registerContentScripts are older.
FIREFOX_MIN_VERSION = "142.0"
GECKO_ID = "caveat@caveat-extension"
GECKO_DATA_COLLECTION = {"required": ["none"]}

# Top-level manifest keys only Chrome understands; Firefox's linter warns on them.
CHROME_ONLY_KEYS = ("key", "minimum_chrome_version", "update_url", "side_panel", "oauth2", "export", "import")
REQUIRED_ICON_SIZES = ("16", "32", "48", "128")

# Files the build writes into each package; source copies of the data files are
# ignored (manifest.json is read as the source manifest and regenerated).
GENERATED_DATA_FILES = ("data/list.json", "data/config.json")
GENERATED_FILES = ("manifest.json", *GENERATED_DATA_FILES)

# What never ships, whatever is in extension/ (dotfiles are excluded separately).
EXCLUDED_DIRS = {"tests", "test", "__tests__", "node_modules", "__pycache__"}
EXCLUDED_FILE_PATTERNS = ("*.test.js", "*.test.mjs", "*.spec.js", "*.md", "*~", "*.swp", "*.orig", "*.rej",
                          "Thumbs.db", "*.map")

# The extension keeps the list in storage.local, which Chrome caps at 10 MB
# (10 * 1024 * 1024 bytes, about 20,000-30,000 entries); a bigger snapshot is
# not stored at install. Past 8 MB the build warns, with room for the rest.
STORAGE_QUOTA_BYTES = 10 * 1024 * 1024
LIST_SIZE_WARNING_BYTES = 8 * 1024 * 1024

# Fixed archive metadata, so identical inputs give identical bytes.
ZIP_EPOCH_FLOOR = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can store
ZIP_FILE_MODE = 0o100644  # regular file, rw-r--r--
ZIP_COMPRESS_LEVEL = 9
ZIP_CREATE_SYSTEM_UNIX = 3

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
MAX_ERRORS_SHOWN = 3


class BuildError(Exception):
    """A problem with the inputs; main() prints it as one line and exits 1."""


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line (`build.py: error: ...`), exit 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def parse_server_url(text: str) -> str:
    """Validate a list server URL and return its origin (`scheme://host[:port]`).

    The extension appends API paths to this origin, so anything beyond an
    origin (a path, credentials, a query) is refused rather than guessed at.
    """
    if not text or text != text.strip() or any(ord(c) < 0x21 or c == "\x7f" for c in text):
        raise ValueError("must be a URL without spaces or control characters")
    if "?" in text or "#" in text:
        raise ValueError("must not have a query or fragment")
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. a malformed [IPv6] literal
        raise ValueError(f"has an invalid host ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ValueError("must start with http:// or https://")
    if "@" in parts.netloc:
        raise ValueError("must not contain a user name or password")
    if parts.path not in ("", "/"):
        raise ValueError(f"must be an origin only (no path): got path {parts.path!r}")
    if "\\" in text:
        raise ValueError("must not contain backslashes")
    host = parts.hostname
    if not host:
        raise ValueError("must have a host name")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("has an invalid port") from None
    if parts.netloc.endswith(":"):
        raise ValueError("has an empty port")
    host = _normalize_url_host(host, bracketed=parts.netloc.startswith("["))
    default_port = {"http": 80, "https": 443}[scheme]
    port_part = f":{port}" if port is not None and port != default_port else ""
    return f"{scheme}://{host}{port_part}"


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _normalize_url_host(host: str, *, bracketed: bool) -> str:
    if bracketed:
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise ValueError(f"has an invalid IPv6 address {host!r}") from None
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        pass
    host = host.rstrip(".")
    if not host.isascii():
        import idna  # a declared dependency; only needed for Unicode host names

        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise ValueError(f"has an invalid host name ({exc})") from None
    host = host.lower()
    if len(host) > 253 or not all(_LABEL.match(label) for label in host.split(".")):
        raise ValueError(f"has an invalid host name {host!r}")
    return host


def _server_url_arg(text: str) -> str:
    try:
        return parse_server_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid server URL {text!r}: {exc}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="build.py",
        description="Package the Caveat extension: a Chrome zip and a Firefox xpi, "
        "each with the validated warning list bundled. Identical inputs give byte-identical archives.",
        epilog="Exit status: 0 built (or checked) fine, 1 an input is invalid, 2 bad command line. "
        "Details: docs/build.md.",
    )
    parser.add_argument(
        "--browser", choices=("chrome", "firefox", "all"), default="all",
        help="which package to build (default: all = both)")
    parser.add_argument(
        "--server-url", type=_server_url_arg, default=DEFAULT_SERVER_URL, metavar="URL",
        help="origin of the list server the built extension syncs from: http or https, a host, "
        "an optional port, nothing else (default: %(default)s, the server `make run` starts)")
    parser.add_argument(
        "--list", type=Path, metavar="FILE", dest="list_file",
        help="JSON list document to bundle, in the GET /api/v1/list format "
        "({\"format\": 1, \"version\": ..., \"generated\": ..., \"entries\": [...]}); "
        "default: the curated list shipped in server/data/warnings.yaml")
    parser.add_argument(
        "--out", type=Path, default=None, metavar="DIR",
        help="output folder for <browser>/ unpacked folders and the archives (default: dist/ in the project)")
    parser.add_argument(
        "--source", type=Path, default=None, metavar="DIR",
        help="extension source folder with the one source manifest (default: extension/ in the project)")
    parser.add_argument(
        "--check", action="store_true",
        help="validate the manifest, referenced files, locales, list and server URL; write nothing")
    return parser


# --------------------------------------------------------------------------
# Reading inputs (I/O)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceTree:
    """The shippable files of the extension source, read into memory."""

    label: str  # how to name the folder in messages
    files: dict[str, bytes]  # posix relative path -> content


def is_shipped_path(rel: str) -> bool:
    """Whether a source file (posix path relative to extension/) belongs in a package."""
    parts = rel.split("/")
    if any(part.startswith(".") for part in parts):
        return False
    if any(part in EXCLUDED_DIRS for part in parts[:-1]):
        return False
    name = parts[-1]
    return not any(fnmatch.fnmatchcase(name, pattern) for pattern in EXCLUDED_FILE_PATTERNS)


def read_source_tree(source: Path) -> SourceTree:
    label = _display_path(source)
    if not source.is_dir():
        raise BuildError(f"extension source folder {label} does not exist")
    files: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(source):
        # Prune excluded folders early; sorting keeps the walk deterministic.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in EXCLUDED_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(source).as_posix()
            if not is_shipped_path(rel) or rel in GENERATED_DATA_FILES:
                continue
            if path.is_symlink():
                raise BuildError(f"{label}/{rel} is a symbolic link; packages hold regular files only")
            files[rel] = path.read_bytes()
    return SourceTree(label=label, files=files)


def read_project_version(pyproject: Path = PYPROJECT) -> str:
    try:
        with pyproject.open("rb") as fh:
            version = tomllib.load(fh)["project"]["version"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise BuildError(f"cannot read [project].version from {_display_path(pyproject)}: {exc}") from None
    check_extension_version(version)
    return version


def load_list_document(list_file: Path | None):
    """The raw list document: --list FILE, or the curated list shipped with the server."""
    if list_file is None:
        from server.curated import load_curated
        from server.entries import ListError

        try:
            return load_curated()
        except ListError as exc:
            raise BuildError(f"invalid list {CURATED_LABEL}: {_join_errors(list(exc.errors))}") from None
    label = _display_path(list_file)
    try:
        text = list_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(f"list file {label} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError(f"cannot read list file {label}: {exc}") from None
    return parse_json(text, label)


# --------------------------------------------------------------------------
# Validation (pure)
# --------------------------------------------------------------------------


def parse_json(text: str, label: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BuildError(f"{label} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def check_extension_version(version) -> None:
    """Browsers accept 1 to 4 dot-separated integers (0-65535, no leading zeros)."""
    if not isinstance(version, str) or not re.fullmatch(r"(0|[1-9]\d{0,4})(\.(0|[1-9]\d{0,4})){0,3}", version) \
            or any(int(part) > 65535 for part in version.split(".")):
        raise BuildError(
            f"project version {version!r} in pyproject.toml is not a browser extension version "
            "(1 to 4 dot-separated integers, e.g. 1.2.0)")


def _join_errors(errors: list[str]) -> str:
    shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
    more = len(errors) - MAX_ERRORS_SHOWN
    return shown + (f" (and {more} more)" if more > 0 else "")


def validate_list(doc, label: str) -> dict:
    """Validate with the server's rules and return the canonical document."""
    from server.entries import ListError, validate_list_document

    try:
        canonical = validate_list_document(doc)
    except ListError as exc:
        errors = list(getattr(exc, "errors", None) or [str(exc)])
        raise BuildError(f"invalid list {label}: {_join_errors(errors)}") from None
    if not canonical["entries"]:
        # The extension refuses an empty list on refresh; shipping one would warn nobody.
        raise BuildError(f"invalid list {label}: it has no entries")
    return canonical


def with_generated_time(doc: dict) -> dict:
    """The snapshot always says when the list was generated, without reading the clock.

    A served list carries `generated`; the curated file has none, so its time is
    derived from the inputs: SOURCE_DATE_EPOCH when set, else the newest
    `updated` or `reviewed` date among the entries (midnight UTC).
    """
    if "generated" in doc:
        return doc
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        generated = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_parse_epoch(epoch)))
    else:
        stamps = [entry.get("updated") or f"{entry['reviewed']}T00:00:00Z" for entry in doc["entries"]]
        generated = max(stamps)
    result = {"format": doc["format"], "version": doc["version"], "generated": generated}
    result["entries"] = doc["entries"]
    return result


def _parse_epoch(text: str) -> int:
    try:
        value = int(text)
        time.gmtime(value)
    except (ValueError, OverflowError, OSError):
        raise BuildError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {text!r}") from None
    return value


def load_manifest(tree: SourceTree) -> dict:
    label = f"{tree.label}/manifest.json"
    if "manifest.json" not in tree.files:
        raise BuildError(f"{label} is missing")
    manifest = parse_json(_decode(tree.files["manifest.json"], label), label)
    if not isinstance(manifest, dict):
        raise BuildError(f"{label} must hold a JSON object")
    if manifest.get("manifest_version") != 3:
        raise BuildError(f"{label}: manifest_version must be 3")
    background = manifest.get("background")
    if not isinstance(background, dict) or not isinstance(background.get("service_worker"), str):
        raise BuildError(f"{label}: background.service_worker is required (the source manifest is Chrome-shaped)")
    if "scripts" in background or "page" in background:
        raise BuildError(f"{label}: background must have only service_worker (build.py makes Firefox's scripts)")
    return manifest


# Where the manifest refers to files, and the JSON type each of those keys has.
MANIFEST_SHAPES = {
    "background": dict, "content_scripts": list, "action": dict, "browser_action": dict, "page_action": dict,
    "options_ui": dict, "side_panel": dict, "chrome_url_overrides": dict, "declarative_net_request": dict,
    "icons": dict, "web_accessible_resources": list, "options_page": str, "devtools_page": str,
    "default_locale": str,
}


def check_manifest_shapes(manifest: dict, label: str) -> list[str]:
    """Wrong JSON types where files are named (browsers refuse such a manifest)."""
    names = {dict: "an object", list: "a list", str: "a string"}
    errors = [f"{label}/manifest.json: {key} must be {names[kind]}"
              for key, kind in MANIFEST_SHAPES.items() if key in manifest and not isinstance(manifest[key], kind)]
    for key in ("content_scripts", "web_accessible_resources"):
        items = manifest.get(key)
        if isinstance(items, list) and not all(isinstance(item, dict) for item in items):
            errors.append(f"{label}/manifest.json: every item of {key} must be an object")
    return errors


def _obj(value) -> dict:
    return value if isinstance(value, dict) else {}


def _arr(value) -> list:
    return value if isinstance(value, list) else []


def manifest_references(manifest: dict) -> list[tuple[str, str]]:
    """Every (what, path) the manifest points at, in manifest order; ill-typed parts are skipped."""
    refs: list[tuple[str, str]] = []

    def add(what: str, value) -> None:
        if isinstance(value, str) and value:
            refs.append((what, value))

    def add_icons(what: str, icons) -> None:
        if isinstance(icons, str):
            add(what, icons)
        for size, path in _obj(icons).items():
            add(f"{what} {size}", path)

    add("background.service_worker", _obj(manifest.get("background")).get("service_worker"))
    for i, script in enumerate(_arr(manifest.get("content_scripts"))):
        for kind in ("js", "css"):
            for path in _arr(_obj(script).get(kind)):
                add(f"content_scripts[{i}].{kind}", path)
    for key in ("action", "browser_action", "page_action"):
        section = _obj(manifest.get(key))
        add(f"{key}.default_popup", section.get("default_popup"))
        add_icons(f"{key}.default_icon", section.get("default_icon"))
    add("options_page", manifest.get("options_page"))
    add("options_ui.page", _obj(manifest.get("options_ui")).get("page"))
    add("devtools_page", manifest.get("devtools_page"))
    add("side_panel.default_path", _obj(manifest.get("side_panel")).get("default_path"))
    for name, page in _obj(manifest.get("chrome_url_overrides")).items():
        add(f"chrome_url_overrides.{name}", page)
    for i, rules in enumerate(_arr(_obj(manifest.get("declarative_net_request")).get("rule_resources"))):
        add(f"declarative_net_request.rule_resources[{i}]", _obj(rules).get("path"))
    add_icons("icons", manifest.get("icons"))
    for i, group in enumerate(_arr(manifest.get("web_accessible_resources"))):
        for path in _arr(_obj(group).get("resources")):
            add(f"web_accessible_resources[{i}]", path)
    return refs


def _normalize_ref(path: str) -> str | None:
    """Package-relative posix path, or None when it would leave the package."""
    normalized = posixpath.normpath(path.lstrip("/"))
    if normalized.startswith("../") or normalized == ".." or "\\" in path:
        return None
    return normalized


def check_referenced_files(manifest: dict, tree: SourceTree) -> list[str]:
    errors = []
    shipped = set(tree.files) | set(GENERATED_FILES)
    for what, path in manifest_references(manifest):
        rel = _normalize_ref(path)
        if rel is None:
            errors.append(f"manifest {what} points outside the extension: {path}")
        elif any(c in rel for c in "*?["):
            if not any(fnmatch.fnmatchcase(name, rel) for name in shipped):
                errors.append(f"manifest {what} pattern {path} matches no file in {tree.label}/")
        elif rel not in shipped:
            errors.append(f"manifest {what} refers to {path}, which is missing from {tree.label}/")
    return errors


def check_icons(manifest: dict, label: str) -> list[str]:
    icons = manifest.get("icons")
    if not isinstance(icons, dict):  # a wrong type is reported by check_manifest_shapes
        return [] if "icons" in manifest else [f"{label}/manifest.json: icons is missing (sizes {', '.join(REQUIRED_ICON_SIZES)} are required)"]
    missing = [size for size in REQUIRED_ICON_SIZES if size not in icons]
    if missing:
        return [f"{label}/manifest.json: icons lacks size {', '.join(missing)} "
                f"(sizes {', '.join(REQUIRED_ICON_SIZES)} are required)"]
    return []


class _PageRefs(html.parser.HTMLParser):
    """Collects local script, stylesheet and image references of an extension page."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.refs.append(attrs["src"])
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.refs.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.refs.append(attrs["src"])


# Static and dynamic relative ES module imports: `from "./x.js"`, `import "./x.js"`, `import("./x.js")`.
_JS_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}/[^"'\n]+|/[^"'/\n][^"'\n]*)\1""")


def check_page_and_module_refs(tree: SourceTree) -> list[str]:
    """Scripts an extension page loads and modules a script imports must ship too."""
    errors = []
    for rel, content in sorted(tree.files.items()):
        if rel.endswith(".html"):
            parser = _PageRefs()
            parser.feed(content.decode("utf-8", errors="replace"))
            targets = [ref for ref in parser.refs if not re.match(r"^[a-z][a-z0-9+.-]*:|^//", ref, re.I)]
        elif rel.endswith((".js", ".mjs")):
            targets = [match.group(2) for match in _JS_IMPORT.finditer(content.decode("utf-8", errors="replace"))]
        else:
            continue
        for ref in targets:
            clean = ref.split("#", 1)[0].split("?", 1)[0]
            resolved = _normalize_ref(clean if clean.startswith("/") else posixpath.join(posixpath.dirname(rel), clean))
            if resolved is None or resolved not in tree.files and resolved not in GENERATED_FILES:
                errors.append(f"{tree.label}/{rel} refers to {ref}, which is missing from {tree.label}/")
    return errors


_MSG = re.compile(r"__MSG_([A-Za-z0-9_@]+)__")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def load_locales(tree: SourceTree) -> dict[str, dict[str, str]]:
    """locale -> {lowercased message name: name as written}; browsers match names case-insensitively."""
    locales: dict[str, dict] = {}
    names = sorted({rel.split("/")[1] for rel in tree.files if rel.startswith("_locales/") and rel.count("/") >= 2})
    for name in names:
        rel = f"_locales/{name}/messages.json"
        label = f"{tree.label}/{rel}"
        if rel not in tree.files:
            raise BuildError(f"{label} is missing")
        messages = parse_json(_decode(tree.files[rel], label), label)
        if not isinstance(messages, dict):
            raise BuildError(f"{label} must hold a JSON object")
        for key, entry in messages.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("message"), str):
                raise BuildError(f"{label}: message {key!r} has no \"message\" string")
        locales[name] = {key.lower(): key for key in messages}
    return locales


def check_locales(manifest: dict, locales: dict[str, dict], label: str) -> list[str]:
    default = manifest.get("default_locale")
    used = sorted({m.group(1) for s in _strings(manifest) for m in _MSG.finditer(s) if not m.group(1).startswith("@@")})
    if default is None:
        if locales:
            return [f"{label}/manifest.json: default_locale is required when _locales/ exists"]
        if used:
            return [f"{label}/manifest.json uses __MSG_{used[0]}__ but has no default_locale"]
        return []
    if not isinstance(default, str):
        return [f"{label}/manifest.json: default_locale must be a string such as \"en\""]
    if default not in locales:
        return [f"{label}/manifest.json: default_locale {default!r} has no {label}/_locales/{default}/messages.json"]
    errors = []
    reference = locales[default]
    for key in used:
        if key.lower() not in reference:
            errors.append(f"{label}/manifest.json uses __MSG_{key}__, which _locales/{default}/messages.json "
                          "does not define")
    for name, messages in sorted(locales.items()):
        if name == default:
            continue
        missing = [reference[key] for key in sorted(set(reference) - set(messages))]
        extra = [messages[key] for key in sorted(set(messages) - set(reference))]
        if missing:
            errors.append(f"locale {name} lacks {len(missing)} key(s) that {default} has: {', '.join(missing[:5])}")
        if extra:
            errors.append(f"locale {name} has {len(extra)} key(s) that the default locale {default} lacks: "
                          f"{', '.join(extra[:5])}")
    return errors


def validate_source(tree: SourceTree) -> dict:
    """Run every source check; raise one BuildError naming the first few problems."""
    manifest = load_manifest(tree)
    locales = load_locales(tree)
    errors = (check_manifest_shapes(manifest, tree.label)
              + check_referenced_files(manifest, tree) + check_icons(manifest, tree.label)
              + check_locales(manifest, locales, tree.label) + check_page_and_module_refs(tree))
    if errors:
        raise BuildError(_join_errors(errors))
    return manifest


def _decode(content: bytes, label: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{label} is not UTF-8 text: {exc}") from None


# --------------------------------------------------------------------------
# Generated files (pure)
# --------------------------------------------------------------------------


def chrome_manifest(source: dict, version: str) -> dict:
    manifest = {key: value for key, value in source.items() if key not in ("key", "browser_specific_settings")}
    manifest["version"] = version
    manifest["background"] = {"service_worker": source["background"]["service_worker"], "type": "module"}
    manifest.setdefault("minimum_chrome_version", CHROME_MIN_VERSION)
    return manifest


def firefox_manifest(source: dict, version: str) -> dict:
    manifest = {key: value for key, value in source.items() if key not in CHROME_ONLY_KEYS}
    manifest["version"] = version
    manifest["background"] = {"scripts": [source["background"]["service_worker"]], "type": "module"}
    manifest["browser_specific_settings"] = {
        "gecko": {
            "id": GECKO_ID,
            "strict_min_version": FIREFOX_MIN_VERSION,
            "data_collection_permissions": GECKO_DATA_COLLECTION,
        }
    }
    return manifest


MANIFEST_BUILDERS = {"chrome": chrome_manifest, "firefox": firefox_manifest}


def _json_bytes(value, *, indent: int | None) -> bytes:
    separators = None if indent else (",", ":")
    return (json.dumps(value, ensure_ascii=False, indent=indent, separators=separators) + "\n").encode("utf-8")


def package_files(tree: SourceTree, manifest: dict, list_doc: dict, server_url: str) -> dict[str, bytes]:
    """All files of one browser's package: the source files plus the generated ones."""
    files = dict(tree.files)
    files["manifest.json"] = _json_bytes(manifest, indent=2)
    files["data/list.json"] = _json_bytes(list_doc, indent=None)
    files["data/config.json"] = _json_bytes({"serverUrl": server_url}, indent=2)
    return files


def archive_timestamp() -> tuple[int, int, int, int, int, int]:
    """SOURCE_DATE_EPOCH when set (reproducible-builds.org), else 1980-01-01."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return ZIP_EPOCH_FLOOR
    return max(time.gmtime(_parse_epoch(epoch))[:6], ZIP_EPOCH_FLOOR)


def archive_bytes(files: dict[str, bytes], timestamp=ZIP_EPOCH_FLOOR) -> bytes:
    """A deterministic zip: sorted names, fixed time, mode, system and compression."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=timestamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ZIP_FILE_MODE << 16
            info.create_system = ZIP_CREATE_SYSTEM_UNIX
            archive.writestr(info, files[name], compress_type=zipfile.ZIP_DEFLATED,
                             compresslevel=ZIP_COMPRESS_LEVEL)
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Writing outputs (I/O)
# --------------------------------------------------------------------------


def write_folder(target: Path, files: dict[str, bytes]) -> None:
    """Replace `target` with exactly `files` (no stale files from older builds)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name in sorted(files):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[name])
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_file_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------


@dataclass
class Package:
    browser: str
    folder: Path
    archive: Path
    data: bytes = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Plan:
    """Everything validated and generated, before anything is written."""

    version: str
    server_url: str
    list_doc: dict
    packages: list[Package]
    files: dict[str, dict[str, bytes]]


def plan_build(*, source: Path, out: Path, browsers: tuple[str, ...], server_url: str,
               list_file: Path | None) -> Plan:
    version = read_project_version()
    if out.resolve().is_relative_to(source.resolve()):
        # The next build would pack the previous one.
        raise BuildError(f"output folder {_display_path(out)} is inside the extension source "
                         f"{_display_path(source)}; choose another --out")
    tree = read_source_tree(source)
    source_manifest = validate_source(tree)
    list_label = _display_path(list_file) if list_file else CURATED_LABEL
    list_doc = with_generated_time(validate_list(load_list_document(list_file), list_label))
    timestamp = archive_timestamp()
    packages, files = [], {}
    for browser in browsers:
        manifest = MANIFEST_BUILDERS[browser](source_manifest, version)
        files[browser] = package_files(tree, manifest, list_doc, server_url)
        packages.append(Package(browser=browser, folder=out / browser,
                                archive=out / ARCHIVE_NAMES[browser].format(version=version),
                                data=archive_bytes(files[browser], timestamp)))
    return Plan(version=version, server_url=server_url, list_doc=list_doc, packages=packages, files=files)


def write_plan(plan: Plan) -> None:
    for package in plan.packages:
        write_folder(package.folder, plan.files[package.browser])
        write_file_atomically(package.archive, package.data)


def summary_lines(plan: Plan, *, checked_only: bool) -> list[str]:
    entries = len(plan.list_doc["entries"])
    head = "Checked" if checked_only else "Built"
    lines = [f"{head} Caveat {plan.version}: list version {plan.list_doc['version']} "
             f"({entries} entr{'y' if entries == 1 else 'ies'}, generated {plan.list_doc['generated']}), "
             f"server {plan.server_url}"]
    for package in plan.packages:
        size = len(package.data)
        where = "would write" if checked_only else "wrote"
        lines.append(f"  {package.browser:<8} {_display_path(package.archive)}  {size:,} bytes ({size / 1024:.1f} KiB)"
                     f"  sha256 {package.sha256}")
        lines.append(f"  {'':<8} {where} unpacked folder {_display_path(package.folder)}/")
    return lines


def list_size_warning(plan: Plan) -> str | None:
    """One line when the bundled snapshot nears the browsers' storage.local quota, else None."""
    size = max(len(files["data/list.json"]) for files in plan.files.values()) if plan.files else 0
    if size <= LIST_SIZE_WARNING_BYTES:
        return None
    entries = len(plan.list_doc["entries"])
    return (f"build.py: warning: the bundled list is {size / 1024 / 1024:.1f} MB serialized ({entries} entries); "
            f"the browsers' storage.local quota is {STORAGE_QUOTA_BYTES // 1024 // 1024} MB (Chrome), "
            "so the extension may be unable to store it; keep the list to thousands of entries")


def _display_path(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(Path(path).absolute()) if relative.startswith("..") else relative


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2); argparse already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    browsers = BROWSERS if args.browser == "all" else (args.browser,)
    try:
        plan = plan_build(source=args.source or DEFAULT_SOURCE, out=args.out or DEFAULT_OUT, browsers=browsers,
                          server_url=args.server_url, list_file=args.list_file)
        if not args.check:
            write_plan(plan)
    except BuildError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:
        print(f"build.py: error: cannot write output: {exc}", file=sys.stderr)
        return EXIT_INVALID
    warning = list_size_warning(plan)
    if warning:
        print(warning, file=sys.stderr)
    print("\n".join(summary_lines(plan, checked_only=args.check)))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
