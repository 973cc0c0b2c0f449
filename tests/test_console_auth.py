"""The console's accounts, login, sessions, cookies, CSRF and headers (slice a of issue 12)."""

from __future__ import annotations

import os
import stat
import time

import pytest
import sqlalchemy as sa

from server import create_app
from tests.console_helpers import PASSWORD, csrf_token, logged_in, login, make_user, post

ADMIN_PAGES = ["/admin/users", "/admin/tokens", "/admin/import"]


@pytest.fixture
def app_config(tmp_path):
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'caveat.db'}", "TESTING": True,
            "LOGIN_RATE_LIMIT": 3, "LOGIN_ADDRESS_RATE_LIMIT": 6}


def _sample_url(rule) -> str:
    values = {"domain": "allofmp3.example", "proposal_id": 1, "report_id": 1, "filename": "console.css"}
    return rule.rule.replace("<domain>", values["domain"]).replace("<int:proposal_id>", "1") \
        .replace("<int:report_id>", "1").replace("<path:filename>", "console.css")


def test_every_console_route_refuses_anonymous_visitors(app, client, storage, make_entry):
    from server import maintenance

    maintenance.add(storage, make_entry(), actor="cli:test")
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin") and r.endpoint not in
             ("console.login", "console.static")]
    assert len(rules) >= 15
    for rule in rules:
        url = _sample_url(rule)
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code == 303 and "/admin/login" in response.headers["Location"], url
        if "POST" in rule.methods:
            token = csrf_token(client)
            response = client.post(url, data={"csrf_token": token})
            assert response.status_code == 303 and "/admin/login" in response.headers["Location"], url


def test_login_and_logout(app, client, storage):
    make_user(storage, "alice", "editor")
    response = login(client, "alice")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200 and "alice (editor)" in page.get_data(as_text=True)
    assert post(client, "/admin/logout", {}).status_code == 303
    assert client.get("/admin/").status_code == 303


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(app, client, storage):
    make_user(storage, "alice", "editor")
    token = csrf_token(client)
    data = {"name": "alice", "password": PASSWORD, "csrf_token": token}
    assert client.post("/admin/login?next=/admin/entries", data=data).headers["Location"] == "/admin/entries"
    for target in ("https://evil.example/", "//evil.example/admin/", "/admin/\\evil"):
        client = app.test_client()
        token = csrf_token(client)
        response = client.post(f"/admin/login?next={target}", data={**data, "csrf_token": token})
        assert response.headers["Location"] == "/admin/"


@pytest.mark.parametrize("name,password", [("alice", "wrong password!"), ("nobody", PASSWORD), ("", ""),
                                           ("alice", "x" * 5000)])
def test_a_failed_login_does_not_say_which_part_was_wrong(client, storage, name, password):
    make_user(storage, "alice", "editor")
    response = login(client, name, password)
    assert response.status_code == 401
    assert "Wrong name or password, or the account is disabled." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 303


def test_passwords_are_stored_as_salted_scrypt_hashes(storage):
    make_user(storage, "alice", "editor")
    make_user(storage, "bob", "editor")
    alice, bob = storage.get_user("alice"), storage.get_user("bob")
    assert alice["password_hash"].startswith("scrypt:") and PASSWORD not in alice["password_hash"]
    assert alice["password_hash"] != bob["password_hash"]  # salted


def test_failed_logins_are_limited_per_account(app, storage):
    make_user(storage, "alice", "editor")
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):  # a different address each time
        client = app.test_client()
        assert login(client, "alice", "wrong password!", environ_base={"REMOTE_ADDR": address}).status_code == 401
    client = app.test_client()
    response = login(client, "alice", PASSWORD, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 429  # even the right password, until the window ends
    assert client.get("/admin/").status_code == 303


def test_failed_logins_are_limited_per_address(app, storage):
    for i in range(6):
        make_user(storage, f"user{i}", "editor")
    make_user(storage, "alice", "editor")
    client = app.test_client()
    for i in range(6):
        assert login(client, f"user{i}", "wrong password!").status_code == 401
    assert login(client, "alice").status_code == 429
    other = app.test_client()
    assert login(other, "alice", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 303


def test_the_login_limit_is_shared_by_every_app_instance_on_the_database(app_config, storage):
    """Each gunicorn worker is its own app; the counters live in the database."""
    make_user(storage, "alice", "editor")
    for _ in range(3):
        worker = create_app(app_config)  # a new "worker" each time
        assert login(worker.test_client(), "alice", "wrong password!").status_code == 401
        worker.extensions["caveat.storage"].dispose()
    assert login(create_app(app_config).test_client(), "alice").status_code == 429


def test_a_disabled_account_is_logged_out_at_its_next_request(app, storage):
    from server import accounts

    client = logged_in(app, storage, "alice", "editor")
    assert client.get("/admin/entries").status_code == 200
    accounts.disable(storage, "alice", actor="test")
    response = client.get("/admin/entries")
    assert response.status_code == 303 and "/admin/login" in response.headers["Location"]
    accounts.enable(storage, "alice", actor="test")
    assert client.get("/admin/entries").status_code == 303  # the old session stays ended
    assert login(app.test_client(), "alice").status_code == 303


def test_a_disabled_account_cannot_log_in(app, storage):
    from server import accounts

    make_user(storage, "alice", "editor")
    accounts.disable(storage, "alice", actor="test")
    assert login(app.test_client(), "alice").status_code == 401


def test_a_new_password_ends_the_old_sessions(app, storage):
    from server import accounts

    client = logged_in(app, storage, "alice", "editor")
    accounts.set_password(storage, "alice", "another long password", actor="test")
    assert client.get("/admin/").status_code == 303


def test_sessions_expire(app, storage, monkeypatch):
    client = logged_in(app, storage, "alice", "editor")
    assert client.get("/admin/").status_code == 200
    later = time.time() + app.config["SESSION_SECONDS"] + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/admin/").status_code == 303


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("caveat_console=")]
    assert cookies, response.headers
    return cookies[-1]


def test_cookie_flags_over_http(client, storage):
    make_user(storage, "alice", "editor")
    cookie = _session_cookie(login(client, "alice"))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie


def test_cookie_is_secure_over_https(client, storage):
    make_user(storage, "alice", "editor")
    # Over https Flask-WTF also wants a same-site Referer (WTF_CSRF_SSL_STRICT).
    cookie = _session_cookie(login(client, "alice", base_url="https://localhost",
                                   headers={"Referer": "https://localhost/admin/login"}))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_cookie_is_secure_behind_a_trusted_https_proxy(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "TRUST_PROXY_HOPS": 1})
    storage = app.extensions["caveat.storage"]
    storage.init_schema()
    make_user(storage, "alice", "editor")
    client = app.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    token = csrf_token(client)
    # The page came over https: the CSRF check (strict Referer on https) wants a same-site Referer.
    response = client.post("/admin/login", data={"name": "alice", "password": PASSWORD, "csrf_token": token},
                           headers={**proxied, "Referer": "https://localhost/admin/login"})
    assert response.status_code == 303
    assert "Secure" in _session_cookie(response)
    # Without the proxy hop trusted, the same header changes nothing.
    plain = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    client = plain.test_client()
    cookie = _session_cookie(login(client, "alice", headers=proxied))
    assert "Secure" not in cookie


def test_console_headers(app, storage):
    client = logged_in(app, storage, "alice", "admin")
    for path in ["/admin/login", "/admin/", "/admin/entries"]:
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src" not in csp and "default-src 'none'" in csp and "style-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "same-origin"  # browsers then send a real Origin
        assert "<script" not in response.get_data(as_text=True)


def test_the_console_is_never_cors(client):
    for method in ("GET", "OPTIONS"):
        response = client.open("/admin/login", method=method, headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Access-Control-Allow-Credentials" not in response.headers


# --- CSRF: each refused POST changes nothing --------------------------------------------

def _add_user_form(token):
    return {"action": "add", "name": "mallory", "role": "admin", "password": "a long enough password",
            "csrf_token": token}


@pytest.mark.parametrize("case", ["no token", "wrong token", "foreign origin", "null origin", "cross-site fetch",
                                  "token of another session"])
def test_csrf_refusals_change_nothing(app, storage, case):
    admin = logged_in(app, storage, "root", "admin")
    token = csrf_token(admin, "/admin/users")
    headers = {}
    if case == "no token":
        token = None
    elif case == "wrong token":
        token = token[:-4] + "AAAA"
    elif case == "foreign origin":
        headers = {"Origin": "https://evil.example"}
    elif case == "null origin":
        headers = {"Origin": "null"}
    elif case == "cross-site fetch":
        headers = {"Sec-Fetch-Site": "cross-site"}
    else:
        token = csrf_token(app.test_client())
    form = _add_user_form(token)
    if token is None:
        del form["csrf_token"]
    response = admin.post("/admin/users", data=form, headers=headers)
    assert response.status_code in (400, 403)
    assert storage.get_user("mallory") is None


def test_a_login_without_a_csrf_token_is_refused(client, storage):
    make_user(storage, "alice", "editor")
    response = client.post("/admin/login", data={"name": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 303


def test_same_origin_post_is_accepted(app, storage):
    admin = logged_in(app, storage, "root", "admin")
    token = csrf_token(admin, "/admin/users")
    response = admin.post("/admin/users", data=_add_user_form(token), headers={"Origin": "http://localhost"})
    assert response.status_code == 303 and storage.get_user("mallory")["role"] == "admin"


# --- the secret key ----------------------------------------------------------------------

def test_the_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}
    first = create_app(config)
    path = os.path.join(first.instance_path, "secret_key")
    try:
        assert os.path.exists(path)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert create_app(config).secret_key == first.secret_key == open(path).read().strip()
    finally:
        os.remove(path)


def test_the_secret_key_setting_wins(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "SECRET_KEY": "k" * 40})
    assert app.secret_key == "k" * 40


# --- an old database ---------------------------------------------------------------------

def test_init_on_an_old_database_adds_the_new_columns_and_tables(tmp_path, runner):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # the schema before issue 12
        conn.exec_driver_sql("CREATE TABLE list_state (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, "
                             "log_floor INTEGER NOT NULL, changed_at VARCHAR(32) NOT NULL)")
        conn.exec_driver_sql("INSERT INTO list_state VALUES (1, 3, 0, '2026-01-01T00:00:00Z')")
        conn.exec_driver_sql("CREATE TABLE change_log (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, "
                             "domain VARCHAR(253) NOT NULL, action VARCHAR(10) NOT NULL, actor VARCHAR(200) NOT NULL, "
                             "at VARCHAR(32) NOT NULL)")
        conn.exec_driver_sql("INSERT INTO change_log VALUES (1, 3, 'old.example', 'upsert', 'cli:x', "
                             "'2026-01-01T00:00:00Z')")
        conn.exec_driver_sql("CREATE TABLE tokens (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, "
                             "token_hash VARCHAR(64) NOT NULL UNIQUE, created VARCHAR(32) NOT NULL, revoked VARCHAR(32))")
        import hashlib
        conn.exec_driver_sql("INSERT INTO tokens VALUES (1, 'legacy', ?, '2026-01-01T00:00:00Z', NULL)",
                             (hashlib.sha256(b"cvt_legacy").hexdigest(),))
    engine.dispose()
    app = create_app({"DATABASE_URL": url})
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    storage = app.extensions["caveat.storage"]
    assert storage.verify_token_role("cvt_legacy") == ("legacy", "admin")
    assert storage.entry_history("old.example")[0]["entry"] is None
    make_user(storage, "alice", "admin")
    assert storage.get_user("alice")["session_epoch"] == 0
    columns = {c["name"] for c in sa.inspect(storage.engine).get_columns("change_log")}
    assert "body" in columns
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0  # and again: nothing to add
