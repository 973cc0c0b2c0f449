"""build.py: generated manifests, reproducible archives, validation, command line.

Every build here runs on a fixture extension in tmp_path (tests/build_fixture.py),
broken one way at a time, so each rule is proven on its own.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import build
from buildext.errors import BuildError
from buildext.manifests import CHROME_MIN_VERSION, GECKO_ID, chrome_manifest, firefox_manifest, validate_source
from buildext.plan import LIST_SIZE_WARNING_BYTES
from buildext.server_url import parse_server_url
from buildext.source import SourceTree, check_extension_version
from build_fixture import (FIXTURE_MANIFEST, FIXTURE_SHIPPED, sample_entry, sample_list,
                           write_fixture_extension, write_json)
from server.entries import validate_list_document

ROOT = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
GENERATED = {"manifest.json", "data/list.json", "data/config.json"}


@pytest.fixture(autouse=True)
def _no_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def ext(tmp_path) -> Path:
    return write_fixture_extension(tmp_path / "ext")


@pytest.fixture
def list_file(tmp_path) -> Path:
    return write_json(tmp_path / "list.json", sample_list())


def run(ext: Path, out: Path, *args: str) -> int:
    return build.main(["--source", str(ext), "--out", str(out), *args])


def archive_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def edit_manifest(ext: Path, change) -> None:
    manifest = json.loads((ext / "manifest.json").read_text())
    change(manifest)
    write_json(ext / "manifest.json", manifest)


def assert_fails(capsys, code: int, *needles: str) -> str:
    """The build printed exactly one `build.py: error:` line containing needles, no traceback."""
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("build.py: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in captured.err
    assert captured.out == ""
    return lines[0]


# --------------------------------------------------------------------------
# Manifest generation
# --------------------------------------------------------------------------


def test_chrome_manifest_keeps_the_service_worker_and_drops_the_key():
    source = copy.deepcopy(FIXTURE_MANIFEST)
    manifest = chrome_manifest(source, "1.2.3")
    assert manifest["background"] == {"service_worker": "background.js", "type": "module"}
    assert manifest["version"] == "1.2.3"
    assert manifest["minimum_chrome_version"] == CHROME_MIN_VERSION
    assert "key" not in manifest
    assert "browser_specific_settings" not in manifest
    assert manifest["permissions"] == FIXTURE_MANIFEST["permissions"]
    assert source == FIXTURE_MANIFEST  # the source manifest is not modified


def test_chrome_manifest_keeps_a_minimum_version_the_source_sets():
    source = {**FIXTURE_MANIFEST, "minimum_chrome_version": "126"}
    assert chrome_manifest(source, "1.0")["minimum_chrome_version"] == "126"


def test_firefox_manifest_uses_background_scripts_and_gecko_settings():
    source = {**FIXTURE_MANIFEST, "minimum_chrome_version": "126"}
    manifest = firefox_manifest(source, "1.2.3")
    assert manifest["background"] == {"scripts": ["background.js"], "type": "module"}
    gecko = manifest["browser_specific_settings"]["gecko"]
    assert gecko["id"] == GECKO_ID
    assert gecko["data_collection_permissions"] == {"required": ["none"]}
    major = int(gecko["strict_min_version"].split(".")[0])
    assert major >= 142  # data_collection_permissions on Android needs 142
    assert manifest["version"] == "1.2.3"
    for chrome_only in ("key", "minimum_chrome_version"):
        assert chrome_only not in manifest
    assert manifest["options_ui"] == FIXTURE_MANIFEST["options_ui"]


def test_built_manifests_carry_the_pyproject_version(ext, list_file, tmp_path):
    assert run(ext, tmp_path / "out", "--list", str(list_file)) == 0
    for browser in ("chrome", "firefox"):
        manifest = json.loads((tmp_path / "out" / browser / "manifest.json").read_text())
        assert manifest["version"] == VERSION
        assert "key" not in manifest


@pytest.mark.parametrize("version", ["1", "0.1.0", "1.2.3.4", "65535.0"])
def test_extension_versions_browsers_accept(version):
    check_extension_version(version)


@pytest.mark.parametrize("version", ["0.1.0.dev1", "1.0a1", "01.2", "1.2.3.4.5", "65536", "", "v1"])
def test_extension_versions_browsers_refuse(version):
    with pytest.raises(BuildError, match="not a browser extension version"):
        check_extension_version(version)


# --------------------------------------------------------------------------
# Outputs: file list, snapshot, config, summary
# --------------------------------------------------------------------------


def test_packages_hold_the_extension_and_the_generated_files_only(ext, list_file, tmp_path):
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file)) == 0
    zip_path, xpi_path = out / f"caveat-chrome-{VERSION}.zip", out / f"caveat-firefox-{VERSION}.xpi"
    for browser, archive in (("chrome", zip_path), ("firefox", xpi_path)):
        names = archive_names(archive)
        assert set(names) == FIXTURE_SHIPPED | GENERATED
        assert names == sorted(names)
        assert not any(part.startswith(".") for name in names for part in name.split("/"))
        assert not any("test" in name for name in names)
        folder = out / browser
        on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert on_disk == set(names)
        with zipfile.ZipFile(archive) as opened:
            for name in names:
                assert opened.read(name) == (folder / name).read_bytes(), name
            assert json.loads(opened.read("manifest.json"))["manifest_version"] == 3


def test_snapshot_is_the_validated_list_with_its_own_generated_time(ext, list_file, tmp_path):
    out = tmp_path / "out"
    unsorted = [sample_entry(domain="zeta.example"), sample_entry(domain="alpha.example")]
    document = {**sample_list(), "entries": unsorted}
    write_json(list_file, document)
    assert run(ext, out, "--list", str(list_file)) == 0
    for browser in ("chrome", "firefox"):
        snapshot = json.loads((out / browser / "data" / "list.json").read_text())
        assert snapshot == validate_list_document(document)
        assert snapshot["generated"] == "2026-11-20T08:30:00Z"  # from the input, not the clock
        assert [e["domain"] for e in snapshot["entries"]] == ["alpha.example", "zeta.example"]


def test_curated_list_is_bundled_by_default(ext, tmp_path):
    from server.curated import load_curated

    out = tmp_path / "out"
    assert run(ext, out, "--browser", "chrome") == 0
    snapshot = json.loads((out / "chrome" / "data" / "list.json").read_text())
    curated = load_curated()
    assert snapshot["entries"] == curated["entries"]
    assert snapshot["format"] == 1 and snapshot["version"] == curated["version"]
    # The curated file has no publication time: the newest reviewed date stands in.
    newest = max(e["reviewed"] for e in curated["entries"])
    assert snapshot["generated"] == f"{newest}T00:00:00Z"


def test_config_holds_the_server_origin(ext, list_file, tmp_path):
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file), "--server-url", "https://Lists.Example.org:8443/") == 0
    for browser in ("chrome", "firefox"):
        config = json.loads((out / browser / "data" / "config.json").read_text())
        assert config == {"serverUrl": "https://lists.example.org:8443", "publicKeys": []}


def test_config_keeps_a_path_prefix(ext, list_file, tmp_path):
    """A static mirror under a path (caveat publish DIR served at /caveat): the extension appends /api/v1/..."""
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file), "--server-url", "https://CDN.example.org/caveat/") == 0
    config = json.loads((out / "firefox" / "data" / "config.json").read_text())
    assert config == {"serverUrl": "https://cdn.example.org/caveat", "publicKeys": []}


def test_default_server_url_is_the_make_run_server(ext, list_file, tmp_path):
    assert run(ext, tmp_path / "out", "--list", str(list_file)) == 0
    config = json.loads((tmp_path / "out" / "chrome" / "data" / "config.json").read_text())
    assert config == {"serverUrl": "http://127.0.0.1:8000", "publicKeys": []}


def test_one_browser_builds_only_that_package(ext, list_file, tmp_path):
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file), "--browser", "firefox") == 0
    assert sorted(p.name for p in out.iterdir()) == ["caveat-firefox-" + VERSION + ".xpi", "firefox"]


def test_rebuild_removes_stale_files(ext, list_file, tmp_path):
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file)) == 0
    (out / "chrome" / "leftover.js").write_text("old\n")
    assert run(ext, out, "--list", str(list_file)) == 0
    assert not (out / "chrome" / "leftover.js").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging leftovers


def test_summary_names_each_package_with_size_and_sha256(ext, list_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file)) == 0
    text = capsys.readouterr().out
    assert "list version 7 (2 entries" in text
    for name in (f"caveat-chrome-{VERSION}.zip", f"caveat-firefox-{VERSION}.xpi"):
        data = (out / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() in text
        assert f"{len(data):,} bytes ({len(data) / 1024:.1f} KiB)" in text
        assert name in text


def many_entries(count: int) -> list[dict]:
    return [sample_entry(domain=f"store-{i}.example", name=f"Store {i}") for i in range(count)]


def test_a_list_over_8_mb_warns_once_on_stderr_and_still_builds(ext, tmp_path, capsys):
    # About 370 bytes of JSON each: 8 MB is passed at ~22,700 of them.
    big = write_json(tmp_path / "big.json", sample_list(*many_entries(24_000)))
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(big), "--browser", "chrome") == 0
    snapshot = (out / "chrome" / "data" / "list.json").stat().st_size
    assert snapshot > LIST_SIZE_WARNING_BYTES
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("build.py: warning: the bundled list is ")
    assert f"{snapshot / 1024 / 1024:.1f} MB" in lines[0] and "24000 entries" in lines[0]
    assert "10 MB" in lines[0] and "storage.local" in lines[0]
    assert "Built Caveat" in captured.out


def test_a_list_under_8_mb_builds_without_a_warning(ext, list_file, tmp_path, capsys):
    assert run(ext, tmp_path / "out", "--list", str(list_file), "--check") == 0
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------


def test_two_builds_give_byte_identical_archives(ext, list_file, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert run(ext, first, "--list", str(list_file)) == 0
    # Touch every source file: modification times must not leak into the archives.
    for path in ext.rglob("*"):
        if path.is_file():
            path.touch()
    assert run(ext, second, "--list", str(list_file)) == 0
    for name in (f"caveat-chrome-{VERSION}.zip", f"caveat-firefox-{VERSION}.xpi"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_archive_entries_have_fixed_time_mode_and_compression(ext, list_file, tmp_path):
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file)) == 0
    with zipfile.ZipFile(out / f"caveat-firefox-{VERSION}.xpi") as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.create_system == 3


def test_source_date_epoch_sets_the_archive_time(ext, list_file, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764320400")  # 2025-11-28T09:00:00Z
    assert run(ext, tmp_path / "a", "--list", str(list_file)) == 0
    assert run(ext, tmp_path / "b", "--list", str(list_file)) == 0
    name = f"caveat-chrome-{VERSION}.zip"
    with zipfile.ZipFile(tmp_path / "a" / name) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2025, 11, 28, 9, 0, 0)}
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_bad_source_date_epoch_is_refused(ext, list_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert run(ext, tmp_path / "out", "--list", str(list_file)) == 1
    assert_fails(capsys, 1, "SOURCE_DATE_EPOCH")


# --------------------------------------------------------------------------
# Validation failures: one line, exit 1, nothing written
# --------------------------------------------------------------------------


def _remove(rel):
    return lambda ext: (ext / rel).unlink()


def _manifest(change):
    return lambda ext: edit_manifest(ext, change)


def _messages(locale, change):
    def apply(ext):
        path = ext / "_locales" / locale / "messages.json"
        messages = json.loads(path.read_text())
        change(messages)
        write_json(path, messages)
    return apply


# What build.py refuses itself (the design's contract: a missing file, a bad
# manifest, a locale missing a key). Manifest shapes and the scripts pages and
# modules load are the linters' job: tests/test_build_lint.py breaks the same
# fixture those ways and shows web-ext lint or the package reference check catch it.
BROKEN_SOURCES = {
    "background script missing": (_remove("background.js"), ["background.service_worker", "background.js", "missing"]),
    "popup page missing": (_remove("popup.html"), ["action.default_popup", "popup.html"]),
    "options page missing": (_remove("options.html"), ["options_ui.page", "options.html"]),
    "icon file missing": (_remove("icons/icon-48.png"), ["icons 48", "icons/icon-48.png"]),
    "web accessible resource missing": (_remove("banner.css"), ["web_accessible_resources[0]", "banner.css"]),
    "content script missing": (
        _manifest(lambda m: m.update(content_scripts=[{"matches": ["<all_urls>"], "js": ["banner.js"]}])),
        ["content_scripts[0].js", "banner.js"]),
    "referenced file only in tests/": (
        _manifest(lambda m: m["web_accessible_resources"][0]["resources"].append("tests/matcher.test.js")),
        ["tests/matcher.test.js", "missing"]),
    "path outside the extension": (
        _manifest(lambda m: m["background"].update(service_worker="../background.js")),
        ["points outside the extension", "../background.js"]),
    "icon size missing": (_manifest(lambda m: m["icons"].pop("32")), ["icons lacks size 32"]),
    "icons missing": (_manifest(lambda m: m.pop("icons")), ["icons is missing"]),
    "default locale folder missing": (_manifest(lambda m: m.update(default_locale="de")), ["default_locale 'de'"]),
    "locale lacks a key": (_messages("fr", lambda m: m.pop("extDescription")),
                           ["locale fr lacks 1 key(s) that en has", "extDescription"]),
    "locale has a key the default lacks": (_messages("fr", lambda m: m.update(extra={"message": "x"})),
                                           ["locale fr has 1 key(s) that the default locale en lacks", "extra"]),
    "undefined __MSG_ in manifest": (_manifest(lambda m: m.update(short_name="__MSG_shortName__")),
                                     ["__MSG_shortName__", "does not define"]),
    "message without text": (_messages("en", lambda m: m.update(extName={"description": "no message"})),
                             ["_locales/en/messages.json", "'extName' has no \"message\""]),
    "manifest_version 2": (_manifest(lambda m: m.update(manifest_version=2)), ["manifest_version must be 3"]),
    "Firefox-shaped source": (_manifest(lambda m: m.update(background={"scripts": ["background.js"]})),
                              ["background.service_worker is required"]),
}


@pytest.mark.parametrize("breakage", sorted(BROKEN_SOURCES))
def test_broken_source_fails_with_one_clear_line(breakage, ext, list_file, tmp_path, capsys):
    damage, needles = BROKEN_SOURCES[breakage]
    damage(ext)
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file)) == 1
    assert_fails(capsys, 1, *needles)
    assert not out.exists()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.sampled_from(["background.js", "../x", "icons/icon-16.png", "__MSG_extName__", "__MSG_nope__", "*.css"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["js", "css", "page", "resources", "matches", "service_worker", "16", "default_popup",
                         "default_icon", "path", "rule_resources"]), inner, max_size=3),
    max_leaves=8)
# Keys that name files (the ones build.py reads and others), fuzzed with any JSON value.
MANIFEST_KEYS = ["action", "background", "browser_action", "chrome_url_overrides", "content_scripts",
                 "declarative_net_request", "default_locale", "devtools_page", "icons", "manifest_version", "name",
                 "options_page", "options_ui", "page_action", "side_panel", "web_accessible_resources"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(MANIFEST_KEYS), JSON_VALUES, min_size=1, max_size=4))
def test_any_manifest_shape_gives_a_build_error_never_a_crash(changes):
    """Whatever a source manifest holds, validation ends in a BuildError or passes: no traceback."""
    tree_files = {"manifest.json": json.dumps({**FIXTURE_MANIFEST, **changes}).encode(),
                  "background.js": b"", "icons/icon-16.png": b"",
                  "_locales/en/messages.json": json.dumps({"extName": {"message": "x"}}).encode()}
    try:
        validate_source(SourceTree(label="ext", files=tree_files))
    except BuildError as exc:
        assert str(exc) and "\n" not in str(exc)


def test_invalid_manifest_json_names_line_and_column(ext, list_file, tmp_path, capsys):
    (ext / "manifest.json").write_text('{\n  "manifest_version": 3,\n  "name": "x"\n  "version": "1"\n}\n')
    assert run(ext, tmp_path / "out", "--list", str(list_file)) == 1
    assert_fails(capsys, 1, "manifest.json is not valid JSON: line 4 column 3")


def test_invalid_messages_json_names_line_and_column(ext, list_file, tmp_path, capsys):
    (ext / "_locales" / "fr" / "messages.json").write_text('{"extName": {"message": "x"},}\n')
    assert run(ext, tmp_path / "out", "--list", str(list_file)) == 1
    assert_fails(capsys, 1, "_locales/fr/messages.json is not valid JSON: line 1 column 30")


def test_missing_source_folder(tmp_path, list_file, capsys):
    assert run(tmp_path / "nowhere", tmp_path / "out", "--list", str(list_file)) == 1
    assert_fails(capsys, 1, "extension source folder", "does not exist")


def test_output_inside_the_source_is_refused(ext, list_file, capsys):
    assert run(ext, ext / "dist", "--list", str(list_file)) == 1
    assert_fails(capsys, 1, "is inside the extension source")
    assert not (ext / "dist").exists()


def test_several_problems_are_summarised_on_one_line(ext, list_file, tmp_path, capsys):
    for rel in ("background.js", "popup.html", "options.html", "banner.css", "icons/icon-16.png"):
        (ext / rel).unlink()
    assert run(ext, tmp_path / "out", "--list", str(list_file)) == 1
    assert_fails(capsys, 1, "background.js", "(and ")


# --------------------------------------------------------------------------
# The list snapshot is validated by the server's rules
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("document", "needles"), [
    (sample_list(sample_entry(sources=[{"title": "x", "url": "javascript:alert(1)"}])),
     ["entries[0] (allofmp3.example)", "sources"]),
    (sample_list(sample_entry(status="illegal")), ["entries[0] (allofmp3.example)", "status"]),
    (sample_list(sample_entry(domain="co.uk")), ["entries[0] (co.uk)", "domain"]),
    (sample_list(sample_entry(), sample_entry()), ["duplicate domain"]),
    ({**sample_list(), "format": 2}, ["format: must be 1"]),
    ({**sample_list(), "entries": []}, ["it has no entries"]),
    ([], ["document"]),
])
def test_invalid_list_fails_naming_the_entry_and_the_reason(document, needles, ext, tmp_path, capsys):
    bad = write_json(tmp_path / "bad-list.json", document)
    assert run(ext, tmp_path / "out", "--list", str(bad)) == 1
    line = assert_fails(capsys, 1, "invalid list", "bad-list.json", *needles)
    assert len(line) < 1000
    assert not (tmp_path / "out").exists()


def test_the_list_is_validated_once_per_build(ext, list_file, tmp_path, monkeypatch):
    """server/listfile.py reads and validates (through entries.validate_list_document);
    build.py does not validate again."""
    import server.entries

    calls = []
    real = server.entries.validate_entry
    monkeypatch.setattr(server.entries, "validate_entry", lambda raw, **kw: calls.append(raw) or real(raw, **kw))
    assert run(ext, tmp_path / "out", "--list", str(list_file)) == 0
    assert len(calls) == len(sample_list()["entries"])


def test_list_that_is_not_json_names_line_and_column(ext, tmp_path, capsys):
    bad = tmp_path / "list.json"
    bad.write_text('{"format": 1,\n "version": 3,,\n}')
    assert run(ext, tmp_path / "out", "--list", str(bad)) == 1
    assert_fails(capsys, 1, "invalid list", "list.json", "is not valid JSON", "line 2, column 15")


def test_missing_list_file(ext, tmp_path, capsys):
    assert run(ext, tmp_path / "out", "--list", str(tmp_path / "absent.json")) == 1
    assert_fails(capsys, 1, "list file", "absent.json does not exist")


def test_many_list_errors_show_the_first_few(ext, tmp_path, capsys):
    entries = [sample_entry(domain=f"shop{i}.example", status="bad") for i in range(10)]
    bad = write_json(tmp_path / "list.json", sample_list(*entries))
    assert run(ext, tmp_path / "out", "--list", str(bad)) == 1
    line = assert_fails(capsys, 1, "entries[0] (shop0.example)", "entries[2] (shop2.example)", "(and 7 more)")
    assert "shop3.example" not in line


# --------------------------------------------------------------------------
# --check
# --------------------------------------------------------------------------


def test_check_validates_and_writes_nothing(ext, list_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(ext, out, "--list", str(list_file), "--check") == 0
    assert not out.exists()
    text = capsys.readouterr().out
    assert text.startswith(f"Checked Caveat {VERSION}")
    assert "would write" in text


def test_check_reports_the_same_failures(ext, list_file, tmp_path, capsys):
    (ext / "background.js").unlink()
    assert run(ext, tmp_path / "out", "--list", str(list_file), "--check") == 1
    assert_fails(capsys, 1, "background.js")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------
# Command line and --server-url
# --------------------------------------------------------------------------


SERVER_URLS = json.loads((ROOT / "tests" / "vectors" / "server_urls.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", SERVER_URLS["accepted"], ids=lambda case: case["input"])
def test_server_url_accepted_and_normalised(case):
    """The shared vectors; tests/js/hosts.test.js runs them on the extension's normalizeServerUrl."""
    assert parse_server_url(case["input"]) == case["normalized"]


@pytest.mark.parametrize("case", SERVER_URLS["refused"], ids=lambda case: case["input"])
def test_server_url_refused(case):
    with pytest.raises(ValueError, match=re.escape(case["reason"])):
        parse_server_url(case["input"])


@pytest.mark.parametrize("args", [
    ["--server-url", "https://lists.example.org/api"],
    ["--server-url", "file:///etc/passwd"],
    ["--browser", "safari"],
    ["--unknown-option"],
])
def test_usage_errors_exit_2_with_one_line(args, ext, tmp_path, capsys):
    assert run(ext, tmp_path / "out", *args) == 2
    assert_fails(capsys, 2, "(see --help)")
    assert not (tmp_path / "out").exists()


def test_bad_server_url_message_says_why(ext, tmp_path, capsys):
    assert run(ext, tmp_path / "out", "--server-url", "https://a@lists.example.org") == 2
    assert_fails(capsys, 2, "--server-url", "invalid server URL", "user name or password")


def test_help_explains_every_option(capsys):
    assert build.main(["--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--browser", "--server-url", "--list", "--out", "--check", "--source"):
        assert option in text
    assert "http://127.0.0.1:8000" in text
    assert "GET /api/v1/list" in text


def test_script_runs_from_the_command_line(ext, list_file, tmp_path):
    """`python build.py` (not just main()): exit codes and stderr as a shell sees them."""
    ok = subprocess.run([sys.executable, str(ROOT / "build.py"), "--source", str(ext), "--out", str(tmp_path / "o"),
                         "--list", str(list_file), "--check"], capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    (ext / "icons" / "icon-128.png").unlink()
    bad = subprocess.run([sys.executable, str(ROOT / "build.py"), "--source", str(ext), "--list", str(list_file),
                          "--check"], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr.startswith("build.py: error: ") and bad.stderr.count("\n") == 1
    assert "icons/icon-128.png" in bad.stderr
