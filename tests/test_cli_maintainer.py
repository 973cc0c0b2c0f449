"""The maintainer commands of `caveat`, run through Flask's CLI runner on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from server import create_app, exports
from server.cli import cli
from server.curated import load_curated
from server.entries import validate_list_document
from testkit.entries import entry

GOOD = [
    "--domain", "store.example",
    "--name", "Example Store",
    "--status", "disputed",
    "--summary", "Sells music downloads; rights holders dispute its licences.",
    "--source", "News report|https://news.example/store",
]


# `app` and `storage` come from tests/conftest.py: a real database per test, of each engine.
pytestmark = pytest.mark.both_engines

@pytest.fixture(autouse=True)
def os_user(monkeypatch):
    """getpass reads these first: CLI changes are made as cli:alice."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOGNAME", "alice")


@pytest.fixture
def run(runner):
    def invoke(*args, ok=True):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, (result.stdout, result.stderr)
        else:
            assert result.exit_code != 0, result.stdout
            assert "Traceback" not in result.output
        return result

    return invoke


def write_list(path, entries, version=1):
    path.write_text(json.dumps({"format": 1, "version": version, "entries": entries}), encoding="utf-8")
    return path


# --- warnings add / show / list / edit / remove -----------------------------------------

def test_add_then_show(run, storage):
    day_before = datetime.now(timezone.utc).date().isoformat()
    result = run("warnings", "add", *GOOD, "--related", "mirror.example", "--exact-only")
    day_after = datetime.now(timezone.utc).date().isoformat()
    assert "Added store.example (disputed). List version 1." in result.stdout
    saved = storage.get_entry("store.example")
    assert saved["include_subdomains"] is False
    assert saved["related"] == ["mirror.example"]
    assert saved["reviewed"] in (day_before, day_after)  # default: today (UTC)
    shown = run("warnings", "show", "store.example").stdout
    assert "name:               Example Store" in shown
    assert "https://news.example/store" in shown
    assert "no (this exact host only)" in shown
    assert json.loads(run("warnings", "show", "STORE.example", "--json").stdout)["domain"] == "store.example"


def test_add_converts_an_idn_and_takes_a_review_date(run, storage):
    run("warnings", "add", *GOOD[2:], "--domain", "bücher.example", "--reviewed", "2026-01-02")
    assert storage.get_entry("xn--bcher-kva.example")["reviewed"] == "2026-01-02"


def test_add_validates_like_the_api(run, storage):
    result = run("warnings", "add", "--domain", "com", "--name", "X", "--status", "disputed",
                 "--summary", "<b>bold</b>", ok=False)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: invalid entry:")
    assert "domain:" in line and "summary: must be plain text" in line
    assert "sources: at least one source is required" in line
    assert storage.count() == 0 and storage.version() == 0


def test_add_refuses_a_listed_domain_and_a_bad_source(run):
    run("warnings", "add", *GOOD)
    again = run("warnings", "add", *GOOD, ok=False)
    assert "already listed; change it with `caveat warnings edit store.example`" in again.stderr
    bad = run("warnings", "add", *GOOD[:-1], "no bar here", ok=False)
    assert bad.exit_code == 2 and 'write it as "TITLE|URL"' in bad.stderr
    js = run("warnings", "add", *GOOD[:-1], "Bad|javascript:alert(1)", ok=False)
    assert "http or https" in js.stderr


def test_list_filters_by_status_and_review_age(run, storage):
    old = (date.today() - timedelta(days=400)).isoformat()
    run("warnings", "add", *GOOD)
    run("warnings", "add", *GOOD[2:], "--domain", "old.example", "--status", "unlawful", "--reviewed", old)
    listing = run("warnings", "list").stdout
    assert "old.example" in listing and "store.example" in listing
    assert "2 of 2 entries; list version 2" in listing
    assert "(due for review)" in listing.splitlines()[0]  # old.example sorts first
    unlawful = run("warnings", "list", "--status", "unlawful").stdout
    assert "old.example" in unlawful and "store.example" not in unlawful
    due = json.loads(run("warnings", "list", "--due-for-review", "--json").stdout)
    assert [e["domain"] for e in due] == ["old.example"]
    assert "No entries match." in run("warnings", "list", "--status", "defunct").stdout


def test_edit_changes_only_the_given_fields(run, storage):
    run("warnings", "add", *GOOD, "--related", "a.example")
    before = storage.get_entry("store.example")
    result = run("warnings", "edit", "store.example", "--status", "unlawful", "--source",
                 "Court ruling|https://court.example/1", "--clear-related")
    assert "Updated store.example: status, sources, related. List version 2." in result.stdout
    after = storage.get_entry("store.example")
    assert after["status"] == "unlawful" and after["related"] == []
    assert after["sources"] == [{"title": "Court ruling", "url": "https://court.example/1"}]
    assert after["summary"] == before["summary"] and after["created"] == before["created"]


def test_edit_without_a_difference_keeps_the_version(run, storage):
    run("warnings", "add", *GOOD)
    result = run("warnings", "edit", "store.example", "--status", "disputed")
    assert "No change to store.example; list version stays 1." in result.stdout
    assert storage.version() == 1


def test_edit_errors(run):
    run("warnings", "add", *GOOD)
    assert run("warnings", "edit", "store.example", ok=False).exit_code == 2
    assert "is not listed" in run("warnings", "edit", "other.example", "--name", "X", ok=False).stderr
    both = run("warnings", "edit", "store.example", "--related", "a.example", "--clear-related", ok=False)
    assert "not both" in both.stderr
    future = run("warnings", "edit", "store.example", "--reviewed", "2999-01-01", ok=False)
    assert "reviewed: 2999-01-01 is in the future" in future.stderr


def test_remove(run, storage):
    run("warnings", "add", *GOOD)
    assert "Removed store.example. List version 2." in run("warnings", "remove", "store.example").stdout
    assert storage.get_entry("store.example") is None
    assert "store.example is not listed" in run("warnings", "remove", "store.example", ok=False).stderr


# --- import -----------------------------------------------------------------------

def test_import_the_curated_file_then_again_changes_nothing(run, storage):
    curated = load_curated()
    first = run("warnings", "import", "server/data/warnings.yaml").stdout
    assert f"added: {len(curated['entries'])}" in first and "+ allofmp3.com" in first
    assert storage.version() == 1
    assert [e["domain"] for e in storage.all_entries()] == [e["domain"] for e in curated["entries"]]
    second = run("warnings", "import", "server/data/warnings.yaml").stdout
    assert "added: 0" in second and f"unchanged: {len(curated['entries'])}" in second
    assert "Nothing to change; list version stays 1." in second
    assert storage.version() == 1


def test_import_is_all_or_nothing_and_lists_every_error(run, storage, tmp_path):
    run("warnings", "add", *GOOD)
    path = write_list(tmp_path / "bad.json", [
        entry("fine.example"),
        entry("com"),
        entry("nosource.example", sources=[]),
        entry("fine.example"),
    ])
    result = run("warnings", "import", str(path), ok=False)
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("entries[1] (com): domain:") for line in lines)
    assert any(line.startswith("entries[2] (nosource.example): sources:") for line in lines)
    assert any(line.startswith("entries[3] (fine.example): duplicate domain") for line in lines)
    assert lines[-1] == f"Error: {path}: 3 problems (listed above); nothing was imported"
    assert storage.count() == 1 and storage.version() == 1


def test_import_dry_run_writes_nothing(run, storage, tmp_path):
    run("warnings", "add", *GOOD)
    path = write_list(tmp_path / "list.json", [entry("new.example"), entry("store.example", status="defunct", details=...)])
    result = run("warnings", "import", str(path), "--dry-run", "--prune").stdout
    assert "+ new.example" in result and "~ store.example (name, status, summary, sources, reviewed)" in result
    assert "Dry run: nothing was written; list version stays 1." in result
    assert storage.version() == 1 and storage.count() == 1
    assert storage.get_entry("store.example")["status"] == "disputed"


def test_import_prune_and_keep(run, storage, tmp_path):
    run("warnings", "add", *GOOD)
    path = write_list(tmp_path / "list.json", [entry("new.example")])
    kept = run("warnings", "import", str(path)).stdout
    assert "kept (listed but not in the file; --prune would remove them): 1" in kept
    assert storage.count() == 2 and storage.version() == 2
    pruned = run("warnings", "import", str(path), "--prune").stdout
    assert "removed: 1" in pruned and "- store.example" in pruned
    assert [e["domain"] for e in storage.all_entries()] == ["new.example"]
    assert storage.version() == 3


def test_import_an_export_round_trips(run, storage, tmp_path):
    run("warnings", "import", "server/data/warnings.yaml")
    out = tmp_path / "export.json"
    run("warnings", "export", "--format", "json", "-o", str(out))
    assert "Nothing to change" in run("warnings", "import", str(out), "--prune").stdout
    assert storage.version() == 1


def test_validate_checks_a_file_without_a_database(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}"})
    runner = app.test_cli_runner()
    good = runner.invoke(cli, ["warnings", "validate", "server/data/warnings.yaml"])
    assert good.exit_code == 0 and "entries, all valid." in good.stdout
    bad = runner.invoke(cli, ["warnings", "validate", str(write_list(tmp_path / "bad.json", [entry("com"), entry("x.example", status="?")]))])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert bad.stderr.splitlines()[-1].endswith("bad.json: 2 problems (listed above)")
    assert not (tmp_path / "never.db").exists()


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "is not UTF-8"),
    (b"{not json", "is not valid JSON"),
    (b"", "is empty"),
])
def test_import_unreadable_files_fail_in_one_line(run, tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    result = run("warnings", "import", str(path), ok=False)
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_import_missing_file(run, tmp_path):
    result = run("warnings", "import", str(tmp_path / "nope.json"), ok=False)
    assert "no such file" in result.stderr


def test_import_100000_entries(run, storage, tmp_path):
    count = 100_000
    entries = [{
        "domain": f"store-{n}.example", "name": f"Store {n}", "status": "disputed",
        "summary": "A synthetic entry for the import test.",
        "sources": [{"title": "Synthetic", "url": f"https://news.example/{n}"}],
        "include_subdomains": n % 2 == 0, "reviewed": "2026-01-01",
    } for n in range(count)]
    path = write_list(tmp_path / "big.json", entries)
    result = run("warnings", "import", str(path))
    assert f"added: {count}" in result.stdout and "... and 99980 more" in result.stdout
    assert storage.count() == count and storage.version() == 1
    assert storage.get_entry("store-99999.example")["include_subdomains"] is False


# --- export -----------------------------------------------------------------------

@pytest.fixture
def listed(run):
    run("warnings", "import", "server/data/warnings.yaml")
    run("warnings", "add", *GOOD, "--exact-only")


def test_export_json_is_a_valid_list_document(run, listed, storage):
    doc = json.loads(run("warnings", "export").stdout)
    assert validate_list_document(doc) == doc
    assert doc["version"] == storage.version() and len(doc["entries"]) == storage.count()


def test_export_csv_reads_back(run, listed, storage):
    text = run("warnings", "export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["domain"] for r in rows] == [e["domain"] for e in storage.all_entries()]
    parsed = exports.parse_csv(text)
    assert {e["domain"]: e["sources"] for e in parsed} == {e["domain"]: e["sources"] for e in storage.all_entries()}


def test_export_hosts_reads_back(run, listed, storage):
    pairs = exports.parse_hosts(run("warnings", "export", "--format", "hosts").stdout)
    assert pairs == [("0.0.0.0", e["domain"]) for e in storage.all_entries()]


def test_export_ubo_to_a_file(run, listed, storage, tmp_path):
    out = tmp_path / "caveat.txt"
    result = run("warnings", "export", "--format", "ubo", "--homepage", "https://lists.example/caveat", "-o", str(out))
    assert f"to {out}" in result.stderr and result.stdout == ""
    headers, filters = exports.parse_ubo(out.read_text(encoding="utf-8"))
    assert headers["Title"] == "Caveat disputed stores" and headers["Version"] == str(storage.version())
    assert headers["Expires"] == "1 day" and headers["Homepage"] == "https://lists.example/caveat"
    hosts = exports.ubo_blocked_hosts(filters)
    assert hosts["allofmp3.com"] is True and hosts["store.example"] is False
    assert set(hosts) == {e["domain"] for e in storage.all_entries()}


def test_export_file_is_readable_like_any_new_file(run, listed, tmp_path):
    out = tmp_path / "caveat.json"
    run("warnings", "export", "-o", str(out))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".caveat.json")] == []  # no temp file left


def test_export_ubo_needs_a_homepage(run, listed):
    assert "--homepage" in run("warnings", "export", "--format", "ubo", ok=False).stderr
    bad = run("warnings", "export", "--format", "ubo", "--homepage", "javascript:x", ok=False)
    assert "http(s) URL" in bad.stderr


def test_export_to_an_unwritable_place_is_one_line(run, listed, tmp_path):
    result = run("warnings", "export", "-o", str(tmp_path / "no" / "such" / "dir" / "x.json"), ok=False)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is not a directory" in result.stderr


# --- tokens -------------------------------------------------------------------------

def test_token_create_list_revoke(run, storage):
    created = run("token", "create", "alice-laptop")
    token = created.stdout.strip()
    assert "will not be shown again" in created.stderr
    assert storage.verify_token(token) == "alice-laptop"
    assert "name=alice-laptop" in run("token", "list").stdout
    assert token not in run("token", "list").stdout
    assert "Token 'alice-laptop' revoked." in run("token", "revoke", "alice-laptop").stdout
    assert storage.verify_token(token) is None
    assert "revoked=" in run("token", "list").stdout
    assert "no token named 'alice-laptop'" in run("token", "revoke", "alice-laptop", ok=False).stderr
    assert "token name" in run("token", "create", "bad name!", ok=False).stderr


def test_token_list_empty(run):
    assert "No tokens." in run("token", "list").stdout


# --- reports ------------------------------------------------------------------------

def test_accepting_a_mistake_report_points_to_edit_or_remove(run, storage):
    run("warnings", "add", *GOOD)
    report_id = storage.add_report("mistake", "store.example", "We have licences now.", "client-hash")
    listing = run("reports", "list").stdout
    assert f"#{report_id}" in listing and "mistake" in listing and "We have licences now." in listing
    result = run("reports", "accept", str(report_id), "--reason", "Licences confirmed")
    assert "accepted" in result.stdout
    assert "caveat warnings edit store.example" in result.stdout
    assert "caveat warnings remove store.example" in result.stdout
    [report] = storage.list_reports(status="accepted")
    assert report["decided_by"] == "cli:alice" and report["reason"] == "Licences confirmed"
    assert report["decided_at"]
    assert "No open reports." in run("reports", "list").stdout
    assert "accepted by cli:alice" in run("reports", "list", "--status", "accepted").stdout


def test_accepting_a_suggestion_points_to_add(run, storage):
    report_id = storage.add_report("suggest", "shady.example", "Sells cheap copies.", "client-hash")
    result = run("reports", "accept", str(report_id))
    assert "caveat warnings add --domain shady.example" in result.stdout


def test_a_report_about_a_subdomain_leads_to_the_covering_entry(run, storage):
    run("warnings", "add", *GOOD)
    mistake = storage.add_report("mistake", "shop.store.example", "This shop is someone else's.", "client-hash")
    result = run("reports", "accept", str(mistake)).stdout
    assert "caveat warnings edit store.example" in result
    assert "shop.store.example is covered by the entry for store.example; --exact-only" in result
    suggestion = storage.add_report("suggest", "www.store.example", "", "client-hash")
    assert "already covered by the entry for store.example" in run("reports", "accept", str(suggestion)).stdout


def test_accepting_a_mistake_about_an_unlisted_host(run, storage):
    report_id = storage.add_report("mistake", "gone.example", "", "client-hash")
    assert "gone.example is not listed (any more); nothing more to do." in run("reports", "accept", str(report_id)).stdout


def test_rejecting_and_deciding_twice(run, storage):
    report_id = storage.add_report("suggest", "fine.example", "", "client-hash")
    run("reports", "reject", str(report_id), "--reason", "No public source")
    [report] = storage.list_reports(status="rejected")
    assert report["reason"] == "No public source" and report["decided_by"] == "cli:alice"
    assert "already rejected" in run("reports", "accept", str(report_id), ok=False).stderr
    assert "no report 999" in run("reports", "accept", "999", ok=False).stderr
    assert "#" in run("reports", "list", "--all").stdout


# --- log ------------------------------------------------------------------------------

def test_log_shows_who_changed_what_and_when(run):
    run("warnings", "add", *GOOD)
    run("warnings", "edit", "store.example", "--status", "unlawful")
    run("warnings", "add", *GOOD[2:], "--domain", "other.example")
    run("warnings", "remove", "store.example")
    lines = run("log").stdout.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("v4 ") and "cli:alice" in lines[0] and "delete" in lines[0]
    store = run("log", "store.example").stdout.strip().splitlines()
    assert [line.split()[0] for line in store] == ["v4", "v2", "v1"]
    assert len(run("log", "--limit", "1").stdout.strip().splitlines()) == 1
    assert "No changes recorded for nothing.example." in run("log", "nothing.example").stdout


# --- the database itself ------------------------------------------------------------------

def test_an_uninitialised_database_says_run_init(run, storage):
    with storage.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE list_state"))
    result = run("warnings", "list", ok=False)
    assert result.stderr.strip() == "Error: the database is not initialised; run `caveat init` first"


def test_an_empty_list_says_so(run):
    assert "The list is empty." in run("warnings", "list").stdout


def test_the_commands_are_on_the_app_too(runner):
    """flaskr's shape: the app's own CLI (``flask --app server``, the runner's default) has them."""
    result = runner.invoke(args=["warnings", "list"])
    assert result.exit_code == 0 and "The list is empty." in result.stdout
