"""Signing in: lockout with backoff, audited sign-ins, views and exports, idle sign-out,
password change; files at rest readable by their owner only."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from assistant.errors import AccessDenied, StoreError
from assistant.store import PlanStore, SessionEnded

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import PASSWORD, Team, example_plan  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def forward(self, minutes: float) -> None:
        self.at += dt.timedelta(minutes=minutes)


def _guess(store: PlanStore, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AccessDenied, match="not right"):
            store.accounts.login("ana", "not the password at all")


def test_five_failures_lock_the_account_and_each_lock_lasts_twice_as_long(
    store: PlanStore, team: Team
) -> None:
    clock = Clock()
    store.accounts.now = clock
    _guess(store, 5)
    with pytest.raises(AccessDenied, match="locked after repeated failed sign-ins until 09:15 UTC"):
        store.accounts.login("ana", PASSWORD)  # even the right password waits
    clock.forward(16)
    _guess(store, 5)  # the next five failures lock it for 30 minutes
    clock.forward(29)
    with pytest.raises(AccessDenied, match="locked"):
        store.accounts.login("ana", PASSWORD)
    clock.forward(2)
    assert store.accounts.login("ana", PASSWORD).username == "ana"
    _guess(store, 4)  # a success starts the count again: four failures do not lock
    assert store.accounts.login("ana", PASSWORD).username == "ana"


def test_an_administrator_unlocks_an_account(store: PlanStore, team: Team) -> None:
    _guess(store, 5)
    with pytest.raises(AccessDenied, match="locked"):
        store.accounts.login("ana", PASSWORD)
    store.accounts.unlock(team.admin, "ana")
    assert store.accounts.login("ana", PASSWORD).username == "ana"


def test_sign_ins_failures_views_and_exports_are_audited(store: PlanStore, team: Team) -> None:
    _guess(store, 1)
    with pytest.raises(AccessDenied):
        store.accounts.login("nobody", PASSWORD)
    log = [(a.username, a.action) for a in store.accounts.log(team.admin)]
    assert ("ana", "login") in log and ("ana", "login.failed") in log
    assert ("(unknown user name)", "login.failed") in log
    assert all(PASSWORD not in a.detail for a in store.accounts.log(team.admin))
    pid = store.create(team.ana, example_plan()).plan_id
    store.get(team.supervisor, pid)
    store.export(team.ana, pid, "pdf")
    actions = [(a.username, a.action, a.detail) for a in store.audit(team.ana, pid)]
    assert ("sam", "read", "") in actions and ("ana", "export", "pdf") in actions


def test_a_session_ends_after_30_idle_minutes(store: PlanStore, team: Team) -> None:
    now = [1000.0]
    store.accounts.sessions.clock = lambda: now[0]
    me = store.accounts.login("ana", PASSWORD)
    pid = store.create(me, example_plan()).plan_id
    now[0] += 29 * 60
    store.get(me, pid)  # activity resets the idle clock
    now[0] += 29 * 60
    store.get(me, pid)
    now[0] += 31 * 60
    with pytest.raises(SessionEnded, match="signed out after 30 minutes without activity"):
        store.get(me, pid)
    with pytest.raises(SessionEnded):
        store.plans(me)
    store.accounts.logout(team.supervisor)
    with pytest.raises(SessionEnded, match="sign in again"):
        store.plans(team.supervisor)


def test_changing_your_password(store: PlanStore, team: Team) -> None:
    new = "a different long passphrase"
    with pytest.raises(AccessDenied, match="current password is not right"):
        store.accounts.change_password(team.ana, "wrong current one", new)
    with pytest.raises(StoreError, match="common password"):
        store.accounts.change_password(team.ana, PASSWORD, "Password123456")
    store.accounts.change_password(team.ana, PASSWORD, new)
    with pytest.raises(AccessDenied):
        store.accounts.login("ana", PASSWORD)
    assert store.accounts.login("ana", new).username == "ana"


def test_cli_user_passwd(db_url: str, monkeypatch: pytest.MonkeyPatch, store: PlanStore) -> None:
    import typer
    from typer.testing import CliRunner

    from assistant.cli import store as store_cli
    from assistant.config import get_settings

    store.accounts.init("ada", PASSWORD)
    monkeypatch.setenv("TPA_DATABASE_URL", db_url)
    get_settings.cache_clear()
    app = typer.Typer()
    store_cli.register(app)
    new = "a different long passphrase"
    result = CliRunner().invoke(
        app, ["user", "passwd", "--user", "ada", "--password-stdin"], input=f"{PASSWORD}\n{new}\n"
    )
    assert result.exit_code == 0 and result.output.strip() == "password changed"
    assert store.accounts.login("ada", new).username == "ada"


def test_the_data_folder_and_database_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.config import get_settings
    from assistant.store import open_engine

    data = tmp_path / "data"
    data.mkdir(mode=0o755)  # made by something else first, readable by everyone
    monkeypatch.setenv("TPA_DATA_DIR", str(data))
    monkeypatch.delenv("TPA_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    open_engine().dispose()
    get_settings.cache_clear()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "plans.sqlite").stat().st_mode) == 0o600
    fresh = tmp_path / "new" / "folder" / "plans.sqlite"
    open_engine(f"sqlite:///{fresh}").dispose()
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
