"""Administration needs a signed-in administrator; nobody picks their own approver; a new
supervisor does not inherit signed plans; every change is audited with who made it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.errors import AccessDenied, AssistantError, StoreError
from assistant.store import Account, PlanStore

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import PASSWORD, Team, example_plan  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)


def test_the_first_account_is_made_once_and_is_the_administrator(store: PlanStore) -> None:
    first = store.accounts.init("ada", PASSWORD, role="supervisor", credentials="PhD")
    assert first.is_admin and first.role == "supervisor"
    with pytest.raises(AccessDenied, match="the first account already exists"):
        store.accounts.init("eve", PASSWORD, role="supervisor")
    assert [a.username for a in store.accounts.all(store.accounts.login("ada", PASSWORD))] == [
        "ada"
    ]


def test_service_calls_refuse_a_bare_account_record(store: PlanStore, team: Team) -> None:
    record: Account = store.accounts.get("ana")
    forged = Account(team.supervisor.id, "sam", "Sam Reyes", "supervisor", "PhD", None, True)
    with pytest.raises(AccessDenied, match="sign in first"):
        store.create(record, example_plan())
    with pytest.raises(AccessDenied, match="sign in first"):
        store.accounts.add(forged, "mallory", PASSWORD)
    with pytest.raises(AccessDenied, match="sign in first"):
        store.plans(forged)


def test_only_an_administrator_creates_accounts(store: PlanStore, team: Team) -> None:
    for who in (team.ana, team.supervisor):
        with pytest.raises(AccessDenied, match="only an administrator"):
            store.accounts.add(who, "mallory", PASSWORD, role="supervisor")
    assert "mallory" not in [a.username for a in store.accounts.all(team.ana)]


def test_nobody_assigns_their_own_supervisor_role_or_admin_right(
    store: PlanStore, team: Team
) -> None:
    store.accounts.set_admin(team.admin, "sol", True)  # sol is now an administrator too
    sol = store.accounts.login("sol", PASSWORD)
    with pytest.raises(AccessDenied, match="your own supervisor"):
        store.accounts.set_supervisor(sol, "sol", "olga")
    with pytest.raises(AccessDenied, match="your own role"):
        store.accounts.set_role(sol, "sol", "supervisor")
    with pytest.raises(AccessDenied, match="your own administrator right"):
        store.accounts.set_admin(team.admin, "ada", False)
    # a clinician (not an administrator) cannot remove their supervisor to sign alone
    with pytest.raises(AccessDenied, match="only an administrator"):
        store.accounts.set_supervisor(team.ana, "ana", None)
    assert store.accounts.get("ana").supervisor_id == team.supervisor.id


def test_a_new_supervisor_does_not_inherit_signed_plans(store: PlanStore, team: Team) -> None:
    signed = store.create(team.ana, example_plan()).plan_id
    store.submit(team.ana, signed)
    store.approve(team.supervisor, signed)
    store.sign(team.ana, signed)
    assert store.sign(team.supervisor, signed).status == "signed"
    open_plan = store.create(team.ana, example_plan("example_mdd")).plan_id

    store.accounts.set_supervisor(team.admin, "ana", "olga")
    assert [p.plan_id for p in store.plans(team.other_sup)] == [open_plan]
    with pytest.raises(AccessDenied):
        store.get(team.other_sup, signed)
    assert store.get(team.supervisor, signed).status == "signed", "it stays with its signer"
    with pytest.raises(AccessDenied):
        store.get(team.supervisor, open_plan)


def test_every_account_change_is_audited_with_its_actor(store: PlanStore, team: Team) -> None:
    store.accounts.set_supervisor(team.admin, "sol", "sam")
    store.accounts.set_role(team.admin, "ben", "supervisor")
    store.accounts.reset_password(team.admin, "ben", "a brand new passphrase")
    changes = [
        (a.username, a.action, a.detail)
        for a in store.accounts.log(team.admin)
        if a.action.startswith("user.")
    ]
    assert changes == [
        ("ada", "user.init", "ada: first account, clinician, administrator"),
        ("ada", "user.add", "sam: supervisor"),
        ("ada", "user.add", "olga: supervisor"),
        ("ada", "user.add", "ana: clinician, supervisor sam"),
        ("ada", "user.add", "ben: clinician, supervisor sam"),
        ("ada", "user.add", "sol: clinician"),
        ("ada", "user.set_supervisor", "sol: supervisor sam"),
        ("ada", "user.set_role", "ben: supervisor"),
        ("ada", "user.password", "ben"),
    ]
    with pytest.raises(AccessDenied):
        store.accounts.log(team.ana)


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str]]:
    from assistant.cli import store as store_cli
    from assistant.config import get_settings

    monkeypatch.setenv("TPA_DATABASE_URL", db_url)
    get_settings.cache_clear()
    app = typer.Typer()
    store_cli.register(app)
    runner = CliRunner()

    def run(*args: str, stdin: str = PASSWORD + "\n") -> tuple[int, str]:
        result = runner.invoke(app, list(args), input=stdin)
        if isinstance(result.exception, AssistantError):
            return result.exception.exit_code, f"error: {result.exception}"
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result.exit_code, result.output

    return run


def test_cli_account_commands_need_an_administrators_password(
    cli: Callable[..., tuple[int, str]],
) -> None:
    two = f"{PASSWORD}\n{PASSWORD}\n"
    assert cli("user", "init", "ada", "--password-stdin")[0] == 0
    code, out = cli("user", "init", "eve", "--password-stdin")
    assert code == 2 and "the first account already exists" in out
    code, out = cli(
        "user", "add", "sam", "--role", "supervisor", "--user", "ada", "--password-stdin",
        stdin=f"wrong password here\n{PASSWORD}\n",
    )  # fmt: skip
    assert (code, out) == (2, "error: the user name or password is not right")
    assert cli("user", "add", "sam", "--role", "supervisor", "--user", "ada", "--password-stdin",
               stdin=two)[0] == 0  # fmt: skip
    assert cli("user", "add", "ana", "--user", "ada", "--password-stdin", stdin=two)[0] == 0
    code, out = cli("user", "add", "mal", "--user", "ana", "--password-stdin", stdin=two)
    assert code == 2 and "only an administrator" in out
    code, out = cli("user", "set-supervisor", "ana", "sam", "--user", "ana", "--password-stdin")
    assert code == 2 and "only an administrator" in out
    code, out = cli("user", "set-supervisor", "ada", "sam", "--user", "ada", "--password-stdin")
    assert code == 2 and "your own supervisor" in out
    code, out = cli("user", "set-supervisor", "ana", "sam", "--user", "ada", "--password-stdin")
    assert (code, out.strip()) == (0, "ana: supervisor set to sam")
    code, out = cli("user", "log", "--user", "ada", "--password-stdin")
    assert code == 0 and "ada          user.set_supervisor  ana: supervisor sam" in out


def test_cli_plan_verify_and_export(cli: Callable[..., tuple[int, str]], tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(example_plan().dumps())
    assert cli("user", "init", "ada", "--role", "clinician", "--credentials", "LCSW",
               "--password-stdin")[0] == 0  # fmt: skip
    assert cli("plan", "save", str(plan_file), "--user", "ada", "--password-stdin")[0] == 0
    code, out = cli("plan", "verify", "1", "--user", "ada", "--password-stdin")
    assert (code, out.strip()) == (0, "plan 1 and the audit log: every hash checks out")
    target = tmp_path / "out.md"
    code, out = cli("plan", "export", "1", "-o", str(target), "--user", "ada", "--password-stdin")
    assert code == 0 and "marked DRAFT — not final" in out
    assert target.stat().st_mode & 0o777 == 0o600
    code, out = cli(
        "plan", "export", "1", "-o", str(tmp_path / "no" / "x.md"), "--user", "ada",
        "--password-stdin",
    )  # fmt: skip
    assert (code, out) == (2, f"error: output: the folder {tmp_path / 'no'} does not exist")
    from sqlalchemy import text

    from assistant.store import open_store

    engine = open_store().engine
    with engine.begin() as conn:  # someone with full rights edits the saved plan directly
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER plan_versions_immutable ON plan_versions"))
        else:
            conn.execute(text("DROP TRIGGER plan_versions_no_update"))
        conn.execute(text("UPDATE plan_versions SET document = replace(document, '17', '12')"))
    code, out = cli("plan", "verify", "1", "--user", "ada", "--password-stdin")
    assert code == 1
    assert out.splitlines()[0] == (
        "changed: plan 1 version 1 [document]: plan 1 version 1: the plan text differs from "
        "what was saved"
    )
    code, out = cli("plan", "export", "1", "-o", str(target), "--user", "ada", "--password-stdin")
    assert code == 2 and "changed outside the assistant" in out
    with pytest.raises(StoreError):  # the store refuses a second first account
        open_store().accounts.init("zed", PASSWORD)


def test_a_supervisor_with_supervisees_is_not_made_a_clinician(
    store: PlanStore, team: Team
) -> None:
    with pytest.raises(StoreError, match="role: sam still supervises ana, ben"):
        store.accounts.set_role(team.admin, "sam", "clinician")
    assert store.accounts.set_role(team.admin, "olga", "clinician").role == "clinician"


def test_verify_names_other_peoples_audit_entries_by_id_only(store: PlanStore, team: Team) -> None:
    from sqlalchemy import text, update

    from assistant.store.models import AuditEntry

    theirs = store.create(team.ben, example_plan()).plan_id
    with store.engine.begin() as conn:
        entry = conn.execute(
            text("SELECT id FROM audit_log WHERE plan_id = :p"), {"p": theirs}
        ).scalar_one()
        if store.engine.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_log_immutable ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(update(AuditEntry).where(AuditEntry.id == entry).values(detail="edited"))
    seen_by_sol = [p.message for p in store.verify(team.solo)]
    assert seen_by_sol == [f"audit entry {entry} differs from what was written"]
    seen_by_admin = [p.message for p in store.verify(team.admin)]
    assert seen_by_admin == [
        f"audit entry {entry} (create by ben on plan {theirs} version 1) differs from what was "
        "written"
    ]
