import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from ketacare.core.schemas import InputSchema


class FindingOut(Schema):
    code: str
    kind: str
    message: str
    source: str
    field: str | None


class SubmissionOut(Schema):
    submitted_at: dt.datetime
    submitted_by: str
    confirmation: str
    warnings_acknowledged: list[str]


class RemsFormOut(Schema):
    dosing_session_id: uuid.UUID
    session_status: str
    form: dict[str, Any] = Field(description='Every field of the form; blanks are null or "".')
    sources: dict[str, str] = Field(description="Where each value came from.")
    problems: list[FindingOut]
    due_on: dt.date | None = Field(description="Last day to submit (7 calendar days).")
    submission: SubmissionOut | None


class AnswersIn(InputSchema):
    """The staff's answers; every answer is sent (null or "" lets the record's value stand)."""

    sedation: bool | None = None
    dissociation: bool | None = None
    respiratory_depression: bool | None = None
    ready_to_leave_minutes: int | None = Field(None, ge=0, le=1440)
    vitals_acceptable_before: bool | None = None
    vitals_acceptable_at_completion: bool | None = None
    hcp_first_name: str = Field("", max_length=80)
    hcp_last_name: str = Field("", max_length=80)
    hcp_phone: str = Field("", max_length=30)
    hcp_email: str = Field("", max_length=254)
    adverse_event_notes: str = ""


class SubmitIn(InputSchema):
    confirmation: str = Field(..., max_length=80, description="What the REMS gave back.")
    acknowledge_warnings: bool = False


class DueOut(Schema):
    dosing_session_id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    treatment_date: dt.date
    due_on: dt.date
    days_left: int
    overdue: bool
