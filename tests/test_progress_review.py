"""Review dispositions checked against the numbers, and the review packet (Markdown, FHIR)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from assistant import plan as plan_mod
from assistant.export import fhir as plan_fhir
from assistant.progress import packet, packet_fhir, review
from assistant.progress.measures import load, parse
from assistant.progress.report import assess

DATA = Path(__file__).parent / "data" / "progress"
AS_OF = dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def gad():
    plan = plan_mod.load(DATA / "gad_plan.json")
    m = load(DATA / "gad_nurse_week8.json", today=AS_OF)
    return plan, m, assess(plan, m, as_of=AS_OF)


def filled(report, **changes: tuple[str, str, str]):
    """The pre-filled dispositions with a rationale each, and some changed."""
    out = []
    for d in review.prefill(report):
        disp, rationale, just = changes.get(
            d.objective_id.replace(".", "_"), (d.disposition, "As measured.", "")
        )
        out.append(
            d.model_copy(
                update={"disposition": disp, "rationale": rationale, "justification": just}
            )
        )
    return out


def test_prefill_follows_the_numbers(gad) -> None:
    _, _, report = gad
    got = {d.objective_id: d.disposition for d in review.prefill(report)}
    assert got == {
        "G1.O1": "deferred",
        "G1.O2": "deferred",
        "G1.O3": "met",
        "G2.O1": "partially_met",
        "G2.O2": "partially_met",
    }
    assert all(d.rationale == "" for d in review.prefill(report))


def test_consistent_dispositions_pass(gad) -> None:
    _, _, report = gad
    assert review.check(report, filled(report)) == []


def test_missing_rationale_and_missing_objectives_are_errors(gad) -> None:
    _, _, report = gad
    ds = review.prefill(report)[:4]
    found = review.check(report, ds)
    assert {f.code for f in found} == {"RV01", "RV03"}
    assert [f.objective_id for f in found if f.code == "RV03"] == ["G2.O2"]


@pytest.mark.parametrize(
    ("objective", "disposition", "code"),
    [
        ("G2_O1", "met", "RV04"),  # sleep onset 25 misses the target of 20 or less
        ("G1_O3", "not_met", "RV06"),  # GAD-7 7 meets the target
        ("G1_O1", "met", "RV08"),  # nothing measured
    ],
)
def test_a_disposition_that_contradicts_the_numbers_is_an_error_until_justified(
    gad, objective: str, disposition: str, code: str
) -> None:
    _, _, report = gad
    found = review.check(report, filled(report, **{objective: (disposition, "Clinical view.", "")}))
    assert [(f.code, f.severity) for f in found] == [(code, "error")]
    justified = filled(
        report, **{objective: (disposition, "Clinical view.", "Diary shows 20 min last week.")}
    )
    found = review.check(report, justified)
    assert [(f.code, f.severity) for f in found] == [(code, "justified")]
    assert "Diary shows" in found[0].message


def test_progress_during_reliable_deterioration_is_an_error() -> None:
    plan = plan_mod.load(DATA / "gad_plan.json")
    m = parse(
        {
            "format": "treatment-measures/1",
            "record_id": "MRN-20417",
            "entries": [{"date": "2026-11-16", "instrument": "GAD-7", "score": 21}],
        },
        today=AS_OF,
    )
    report = assess(plan, m, as_of=AS_OF)
    found = review.check(report, filled(report, G1_O3=("partially_met", "She is improving.", "")))
    assert {f.code for f in found} == {"RV05", "RV09"}


def test_revised_objective_takes_the_latest_reading_as_baseline(gad) -> None:
    _, _, report = gad
    sleep = next(p for p in report.objectives if p.id == "G2.O1")
    new = review.revised_baseline(sleep)
    assert new is not None and (new.value, new.date) == (25, dt.date(2026, 11, 30))


def test_markdown_packet_shows_numbers_sessions_and_placeholders(gad) -> None:
    plan, m, report = gad
    text = packet.to_markdown(plan, m, report, filled(report))
    assert (
        "| G1.O3 | GAD-7: 15 (2026-10-05) to 7 (2026-11-30); reliable improvement; target < 10 met |"
        in text
    )
    assert "Reliable-change band around the baseline: 9.41 to 20.59." in text
    assert "2026-11-30 (review date)" in text
    assert "[progress: record days per week of relaxation practice to show change]" in text
    assert "continued treatment is needed to reach it" in text
    assert "`copy_forward` 2026-11-23" in text


def test_fhir_packet_validates_and_links_the_change_score(gad) -> None:
    plan, _, report = gad
    ds = filled(report)
    text = packet_fhir.to_json(
        plan, report, dispositions=ds, reviewer="R. Supervisor", signer="D. Okafor", now=NOW
    )
    data = json.loads(text)
    Bundle.model_validate(data)
    res = {e["fullUrl"]: e["resource"] for e in data["entry"]}
    goals = [r for r in res.values() if r["resourceType"] == "Goal"]
    gad_goal = next(g for g in goals if "GAD-7" in g["description"]["text"])
    assert gad_goal["lifecycleStatus"] == "completed"
    assert gad_goal["achievementStatus"]["coding"][0]["code"] == "achieved"
    change = next(
        r
        for r in res.values()
        if r["resourceType"] == "Observation"
        and r["code"].get("text") == "GAD-7 change from baseline"
    )
    assert change["valueQuantity"]["value"] == -8
    sources = [res[d["reference"]] for d in change["derivedFrom"]]
    assert [s["valueQuantity"]["value"] for s in sources] == [15, 7]
    assert sources[1]["code"]["coding"][0]["code"] == "70274-6"
    careplan = next(r for r in res.values() if r["resourceType"] == "CarePlan")
    old = json.loads(plan_fhir.to_json(plan, final=False, now=NOW))
    old_cp = next(e["fullUrl"] for e in old["entry"] if e["resource"]["resourceType"] == "CarePlan")
    assert careplan["replaces"][0]["reference"] == old_cp
    prov = next(r for r in res.values() if r["resourceType"] == "Provenance")
    roles = {a["type"]["coding"][0]["code"]: a["who"].get("display") for a in prov["agent"]}
    assert roles["verifier"] == "R. Supervisor" and roles["attester"] == "D. Okafor"


def test_fhir_packet_without_a_signer_is_a_draft(gad) -> None:
    plan, _, report = gad
    data = json.loads(packet_fhir.to_json(plan, report, now=NOW))
    careplan = next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "CarePlan"
    )
    assert careplan["status"] == "draft"
    goals = [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Goal"]
    assert {g["lifecycleStatus"] for g in goals} == {"active"}


def test_pdf_packet_draws_a_chart_per_measured_objective(gad, monkeypatch) -> None:
    from assistant.progress import packet_pdf

    monkeypatch.setattr(packet_pdf, "find_font", lambda: None)  # core font: text stays readable
    plan, m, report = gad
    text = packet_pdf.write(plan, m, report, filled(report), compress=False).decode("latin-1")
    assert text.startswith("%PDF")
    # one chart for each of the three measured objectives, each with its target and review marker
    assert re.findall(r"\(target ([<=> 0-9]+)\)", text) == ["< 10", "<= 20", "<= 1"]
    assert text.count("(review 2026-11-30)") == 3
    assert "(target < 10)" in text and "(moderate)" in text  # GAD-7 severity bands are labelled
    assert "within measurement error of the baseline" in text  # the reliable-change band


def test_cli_writes_the_packet_by_file_type(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assistant.cli import _register, app

    _register()
    args = [
        "progress",
        str(DATA / "gad_plan.json"),
        "--measures",
        str(DATA / "gad_nurse_week8.json"),
    ]
    for suffix, start in ((".md", b"# Plan review packet"), (".pdf", b"%PDF"), (".json", b"{")):
        out = tmp_path / f"packet{suffix}"
        res = CliRunner().invoke(app, [*args, "--as-of", "2026-11-30", "--packet", str(out)])
        assert res.exit_code == 0, res.output
        assert out.read_bytes().startswith(start)
    Bundle.model_validate(json.loads((tmp_path / "packet.json").read_text()))
    res = CliRunner().invoke(
        app, [*args, "--as-of", "2026-11-30", "--packet", str(tmp_path / "p.txt")]
    )
    assert res.exit_code == 2 and ".md, .pdf or .json" in res.stderr
