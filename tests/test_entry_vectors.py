"""The shared entry table (tests/vectors/entries.json), run against server/entries.py.

tests/js/entry-vectors.test.js runs the same table against the extension's
validator; together they hold the two to one contract.
"""

import json
from datetime import date
from pathlib import Path

import pytest

from server.contract import CONTRACT
from server.entries import EntryError, validate_entry

VECTORS = json.loads((Path(__file__).parent / "vectors" / "entries.json").read_text(encoding="utf-8"))
TODAY = date.fromisoformat(VECTORS["today"])
CASES = VECTORS["cases"]


def error_fields(errors):
    return {error.split(": ", 1)[0] for error in errors}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_server_decides_as_the_table_says(case):
    if case["valid"]:
        result = validate_entry(case["entry"], today=TODAY)
        # The table holds canonical entries: what the server keeps is what was given.
        kept = {key: value for key, value in case["entry"].items() if value is not None}
        assert {key: result[key] for key in kept} == kept
        return
    with pytest.raises(EntryError) as info:
        validate_entry(case["entry"], today=TODAY)
    assert error_fields(info.value.errors) == {case["field"]}, info.value.errors


def test_differences_are_the_documented_ones():
    assert set(VECTORS["differences"]) == {"public_suffix", "unknown_field", "markup"}
    for case in CASES:
        assert case.get("difference") in (None, *VECTORS["differences"]), case["name"]
        assert not (case["valid"] and "difference" in case), case["name"]


def test_every_field_and_limit_has_cases():
    fields = {case["field"].split("[")[0].split(".")[0] for case in CASES if not case["valid"]}
    assert set(CONTRACT["entry"]["fields"]) <= fields
    names = " ".join(case["name"] for case in CASES)
    limits = CONTRACT["limits"]
    for limit in ("name", "summary", "details"):
        assert f"{limit} of {limits[limit]} emoji" in names and f"{limit} of {limits[limit] + 1} emoji" in names
    assert f"title of {limits['source_title']} emoji" in names
    assert f"url of {limits['source_url']} code points" in names
    assert f"url of {limits['source_url'] + 1} code points" in names
    assert f"{limits['sources']} sources" in names and f"{limits['sources'] + 1} sources" in names
    assert f"{limits['related']} related" in names and f"{limits['related'] + 1} related" in names
    assert f"note of {limits['jurisdiction_note']} emoji" in names
    assert f"note of {limits['jurisdiction_note'] + 1} emoji" in names
    assert f"jurisdiction {limits['sources'] + 1} sources" in names
    assert f"domain of {limits['domain']} characters" in names
    assert f"label of {limits['domain_label'] + 1} characters" in names


def test_jurisdiction_cases_cover_the_contract():
    names = [case["name"] for case in CASES]
    item_fields = {case["field"].split(".")[1].split("[")[0] for case in CASES
                   if not case["valid"] and case["field"].startswith("jurisdictions[") and "." in case["field"]}
    assert set(CONTRACT["jurisdiction"]["fields"]) <= item_fields
    for needed in ("unknown country code", "lowercase country code", "duplicate country", "note missing",
                   "bad source", "jurisdiction EU", "since not a date", "since in the future", "unknown item field"):
        assert any(needed in name for name in names), needed
