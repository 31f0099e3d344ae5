"""Logs never hold client names, dates of birth, record ids or licence numbers."""

from __future__ import annotations

import logging
from collections import OrderedDict

import pytest
import sqlalchemy as sa

from assistant import intake as intake_mod
from assistant import logs
from assistant.drafting import draft
from tests.conftest import VALID_INTAKES


@pytest.mark.parametrize("path", VALID_INTAKES, ids=lambda p: p.name)
def test_drafting_logs_carry_no_identifiers(path, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    intake = intake_mod.load(path)
    with caplog.at_level(logging.DEBUG, logger="assistant"):
        draft(intake)
        # even a careless log line naming the client is redacted
        logs.get_logger("assistant.test").warning(
            "drafting for %s (%s)", intake.client.name, intake.client.record_id
        )
    text = caplog.text
    assert caplog.records, "nothing was logged, so the check would prove nothing"
    for secret in (
        intake.client.name,
        intake.client.record_id,
        intake.client.date_of_birth.isoformat(),
        intake.clinician.license_number if intake.clinician else None,
    ):
        if secret:
            assert secret not in text
    assert "[redacted]" in text


def test_a_traceback_is_redacted_too(caplog: pytest.LogCaptureFixture) -> None:
    logs.register_identifiers("Maren Holt", "MRN-20417")
    with caplog.at_level(logging.DEBUG, logger="assistant"):
        try:
            raise ValueError("could not save the plan for Maren Holt (MRN-20417)")
        except ValueError:
            logs.get_logger("assistant.cli").debug("unhandled error", exc_info=True)
    assert "ValueError: could not save the plan for [redacted] ([redacted])" in caplog.text
    assert "Maren Holt" not in caplog.text and "MRN-20417" not in caplog.text


def test_sql_parameters_and_rows_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    """At debug level SQLAlchemy logs bound parameters and rows; an error quotes them."""
    intake_json = '{"client": {"name": "Unregistered Person", "record_id": "R-99"}}'
    engine = sa.create_engine("sqlite://")
    # the CLI's configure() may have set the "assistant" logger to WARNING in this process
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="assistant"):
        logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("create table plan (intake text)"))
                conn.execute(sa.text("insert into plan values (:i)"), {"i": intake_json})
                assert conn.execute(sa.text("select intake from plan")).scalar() == intake_json
                conn.execute(sa.text("insert into missing values (:i)"), {"i": intake_json})
        except sa.exc.OperationalError:
            logs.get_logger("assistant.store").debug("save failed", exc_info=True)
        finally:
            logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    text = caplog.text
    assert "insert into plan values" in text  # the statement itself is still logged
    assert "[parameters: [hidden: may hold client data]]" in text  # inside the traceback
    assert "Unregistered Person" not in text and "R-99" not in text


def test_the_identifier_set_is_bounded_and_keeps_the_latest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(logs, "_SECRETS", OrderedDict())  # leave the real set as it was
    for i in range(logs.MAX_IDENTIFIERS + 50):
        logs.register_identifiers(f"client-{i:05d}")
    logs.register_identifiers("x" * (logs.MAX_IDENTIFIER_CHARS + 1))  # too long to be a name
    assert logs.registered_count() == logs.MAX_IDENTIFIERS
    latest = f"client-{logs.MAX_IDENTIFIERS + 49:05d}"
    assert logs.redact(f"seen {latest}") == "seen [redacted]"
    assert logs.redact("seen client-00000") == "seen client-00000"  # the oldest was dropped
