"""Inbox on sign-in, and the History page's versions, audit trail and comparison (``AppTest``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant import planops
from assistant.review import ReviewNote
from tests.store_fixtures import example_plan
from tests.test_app import accounts, app, data_dir, goto, no_exceptions, sign_in, texts

__all__ = ["accounts", "data_dir"]


def _submitted(accounts: dict[str, Any]) -> int:
    saved = accounts["store"].create(accounts["ana"], example_plan())
    accounts["store"].submit(accounts["ana"], saved.plan_id)
    return int(saved.plan_id)


def test_sign_in_opens_the_inbox_with_a_returned_plan(accounts: dict[str, Any]) -> None:
    pid = _submitted(accounts)
    accounts["store"].return_plan(accounts["sam"], pid, [ReviewNote("", "other", "More detail.")])
    at = sign_in(app(), "ana")
    no_exceptions(at)
    assert texts(at, "title") == ["Inbox"]
    assert "Returned to you (1)" in texts(at, "subheader")
    assert any(f"Plan {pid}" in m for m in texts(at, "markdown"))


def test_supervisor_inbox_lists_plans_awaiting_review(accounts: dict[str, Any]) -> None:
    _submitted(accounts)
    at = sign_in(app(), "sam")
    assert texts(at, "title") == ["Inbox"]
    assert "Awaiting your review (1)" in texts(at, "subheader")


def test_signed_plan_due_for_review_is_listed(accounts: dict[str, Any]) -> None:
    store, ana, sam = accounts["store"], accounts["ana"], accounts["sam"]
    pid = _submitted(accounts)
    plan = store.approve(sam, pid).plan
    first = sorted(plan.timeline.review_dates)[0] - plan.header.created
    # signed so that the first review, counted from signing, falls a week from today
    on = dt.date.today() + dt.timedelta(days=7) - first
    store.sign(ana, pid, signed_on=on)
    store.sign(sam, pid, signed_on=on)
    at = goto(sign_in(app(), "ana"), "inbox")
    no_exceptions(at)
    assert "Due for review (1)" in texts(at, "subheader")
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert any(f"review due {due}" in m for m in texts(at, "markdown"))


def test_nothing_waiting_opens_the_intake(accounts: dict[str, Any]) -> None:
    at = sign_in(app(), "ana")
    assert texts(at, "title") == ["Intake"]
    goto(at, "inbox")
    assert "Nothing is waiting for you." in texts(at, "info")


def test_history_lists_versions_and_compares_two(accounts: dict[str, Any]) -> None:
    store, ana = accounts["store"], accounts["ana"]
    saved = store.create(ana, example_plan())
    changed = planops.set_parts(saved.plan, "obj-1-1", target="8")
    store.save(ana, saved.plan_id, changed, expected_version=saved.version)
    at = goto(sign_in(app(), "ana"), "history")
    no_exceptions(at)
    versions = at.dataframe[0].value
    assert list(versions["Version"]) == [1, 2]
    md = " ".join(texts(at, "markdown"))
    assert "**Goal 1, objective 1** — changed" in md
    assert "<ins" in md
    audit = at.dataframe[1].value
    assert "create" in " ".join(audit["Action"]) or len(audit) >= 2


def test_an_overdue_review_is_listed_as_overdue(accounts: dict[str, Any]) -> None:
    store, ana, sam = accounts["store"], accounts["ana"], accounts["sam"]
    pid = _submitted(accounts)
    plan = store.approve(sam, pid).plan
    first = sorted(plan.timeline.review_dates)[0] - plan.header.created
    on = dt.date.today() - dt.timedelta(days=10) - first  # first review fell 10 days ago
    store.sign(ana, pid, signed_on=on)
    store.sign(sam, pid, signed_on=on)
    at = goto(sign_in(app(), "ana"), "inbox")
    no_exceptions(at)
    late = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    assert any(f"review due {late} (overdue)" in m for m in texts(at, "markdown"))
