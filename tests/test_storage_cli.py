"""`caveat init` and `caveat serve` (the server half of the caveat command), on SQLite and PostgreSQL."""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from server.cli import cli, gunicorn_options
from server.curated import load_curated
from server.settings import default_workers
from testkit.ports import free_port

pytestmark = pytest.mark.both_engines


def run(app, *args):
    """Run `caveat ARGS` against ``app`` (the runner hands the group this app)."""
    return app.test_cli_runner().invoke(cli, list(args))


def test_init_loads_the_bundled_list_into_a_new_database(database_url):
    from server import create_app

    app = create_app({"DATABASE_URL": database_url.replace("caveat.db", "fresh/caveat.db")})
    result = run(app, "init")
    assert result.exit_code == 0, result.output
    storage = app.extensions["caveat.storage"]
    bundled = load_curated()["entries"]
    assert storage.count() == len(bundled) > 0
    assert storage.version() == 1
    assert f"Loaded {len(bundled)} entries" in result.output
    assert storage.change_log()[0]["actor"].startswith("cli:")
    storage.dispose()


def test_init_twice_keeps_maintainer_changes(app, storage, make_entry):
    assert run(app, "init").exit_code == 0
    bundled_count = storage.count()
    storage.upsert_entry(make_entry("maintainer-added.example"), "alice")
    storage.delete_entry("allofmp3.com", "alice")
    version = storage.version()
    result = run(app, "init")
    assert result.exit_code == 0, result.output
    assert "was not loaded" in result.output
    assert storage.version() == version
    assert storage.get_entry("maintainer-added.example") is not None
    assert storage.get_entry("allofmp3.com") is None
    assert storage.count() == bundled_count


def test_init_after_every_entry_was_removed_does_not_reload(app, storage):
    run(app, "init")
    storage.apply_changes([], [e["domain"] for e in storage.all_entries()], "alice")
    assert storage.count() == 0
    result = run(app, "init")
    assert "was not loaded" in result.output and storage.count() == 0


def test_init_with_an_invalid_list_fails_clearly(app, storage, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries:\n  - domain: github.io\n", encoding="utf-8")
    result = run(app, "init", "--list", str(bad))
    assert result.exit_code != 0
    assert "entries[0] (github.io): domain:" in result.output
    assert storage.count() == 0 and storage.version() == 0


def test_serve_options_defaults_and_overrides():
    config = {"BIND": "127.0.0.1:8000", "WORKERS": 0, "THREADS": 4, "TIMEOUT": 30, "LOG_LEVEL": "info"}
    options = gunicorn_options(config)
    assert options["bind"] == ["127.0.0.1:8000"]
    assert options["workers"] == default_workers() <= 8
    assert options["threads"] == 4 and options["worker_class"] == "gthread"
    assert options["preload_app"] is True
    options = gunicorn_options({**config, "WORKERS": 3}, bind="0.0.0.0:9000", threads=1)
    assert options["bind"] == ["0.0.0.0:9000"] and options["workers"] == 3
    assert options["worker_class"] == "sync"


def test_default_workers_is_capped():
    assert default_workers(1) == 3
    assert default_workers(2) == 5
    assert default_workers(64) == 8


def test_serve_refuses_an_uninitialized_database(database_url):
    caveat = Path(sys.executable).parent / "caveat"
    result = subprocess.run([str(caveat), "serve"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "CAVEAT_DATABASE_URL": database_url})
    assert result.returncode != 0
    assert "run `caveat init` first" in result.stderr


def test_serve_runs_gunicorn_and_answers(database_url):
    caveat = Path(sys.executable).parent / "caveat"
    port = free_port()
    env = {**os.environ, "CAVEAT_DATABASE_URL": database_url,
           "CAVEAT_BIND": f"127.0.0.1:{port}", "CAVEAT_WORKERS": "2", "CAVEAT_THREADS": "2"}
    subprocess.run([str(caveat), "init"], check=True, env=env, capture_output=True, timeout=60)
    server = subprocess.Popen([str(caveat), "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        body = None
        for _ in range(100):  # wait for the workers to boot (not a timing assertion)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    body = response.read().decode()
                    server_header = response.headers["Server"]
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None, "the server never answered"
        assert '"version":1' in body
        assert "gunicorn" in server_header.lower()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/lookup?domain=www.allofmp3.com") as response:
            assert b'"listed":true' in response.read()
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "2 workers x 2 threads" in output
    assert output.count("Booting worker") == 2
