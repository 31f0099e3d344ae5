"""The Review page shows the whole plan, the last round's comments and what changed since
the last submission; Approve waits while comments are pending (``AppTest``)."""

from __future__ import annotations

from typing import Any

from assistant import planops
from assistant.review import ReviewNote
from tests.store_fixtures import example_plan
from tests.test_app import accounts, app, data_dir, goto, no_exceptions, sign_in, texts

__all__ = ["accounts", "data_dir"]


def _resubmitted(accounts: dict[str, Any]) -> int:
    store, ana, sam = accounts["store"], accounts["ana"], accounts["sam"]
    saved = store.create(ana, example_plan())
    store.submit(ana, saved.plan_id)
    store.return_plan(sam, saved.plan_id, [ReviewNote("obj-1-1", "other", "Aim for below 8.")])
    got = store.get(ana, saved.plan_id)
    fixed = planops.set_parts(got.plan, "obj-1-1", target="8")
    store.save(ana, saved.plan_id, fixed, expected_version=got.version)
    store.submit(ana, saved.plan_id)
    return int(saved.plan_id)


def test_supervisor_sees_what_changed_since_the_last_submission(accounts: dict[str, Any]) -> None:
    _resubmitted(accounts)
    at = goto(sign_in(app(), "sam"), "review")
    no_exceptions(at)
    heads = texts(at, "subheader")
    assert any(h.startswith("What changed since the last submission") for h in heads)
    md = " ".join(texts(at, "markdown"))
    assert "**Goal 1, objective 1** — changed" in md
    assert "<del" in md and "<ins" in md and "8" in md
    assert "Aim for below 8." in md  # the last round's comment
    assert "The whole plan" in heads
    rows = at.dataframe[0].value
    assert list(rows["Where"])[:2] == ["Goal 1, objective 1", "Goal 1, objective 2"]
    assert list(rows["Target"])[0] == "8"


def test_a_first_submission_has_no_diff(accounts: dict[str, Any]) -> None:
    store, ana = accounts["store"], accounts["ana"]
    saved = store.create(ana, example_plan())
    store.submit(ana, saved.plan_id)
    at = goto(sign_in(app(), "sam"), "review")
    assert not any(h.startswith("What changed") for h in texts(at, "subheader"))


def test_approve_is_off_while_a_comment_is_pending(accounts: dict[str, Any]) -> None:
    store, ana = accounts["store"], accounts["ana"]
    saved = store.create(ana, example_plan())
    store.submit(ana, saved.plan_id)
    at = goto(sign_in(app(), "sam"), "review")
    assert not at.button(key="rv_approve").disabled
    at.selectbox(key="rv_reason.obj-1-1").set_value("missing_target")
    at.text_input(key="rv_text.obj-1-1").input("Agree the target with her.")
    at.button(key="rv_add.obj-1-1").click().run()
    no_exceptions(at)
    assert at.button(key="rv_approve").disabled
    assert any("Approve is off while comments are waiting" in c for c in texts(at, "caption"))
    at.button(key="rv_rm.0").click().run()
    assert not at.button(key="rv_approve").disabled
