"""Shared fixtures: an app on a temporary database, its client, storage and a maintainer token.

Generic on purpose, for every test module::

    def test_something(client, maintainer_token, make_entry): ...

The database is SQLite unless the module opts into both engines with
``pytestmark = pytest.mark.both_engines``: then every test that uses
``database_url`` (directly or through ``app``) runs as ``test_x[sqlite]`` and
``test_x[postgresql]``, the latter in its own database on a throwaway cluster
(tests/postgres.py) started once per session. ``@pytest.mark.sqlite_only("why")``
keeps a test of SQLite's own machinery (WAL, PRAGMA, busy timeout) on SQLite;
``@pytest.mark.postgresql_only`` a test of PostgreSQL's (LISTEN/NOTIFY).
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


ENGINES = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_engines: run the module's database tests on SQLite and PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only(reason): a test of SQLite's own machinery")
    config.addinivalue_line("markers", "postgresql_only: a test of PostgreSQL's own machinery")


def pytest_generate_tests(metafunc):
    if "engine" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker
    if marker("postgresql_only"):
        metafunc.parametrize("engine", ("postgresql",), indirect=True)
    elif marker("both_engines") and not marker("sqlite_only"):
        metafunc.parametrize("engine", ENGINES, indirect=True)
    # otherwise SQLite, without a test id suffix


@pytest.fixture
def engine(request):
    """"sqlite" or "postgresql" (see the module docstring)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_cluster():
    """The session's throwaway PostgreSQL cluster (started on first use)."""
    from tests.postgres import Cluster, binaries

    bindir = binaries()
    if bindir is None:
        # Only outside `make test`, which installs Debian's postgresql; check_no_skips fails CI on this.
        pytest.skip("no PostgreSQL binaries under /usr/lib/postgresql/*/bin (run make test, or apt install postgresql)")
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture
def database_url(engine, tmp_path, request):
    """A new empty database of ``engine``: a SQLite file in tmp_path, or a fresh PostgreSQL database."""
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'caveat.db'}"
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.create_database()
    yield url
    cluster.drop_database(url)


@pytest.fixture
def app_config(database_url):
    """Settings for the ``app`` fixture; override this fixture to change them."""
    return {"DATABASE_URL": database_url, "TESTING": True}


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
