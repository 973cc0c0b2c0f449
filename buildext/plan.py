"""One build as a Plan: everything read, validated and generated before anything is written."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .archive import archive_bytes, archive_timestamp, write_file_atomically, write_folder
from .errors import BuildError, display_path
from .manifests import MANIFEST_BUILDERS, validate_source
from .snapshot import read_snapshot
from .source import SourceTree, read_project_version, read_source_tree

ARCHIVE_NAMES = {"chrome": "caveat-chrome-{version}.zip", "firefox": "caveat-firefox-{version}.xpi"}

# The extension keeps the list in storage.local, which Chrome caps at 10 MB
# (10 * 1024 * 1024 bytes, about 30,000 entries) unless the extension has
# unlimitedStorage, as Caveat's manifest asks (bench/scale.md). Past 8 MB the
# build says so: a fork that drops the permission would not store the list.
STORAGE_QUOTA_BYTES = 10 * 1024 * 1024
LIST_SIZE_WARNING_BYTES = 8 * 1024 * 1024


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
    version: str
    server_url: str
    list_doc: dict
    public_keys: list[str]
    packages: list[Package]
    files: dict[str, dict[str, bytes]]


def _json_bytes(value, *, indent: int | None) -> bytes:
    separators = None if indent else (",", ":")
    return (json.dumps(value, ensure_ascii=False, indent=indent, separators=separators) + "\n").encode("utf-8")


def package_files(tree: SourceTree, manifest: dict, list_doc: dict, server_url: str,
                  public_keys: list[str]) -> dict[str, bytes]:
    """All files of one browser's package: the source files plus the generated ones.

    data/config.json: {"serverUrl", "publicKeys"}; an empty publicKeys is a
    development build that accepts unsigned lists (extension/lib/signature.js).
    """
    files = dict(tree.files)
    files["manifest.json"] = _json_bytes(manifest, indent=2)
    files["data/list.json"] = _json_bytes(list_doc, indent=None)
    files["data/config.json"] = _json_bytes({"serverUrl": server_url, "publicKeys": public_keys}, indent=2)
    return files


def plan_build(*, source: Path, out: Path, browsers: tuple[str, ...], server_url: str,
               list_file: Path | None, public_keys: list[str] = ()) -> Plan:
    version = read_project_version()
    if out.resolve().is_relative_to(source.resolve()):
        # The next build would pack the previous one.
        raise BuildError(f"output folder {display_path(out)} is inside the extension source "
                         f"{display_path(source)}; choose another --out")
    tree = read_source_tree(source)
    source_manifest = validate_source(tree)
    list_doc = read_snapshot(list_file)
    timestamp = archive_timestamp()
    packages, files = [], {}
    for browser in browsers:
        manifest = MANIFEST_BUILDERS[browser](source_manifest, version)
        files[browser] = package_files(tree, manifest, list_doc, server_url, list(public_keys))
        packages.append(Package(browser=browser, folder=out / browser,
                                archive=out / ARCHIVE_NAMES[browser].format(version=version),
                                data=archive_bytes(files[browser], timestamp)))
    return Plan(version=version, server_url=server_url, list_doc=list_doc, public_keys=list(public_keys),
                packages=packages, files=files)


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
    keys = len(plan.public_keys)
    lines.append(f"  lists must be signed by {'one of ' if keys > 1 else ''}{keys} public key{'s' if keys > 1 else ''}"
                 if keys else "  development build: lists are not signature-checked (no --public-key)")
    for package in plan.packages:
        size = len(package.data)
        where = "would write" if checked_only else "wrote"
        lines.append(f"  {package.browser:<8} {display_path(package.archive)}  {size:,} bytes ({size / 1024:.1f} KiB)"
                     f"  sha256 {package.sha256}")
        lines.append(f"  {'':<8} {where} unpacked folder {display_path(package.folder)}/")
    return lines


def list_size_warning(plan: Plan) -> str | None:
    """One line when the bundled snapshot nears the browsers' storage.local quota, else None."""
    size = max(len(files["data/list.json"]) for files in plan.files.values()) if plan.files else 0
    if size <= LIST_SIZE_WARNING_BYTES:
        return None
    entries = len(plan.list_doc["entries"])
    return (f"build.py: warning: the bundled list is {size / 1024 / 1024:.1f} MB serialized ({entries} entries); "
            f"past Chrome's storage.local quota of {STORAGE_QUOTA_BYTES // 1024 // 1024} MB it is stored only with the "
            "unlimitedStorage permission (in the manifest); lists past 50,000 entries were not measured (bench/scale.md)")
