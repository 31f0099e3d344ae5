"""Accounts: roles, argon2 hashes, supervision, and access control through the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from assistant.errors import AccessDenied, AssistantError, StoreError
from assistant.store import PlanStore
from assistant.store.models import User

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import PASSWORD, Team, example_plan  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)
ROOT = Path(__file__).resolve().parents[1]


def test_password_is_stored_as_an_argon2_hash(store: PlanStore, team: Team) -> None:
    with Session(store.engine) as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "ana"))
    assert stored is not None and stored.startswith("$argon2")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    ("username", "password"),
    [("ana", "wrong password here"), ("nobody", PASSWORD), ("ana", "")],
)
def test_wrong_credentials_are_refused_with_one_message(
    store: PlanStore, team: Team, username: str, password: str
) -> None:
    with pytest.raises(AccessDenied, match="^the user name or password is not right$"):
        store.accounts.login(username, password)


def test_right_password_signs_in(store: PlanStore, team: Team) -> None:
    me = store.accounts.login("Ana", PASSWORD)
    assert (me.username, me.role, me.supervisor_id) == ("ana", "clinician", team.supervisor.id)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "x", "password": PASSWORD}, "user name: 2-40"),
        ({"username": "zed", "password": "short"}, "too short"),
        ({"username": "zed", "password": "password12"}, "too short"),
        ({"username": "zed", "password": "Password2024!"}, "common password"),
        ({"username": "zed", "password": "qwertyqwertyqwerty"}, "common password"),
        ({"username": "zed", "password": "123456789012"}, "repeats or counts"),
        ({"username": "zed", "password": "zed-is-my-name-ok"}, "contains the user name"),
        ({"username": "ana", "password": PASSWORD}, "already taken"),
        ({"username": "zed", "password": PASSWORD, "role": "admin"}, "clinician or supervisor"),
        ({"username": "zed", "password": PASSWORD, "supervisor": "ben"}, "not a supervisor"),
        ({"username": "zed", "password": PASSWORD, "supervisor": "ghost"}, "no user called"),
    ],
)
def test_bad_new_accounts_are_refused(
    store: PlanStore, team: Team, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        store.accounts.add(team.admin, **kwargs)  # type: ignore[arg-type]


def test_set_supervisor_changes_who_can_read(store: PlanStore, team: Team) -> None:
    pid = store.create(team.solo, example_plan()).plan_id
    with pytest.raises(AccessDenied):
        store.get(team.supervisor, pid)
    store.accounts.set_supervisor(team.admin, "sol", "sam")
    assert store.get(team.supervisor, pid).owner == "sol"
    store.accounts.set_supervisor(team.admin, "sol", None)
    with pytest.raises(AccessDenied):
        store.get(team.supervisor, pid)


def test_no_account_exists_until_one_is_added(store: PlanStore) -> None:
    assert store.accounts.count() == 0


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str]]:
    """Run store commands in-process against ``db_url``; returns (exit code, output)."""
    from assistant.cli import store as store_cli
    from assistant.config import get_settings

    monkeypatch.setenv("TPA_DATABASE_URL", db_url)
    get_settings.cache_clear()
    app = typer.Typer()
    store_cli.register(app)
    runner = CliRunner()

    def run(*args: str, stdin: str = PASSWORD + "\n") -> tuple[int, str]:
        result = runner.invoke(app, list(args), input=stdin)
        if isinstance(result.exception, AssistantError):  # what main() prints
            return result.exception.exit_code, f"error: {result.exception}"
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result.exit_code, result.output

    return run


TWO = f"{PASSWORD}\n{PASSWORD}\n"  # the administrator's password, then the new one


def _setup_users(cli: Callable[..., tuple[int, str]], plan_file: Path) -> None:
    code, out = cli(
        "user",
        "init",
        "sam",
        "--role",
        "supervisor",
        "--name",
        "Sam Reyes",
        "--credentials",
        "PhD",
        "--password-stdin",
    )
    assert (code, out.strip()) == (0, "added supervisor sam (administrator)"), out
    for name in ("ana", "ben"):
        code, out = cli(
            "user", "add", name, "--user", "sam", "--credentials", "LPC", "--password-stdin",
            stdin=TWO,
        )  # fmt: skip
        assert code == 0, out
    assert cli("user", "set-supervisor", "ana", "sam", "--user", "sam", "--password-stdin")[0] == 0
    code, out = cli("plan", "save", str(plan_file), "--user", "ana", "--password-stdin")
    assert (code, out.strip()) == (0, "plan 1 version 1 (draft)")


def test_cli_user_list_never_shows_hashes(
    cli: Callable[..., tuple[int, str]], tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(example_plan().dumps())
    _setup_users(cli, plan_file)
    code, listing = cli("user", "list", "--user", "ana", "--password-stdin")
    assert code == 0 and "supervised by sam" in listing and "$argon2" not in listing
    assert "sam              supervisor Sam Reyes, PhD (administrator)" in listing


def test_cli_user_add_asks_twice_and_refuses_a_mismatch(
    cli: Callable[..., tuple[int, str]],
) -> None:
    code, out = cli(
        "user",
        "init",
        "zoe",
        stdin=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert code == 0 and "do not match" in out
    assert PASSWORD not in out, "the password is never echoed"


def test_cli_access_control_conflicts_and_review(
    cli: Callable[..., tuple[int, str]], tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(example_plan().dumps())
    _setup_users(cli, plan_file)

    code, out = cli("plan", "show", "1", "--user", "ben", "--password-stdin")
    assert (code, out) == (2, "error: you (ben) may not open plan 1")
    code, out = cli("plan", "history", "1", "--user", "ben", "--password-stdin")
    assert code == 2 and "may not open plan 1" in out
    code, out = cli("plan", "list", "--user", "ben", "--password-stdin")
    assert (code, out.strip()) == (0, "no plans")
    code, out = cli("plan", "list", "--user", "ana", "--password-stdin", stdin="nope\n")
    assert code == 2 and "password is not right" in out

    code, out = cli("plan", "show", "1", "--user", "sam", "--password-stdin")
    assert code == 0 and '"client_name": "Ines Calder"' in out

    edit = [
        "plan",
        "save",
        str(plan_file),
        "--user",
        "ana",
        "--plan-id",
        "1",
        "--expected-version",
        "1",
    ]
    assert cli(*edit, "--password-stdin")[0] == 0
    code, out = cli(*edit, "--password-stdin")
    assert code == 2 and "Nothing was overwritten" in out

    assert cli("plan", "submit", "1", "--user", "ana", "--password-stdin")[0] == 0
    code, out = cli(
        "plan",
        "return",
        "1",
        "--user",
        "sam",
        "-c",
        "obj-1-1:missing_baseline:say when the baseline was taken",
        "--password-stdin",
    )
    assert code == 0, out
    code, out = cli("plan", "comments", "1", "--user", "ana", "--password-stdin")
    assert "[missing_baseline] obj-1-1: say when the baseline was taken (sam, on version 3)" in out
    code, out = cli("plan", "history", "1", "--user", "ana", "--password-stdin")
    assert [line.split()[:3] for line in out.splitlines()] == [
        ["v1", "draft", "ana"],
        ["v2", "draft", "ana"],
        ["v3", "submitted", "ana"],
        ["v4", "returned", "sam"],
    ]


def test_cli_refusal_is_one_clean_line_from_the_real_entry_point(tmp_path: Path) -> None:
    """``python -m assistant``: a refused read prints one line, exits non-zero, shows no plan."""
    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(example_plan().dumps())
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"TPA_DATABASE_URL": url, "TPA_DATA_DIR": str(tmp_path / "data")})

    def run(*args: str, stdin: str = PASSWORD) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args],
            input=stdin.replace(PASSWORD, PASSWORD + "\n"),
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )

    assert run("user", "init", "ana", "--password-stdin").returncode == 0
    added = run("user", "add", "ben", "--user", "ana", "--password-stdin", stdin=2 * PASSWORD)
    assert added.returncode == 0, added.stderr
    assert run("plan", "save", str(plan_file), "--user", "ana", "--password-stdin").returncode == 0
    denied = run("plan", "show", "1", "--user", "ben", "--password-stdin")
    assert denied.returncode == 2
    assert denied.stderr.strip() == "error: you (ben) may not open plan 1"
    assert "Ines Calder" not in denied.stdout + denied.stderr
