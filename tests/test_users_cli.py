"""``caveat users`` and ``caveat token create --role``."""

from __future__ import annotations

from tests.console_helpers import PASSWORD, login


def test_users_add_list_disable_passwd(app, runner, storage):
    result = runner.invoke(args=["users", "add", "alice", "--role", "reviewer", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["users", "list"])
    assert "alice  role=reviewer" in listed.output and PASSWORD not in listed.output
    assert login(app.test_client(), "alice").status_code == 303

    result = runner.invoke(args=["users", "passwd", "alice", "--password-stdin"], input="a new long password\n")
    assert result.exit_code == 0
    assert login(app.test_client(), "alice").status_code == 401
    assert login(app.test_client(), "alice", "a new long password").status_code == 303

    assert runner.invoke(args=["users", "disable", "alice"]).exit_code == 0
    assert "disabled=" in runner.invoke(args=["users", "list"]).output
    assert login(app.test_client(), "alice", "a new long password").status_code == 401
    actions = [row["action"] for row in storage.audit_log()]
    assert {"user.add", "user.passwd", "user.disable"} <= set(actions)


def test_users_add_refuses_bad_input_in_one_line(runner):
    short = runner.invoke(args=["users", "add", "bob", "--role", "editor", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output and "Traceback" not in short.output
    role = runner.invoke(args=["users", "add", "bob", "--role", "owner", "--password-stdin"], input=PASSWORD)
    assert role.exit_code != 0
    runner.invoke(args=["users", "add", "bob", "--role", "editor", "--password-stdin"], input=PASSWORD)
    again = runner.invoke(args=["users", "add", "bob", "--role", "editor", "--password-stdin"], input=PASSWORD)
    assert again.exit_code != 0 and "already exists" in again.output
    missing = runner.invoke(args=["users", "disable", "nobody"])
    assert missing.exit_code != 0 and "no user named" in missing.output


def test_tokens_get_a_role(runner, storage):
    result = runner.invoke(args=["token", "create", "bot", "--role", "editor"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[0]
    assert storage.verify_token_role(token) == ("bot", "editor")
    default = runner.invoke(args=["token", "create", "ops"]).output.strip().splitlines()[0]
    assert storage.verify_token_role(default) == ("ops", "admin")
    assert "role=editor" in runner.invoke(args=["token", "list"]).output


def test_init_says_how_to_create_the_first_admin_until_there_is_one(runner, storage):
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0 and "caveat users add NAME --role admin --password-stdin" in first.output
    runner.invoke(args=["users", "add", "ada", "--role", "admin", "--password-stdin"], input=PASSWORD)
    assert "caveat users add" not in runner.invoke(args=["init"]).output
