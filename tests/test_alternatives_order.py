"""Alternatives come from the item's own presentation first; others follow, labelled."""

from __future__ import annotations

from typing import Any

from assistant.knowledge import load_cached
from assistant.retrieval import Hit
from assistant.ui import edits
from tests.store_fixtures import suggested_plan


class _Retriever:
    def search(self, query: str, codes: Any = (), k: int = 5, kinds: Any = None) -> list[Hit]:
        ids = ["insomnia.obj.diary", "gad.obj.sleep-onset", "gad.obj.checking"]
        return [
            Hit(
                id=i,
                record_id=i.split(".")[0],
                record_version=1,
                title=i,
                kind="objective",
                score=0.9 - n / 10,
                reason="ranked by the index",
                below_floor=False,
            )
            for n, i in enumerate(ids)
        ]


def test_same_presentation_first_and_others_labelled() -> None:
    plan = suggested_plan()
    goal = plan.goals[0]
    o = goal.objectives[0]
    o = o.model_copy(update={"provenance": o.provenance.model_copy(update={"record_id": "gad"})})
    plan = plan.model_copy(
        update={"goals": [goal.model_copy(update={"objectives": [o, *goal.objectives[1:]]})]}
    )
    found = edits.alternatives(_Retriever(), load_cached(), plan, "obj-1-1")
    assert [a.record_id for a in found] == ["gad", "gad", "insomnia"]
    assert found[-1].reason.startswith("from another presentation (insomnia)")
    assert not found[0].reason.startswith("from another presentation")
