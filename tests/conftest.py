"""Shared fixtures: an app on a temporary SQLite database, its client, storage and a maintainer token.

Generic on purpose, for every test module::

    def test_something(client, maintainer_token, make_entry): ...
"""

from __future__ import annotations

import pytest

from server import create_app
from testkit.entries import entry

SAMPLE_ENTRY = entry("allofmp3.example", "AllOfMP3",
                     summary="A music store whose licences were disputed by rights holders.", details="",
                     sources=[{"title": "Example source", "url": "https://news.example/allofmp3"}],
                     reviewed="2026-11-01")


@pytest.fixture(autouse=True)
def _no_caveat_environment(monkeypatch):
    """A CAVEAT_* variable in the developer's shell must not change test results."""
    import os

    for name in [n for n in os.environ if n.startswith("CAVEAT_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def app_config(tmp_path):
    """Settings for the ``app`` fixture; override this fixture to change them."""
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'caveat.db'}", "TESTING": True}


@pytest.fixture
def app(app_config):
    application = create_app(app_config)
    application.extensions["caveat.storage"].init_schema()
    yield application
    application.extensions["caveat.storage"].dispose()


@pytest.fixture
def storage(app):
    return app.extensions["caveat.storage"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Flask's CLI runner for the ``app`` fixture (``runner.invoke(cli, [...])``)."""
    return app.test_cli_runner()


@pytest.fixture
def maintainer_token(storage):
    """The plaintext of an active maintainer token named "test-maintainer"."""
    return storage.create_token("test-maintainer")


@pytest.fixture
def auth(maintainer_token):
    """Headers that authenticate as the maintainer token."""
    return {"Authorization": f"Bearer {maintainer_token}"}


@pytest.fixture
def make_entry():
    """A valid entry; keyword arguments replace fields (``details=...`` style)."""

    def make(domain: str = SAMPLE_ENTRY["domain"], **changes) -> dict:
        return entry(**{**SAMPLE_ENTRY, "domain": domain, **changes})

    return make
