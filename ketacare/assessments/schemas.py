"""API shapes for rating-scale administrations."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt

from ketacare.core.schemas import InputSchema

InstrumentValue = Literal["phq9", "gad7", "qids_sr16", "madrs", "cssrs_screener", "moaas", "cadss6"]
ContextValue = Literal["baseline", "follow_up"]


class AssessmentIn(InputSchema):
    instrument: InstrumentValue
    # Strict: "2" is not 2 and 1 is not Yes; the clinical core refuses guesses, so must we.
    answers: dict[str, StrictBool | StrictInt] = Field(
        description='Item id -> answer, e.g. {"1": 2, "2": 0} (C-SSRS: true/false).'
    )
    administered_at: dt.datetime
    context: ContextValue = "baseline"


class AssessmentOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    instrument: str
    context: str
    administered_at: dt.datetime
    answers: dict[str, bool | int]
    total: int | None
    severity: str
    severity_label: str
    flags: list[str]
    risk: str
    entered_in_error: bool
    error_reason: str
    recorded_by: str = Field(alias="recorded_by.email")
