"""How the build names a problem: one BuildError, printed as one line."""

from __future__ import annotations

import json
import os
from pathlib import Path

MAX_ERRORS_SHOWN = 3


class BuildError(Exception):
    """A problem with the inputs; main() prints it as one line and exits 1."""


def join_errors(errors: list[str]) -> str:
    """The first few problems on one line, and how many more there are."""
    shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
    more = len(errors) - MAX_ERRORS_SHOWN
    return shown + (f" (and {more} more)" if more > 0 else "")


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the current folder when below it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(Path(path).absolute()) if relative.startswith("..") else relative


def decode_text(content: bytes, label: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{label} is not UTF-8 text: {exc}") from None


def parse_json(content: bytes, label: str):
    try:
        return json.loads(decode_text(content, label))
    except json.JSONDecodeError as exc:
        raise BuildError(f"{label} is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
