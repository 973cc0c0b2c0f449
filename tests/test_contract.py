"""The entry contract (server/contract.json) and everything that restates it.

The extension's limits module and the limits in openapi.json are generated
(python -m server.contract --write); the docs' tables are held equal here.
"""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from server import contract, domains, settings
from server.contract import LIMITS, STATUSES
from server.entries import EntryError, validate_entry
from tests.conftest import SAMPLE_ENTRY

ROOT = Path(__file__).parent.parent
TODAY = date(2026, 11, 28)


def test_generated_files_are_current():
    stale = [str(path.relative_to(ROOT)) for path in contract.stale_files()]
    assert stale == [], f"stale: {stale}; run {contract.REGENERATE}"
    assert contract.main(["--check"]) == 0


def test_the_js_module_says_it_is_generated_and_holds_the_contract():
    text = contract.JS_MODULE_PATH.read_text(encoding="utf-8")
    assert text.startswith("// Generated from server/contract.json by `python -m server.contract --write`: do not edit.")
    body = text[text.index("deepFreeze({") + len("deepFreeze("):text.index(");\n\nexport const LIST_FORMAT")]
    assert json.loads(body) == {key: value for key, value in contract.CONTRACT.items() if key != "about"}
    assert "export const LIMITS = CONTRACT.limits;" in text


def test_openapi_limits_are_rewritten_from_the_contract():
    spec = json.loads(contract.OPENAPI_PATH.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    for schema in ("Source", "EntryInput"):  # spoil every limit the generator owns
        for prop in schemas[schema]["properties"].values():
            for key in ("maxLength", "maxItems"):
                if key in prop:
                    prop[key] = 0
    schemas["NewReport"]["properties"]["comment"]["maxLength"] = 0
    schemas["Entry"]["properties"]["status"]["enum"] = []
    regenerated = contract.openapi_document(spec)["components"]["schemas"]
    assert regenerated["EntryInput"]["properties"]["name"]["maxLength"] == LIMITS["name"]
    assert regenerated["EntryInput"]["properties"]["sources"]["maxItems"] == LIMITS["sources"]
    assert regenerated["Source"]["properties"]["url"]["maxLength"] == LIMITS["source_url"]
    assert regenerated["NewReport"]["properties"]["comment"]["maxLength"] == LIMITS["report_comment"]
    assert regenerated["Entry"]["properties"]["status"]["enum"] == list(STATUSES)
    assert regenerated["Entry"]["required"] == list(contract.ENTRY_FIELDS)


def test_domain_limits_match_the_domain_rules():
    assert domains.MAX_HOST_LENGTH == LIMITS["domain"]
    assert domains.MAX_LABEL_LENGTH == LIMITS["domain_label"]


def test_report_comment_setting_defaults_to_the_contract():
    assert settings.DEFAULTS["REPORT_COMMENT_MAX"] == LIMITS["report_comment"]
    row = re.search(r"^\| `CAVEAT_REPORT_COMMENT_MAX` \| `(\d+)` \|", (ROOT / "docs" / "settings.md").read_text(encoding="utf-8"), re.M)
    assert row and int(row.group(1)) == LIMITS["report_comment"]


def _field_rows():
    """The entry table's rows, then the jurisdiction item table's (first row of each name wins), and the text."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    rows: dict[str, str] = {}
    for m in re.finditer(r"^\| `([a-z_]+)`(?:, `[a-z_]+`)? \| (.*) \|$", text, re.M):
        rows.setdefault(m.group(1), m.group(2))
    entry_table, item_table = text.split("| item field | rule |", 1)
    item_rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z_]+)` \| (.*) \|$", item_table, re.M)}
    return rows, text, item_rows


def test_api_md_states_the_contract():
    rows, text, _ = _field_rows()
    assert list(rows)[:len(contract.ENTRY_FIELDS) - 1] == list(contract.ENTRY_FIELDS[:-1])  # created, updated share a row
    assert f"at most {LIMITS['domain']} characters, labels at most {LIMITS['domain_label']}" in rows["domain"]
    assert f"1-{LIMITS['name']} characters" in rows["name"]
    assert f"1-{LIMITS['summary']} characters" in rows["summary"]
    assert f"up to {LIMITS['details']} characters" in rows["details"]
    assert rows["sources"].startswith(f"1-{LIMITS['sources']} ")
    assert f"title 1-{LIMITS['source_title']} characters" in rows["sources"]
    assert f"at most {LIMITS['source_url']} characters" in rows["sources"]
    assert f"at most {LIMITS['related']};" in rows["related"]
    assert rows["status"] == ", ".join(f"`{s}`" for s in STATUSES[:-1]) + f" or `{STATUSES[-1]}`"
    assert f"`comment`: optional, at most {LIMITS['report_comment']} characters." in text


def test_api_md_states_the_jurisdiction_item():
    _, _, items = _field_rows()
    assert list(items) == list(contract.JURISDICTION_FIELDS)
    assert f"1-{LIMITS['jurisdiction_note']} characters" in items["note"]
    assert items["sources"].startswith(f"1-{LIMITS['sources']} ")
    statuses = contract.JURISDICTION_STATUSES
    assert all(f"`{s}`" in items["status"] for s in statuses)
    assert "optional" in items["since"] and "`EU`" in items["country"]


def test_country_codes_are_the_officially_assigned_ones():
    countries = contract.CONTRACT["jurisdiction"]["countries"]
    assert len(countries) == 249 and countries == sorted(set(countries))
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in countries)
    assert {"RU", "US", "DK", "DE", "GB", "SS", "XK"} & set(countries) == {"RU", "US", "DK", "DE", "GB", "SS"}
    assert "UK" not in countries and "EU" not in countries  # EU is a region, UK is not assigned
    assert contract.COUNTRY_CODES[-1:] == ("EU",)


@pytest.mark.parametrize("field", contract.REQUIRED_FIELDS)
def test_required_fields_are_the_contracts(field):
    with pytest.raises(EntryError) as info:
        validate_entry({k: v for k, v in SAMPLE_ENTRY.items() if k != field}, today=TODAY)
    assert any(e.startswith(f"{field}:") for e in info.value.errors)


def test_defaults_are_the_contracts():
    defaults = contract.CONTRACT["entry"]["defaults"]
    result = validate_entry({k: v for k, v in SAMPLE_ENTRY.items() if k not in defaults}, today=TODAY)
    assert {field: result[field] for field in defaults} == defaults
