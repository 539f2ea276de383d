"""API shapes for protocols, courses and their sessions. Numbers are passed on unchecked where
the clinical core decides the range, so its message (naming the field) is the one returned."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from ketacare.core.schemas import InputSchema
from ketacare.treatment.models import ProtocolVersion, TreatmentCourse
from ketacare.treatment.protocol_settings import current_settings
from ketacare.treatment.queries import course_ready_for_first_session, protocol_of

WeightBasisValue = Literal["actual", "ideal", "adjusted"]
IndicationValue = Literal["trd", "mdsi"]


class ProtocolSummaryOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    clinic_id: uuid.UUID = Field(alias="clinic.public_id")
    code: str
    version: int
    name: str
    route: str
    drug: str
    is_builtin: bool
    based_on: str
    change_note: str
    locked_at: dt.datetime | None


class ProtocolOut(ProtocolSummaryOut):
    definition: dict[str, Any]
    settings: dict[str, Any] = Field(description="The settings a new version may change.")

    @staticmethod
    def resolve_settings(version: ProtocolVersion) -> dict[str, Any]:
        return current_settings(protocol_of(version))


class ProtocolSettingsIn(InputSchema):
    """Settings to change, by name (see a protocol's `settings`); the rest stay as they are."""

    change_note: str = Field("", max_length=300)
    settings: dict[str, Any] = Field(default_factory=dict)


class DoseIn(InputSchema):
    dose_mg_per_kg: float | None = None
    weight_basis: WeightBasisValue | None = None
    max_dose_mg: float | None = None
    fixed_dose_mg: int | None = None
    override_reason: str = Field(
        "", max_length=2000, description="Required to order a dose the core warns about."
    )


class CourseIn(DoseIn):
    protocol_id: uuid.UUID
    start_date: dt.date
    weekdays: list[int | str] | None = Field(None, description="0-6 (Monday = 0) or names.")
    start_phase: str = ""
    maintenance_interval_weeks: int | None = None
    plan_weeks: int | None = None
    indication: IndicationValue | Literal[""] = ""


class DoseChangeIn(DoseIn):
    reason: str = Field(max_length=300)


class ReasonIn(InputSchema):
    reason: str = Field(max_length=300)


class ResumeIn(InputSchema):
    resume_on: dt.date


class RemsIn(InputSchema):
    enrollment_id: str = Field(max_length=40)
    enrolled_on: dt.date


class BookIn(InputSchema):
    scheduled_time: dt.time
    chair: str = Field("", max_length=40)


class MoveIn(InputSchema):
    scheduled_on: dt.date
    scheduled_time: dt.time | None = None


class SessionOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    number: int
    scheduled_on: dt.date
    scheduled_time: dt.time | None
    week: int
    stage: str
    phase_code: str
    dose_rule: str
    allowed_mg: list[int]
    status: str
    chair: str
    previous_date: dt.date | None
    cancel_reason: str


class DoseOrderOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    dose_mg_per_kg: Decimal | None
    weight_basis: str
    max_dose_mg: Decimal | None
    fixed_dose_mg: int | None
    ordered_by: str = Field(alias="ordered_by.email")
    ordered_at: dt.datetime
    reason: str
    override_reason: str
    overridden: list[str]


class CourseOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    patient_id: uuid.UUID = Field(alias="patient.public_id")
    protocol_id: uuid.UUID = Field(alias="protocol_version.public_id")
    protocol: str = Field(alias="protocol_version.label")
    eligibility_decision_id: uuid.UUID = Field(alias="eligibility_decision.public_id")
    route: str
    indication: str
    status: str
    start_phase: str
    start_date: dt.date
    weekdays: list[int]
    prescriber: str = Field(alias="prescriber.email")
    started_at: dt.datetime
    pause_reason: str
    ended_at: dt.datetime | None
    end_reason: str
    dose_mg_per_kg: Decimal | None
    weight_basis: str
    max_dose_mg: Decimal | None
    fixed_dose_mg: int | None
    rems_enrollment_id: str
    rems_enrolled_on: dt.date | None
    ready_for_first_session: dict[str, str] = Field(
        description="What is missing before the first session ({} when ready)."
    )
    dose_orders: list[DoseOrderOut]

    @staticmethod
    def resolve_ready_for_first_session(course: TreatmentCourse) -> dict[str, str]:
        return course_ready_for_first_session(course)
