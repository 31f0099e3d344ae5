"""The "Case facts" step of the app (``assistant.ui.facts_page``) through AppTest."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

TIMEOUT = 60


def _script() -> None:
    import json as _json

    import streamlit as st

    from assistant import plan as plan_mod
    from assistant.intake import parse
    from assistant.ui import facts_page
    from tests.conftest import INTAKES

    data = _json.loads((INTAKES / "aud_with_anxiety.json").read_text())
    data["preferences"].append("**no group therapy** [click](http://example.org)")
    intake = parse(data)
    facts_page.section(intake)
    plan = plan_mod.load("tests/data/plans/example_aud_anxiety.json")
    facts_page.attach(plan, intake)
    st.session_state["attached"] = plan.case_facts.model_dump_json()  # type: ignore[union-attr]


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_function(_script, default_timeout=TIMEOUT)
    app.run()
    assert not app.exception, app.exception
    return app


def _index(at: AppTest, startswith: str) -> int:
    texts = [t.value for t in at.text]
    return next(i for i, t in enumerate(texts) if t.startswith(startswith))


def test_facts_are_shown_with_their_quotes_before_drafting(at: AppTest) -> None:
    texts = [t.value for t in at.text]
    assert any("Alcohol: current use (withdrawal: current signs)" in t for t in texts)
    assert any("mild morning tremor" in c.value for c in at.code)
    assert "0 of 16 confirmed" in at.caption[0].value


def test_intake_text_is_never_rendered_as_markdown(at: AppTest) -> None:
    assert any("**no group therapy**" in c.value for c in at.code)
    assert not any("no group therapy" in m.value for m in at.markdown)


def test_confirming_a_fact_marks_it_and_goes_with_the_plan(at: AppTest) -> None:
    n = _index(at, "substance:")
    at.button(key=f"facts_confirm_{n}").click().run()
    facts = json.loads(at.session_state["attached"])
    (alcohol,) = facts["substances"]
    assert alcohol["confirmed"] is True and alcohol["source"] == "structured"
    assert "1 of 16 confirmed" in at.caption[0].value


def test_correcting_a_fact_records_the_clinician_as_its_source(at: AppTest) -> None:
    n = _index(at, "substance:")
    at.selectbox(key=f"facts_field_{n}").set_value("withdrawal").run()
    at.text_input(key=f"facts_value_{n}_withdrawal").set_value("history")
    at.button(key=f"facts_save_{n}").click().run()
    (alcohol,) = json.loads(at.session_state["attached"])["substances"]
    assert (alcohol["withdrawal"], alcohol["source"], alcohol["confirmed"]) == (
        "history",
        "clinician",
        True,
    )


def test_a_correction_the_model_refuses_is_one_clear_line(at: AppTest) -> None:
    n = _index(at, "substance:")
    at.selectbox(key=f"facts_field_{n}").set_value("withdrawal").run()
    at.text_input(key=f"facts_value_{n}_withdrawal").set_value("sometimes")
    at.button(key=f"facts_save_{n}").click().run()
    assert at.error and at.error[0].value.startswith("substance:alcohol.withdrawal:")


def test_removing_a_wrong_fact_takes_it_out_of_the_plan(at: AppTest) -> None:
    n = _index(at, "ruled out:")
    at.button(key=f"facts_remove_{n}").click().run()
    assert json.loads(at.session_state["attached"])["ruled_out"] == []
