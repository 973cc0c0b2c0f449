"""Settings: defaults < CAVEAT_* environment < create_app(config); bad values are refused."""

import pytest

from server import create_app
from server.settings import DEFAULTS, SettingsError, load_settings


def test_defaults_with_the_database_in_the_instance_folder(tmp_path):
    settings = load_settings(environ={}, instance_path=tmp_path)
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'caveat.db'}"
    assert settings["CHANGES_RETAIN"] == DEFAULTS["CHANGES_RETAIN"]
    assert settings["BIND"] == "127.0.0.1:8000"


def test_environment_overrides_defaults_and_config_overrides_environment(tmp_path):
    environ = {"CAVEAT_CHANGES_RETAIN": "50", "CAVEAT_BIND": "0.0.0.0:9000",
               "CAVEAT_DATABASE_URL": "sqlite:////srv/caveat.db"}
    settings = load_settings({"BIND": "127.0.0.1:1"}, environ=environ, instance_path=tmp_path)
    assert settings["CHANGES_RETAIN"] == 50
    assert settings["BIND"] == "127.0.0.1:1"
    assert settings["DATABASE_URL"] == "sqlite:////srv/caveat.db"


def test_empty_variable_counts_as_unset(tmp_path):
    assert load_settings(environ={"CAVEAT_THREADS": ""}, instance_path=tmp_path)["THREADS"] == DEFAULTS["THREADS"]


@pytest.mark.parametrize("name, value", [("CAVEAT_CHANGES_RETAIN", "many"), ("CAVEAT_WORKERS", "-1"),
                                         ("CAVEAT_MAX_CONTENT_LENGTH", "1.5")])
def test_bad_values_name_the_variable(tmp_path, name, value):
    with pytest.raises(SettingsError) as info:
        load_settings(environ={name: value}, instance_path=tmp_path)
    assert name in str(info.value)


def test_create_app_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CAVEAT_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("CAVEAT_LIST_MAX_AGE", "42")
    app = create_app()
    app.extensions["caveat.storage"].init_schema()
    response = app.test_client().get("/api/v1/list")
    assert response.headers["Cache-Control"] == "public, max-age=42"
    assert (tmp_path / "env.db").exists()
    app.extensions["caveat.storage"].dispose()


def test_create_app_does_not_touch_the_database(tmp_path):
    create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'untouched.db'}"})
    assert not (tmp_path / "untouched.db").exists()
