"""Every rule has a failing and a passing case in tests/cases/rules/<CODE>.yaml.

A case is a patch over one of the example plans (tests/data/plans) and its intake:
``set`` maps dotted paths (``goals.0.objectives.1.baseline``) to new values,
``intake_set`` does the same for the intake (``intake: none`` drops it), and
``profile`` / ``for_signing`` choose how the plan is checked. A ``fail`` case must
produce the file's rule (with ``severity`` when given); a ``pass`` case must not.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant import intake as intake_mod
from assistant import plan as plan_mod
from assistant.validation import RULES, validate

CASES = Path(__file__).parent / "cases" / "rules"
DATA = Path(__file__).parent / "data"
_KEYS = {"name", "base", "intake", "set", "intake_set", "profile", "for_signing", "severity"}


def _set(doc: Any, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = doc
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node[p]
    last = parts[-1]
    if isinstance(node, list):
        i = int(last)
        if i == len(node):
            node.append(value)
        else:
            node[i] = value
    else:
        node[last] = value


def _load(name: str, folder: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / folder / f"{name}.json").read_text())
    return data


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text())
        for expect in ("fail", "pass"):
            for case in spec.get(expect) or []:
                out.append(
                    pytest.param(path.stem, expect, case, id=f"{path.stem}-{expect}-{case['name']}")
                )
    return out


@pytest.mark.parametrize(("code", "expect", "case"), _cases())
def test_rule_case(code: str, expect: str, case: dict[str, Any]) -> None:
    assert set(case) <= _KEYS, f"unknown keys in case: {set(case) - _KEYS}"
    base = case.get("base", "example_gad")
    plan_doc = copy.deepcopy(_load(base, "plans"))
    for k, v in (case.get("set") or {}).items():
        _set(plan_doc, k, v)
    plan = plan_mod.loads(json.dumps(plan_doc))
    intake = None
    if case.get("intake", base) != "none":
        intake_doc = copy.deepcopy(_load(case.get("intake", base), "intakes"))
        for k, v in (case.get("intake_set") or {}).items():
            _set(intake_doc, k, v)
        intake = intake_mod.parse(intake_doc)
    report = validate(
        plan, intake, case.get("profile", "default"), for_signing=case.get("for_signing", False)
    )
    hits = [f for f in report.findings if f.rule == code]
    if expect == "fail":
        assert hits, f"{code} did not fire; findings: {[f.line() for f in report.findings]}"
        if "severity" in case:
            assert {f.severity for f in hits} == {case["severity"]}
        assert all(f.message and f.name == RULES[code].name for f in hits)
    else:
        assert not hits, [f.line() for f in hits]


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    for code in RULES:
        path = CASES / f"{code}.yaml"
        assert path.is_file(), f"no case file for {code}"
        spec = yaml.safe_load(path.read_text())
        assert spec.get("fail") and spec.get("pass"), f"{code} needs fail and pass cases"
    assert {p.stem for p in CASES.glob("*.yaml")} <= set(RULES), "case file for an unknown rule"
