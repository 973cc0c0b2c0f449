"""Reading list files for import and planning the change (server/importer.py)."""

from __future__ import annotations

import json

import pytest

from server.curated import CURATED_PATH
from server.entries import ListError, validate_list_document
from server.importer import (
    ImportFileError,
    diff,
    read_list_file,
    validate_document,
)
from testkit.entries import entry


def write_json(tmp_path, entries, name="list.json", **extra):
    path = tmp_path / name
    path.write_text(json.dumps({"format": 1, "version": 3, "entries": entries, **extra}), encoding="utf-8")
    return path


# --- reading ---------------------------------------------------------------------

def test_reads_the_curated_yaml_file():
    doc = read_list_file(CURATED_PATH)
    domains = [e["domain"] for e in doc["entries"]]
    assert {"allofmp3.com", "allofmp3.ru", "mp3sparks.com", "alltunes.com"} <= set(domains)
    assert domains == sorted(domains)


def test_reads_a_json_list_document(tmp_path):
    path = write_json(tmp_path, [entry("b-store.example"), entry("A-Store.example")])
    doc = read_list_file(path)
    assert [e["domain"] for e in doc["entries"]] == ["a-store.example", "b-store.example"]


def test_detects_json_without_an_extension(tmp_path):
    path = write_json(tmp_path, [entry("store.example")], name="list-download")
    assert read_list_file(path)["entries"][0]["domain"] == "store.example"


def test_reports_every_invalid_entry_and_accepts_none(tmp_path):
    path = write_json(tmp_path, [
        entry("good.example"),
        entry("com"),                                   # a public suffix
        entry("bad-status.example", status="maybe"),
        entry("no-source.example", sources=[]),
        entry("good.example"),                          # duplicate
    ])
    with pytest.raises(ListError) as caught:
        read_list_file(path)
    errors = caught.value.errors
    assert any(e.startswith("entries[1] (com): domain:") for e in errors)
    assert any(e.startswith("entries[2] (bad-status.example): status:") for e in errors)
    assert any(e.startswith("entries[3] (no-source.example): sources:") for e in errors)
    assert any(e.startswith("entries[4] (good.example): duplicate domain") for e in errors)
    assert len(errors) == 4


@pytest.mark.parametrize("doc", [
    {"format": 1, "version": 3, "entries": [entry("a.example"), entry("a.example"), entry("c.example", status="x")]},
    {"format": 2, "version": -1, "extra": True, "entries": [entry("a.example", name="")]},
    {"format": 1, "version": 0, "entries": "nope"},
    {"format": 1, "version": 0, "entries": [None, 3, {"domain": 5}]},
    ["not", "an", "object"],
])
def test_entry_by_entry_validation_matches_validate_list_document(doc):
    with pytest.raises(ListError) as expected:
        validate_list_document(doc)
    with pytest.raises(ListError) as got:
        validate_document(doc)
    assert got.value.errors == expected.value.errors


def test_entry_by_entry_validation_gives_the_same_document_and_reports_progress():
    doc = {"format": 1, "version": 3, "generated": "2026-11-28T10:00:00Z",
           "entries": [entry(f"s{i}.example") for i in range(5)]}
    seen = []
    assert validate_document(doc, seen.append) == validate_list_document(doc)
    assert sum(seen) == 5


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\xff\xfe\x00garbage", "is not UTF-8"),
    (b'{"format": 1, "entries": [', "is not valid JSON"),
])
def test_unreadable_json_files_get_one_clear_error(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read_list_file(path)


def test_garbled_yaml_gets_one_clear_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("entries:\n  - domain: [unclosed\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="is not valid YAML"):
        read_list_file(path)


def test_yaml_without_entries_is_refused(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("just some text\n", encoding="utf-8")
    with pytest.raises(ListError, match="'entries' list"):
        read_list_file(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ImportFileError, match="no such file"):
        read_list_file(tmp_path / "nope.json")
    with pytest.raises(ImportFileError, match="is a directory"):
        read_list_file(tmp_path)


# --- planning ------------------------------------------------------------------------

def canonical(*entries):
    return validate_list_document({"format": 1, "version": 0, "entries": list(entries)})["entries"]


def test_diff_sorts_entries_into_added_changed_unchanged_and_kept():
    current = canonical(entry("same.example"), entry("edit.example"), entry("gone.example"))
    new = canonical(entry("same.example"), entry("edit.example", status="unlawful", summary="Ruled against."),
                    entry("new.example"))
    plan = diff(current, new, prune=False)
    assert [e["domain"] for e in plan.added] == ["new.example"]
    assert plan.changed == [("edit.example", ["status", "summary"])]
    assert plan.unchanged == ["same.example"]
    assert plan.removed == [] and plan.kept == ["gone.example"]
    assert [e["domain"] for e in plan.upserts] == ["edit.example", "new.example"]
    assert not plan.is_empty


def test_diff_with_prune_removes_what_the_file_lacks():
    current = canonical(entry("same.example"), entry("gone.example"))
    plan = diff(current, canonical(entry("same.example")), prune=True)
    assert plan.removed == ["gone.example"] and plan.kept == []


def test_diff_ignores_server_times_and_defaults():
    stored = {**canonical(entry("same.example", details=...))[0], "created": "2026-01-01T00:00:00Z", "updated": "2026-02-01T00:00:00Z"}
    incoming = {**canonical(entry("same.example", details=...))[0], "created": "2020-01-01T00:00:00Z"}
    del incoming["details"], incoming["related"]  # absent means the default
    plan = diff([stored], [incoming], prune=True)
    assert plan.is_empty and plan.unchanged == ["same.example"]


def test_upserts_carry_no_server_times():
    incoming = {**canonical(entry("new.example"))[0], "created": "2020-01-01T00:00:00Z", "updated": "2020-01-01T00:00:00Z"}
    plan = diff([], [incoming], prune=False)
    assert "created" not in plan.upserts[0] and "updated" not in plan.upserts[0]


def test_same_file_twice_plans_nothing(tmp_path):
    doc = read_list_file(CURATED_PATH)
    plan = diff(doc["entries"], read_list_file(CURATED_PATH)["entries"], prune=True)
    assert plan.is_empty and len(plan.unchanged) == len(doc["entries"])
