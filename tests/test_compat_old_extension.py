"""An extension built before `jurisdictions` existed accepts a list that has them.

The old extension's list code (extension/lib/listdoc.js and what it imports,
frozen in tests/compat/lib-before-jurisdictions.json as of the last commit before the field) is copied into a
temporary directory and run by node against lists the server now publishes:
the curated list with its items, and a delta that upserts an entry with items.
It ignores the field, as it ignores every field it does not know
(docs/design.md, "One entry contract"), so no format bump is needed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from server.canonical import canonical_bytes
from server.curated import load_curated
from server.entries import validate_list_document

ROOT = Path(__file__).resolve().parent.parent
# A frozen copy of extension/lib as of c1e3fee, main before issue 13 ("about" in the file says more).
OLD_LIB = json.loads((ROOT / "tests" / "compat" / "lib-before-jurisdictions.json").read_text(encoding="utf-8"))["files"]
IMPORT = re.compile(r'^import [^;]*? from "\./([\w.-]+\.js)";', re.M)

SCRIPT = """
import { readFileSync } from "node:fs";
import { applyDelta, validateListDocument } from "./listdoc.js";
import { ENTRY_FIELDS } from "./contract.js";
const [list, delta, broken] = JSON.parse(readFileSync(0, "utf8"));
const result = { knowsJurisdictions: ENTRY_FIELDS.includes("jurisdictions") };
const accepted = validateListDocument(list);
result.entries = accepted.entries.length;
result.items = accepted.entries.map((e) => (e.jurisdictions ?? []).length).reduce((a, b) => a + b, 0);
result.afterDelta = applyDelta(accepted, delta).entries.find((e) => e.domain === "new.example").jurisdictions;
try { validateListDocument(broken); result.broken = "accepted"; } catch (e) { result.broken = e.name; }
console.log(JSON.stringify(result));
"""


@pytest.fixture(scope="module")
def old_lib(tmp_path_factory) -> Path:
    """The old extension/lib/listdoc.js with its imports, as an ES module directory."""
    directory = tmp_path_factory.mktemp("extension-before-jurisdictions")
    (directory / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    pending, seen = ["listdoc.js"], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        text = OLD_LIB[name]
        (directory / name).write_text(text, encoding="utf-8")
        pending += IMPORT.findall(text)
    assert {"listdoc.js", "entry.js", "contract.js"} <= seen
    return directory


def published_list() -> dict:
    """The curated list as the server publishes it: validated, canonical bytes, read back."""
    doc = validate_list_document({**load_curated(), "version": 5, "generated": "2026-11-30T10:00:00Z"})
    return json.loads(canonical_bytes(doc))


def run_old(old_lib: Path, *documents) -> dict:
    node = shutil.which("node")
    assert node, "node is required (make setup-test)"
    script = old_lib / "check.mjs"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run([node, str(script)], input=json.dumps(documents), capture_output=True,
                          text=True, cwd=old_lib, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_old_extension_accepts_a_list_with_jurisdictions(old_lib):
    listed = published_list()
    items = sum(len(e["jurisdictions"]) for e in listed["entries"])
    assert items >= 8  # the list really carries items
    new = dict(listed["entries"][0], domain="new.example", related=[])
    delta = {"format": 1, "from": 5, "version": 6, "upserted": [new], "removed": []}
    broken = {**listed, "entries": [dict(listed["entries"][0], sources=[])]}
    result = run_old(old_lib, listed, delta, broken)
    assert result["knowsJurisdictions"] is False  # it is the old code
    assert result["entries"] == len(listed["entries"]) and result["items"] == items
    assert result["afterDelta"] == new["jurisdictions"] and result["afterDelta"]
    assert result["broken"] == "ListError"  # and it still refuses what it should
