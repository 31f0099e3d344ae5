"""Signing in the app: a typed-name attestation with credentials, and the client's optional
acknowledgement, both shown in the exports (``AppTest``)."""

from __future__ import annotations

from typing import Any

from assistant.export import render
from tests.store_fixtures import example_plan
from tests.test_app import accounts, app, data_dir, goto, no_exceptions, sign_in, texts

__all__ = ["accounts", "data_dir"]


def _key(at: Any, prefix: str, kind: str = "text_input") -> Any:
    return next(w for w in at.get(kind) if w.key and w.key.startswith(prefix))


def test_signing_needs_the_typed_name_and_the_attestation(accounts: dict[str, Any]) -> None:
    store, sam = accounts["store"], accounts["sam"]
    saved = store.create(sam, example_plan())  # a supervisor's own plan: signed alone
    at = goto(sign_in(app(), "sam"), "draft")
    at.button(key="draft_open_go").click().run()
    at.button(key="draft_sign").click().run()
    no_exceptions(at)
    assert any(
        "type your full name as it is on your account (Sam Reyes)" in e for e in texts(at, "error")
    )
    _key(at, "draft_sign.").input("sam reyes")
    at.button(key="draft_sign").click().run()
    assert "Signature: tick the attestation to sign" in texts(at, "error")
    _key(at, "draft_sign.", "checkbox").check()
    at.button(key="draft_sign").click().run()
    no_exceptions(at)
    assert any("signed (signed)" in s for s in texts(at, "success"))
    signed = store.get(sam, saved.plan_id).plan
    assert [(s.role, s.name, s.credentials) for s in signed.signatures] == [
        ("clinician", "Sam Reyes", "PhD")
    ]
    md = render(signed, "md").decode()
    assert "Sam Reyes" in md.split("Signatures")[-1]


def test_client_acknowledgement_is_recorded_and_exported(accounts: dict[str, Any]) -> None:
    accounts["store"].create(accounts["ana"], example_plan())
    at = goto(sign_in(app(), "ana"), "draft")
    at.button(key="draft_open_go").click().run()
    _key(at, "ack.go.", "button").click().run()
    assert any("Client acknowledgement: name" in e for e in texts(at, "error"))
    _key(at, "ack.name.").input("Ines Calder")
    _key(at, "ack.go.", "button").click().run()
    no_exceptions(at)
    plan = at.session_state["plan"]
    assert [(s.role, s.name) for s in plan.signatures] == [("client", "Ines Calder")]
    assert "Ines Calder" in render(plan, "md").decode().split("Signatures")[-1]
