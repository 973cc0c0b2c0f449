"""Reading the inputs: the extension source tree and the project version."""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, display_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = PROJECT_ROOT / "extension"
PYPROJECT = PROJECT_ROOT / "pyproject.toml"

# Files the build writes into each package; source copies of the data files are
# ignored (manifest.json is read as the source manifest and regenerated).
GENERATED_DATA_FILES = ("data/list.json", "data/config.json")
GENERATED_FILES = ("manifest.json", *GENERATED_DATA_FILES)

# What never ships, whatever is in extension/ (dotfiles are excluded separately).
EXCLUDED_DIRS = {"tests", "test", "__tests__", "node_modules", "__pycache__"}
EXCLUDED_FILE_PATTERNS = ("*.test.js", "*.test.mjs", "*.spec.js", "*.md", "*~", "*.swp", "*.orig", "*.rej",
                          "Thumbs.db", "*.map")


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
    label = display_path(source)
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
        raise BuildError(f"cannot read [project].version from {display_path(pyproject)}: {exc}") from None
    check_extension_version(version)
    return version


def check_extension_version(version) -> None:
    """Browsers accept 1 to 4 dot-separated integers (0-65535, no leading zeros)."""
    if not isinstance(version, str) or not re.fullmatch(r"(0|[1-9]\d{0,4})(\.(0|[1-9]\d{0,4})){0,3}", version) \
            or any(int(part) > 65535 for part in version.split(".")):
        raise BuildError(
            f"project version {version!r} in pyproject.toml is not a browser extension version "
            "(1 to 4 dot-separated integers, e.g. 1.2.0)")
