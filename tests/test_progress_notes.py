"""Golden-thread, copy-forward, safety and cadence checks, and the ``progress`` command."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import plan as plan_mod
from assistant.cli import _register, app
from assistant.progress.copies import NoteRef, find_copies
from assistant.progress.measures import parse
from assistant.progress.notes import claims_progress
from assistant.progress.report import assess
from assistant.progress.safety import cadence_findings, risk_phrase

DATA = Path(__file__).parent / "data" / "progress"
AS_OF = dt.date(2026, 11, 30)


def gad_plan():
    return plan_mod.load(DATA / "gad_plan.json")


def run(entries=(), sessions=(), plan=None, as_of=AS_OF):
    m = parse(
        {
            "format": "treatment-measures/1",
            "record_id": "MRN-20417",
            "entries": list(entries),
            "sessions": list(sessions),
        },
        today=AS_OF,
    )
    return assess(plan or gad_plan(), m, as_of=as_of)


def codes(report) -> list[tuple[str, str | None]]:
    return [
        (f.code, str(f.session_date) if f.session_date else f.objective_id) for f in report.notes
    ]


def session(day: str, note: str = "Reviewed the week.", objectives=("G1.O3",), interventions=()):
    return {
        "date": day,
        "objectives": list(objectives),
        "interventions": list(interventions),
        "note": note,
    }


# ------------------------------------------------------------------ golden thread


def test_a_note_citing_an_objective_the_plan_lacks_is_flagged() -> None:
    got = codes(run(sessions=[session("2026-11-20", objectives=["G9.O9"])]))
    assert ("unknown_objective_cited", "2026-11-20") in got
    assert ("no_objective_cited", "2026-11-20") in got


def test_a_note_citing_only_a_met_objective_cites_no_active_objective() -> None:
    plan = gad_plan()
    g = plan.goals[0]
    done = g.objectives[2].model_copy(update={"status": "met"})
    plan = plan.model_copy(update={"goals": [g.model_copy(update={"objectives": [done]})]})
    report = run(sessions=[session("2026-11-20")], plan=plan)
    f = next(f for f in report.notes if f.code == "no_objective_cited")
    assert "no active objective" in f.message


def test_objectives_untouched_for_n_weeks() -> None:
    sessions = [session("2026-11-02", objectives=["G1.O3", "G2.O1"]), session("2026-11-27")]
    report = run(sessions=sessions)
    untouched = {f.objective_id for f in report.notes if f.code == "objective_untouched"}
    # G1.O3 was worked on 3 days ago; G2.O1 four weeks ago; the rest never
    assert untouched == {"G1.O1", "G1.O2", "G2.O1", "G2.O2"}
    recent = run(sessions=sessions, as_of=dt.date(2026, 11, 29))
    assert "G2.O1" not in {f.objective_id for f in recent.notes if f.code == "objective_untouched"}


def test_no_session_notes_means_no_golden_thread_findings() -> None:
    assert run().notes == []


@pytest.mark.parametrize(
    ("name", "in_plan"),
    [
        ("applied relaxation", True),
        ("worry exposure", True),  # named inside the CBT for GAD technique
        ("behavioral experiments", True),  # US spelling, plural
        ("EMDR", False),
        ("hypnotherapy", False),
    ],
)
def test_interventions_in_notes_are_checked_against_the_plan(name: str, in_plan: bool) -> None:
    got = codes(run(sessions=[session("2026-11-20", interventions=[name])]))
    assert (("intervention_not_in_plan", "2026-11-20") in got) is not in_plan


# ------------------------------------------------------------------ copy-forward

NOTE = (
    "Practised cue-controlled relaxation in session; she used it twice after late shifts. "
    "Worry about charting errors rated 60%, down from 80%."
)


def test_near_identical_note_is_flagged_with_the_copied_span() -> None:
    edited = NOTE.replace("twice", "three times")
    report = run(
        sessions=[session("2026-11-16", NOTE), session("2026-11-23", NOTE + " Homework set.")]
    )
    f = next(f for f in report.notes if f.code == "copy_forward")
    assert f.session_date == dt.date(2026, 11, 23) and f.copied_from == dt.date(2026, 11, 16)
    assert (
        f.copied_span == NOTE.rstrip(".") and f.similarity is not None and 0.8 <= f.similarity < 1
    )
    # one changed word in a short note leaves too little shared wording to call it copied
    report = run(sessions=[session("2026-11-16", NOTE), session("2026-11-23", edited)])
    assert "copy_forward" not in [c for c, _ in codes(report)]


def test_different_notes_and_short_notes_are_not_flagged() -> None:
    notes = [
        session("2026-11-02", "Client cancelled."),
        session("2026-11-09", "Client cancelled."),
        session("2026-11-16", NOTE),
        session("2026-11-23", "Scheduled worry time held on 5 of 7 days; left work on time."),
    ]
    assert "copy_forward" not in [c for c, _ in codes(run(sessions=notes))]


def test_copies_across_clients_count_only_for_the_same_clinician() -> None:
    d1, d2 = dt.date(2026, 11, 2), dt.date(2026, 11, 9)
    same = find_copies(
        [NoteRef("a", "client-1", d1, NOTE, "dr-1"), NoteRef("b", "client-2", d2, NOTE, "dr-1")]
    )
    other = find_copies(
        [NoteRef("a", "client-1", d1, NOTE, "dr-1"), NoteRef("b", "client-2", d2, NOTE, "dr-2")]
    )
    assert [(c.note.key, c.earlier.key, c.identical) for c in same] == [("b", "a", True)]
    assert other == []


def test_copy_forward_over_a_thousand_notes_is_fast() -> None:
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(3000)] + ["worry", "sleep", "shift", "reviewed", "the"] * 300
    notes = [
        NoteRef(
            str(i),
            f"client-{i % 40}",
            dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
            " ".join(rng.choice(vocab) for _ in range(rng.randint(40, 120))),
            f"dr-{i % 5}",
        )
        for i in range(1000)
    ]
    notes[999] = NoteRef(
        "copy", "client-3", dt.date(2026, 12, 1), notes[3].text + " Homework set.", "dr-3"
    )
    start = time.process_time()  # CPU time: other work on the machine does not count
    found = find_copies(notes)
    assert time.process_time() - start < 2.0
    assert [(c.note.key, c.earlier.key) for c in found] == [("copy", "3")]


# ------------------------------------------------------------------ narrative against measures


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Client is progressing well and engaged.", "progressing well"),
        ("Mood improved this week.", "improved"),
        ("No progress this week.", None),
        ("Little improvement so far.", None),
        ("Reviewed the activity log.", None),
        ("Progress note: reviewed the activity log.", None),
        ("Discussed progress toward the sleep goal.", None),
        ("Asked whether there was any improvement; she was unsure.", None),
        ("Room for improvement in homework completion.", None),
    ],
)
def test_progress_claims_in_notes(text: str, phrase: str | None) -> None:
    assert claims_progress(text) == phrase


def test_progressing_note_is_not_flagged_when_the_scores_show_reliable_improvement() -> None:
    entries = [{"date": "2026-11-16", "instrument": "GAD-7", "score": 8}]
    report = run(entries, [session("2026-11-16", "She is progressing well.")])
    assert "narrative_contradicts_measures" not in [c for c, _ in codes(report)]
    entries = [{"date": "2026-11-16", "instrument": "GAD-7", "score": 13}]
    report = run(entries, [session("2026-11-16", "She is progressing well.")])
    assert ("narrative_contradicts_measures", "2026-11-16") in codes(report)


# ------------------------------------------------------------------ safety between reviews


def test_phq9_item_9_above_zero_flags_a_review_now() -> None:
    items = [1, 1, 1, 1, 1, 1, 0, 0, 1]
    report = run([{"date": "2026-11-16", "instrument": "PHQ-9", "score": 7, "items": items}])
    assert [f.code for f in report.safety] == ["risk_item_positive"]
    assert report.review_now and "safety section" in report.safety[0].message
    quiet = run(
        [{"date": "2026-11-16", "instrument": "PHQ-9", "score": 7, "items": [1] * 7 + [0, 0]}]
    )
    assert not quiet.review_now


def test_reliable_deterioration_flags_a_review_now() -> None:
    report = run([{"date": "2026-11-16", "instrument": "GAD-7", "score": 21}])
    assert [(f.code, f.objective_id) for f in report.safety] == [
        ("reliable_deterioration", "G1.O3")
    ]


@pytest.mark.parametrize(
    ("note", "risk"),
    [
        ("Passive thoughts of death twice this week, no intent.", "thoughts of death"),
        ("Reported suicidal thoughts after the argument.", "suicidal"),
        ("Denies suicidal ideation.", None),
        ("No self-harm since the last session.", None),
        ("Discussed sleep; no suicidal thoughts. Self-harm urges on Tuesday.", "Self-harm"),
        ("C-SSRS since last visit: suicidal ideation: none.", None),
        ("Self-harm - denied. Sleep diary reviewed.", None),
        ("Gave the 988 Suicide and Crisis Lifeline number again.", None),
        ("Suicide risk screen repeated.", None),
        ("Suicidal thoughts on Sunday night, passing.", "Suicidal"),
    ],
)
def test_risk_in_a_note(note: str, risk: str | None) -> None:
    assert risk_phrase(note) == risk


# ------------------------------------------------------------------ cadence


def test_a_past_year_questionnaire_cannot_show_change_in_a_90_day_review() -> None:
    plan = gad_plan()
    g = plan.goals[0]
    audit = g.objectives[2].model_copy(
        update={"id": "A.O1", "instrument": "AUDIT", "metric": "AUDIT"}
    )
    plan = plan.model_copy(update={"goals": [g.model_copy(update={"objectives": [audit]})]})
    found = cadence_findings(plan, 90)
    assert [f.objective_id for f in found] == ["A.O1"]
    assert "past year" in found[0].message and "Timeline Followback" in (found[0].alternative or "")
    assert cadence_findings(gad_plan(), 90) == []


# ------------------------------------------------------------------ the command

runner = CliRunner()


def cli(*args: str):
    _register()
    return runner.invoke(app, ["progress", *args])


def test_cli_json_names_the_interface_fields() -> None:
    res = cli(
        str(DATA / "gad_plan.json"),
        "--measures",
        str(DATA / "gad_nurse_week8.json"),
        "--intake",
        str(DATA / "gad_intake.json"),
        "--as-of",
        "2026-11-30",
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    gad = next(o for o in data["objectives"] if o["measure"] == "GAD-7")
    for key in (
        "id",
        "measure",
        "baseline",
        "latest",
        "change",
        "reliable_change",
        "target_met",
        "suggested_status",
    ):
        assert key in gad
    assert (gad["reliable_change"], gad["target_met"], gad["suggested_status"]) == (
        "improved",
        True,
        "met",
    )
    assert {"code", "session_date", "message"} <= set(data["notes"][0])
    assert "copy_forward" in {n["code"] for n in data["notes"]}


def test_cli_markdown_and_refusals(tmp_path: Path) -> None:
    args = [str(DATA / "mdd_plan.json"), "--measures", str(DATA / "mdd_recurrent_si_week6.json")]
    res = cli(*args, "--as-of", "2026-11-30", "--format", "md")
    assert res.exit_code == 0 and "no reliable change" in res.stdout
    assert "Review the plan now" in res.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "treatment-measures/1", "record_id": "MRN-31877", "entries": '
        '[{"date": "2026-11-02", "instrument": "PHQ-9", "score": 31}]}'
    )
    res = cli(args[0], "--measures", str(bad), "--as-of", "2026-11-30")
    assert res.exit_code == 2 and "entries[0].score: PHQ-9 scores run 0-27; got 31" in res.stderr
    res = cli(str(DATA / "gad_plan.json"), "--measures", args[2], "--as-of", "2026-11-30")
    assert res.exit_code == 2 and "record_id" in res.stderr
    res = cli(*args, "--as-of", "30/11/2026")
    assert res.exit_code == 2 and "--as-of" in res.stderr


def test_copy_forward_across_a_caseload_names_no_other_client() -> None:
    from assistant.progress.notes import copy_forward_across

    gad = gad_plan()
    mdd = plan_mod.load(DATA / "mdd_plan.json")
    mdd = mdd.model_copy(
        update={
            "header": mdd.header.model_copy(update={"clinician_name": gad.header.clinician_name})
        }
    )

    def m(record_id: str, day: str):
        return parse(
            {
                "format": "treatment-measures/1",
                "record_id": record_id,
                "entries": [],
                "sessions": [session(day, NOTE)],
            },
            today=AS_OF,
        )

    found = copy_forward_across(
        [(gad, m("MRN-20417", "2026-11-02")), (mdd, m("MRN-31877", "2026-11-09"))]
    )
    assert found["MRN-20417"] == []
    [f] = found["MRN-31877"]
    assert f.copied_from == dt.date(2026, 11, 2) and "for another client" in f.message
    assert "MRN-20417" not in f.message and gad.header.client_name not in f.message
    other = mdd.model_copy(
        update={"header": mdd.header.model_copy(update={"clinician_name": "Someone Else"})}
    )
    found = copy_forward_across(
        [(gad, m("MRN-20417", "2026-11-02")), (other, m("MRN-31877", "2026-11-09"))]
    )
    assert found["MRN-31877"] == []


def test_a_risk_note_says_what_the_safety_section_already_records() -> None:
    plan = plan_mod.load(DATA / "mdd_plan.json")
    m = parse(
        {
            "format": "treatment-measures/1",
            "record_id": "MRN-31877",
            "entries": [],
            "sessions": [session("2026-11-02", "Passive thoughts of death again.", ["G1.O2"])],
        },
        today=AS_OF,
    )
    [f] = assess(plan, m, as_of=AS_OF).safety
    assert "already records suicidal ideation (passive)" in f.message
    assert [
        g.code for g in run(sessions=[session("2026-11-02", "Reported suicidal thoughts.")]).safety
    ] == ["risk_note"]


def test_a_signed_plan_is_read_without_the_draft_note(tmp_path: Path) -> None:
    from assistant.plan import Signature

    plan = gad_plan()
    signed = plan.model_copy(
        update={
            "status": "signed",
            "signatures": [
                Signature(role="clinician", name="D. Okafor", signed_on=dt.date(2026, 10, 6))
            ],
        }
    )
    path = tmp_path / "signed.json"
    path.write_text(signed.dumps(), encoding="utf-8")
    res = cli(str(path), "--measures", str(DATA / "gad_nurse_week8.json"), "--as-of", "2026-11-30")
    assert res.exit_code == 0 and json.loads(res.stdout)["plan_status"] == "signed"
    assert "not signed" not in res.stderr
    draft = cli(
        str(DATA / "gad_plan.json"),
        "--measures",
        str(DATA / "gad_nurse_week8.json"),
        "--as-of",
        "2026-11-30",
    )
    assert "the plan is draft, not signed" in draft.stderr
