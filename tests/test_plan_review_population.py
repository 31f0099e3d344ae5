"""The supervisor's population view: shares of clients with reliable improvement, recovery
and deterioration, reviews overdue and copied notes, per clinician and overall."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.errors import AccessDenied, AssistantError
from assistant.plan import TreatmentPlan, load
from assistant.progress.measures import load as load_measures
from assistant.store import PlanStore
from assistant.store.population import CaseloadItem, collect, summarize

pytest.register_assert_rewrite("tests.store_fixtures")
from tests.store_fixtures import PASSWORD, Team  # noqa: E402

pytest_plugins = ("tests.store_fixtures",)

DATA = Path(__file__).parent / "data" / "progress"
AS_OF = dt.date(2026, 11, 30)
SIGNED_ON = dt.date(2026, 10, 5)


def gad() -> TreatmentPlan:
    return load(DATA / "gad_plan.json")


def mdd() -> TreatmentPlan:
    return load(DATA / "mdd_plan.json")


def test_summary_counts_clients_by_what_their_numbers_show() -> None:
    gm = load_measures(DATA / "gad_nurse_week8.json", today=AS_OF)
    mm = load_measures(DATA / "mdd_recurrent_si_week6.json", today=AS_OF)
    unmeasured = gad().model_copy(
        update={"header": gad().header.model_copy(update={"record_id": "MRN-1"})}
    )
    got = summarize(
        [
            CaseloadItem("ana", gad(), gm, overdue=False),  # GAD-7 15 -> 7: improved, recovered
            CaseloadItem("ana", mdd(), mm, overdue=True),  # PHQ-9 21 -> 19: no reliable change
            CaseloadItem("ben", unmeasured, None, overdue=True),
        ],
        as_of=AS_OF,
    )
    ana, ben = got.by_clinician
    assert (ana.clients, ana.with_measures, ana.judged) == (2, 2, 2)
    assert (ana.improved, ana.recovered, ana.deteriorated) == (1, 1, 0)
    assert ana.share(ana.improved) == 0.5 and ana.share(ana.deteriorated) == 0.0
    assert (ana.reviews_overdue, ana.notes_copied, ana.clients_with_copied_notes) == (1, 1, 1)
    assert (ben.clients, ben.judged, ben.reviews_overdue) == (1, 0, 1)
    assert ben.share(ben.improved) is None  # nothing to judge: no share, not 0%
    assert (got.total.clients, got.total.improved, got.total.reviews_overdue) == (3, 1, 2)


def _sign_supervised(store: PlanStore, team: Team, me: object, plan: TreatmentPlan) -> int:
    pid = store.create(me, plan).plan_id
    store.submit(me, pid)
    store.approve(team.supervisor, pid)
    store.sign(me, pid, signed_on=SIGNED_ON)
    store.sign(team.supervisor, pid, signed_on=SIGNED_ON)
    return pid


def test_collect_reads_the_supervisors_clinicians_and_matches_measures_by_record(
    store: PlanStore, team: Team, tmp_path: Path
) -> None:
    _sign_supervised(store, team, team.ana, gad())
    _sign_supervised(store, team, team.ben, mdd())
    store.create(team.ana, gad())  # not signed: not in the view
    store.create(team.solo, gad())  # nobody's supervisee
    shutil.copy(DATA / "gad_nurse_week8.json", tmp_path / "a.json")
    shutil.copy(DATA / "mdd_recurrent_si_week6.json", tmp_path / "b.json")
    shutil.copy(DATA / "gad_nurse_week8.json", tmp_path / "c.json")
    (tmp_path / "d.json").write_text('{"format": "treatment-measures/1"}')
    got = collect(store, team.supervisor, tmp_path, as_of=AS_OF)
    assert [(s.clinician, s.clients, s.improved, s.judged) for s in got.by_clinician] == [
        ("ana", 1, 1, 1),
        ("ben", 1, 0, 1),
    ]
    assert got.problems[0] == "c.json: a second measures file for one client; left out"
    assert got.problems[1].startswith("d.json: refused (")
    # ben's MDD plan: its first review (planned 2026-11-02) moved to 2026-11-16 when it was
    # signed 14 days after the plan date, so it is overdue; ana's is due on 2026-11-30 itself
    assert [s.reviews_overdue for s in got.by_clinician] == [0, 1]
    assert (
        collect(store, team.supervisor, tmp_path, as_of=dt.date(2027, 2, 1)).total.reviews_overdue
        == 2
    )
    with pytest.raises(AccessDenied, match="for supervisors"):
        collect(store, team.ana, tmp_path, as_of=AS_OF)
    assert collect(store, team.other_sup, tmp_path, as_of=AS_OF).total.clients == 0


def test_population_cli(
    store: PlanStore, team: Team, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.cli import store as store_cli
    from assistant.config import get_settings

    _sign_supervised(store, team, team.ana, gad())
    shutil.copy(DATA / "gad_nurse_week8.json", tmp_path / "a.json")
    monkeypatch.setenv("TPA_DATABASE_URL", db_url)
    get_settings.cache_clear()
    app = typer.Typer()
    store_cli.register(app)
    result = CliRunner().invoke(
        app,
        ["plan", "population", "--measures-dir", str(tmp_path), "--as-of", "2026-11-30",
         "--user", "sam", "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("population as of 2026-11-30")
    assert lines[2].split() == ["ana", "1", "1", "1", "1", "(100%)", "1", "(100%)", "0", "(0%)",
                                "0", "1", "in", "1"]  # fmt: skip
    result = CliRunner().invoke(
        app,
        ["plan", "population", "--measures-dir", str(tmp_path / "none"), "--user", "sam",
         "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert isinstance(result.exception, AssistantError)
    assert "--measures-dir:" in str(result.exception) and "is not a folder" in str(result.exception)
