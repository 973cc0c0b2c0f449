"""The one source manifest: check it names files that ship, and make each browser's manifest.

Only what a package needs to load is checked here (manifest_version 3, a
Chrome-shaped background, the files the manifest names, the icon sizes the
stores ask for). Everything else about manifests is left to `web-ext lint`
and addons-linter (tests/test_build_lint.py).
"""

from __future__ import annotations

import posixpath

from .errors import BuildError, join_errors, parse_json
from .locales import check_locales, load_locales
from .source import GENERATED_FILES, SourceTree

# Chrome 137: WebCrypto Ed25519 without a flag (signed lists,
# extension/lib/signature.js). MV3 module service workers (92),
# scripting.registerContentScripts with persistAcrossSessions (101),
# storage.session (102), and the current web_accessible_resources and
# host-permission behaviour all predate it.
CHROME_MIN_VERSION = "137"
# Firefox 142: data_collection_permissions is honoured on desktop and Android
# from 142 (addons-linter warns below that); WebCrypto Ed25519 (129), MV3
# module background scripts and scripting.registerContentScripts are older.
FIREFOX_MIN_VERSION = "142.0"
GECKO_ID = "caveat@caveat-extension"
GECKO_DATA_COLLECTION = {"required": ["none"]}

# Top-level manifest keys only Chrome understands; Firefox's linter warns on them.
CHROME_ONLY_KEYS = ("key", "minimum_chrome_version", "update_url", "side_panel", "oauth2", "export", "import")
REQUIRED_ICON_SIZES = ("16", "32", "48", "128")


def load_manifest(tree: SourceTree) -> dict:
    label = f"{tree.label}/manifest.json"
    if "manifest.json" not in tree.files:
        raise BuildError(f"{label} is missing")
    manifest = parse_json(tree.files["manifest.json"], label)
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


def _obj(value) -> dict:
    return value if isinstance(value, dict) else {}


def _arr(value) -> list:
    return value if isinstance(value, list) else []


def named_files(manifest: dict) -> list[tuple[str, str]]:
    """Every (where, path) the manifest names a file at, in manifest order.

    The MV3 keys an extension like Caveat uses; ill-typed parts are skipped
    (the linters report them), and so are wildcard resource patterns.
    """
    named: list[tuple[str, object]] = [("background.service_worker", _obj(manifest.get("background")).get("service_worker"))]
    for i, script in enumerate(_arr(manifest.get("content_scripts"))):
        named += [(f"content_scripts[{i}].{kind}", path) for kind in ("js", "css") for path in _arr(_obj(script).get(kind))]
    action = _obj(manifest.get("action"))
    named.append(("action.default_popup", action.get("default_popup")))
    named += [(f"action.default_icon {size}", path) for size, path in _obj(action.get("default_icon")).items()]
    named.append(("options_ui.page", _obj(manifest.get("options_ui")).get("page")))
    named += [(f"icons {size}", path) for size, path in _obj(manifest.get("icons")).items()]
    for i, group in enumerate(_arr(manifest.get("web_accessible_resources"))):
        named += [(f"web_accessible_resources[{i}]", path) for path in _arr(_obj(group).get("resources"))]
    return [(where, path) for where, path in named if isinstance(path, str) and path and "*" not in path]


def check_named_files(manifest: dict, tree: SourceTree) -> list[str]:
    """Each file the manifest names ships in the package (and stays inside it)."""
    errors = []
    shipped = set(tree.files) | set(GENERATED_FILES)
    for where, path in named_files(manifest):
        rel = posixpath.normpath(path.lstrip("/"))
        if rel == ".." or rel.startswith("../") or "\\" in path:
            errors.append(f"manifest {where} points outside the extension: {path}")
        elif rel not in shipped:
            errors.append(f"manifest {where} refers to {path}, which is missing from {tree.label}/")
    return errors


def check_icons(manifest: dict, label: str) -> list[str]:
    """The stores ask for these icon sizes."""
    icons = manifest.get("icons")
    if icons is None:
        return [f"{label}/manifest.json: icons is missing (sizes {', '.join(REQUIRED_ICON_SIZES)} are required)"]
    missing = [size for size in REQUIRED_ICON_SIZES if size not in _obj(icons)]
    if missing and isinstance(icons, dict):
        return [f"{label}/manifest.json: icons lacks size {', '.join(missing)} "
                f"(sizes {', '.join(REQUIRED_ICON_SIZES)} are required)"]
    return []


def validate_source(tree: SourceTree) -> dict:
    """Check the source manifest, the files it names and the locales; return the manifest.

    Raises one BuildError naming the first few problems.
    """
    manifest = load_manifest(tree)
    locales = load_locales(tree)
    errors = (check_named_files(manifest, tree) + check_icons(manifest, tree.label)
              + check_locales(manifest, locales, tree.label))
    if errors:
        raise BuildError(join_errors(errors))
    return manifest


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
