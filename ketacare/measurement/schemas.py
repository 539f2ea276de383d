"""API shapes of the portal's questionnaires and the staff's alerts."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field, StrictInt

from ketacare.assessments.models import RiskAlert
from ketacare.core.schemas import InputSchema

ActionValue = Literal[
    "called_patient",
    "seen_in_clinic",
    "cssrs_done",
    "safety_plan",
    "referred_emergency",
    "no_contact",
]


class AssignmentOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    instrument: str
    name: str = Field(alias="instrument_name")
    opens_at: dt.datetime
    expires_at: dt.datetime
    status: str
    draft: dict[str, int]


class ChoiceOut(Schema):
    value: int
    text: str


class ItemOut(Schema):
    id: str
    text: str
    choices: list[ChoiceOut]


class QuestionnaireOut(Schema):
    assignment: AssignmentOut
    name: str
    recall: str
    copyright: str
    items: list[ItemOut]
    answers: dict[str, int]


class ResponseIn(InputSchema):
    # Strict: "2" is not 2; the clinical core refuses guesses, so must we.
    answers: dict[str, StrictInt] = Field(description='Item id -> answer, e.g. {"1": 2}.')


class CrisisOut(Schema):
    clinic_phone: str
    crisis_line: str


class ResponseOut(Schema):
    assignment: AssignmentOut
    total: int | None
    severity_label: str
    alert_level: str | None
    crisis: CrisisOut | None = Field(
        description="Shown to the patient at once when the answers raised an alert."
    )


class AlertOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    level: str
    state: str
    patient_id: uuid.UUID = Field(alias="patient.public_id")
    instrument: str | None = Field(
        None, description="The scale whose suicide item raised it; none for a clinician's report."
    )
    item_value: int | None
    reported_in: str = Field(description="Where a clinician reported it (e.g. therapy_note).")
    reported_as: str
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    escalated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    actions: list[str]
    note: str

    @staticmethod
    def resolve_instrument(alert: RiskAlert) -> str | None:
        return alert.assessment.instrument if alert.assessment is not None else None


class AcknowledgeIn(InputSchema):
    note: str = Field("", max_length=2000)


class ResolveIn(InputSchema):
    actions: list[ActionValue] = Field(min_length=1)
    note: str = Field("", max_length=2000)


class RateOut(Schema):
    numerator: int
    denominator: int
    proportion: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool


class SummaryOut(Schema):
    n_started: int
    n_completed: int
    n_with_scores: int
    response_itt: RateOut
    remission_itt: RateOut
    response_completers: RateOut
    remission_completers: RateOut
    min_denominator: int


class GroupOut(Schema):
    breakdown: Literal["route", "protocol", "prescriber", "quarter_started"]
    group: str
    summary: SummaryOut


class OutcomesOut(Schema):
    clinic_id: uuid.UUID
    months: int
    since: dt.datetime
    until: dt.datetime
    overall: SummaryOut
    dropped_after_first: int
    median_days_to_response: float | None
    groups: list[GroupOut]
