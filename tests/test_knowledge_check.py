"""``knowledge check`` and the loader's slot check: an author's typo is caught before drafting."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import knowledge
from assistant.cli import _register, app
from assistant.errors import KnowledgeError
from assistant.knowledge_check import check, tag_vocabulary, template_slots

_register()
runner = CliRunner()


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "knowledge"
    shutil.copytree(knowledge.KNOWLEDGE_DIR, dest)
    return dest


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _seed_three_typos(kb_dir: Path) -> None:
    gad = kb_dir / "presentations" / "gad.yaml"
    _edit(gad, "from {baseline} to {target} or fewer", "from {baseline} to {targt} or fewer")
    _edit(gad, "tags: [relaxation, body, practical]", "tags: [relaxation, bdoy, practical]")
    _edit(gad, "  older_adult: Slow the pace", "  older_adutl: Slow the pace")


def test_the_shipped_knowledge_has_no_problems() -> None:
    assert [str(p) for p in check()] == []


def test_slots_come_from_the_composer() -> None:
    assert {"baseline", "target", "weeks", "metric", "unit"} <= template_slots()
    assert {"group", "medication", "eye-movements", "cbt"} <= tag_vocabulary()


def test_a_slot_tag_and_adaptation_typo_are_all_reported_in_one_run(kb_copy: Path) -> None:
    _seed_three_typos(kb_copy)
    found = [str(p) for p in check(kb_copy)]
    assert len(found) == 3, found
    assert all(p.startswith("presentations/gad.yaml: gad: ") for p in found), found
    assert any("objective gad.obj" in p and "unknown slot {targt}" in p for p in found)
    assert any("tags" in p and "unknown tag 'bdoy'" in p for p in found)
    assert any("adaptations" in p and "unknown adaptation 'older_adutl'" in p for p in found)


def test_problems_in_several_files_are_all_reported(kb_copy: Path) -> None:
    _seed_three_typos(kb_copy)
    _edit(kb_copy / "presentations" / "mdd.yaml", "{weeks}", "{wekes}")
    _edit(kb_copy / "rules" / "drafting.yaml", "{referred_by}", "{referrer}")
    _edit(kb_copy / "presentations" / "panic.yaml", "version: ", "version: zero #")
    found = [str(p) for p in check(kb_copy)]
    assert len(found) == 6, found
    assert any(p.startswith("presentations/mdd.yaml: mdd: ") and "{wekes}" in p for p in found)
    assert any(p.startswith("rules/drafting.yaml: ") and "{referrer}" in p for p in found)
    assert any(p.startswith("presentations/panic.yaml: panic: version") for p in found)


def test_unpaired_braces_are_reported_not_raised(kb_copy: Path) -> None:
    _edit(kb_copy / "presentations" / "gad.yaml", "to {target} or fewer", "to {target or fewer")
    (problem,) = check(kb_copy)
    assert "braces do not pair up" in problem.message


def test_the_loader_refuses_a_bad_slot_naming_file_record_and_slot(kb_copy: Path) -> None:
    _edit(kb_copy / "presentations" / "gad.yaml", "to {target} or fewer", "to {targt} or fewer")
    with pytest.raises(KnowledgeError) as err:
        knowledge.load(kb_copy)
    message = str(err.value)
    assert message.startswith("gad.yaml: gad: objective gad.obj.")
    assert "{targt}" in message


def test_a_bad_slot_in_the_drafting_rules_is_reported_by_the_check(kb_copy: Path) -> None:
    _edit(kb_copy / "rules" / "drafting.yaml", "{substance}", "{substnace}")
    (problem,) = check(kb_copy)
    assert str(problem).startswith("rules/drafting.yaml: drafting-rules: ")
    assert "unknown slot {substnace}" in problem.message


def test_cli_check_exits_2_listing_every_problem(kb_copy: Path) -> None:
    _seed_three_typos(kb_copy)
    res = runner.invoke(app, ["knowledge", "check", "--dir", str(kb_copy)])
    assert res.exit_code == 2, res.output
    assert "{targt}" in res.output and "'bdoy'" in res.output and "'older_adutl'" in res.output
    assert "3 problem(s) in 1 file(s)" in res.output
    res = runner.invoke(app, ["knowledge", "check", "--dir", str(kb_copy), "--json"])
    assert {p["record"] for p in json.loads(res.output)} == {"gad"}


def test_cli_check_exits_0_on_the_shipped_knowledge() -> None:
    res = runner.invoke(app, ["knowledge", "check"])
    assert res.exit_code == 0, res.output
    assert "no problems" in res.output


def test_schema_knowledge_describes_every_kind_of_file() -> None:
    res = runner.invoke(app, ["schema", "knowledge"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert {"Presentation", "Module", "ExamplePlan", "DraftingRules"} <= set(data["$defs"])


README = knowledge.KNOWLEDGE_DIR / "README.md"


def _readme_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [b.split("\n", 1)[1] for b in text.split("```")[1::2]]


def test_the_readme_worked_example_passes_the_check_and_drafts_its_slots(kb_copy: Path) -> None:
    example, message = _readme_blocks()[:2]
    (kb_copy / "presentations" / "hoarding.yaml").write_text(example, encoding="utf-8")
    assert [str(p) for p in check(kb_copy)] == []
    loaded = knowledge.load(kb_copy)
    assert loaded.for_code("F42.3")[0].id == "hoarding"
    # the message the README shows is the one the check prints for its typo
    (kb_copy / "presentations" / "hoarding.yaml").write_text(
        example.replace("at least {target}", "at least {targt}"), encoding="utf-8"
    )
    assert [str(p) for p in check(kb_copy)] == [message.strip()]


def test_every_slot_the_check_allows_is_filled_by_the_drafter(kb_copy: Path) -> None:
    """Each rules wording is rewritten to use every slot the check allows for it, and each
    objective template gets every template slot added, then the shared intakes and eval
    cases are drafted: a slot the drafter does not fill would fail with a KeyError here,
    not in a clinician's draft."""
    import fnmatch
    import re

    import yaml

    from assistant import intake as intake_mod
    from assistant.drafting import draft
    from assistant.knowledge_check import RULE_SLOTS, _leaves
    from tests.conftest import INTAKES

    rules_file = kb_copy / "rules" / "drafting.yaml"
    data = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    marked: dict[str, tuple[str, str]] = {}
    for path, _ in _leaves(data):
        pattern = next((p for p in RULE_SLOTS if fnmatch.fnmatchcase(path, p)), None)
        if pattern is None:
            continue
        marker = f"zq{len(marked)}qz"
        marked[marker] = ("rules", path)
        holder = data
        *parents, last = path.split(".")
        for key in parents:
            holder = holder[key]
        holder[last] = f"{marker} " + " ".join(f"{{{s}}}" for s in sorted(RULE_SLOTS[pattern]))
    rules_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    every_slot = " ".join(f"{{{s}}}" for s in sorted(template_slots()))
    for pres in sorted((kb_copy / "presentations").glob("*.yaml")):
        record = yaml.safe_load(pres.read_text(encoding="utf-8"))
        for o in record["objectives"]:
            marker = f"zq{len(marked)}qz"
            marked[marker] = ("template", o["id"])
            o["text"] = o["text"].rstrip().rstrip(".") + f" ({marker} {every_slot})."
        pres.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    kb = knowledge.load(kb_copy)
    cases = Path(__file__).resolve().parents[1] / "evals" / "cases"
    reached: set[tuple[str, str]] = set()
    for intake_path in [*sorted(INTAKES.glob("*.json")), *sorted(cases.glob("*.json"))]:
        out = draft(intake_mod.load(intake_path), knowledge=kb).plan.dumps()
        reached |= {marked[m] for m in re.findall(r"zq\d+qz", out)}
    rules = {path for kind, path in reached if kind == "rules"}
    assert len(rules) >= 20, sorted(rules)
    assert len(reached) - len(rules) >= 40, "objective templates reached"
    assert {
        "mandate.requirements",
        "withdrawal.safety_action",
        "trauma_alternatives.text",
    } <= rules
