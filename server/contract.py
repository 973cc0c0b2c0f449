"""The entry contract, read from ``contract.json``, and the files made from it.

``contract.json`` is the one place for the field order of a list document, an
entry and a source, the status values and every limit (lengths in Unicode code
points). ``entries.py`` validates with it; the extension's limits module and the
limits in ``openapi.json`` are generated from it:

    python -m server.contract --write    # regenerate
    python -m server.contract --check    # exit 1 when a generated file is stale
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_PATH = Path(__file__).with_name("contract.json")
JS_MODULE_PATH = ROOT / "extension" / "lib" / "contract.js"
OPENAPI_PATH = Path(__file__).with_name("openapi.json")
REGENERATE = "python -m server.contract --write"

CONTRACT: dict = json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))

LIST_FORMAT: int = CONTRACT["list"]["format"]
LIST_FIELDS: tuple[str, ...] = tuple(CONTRACT["list"]["fields"])
ENTRY_FIELDS: tuple[str, ...] = tuple(CONTRACT["entry"]["fields"])
SOURCE_FIELDS: tuple[str, ...] = tuple(CONTRACT["entry"]["source_fields"])
REQUIRED_FIELDS: tuple[str, ...] = tuple(CONTRACT["entry"]["required"])
STATUSES: tuple[str, ...] = tuple(CONTRACT["entry"]["statuses"])
LIMITS = MappingProxyType(dict(CONTRACT["limits"]))
JURISDICTION_FIELDS: tuple[str, ...] = tuple(CONTRACT["jurisdiction"]["fields"])
JURISDICTION_REQUIRED: tuple[str, ...] = tuple(CONTRACT["jurisdiction"]["required"])
JURISDICTION_STATUSES: tuple[str, ...] = tuple(CONTRACT["jurisdiction"]["statuses"])
# Every valid `country`: the ISO 3166-1 alpha-2 codes, then the regions ("EU").
COUNTRY_CODES: tuple[str, ...] = (tuple(CONTRACT["jurisdiction"]["countries"])
                                  + tuple(CONTRACT["jurisdiction"]["regions"]))


def js_module() -> str:
    """The text of ``extension/lib/contract.js``."""
    data = {key: value for key, value in CONTRACT.items() if key != "about"}
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return (
        f"// Generated from server/contract.json by `{REGENERATE}`: do not edit.\n"
        "// The entry contract: field order, status values and limits (lengths in\n"
        "// Unicode code points, not UTF-16 units).\n"
        "function deepFreeze(value) {\n"
        "  if (value && typeof value === \"object\") Object.values(value).forEach(deepFreeze);\n"
        "  return Object.freeze(value);\n"
        "}\n\n"
        f"export const CONTRACT = deepFreeze({body});\n\n"
        "export const LIST_FORMAT = CONTRACT.list.format;\n"
        "export const LIST_FIELDS = CONTRACT.list.fields;\n"
        "export const ENTRY_FIELDS = CONTRACT.entry.fields;\n"
        "export const SOURCE_FIELDS = CONTRACT.entry.source_fields;\n"
        "export const STATUSES = CONTRACT.entry.statuses;\n"
        "export const JURISDICTION_FIELDS = CONTRACT.jurisdiction.fields;\n"
        "export const JURISDICTION_STATUSES = CONTRACT.jurisdiction.statuses;\n"
        "// Every valid jurisdiction `country`: the ISO 3166-1 alpha-2 codes, then the regions (\"EU\").\n"
        "export const COUNTRY_CODES = Object.freeze([...CONTRACT.jurisdiction.countries, ...CONTRACT.jurisdiction.regions]);\n"
        "// LIMITS.report_comment is the longest report comment (the server's REPORT_COMMENT_MAX default).\n"
        "export const LIMITS = CONTRACT.limits;\n"
    )


def _in_field_order(properties: dict, fields) -> dict:
    missing = [field for field in fields if field not in properties]
    if missing:
        raise ValueError(f"openapi.json describes no {', '.join(missing)}")
    return {field: properties[field] for field in fields}


def openapi_document(spec: dict) -> dict:
    """``spec`` with the entry, list and report schemas' limits taken from the contract."""
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    statuses = list(STATUSES)

    source = schemas["Source"]
    source["required"] = list(SOURCE_FIELDS)
    source["properties"]["title"]["maxLength"] = LIMITS["source_title"]
    source["properties"]["url"]["maxLength"] = LIMITS["source_url"]

    entry_input = schemas["EntryInput"]
    entry_input["required"] = [f for f in REQUIRED_FIELDS if f != "domain"]  # the path names it
    entry_input["properties"] = _in_field_order(entry_input["properties"], ENTRY_FIELDS)
    props = entry_input["properties"]
    props["domain"]["maxLength"] = LIMITS["domain"]
    for field in ("name", "summary", "details"):
        props[field]["maxLength"] = LIMITS[field]
    props["status"]["enum"] = statuses
    props["sources"]["maxItems"] = LIMITS["sources"]
    props["related"]["maxItems"] = LIMITS["related"]

    item = schemas["Jurisdiction"]
    item["required"] = list(JURISDICTION_REQUIRED)
    item["properties"] = _in_field_order(item["properties"], JURISDICTION_FIELDS)
    item["properties"]["country"]["enum"] = list(COUNTRY_CODES)
    item["properties"]["status"]["enum"] = list(JURISDICTION_STATUSES)
    item["properties"]["note"]["maxLength"] = LIMITS["jurisdiction_note"]
    item["properties"]["sources"]["maxItems"] = LIMITS["sources"]
    props["jurisdictions"]["maxItems"] = len(COUNTRY_CODES)

    entry = schemas["Entry"]
    entry["required"] = list(ENTRY_FIELDS)
    entry["properties"] = _in_field_order(entry["properties"], ENTRY_FIELDS)
    entry["properties"]["status"]["enum"] = statuses

    listdoc = schemas["ListDocument"]
    listdoc["required"] = list(LIST_FIELDS)
    listdoc["properties"] = _in_field_order(listdoc["properties"], LIST_FIELDS)
    listdoc["properties"]["format"]["const"] = LIST_FORMAT
    schemas["Delta"]["properties"]["format"]["const"] = LIST_FORMAT

    schemas["NewReport"]["properties"]["comment"]["maxLength"] = LIMITS["report_comment"]
    return spec


def openapi_text() -> str:
    """The text ``openapi.json`` should have."""
    current = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    return json.dumps(openapi_document(current), indent=2) + "\n"


def generated_files() -> dict[Path, str]:
    return {JS_MODULE_PATH: js_module(), OPENAPI_PATH: openapi_text()}


def stale_files() -> list[Path]:
    """The generated files whose text differs from what the contract gives."""
    return [path for path, text in generated_files().items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--write"]:
        for path, text in generated_files().items():
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    if args == ["--check"]:
        stale = stale_files()
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run {REGENERATE}", file=sys.stderr)
        return 1 if stale else 0
    print("usage: python -m server.contract --write | --check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
