"""The documentation names what the code has (Datasette's test_docs.py idea).

Every CAVEAT_* setting the server reads is documented in docs/settings.md,
with its default, and every setting documented there exists. Every module
file under server/, buildext/ and extension/ is named in docs/architecture.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.settings import DEFAULTS, ENV_PREFIX

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DOC = ROOT / "docs" / "settings.md"
# A row of the settings table: | `CAVEAT_NAME` | default | meaning |
_ROW = re.compile(r"^\|\s*`(CAVEAT_[A-Z0-9_]+)`\s*\|([^|]*)\|", re.M)
# A CAVEAT_ variable named anywhere in the server's code (settings, help texts, messages).
_VARIABLE = re.compile(r"\bCAVEAT_[A-Z0-9_]*[A-Z0-9]\b")


def documented() -> dict[str, str]:
    """variable -> its default cell, from the table in docs/settings.md."""
    rows = _ROW.findall(SETTINGS_DOC.read_text(encoding="utf-8"))
    assert rows, "docs/settings.md has no settings table"
    return {name: default.strip() for name, default in rows}


def settings_read() -> set[str]:
    return {ENV_PREFIX + name for name in DEFAULTS}


@pytest.mark.parametrize("variable", sorted(settings_read()))
def test_every_setting_is_documented(variable):
    assert variable in documented(), f"{variable} is read by server/settings.py but not documented in docs/settings.md"


def test_every_documented_setting_exists():
    unknown = sorted(set(documented()) - settings_read())
    assert unknown == [], f"docs/settings.md documents settings the server does not read: {unknown}"


def test_each_setting_is_documented_once():
    names = [name for name, _ in _ROW.findall(SETTINGS_DOC.read_text(encoding="utf-8"))]
    assert sorted(names) == sorted(set(names))


@pytest.mark.parametrize("name", sorted(name for name, default in DEFAULTS.items() if default not in ("", None)))
def test_documented_default_is_the_code_default(name):
    """The default column starts with the code's default, in backticks (e.g. `131072` (128 KiB))."""
    cell = documented()[ENV_PREFIX + name]
    shown = re.match(r"`([^`]*)`", cell)
    assert shown, f"{ENV_PREFIX}{name}: default cell {cell!r} does not start with a `value`"
    assert shown.group(1) == str(DEFAULTS[name]), f"{ENV_PREFIX}{name}: docs say {shown.group(1)}, code {DEFAULTS[name]}"


def test_every_caveat_variable_the_server_code_names_is_a_setting():
    """A CAVEAT_X mentioned in a help text or read outside settings.py must be a real, documented setting."""
    named = {match for path in (ROOT / "server").rglob("*.py")
             for match in _VARIABLE.findall(path.read_text(encoding="utf-8"))}
    assert named, "the scan found no CAVEAT_ variable at all"
    assert sorted(named - settings_read()) == []


ARCHITECTURE_DOC = ROOT / "docs" / "architecture.md"


def module_files() -> list[str]:
    """Every module file of the server, the build package and the extension, as a repository path."""
    files = [*(ROOT / "server").rglob("*.py"), *(ROOT / "buildext").rglob("*.py"), *(ROOT / "extension").rglob("*.js")]
    return sorted(path.relative_to(ROOT).as_posix() for path in files if "__pycache__" not in path.parts)


def test_the_module_scan_finds_the_modules():
    found = module_files()
    assert "server/maintenance.py" in found and "buildext/plan.py" in found and "extension/lib/entry.js" in found


@pytest.mark.parametrize("module", module_files())
def test_every_module_is_named_in_the_architecture_doc(module):
    assert f"`{module}`" in ARCHITECTURE_DOC.read_text(encoding="utf-8"), f"docs/architecture.md does not name {module}"
