"""Logs never hold client names, dates of birth, record ids or licence numbers."""

from __future__ import annotations

import logging

import pytest

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
        intake.clinician.license_number,
    ):
        if secret:
            assert secret not in text
    assert "[redacted]" in text
