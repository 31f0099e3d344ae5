"""``plan review ID --measures`` and ``plan due`` from the command line, signed in like the
other plan commands."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.errors import AssistantError
from assistant.plan import load

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import PASSWORD, FakeValidator  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)

DATA = Path(__file__).parent / "data" / "progress"
MEASURES = str(DATA / "gad_nurse_week8.json")
Cli = Callable[..., tuple[int, str]]


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    from assistant.cli import store as store_cli
    from assistant.config import get_settings

    monkeypatch.setenv("TPA_DATABASE_URL", db_url)
    get_settings.cache_clear()
    app = typer.Typer()
    store_cli.register(app)
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args), input=PASSWORD + "\n")
        if isinstance(result.exception, AssistantError):
            return result.exception.exit_code, f"error: {result.exception}"
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result.exit_code, result.output

    return run


@pytest.fixture
def signed_plan(cli: Cli) -> int:
    """Plan 1, the GAD plan, signed by its clinician on 2026-10-05 (the signing step is the
    store's own, with a validator that finds nothing)."""
    from assistant.store import PlanStore, open_store

    assert cli("user", "init", "ada", "--role", "clinician", "--credentials", "LCSW",
               "--password-stdin")[0] == 0  # fmt: skip
    store = PlanStore(open_store().engine, validator=FakeValidator())
    me = store.accounts.login("ada", PASSWORD)
    pid = store.create(me, load(DATA / "gad_plan.json")).plan_id
    store.sign(me, pid, signed_on=dt.date(2026, 10, 5))
    return pid


def review(cli: Cli, *extra: str) -> tuple[int, str]:
    return cli("plan", "review", "1", "--measures", MEASURES, "--as-of", "2026-11-30",
               "--user", "ada", "--password-stdin", *extra)  # fmt: skip


ALL = [
    "--disposition", "G1.O1=:No practice log was kept yet.",
    "--disposition", "G1.O2=deferred:Thought records start next month.",
    "--disposition", "G1.O3=met:GAD-7 7, below 10.",
    "--disposition", "G2.O1=revised:Sleep onset halved; new target from 25 minutes.",
    "--disposition", "G2.O2=partially met:Re-checking down to twice a shift.",
]  # fmt: skip


def test_review_from_the_cli_is_stored_as_a_new_version(cli: Cli, signed_plan: int) -> None:
    code, out = review(cli, *ALL)
    assert code == 0, out
    assert "G1.O1: deferred: No practice log was kept yet." in out
    assert "G2.O2: partially met: Re-checking down to twice a shift." in out
    assert out.strip().endswith(
        "plan 1 version 3: review of version 2 (draft); submit and sign it like any plan"
    )
    code, out = cli("plan", "history", "1", "--user", "ada", "--password-stdin")
    assert "review of version 2 as of 2026-11-30" in out


def test_a_contradicting_disposition_is_refused_with_the_reason(cli: Cli, signed_plan: int) -> None:
    wrong = [*ALL[:4], "--disposition", "G1.O3=not met:Still anxious.", *ALL[6:]]
    code, out = review(cli, *wrong)
    assert code == 2
    assert "RV06 G1.O3 is marked not met, but the latest reading meets the target." in out
    assert "suggested G1.O3: met (GAD-7: 15 (2026-10-05) to 7 (2026-11-30)" in out
    code, out = review(cli, *wrong, "--justify", "G1.O3=Avoids night shifts still.")
    assert code == 0 and "justified RV06" in out


def test_bad_dispositions_and_dates_are_named(cli: Cli, signed_plan: int) -> None:
    code, out = review(cli, "--disposition", "G1.O3=great:fine")
    assert code == 2 and "'great' is not a disposition; use one of met, partially met" in out
    code, out = review(cli, "--disposition", "G1.O3 met")
    assert code == 2 and "--disposition: write OBJECTIVE=STATUS:rationale" in out
    code, out = cli("plan", "due", "--as-of", "30/11/2026", "--user", "ada", "--password-stdin")
    assert code == 2 and "--as-of: must be a date written YYYY-MM-DD" in out


def test_plan_due_lists_the_signed_plan_once_its_review_date_nears(
    cli: Cli, signed_plan: int
) -> None:
    # signed 2026-10-05; its timeline plans the first review for 2026-11-30
    code, out = cli("plan", "due", "--as-of", "2026-10-20", "--user", "ada", "--password-stdin")
    assert (code, out.strip()) == (0, "no plan reviews due")
    code, out = cli("plan", "due", "--as-of", "2026-12-03", "--user", "ada", "--password-stdin")
    assert code == 0
    assert out.split()[:5] == ["1", "overdue", "2026-11-30", "3", "days"]


def test_review_writes_the_packet_with_the_dispositions(
    cli: Cli, signed_plan: int, tmp_path: Path
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    code, out = review(cli, *ALL, "--packet", str(tmp_path / "review.txt"))
    assert (code, out) == (2, "error: --packet: name the file .md, .pdf or .json; got review.txt")
    code, out = cli("plan", "history", "1", "--user", "ada", "--password-stdin")
    assert "review of version" not in out  # nothing was stored
    code, out = review(cli, *ALL, "--packet", str(tmp_path / "review.json"))
    assert code == 0 and "packet written to" in out
    data = json.loads((tmp_path / "review.json").read_text())
    Bundle.model_validate(data)  # a valid FHIR R4 Bundle
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert "Provenance" in kinds
    [careplan] = [
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "CarePlan"
    ]
    assert careplan["replaces"][0]["display"] == "the plan under review"
    assert "Re-checking down to twice a shift." in json.dumps(data)  # the rationale is in it
    md = tmp_path / "review.md"
    code, out = cli("plan", "review", "1", "--measures", MEASURES, "--as-of", "2026-11-30",
                    "--user", "ada", "--password-stdin", *ALL, "--packet", str(md))  # fmt: skip
    assert code == 2 and "it is draft" in out  # one open review at a time
