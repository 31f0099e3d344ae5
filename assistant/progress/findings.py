"""One finding shape for every check after signing: notes, safety and measure cadence."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

Code = Literal[
    "no_objective_cited",
    "unknown_objective_cited",
    "objective_untouched",
    "intervention_not_in_plan",
    "copy_forward",
    "narrative_contradicts_measures",
    "risk_item_positive",
    "risk_note",
    "reliable_deterioration",
    "measure_cannot_show_change",
]


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    severity: Literal["warning", "review_now"] = "warning"
    session_date: dt.date | None = None
    objective_id: str | None = None
    message: str
    copied_span: str | None = None
    copied_from: dt.date | None = None
    similarity: float | None = None
    alternative: str | None = None
