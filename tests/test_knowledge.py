"""The knowledge base: every file loads, and what it says is checkable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import codes, instruments, knowledge
from assistant.errors import KnowledgeError
from tests.conftest import shared_file

KB = knowledge.load()
REQUIRED = {
    "gad",
    "panic",
    "social-anxiety",
    "specific-phobia",
    "ocd",
    "ptsd",
    "mdd",
    "pdd",
    "bipolar",
    "insomnia",
    "alcohol",
    "cannabis",
    "opioid",
    "bpd-self-harm",
    "adhd-adult",
    "adjustment",
    "prolonged-grief",
    "eating-binge-bulimia",
    "adolescent-depression",
    "perinatal-depression",
}


def test_every_required_presentation_and_module_exists() -> None:
    assert set(KB.presentations) >= REQUIRED
    assert {"safety-planning", "smart-writing", "audit-criteria", "instrument-guidance"} <= set(
        KB.modules
    )
    assert {e.presentation for e in KB.examples.values()} == {"gad", "mdd", "ptsd", "alcohol"}


@pytest.mark.parametrize("pid", sorted(KB.presentations))
def test_codes_are_real_billable_icd10cm_codes(pid: str) -> None:
    for c in KB.presentations[pid].codes:
        info = codes.lookup(c)
        assert info is not None and info.billable, f"{pid}: {c}"


@pytest.mark.parametrize("pid", sorted(KB.presentations))
def test_instruments_are_in_the_registry(pid: str) -> None:
    for o in KB.presentations[pid].objectives:
        if o.instrument:
            assert instruments.get(o.instrument) is not None, f"{o.id}: {o.instrument}"


def test_sources_cite_ids_from_the_facts_sheet() -> None:
    facts = shared_file("reference", "clinical-facts.md").read_text(encoding="utf-8")
    source_ids = set(re.findall(r"\*\*([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)\*\*", facts))
    assert len(source_ids) > 50
    unknown = set()
    for rec in KB.records():
        # a module may cite beyond the sheet only with the full reference written out
        own = getattr(rec, "citations", {})
        cited = [s.id for s in rec.sources] + [
            s.id for t in getattr(rec, "targets", []) for s in t.sources
        ]
        for sid in cited:
            if sid not in source_ids and len(own.get(sid, "")) < 40:
                unknown.add((rec.id, sid))
    assert not unknown, sorted(unknown)


@pytest.mark.parametrize("pid", sorted(KB.presentations))
def test_timelines_review_within_12_weeks_and_discharge_is_measurable(pid: str) -> None:
    tl = KB.presentations[pid].timeline
    points = [0, *sorted(tl.review_weeks)]
    assert all(b - a <= 12 for a, b in zip(points, points[1:], strict=False)), points
    assert max(tl.review_weeks) <= tl.weeks
    measurable = [c for c in tl.discharge_criteria if re.search(r"\d", c)]
    assert measurable, f"{pid}: no discharge criterion with a figure"


@pytest.mark.parametrize("pid", sorted(KB.presentations))
def test_interventions_name_a_protocol_with_evidence(pid: str) -> None:
    for i in KB.presentations[pid].interventions:
        assert i.sources and i.evidence.strip()
        assert len(i.techniques) >= 2 or i.modality.lower().startswith(
            ("medication", "referral")
        ), i.id


def test_content_hash_changes_with_content(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(knowledge.KNOWLEDGE_DIR, tmp_path / "k")
    before = knowledge.load(tmp_path / "k").content_hash
    f = tmp_path / "k" / "presentations" / "gad.yaml"
    bumped = re.sub(
        r"^version: (\d+)",
        lambda m: f"version: {int(m[1]) + 1}",
        f.read_text(),
        count=1,
        flags=re.M,
    )
    assert bumped != f.read_text()
    f.write_text(bumped)
    assert knowledge.load(tmp_path / "k").content_hash != before


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda t: t.replace("id: gad.goal.worry", "id: other.goal.worry", 1),
            "must start with 'gad.'",
        ),
        (lambda t: t + "\nunexpected: 1\n", "unexpected"),
        (
            lambda t: t.replace("objectives: [gad.obj.gad7,", "objectives: [gad.obj.missing,", 1),
            "gad.obj.missing",
        ),
    ],
)
def test_malformed_knowledge_is_refused_naming_the_file(
    tmp_path: Path, mutate, message: str
) -> None:  # type: ignore[no-untyped-def]
    d = tmp_path / "k"
    d.mkdir()
    src = (knowledge.KNOWLEDGE_DIR / "presentations" / "gad.yaml").read_text()
    (d / "gad.yaml").write_text(mutate(src))
    with pytest.raises(KnowledgeError, match="gad.yaml") as exc:
        knowledge.load(d)
    assert message in str(exc.value)


def test_drafting_rules_load_with_every_level_of_care() -> None:
    rules = KB.rules
    assert rules is not None
    php = rules.level("partial_hospitalization")
    iop = rules.level("intensive_outpatient")
    assert php.days_per_week == 5 and iop.days_per_week == 3 and iop.hours_per_day == 3
    assert rules.level("outpatient").days_per_week == 1
    assert rules.level("an unknown setting").label == "outpatient"
    assert set(rules.trauma_alternatives.therapies) <= {
        i.id for p in KB.presentations.values() for i in p.interventions
    }


def test_a_drafting_rules_file_without_partial_hospitalization_is_refused(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(knowledge.KNOWLEDGE_DIR, tmp_path / "knowledge")
    rules_file = tmp_path / "knowledge" / "rules" / "drafting.yaml"
    text = rules_file.read_text(encoding="utf-8")
    start = text.index("  partial_hospitalization:")
    end = text.index("\nmonitoring:")
    rules_file.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(KnowledgeError, match="drafting.yaml: .*partial_hospitalization"):
        knowledge.load(tmp_path / "knowledge")
