"""API shapes for dosing sessions."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt

from ketacare.core.schemas import InputSchema

CheckpointValue = Literal["pre_dose", "post_40min", "pre_discharge", "routine"]
ScoreInstrument = Literal["phq9", "cssrs_screener", "moaas", "cadss6"]
SeverityValue = Literal["mild", "moderate", "severe"]


class CheckInIn(InputSchema):
    chair: str = ""


class ChecklistIn(InputSchema):
    identity_confirmed: bool = False
    fasting_ok: bool = False
    driver_arranged: bool = False
    pregnancy_status_checked: bool = False
    concomitant_meds_reviewed: bool = False


class ReasonIn(InputSchema):
    reason: str


class VitalsIn(InputSchema):
    measured_at: dt.datetime
    checkpoint: CheckpointValue = "routine"
    sbp: StrictInt | None = None
    dbp: StrictInt | None = None
    hr: StrictInt | None = None
    spo2: StrictInt | None = None
    rr: StrictInt | None = None
    confirm_readings: bool = False


class ScoreIn(InputSchema):
    instrument: ScoreInstrument
    answers: dict[str, StrictBool | StrictInt]
    administered_at: dt.datetime


class AdministrationIn(InputSchema):
    # A clinic on the controlled-substance ledger names the stock (lot at a place) the dose is
    # drawn from, and what was drawn in the lot's unit (the dose's own quantity if left out);
    # otherwise it types the lot number and expiry.
    stock_id: uuid.UUID | None = None
    drawn_quantity: Decimal | None = Field(None, gt=0, max_digits=10, decimal_places=3)
    lot_number: str = ""
    lot_expiry: dt.date | None = None
    dose_mg: Decimal = Field(gt=0, max_digits=6, decimal_places=1)
    started_at: dt.datetime
    concentration_mg_per_ml: Decimal | None = Field(None, gt=0, max_digits=6, decimal_places=2)
    infusion_minutes: int | None = Field(None, gt=0, le=1440)
    difference_reason: str = ""
    override_reason: str = ""
    # True acknowledges a weight older than the protocol's weight_max_age_days; without it
    # such a dose is refused (422 naming this field) until a fresh weight is recorded.
    weight_acknowledged: bool = False


class WasteIn(InputSchema):
    waste_quantity: Decimal = Field(gt=0, max_digits=10, decimal_places=3)
    wasted_at: dt.datetime
    witness_email: str
    witness_password: str


class WasteOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    quantity: Decimal
    occurred_at: dt.datetime
    witness: str

    @staticmethod
    def resolve_witness(obj: Any) -> str:
        return str(obj.witness.email)


class DeviceIn(InputSchema):
    administered_at: dt.datetime


class PauseIn(InputSchema):
    paused_at: dt.datetime
    reason: str


class ResumeIn(InputSchema):
    resumed_at: dt.datetime


class StopIn(InputSchema):
    stopped_at: dt.datetime
    reason: str = ""


class SideEffectIn(InputSchema):
    observed_at: dt.datetime
    kind: Literal[
        "nausea",
        "vomiting",
        "dizziness",
        "dissociation",
        "headache",
        "anxiety",
        "sedation",
        "other",
    ]
    severity: SeverityValue
    other: str = ""


class InterventionIn(InputSchema):
    given_at: dt.datetime
    kind: Literal[
        "antiemetic",
        "infusion_paused",
        "infusion_stopped",
        "antihypertensive",
        "oxygen",
        "reassurance",
        "other",
    ]
    detail: str = ""


class AdverseEventIn(InputSchema):
    onset_at: dt.datetime
    severity: SeverityValue
    serious: bool
    description: str
    action_taken: str = ""


class DischargeIn(InputSchema):
    vitals_acceptable: bool
    clinician_confirms: bool
    no_driving_instruction_given: bool
    discharged_at: dt.datetime | None = Field(
        None, description="When the patient left (the end of monitoring); default now."
    )


class CorrectionIn(InputSchema):
    entry_id: uuid.UUID
    reason: str


class EntryOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    entered_in_error: bool
    error_reason: str
    recorded_by: str = Field(alias="recorded_by.email")


class VitalsOut(EntryOut):
    measured_at: dt.datetime
    checkpoint: str
    sbp: int | None
    dbp: int | None
    hr: int | None
    spo2: int | None
    rr: int | None
    findings: list[dict[str, Any]]
    plausibility_confirmed: bool


class ScoreOut(EntryOut):
    instrument: str = Field(alias="assessment.instrument")
    administered_at: dt.datetime = Field(alias="assessment.administered_at")
    total: int | None = Field(alias="assessment.total")
    risk: str = Field(alias="assessment.risk")


class DeviceOut(EntryOut):
    device_number: int
    administered_at: dt.datetime
    findings: list[dict[str, Any]]


class PauseOut(EntryOut):
    paused_at: dt.datetime
    resumed_at: dt.datetime | None
    reason: str


class AdministrationOut(EntryOut):
    drug: str
    route: str
    lot_number: str
    lot_expiry: dt.date
    dose_mg: Decimal
    ordered_dose_mg: Decimal
    weight_used_kg: Decimal | None
    weight_basis: str
    weight_measured_at: dt.datetime | None
    weight_acknowledged: bool
    concentration_mg_per_ml: Decimal | None
    infusion_minutes: int | None
    rate_mg_per_h: Decimal | None
    rate_ml_per_h: Decimal | None
    volume_ml: Decimal | None
    devices_planned: int | None
    started_at: dt.datetime
    stopped_at: dt.datetime | None
    stop_reason: str
    difference_reason: str
    override_reason: str
    overridden: list[str]
    devices: list[DeviceOut] = []
    pauses: list[PauseOut] = []
    stock_id: uuid.UUID | None = None
    drawn_quantity: Decimal | None = None

    @staticmethod
    def resolve_stock_id(obj: Any) -> uuid.UUID | None:
        return obj.draw.stock.public_id if obj.draw_id else None

    @staticmethod
    def resolve_drawn_quantity(obj: Any) -> Decimal | None:
        return obj.draw.quantity if obj.draw_id else None

    @staticmethod
    def resolve_devices(obj: Any) -> list[Any]:
        return list(obj.devices.all())

    @staticmethod
    def resolve_pauses(obj: Any) -> list[Any]:
        return list(obj.pauses.all())


class SideEffectOut(EntryOut):
    observed_at: dt.datetime
    kind: str
    other: str
    severity: str


class InterventionOut(EntryOut):
    given_at: dt.datetime
    kind: str
    detail: str


class AdverseEventOut(EntryOut):
    onset_at: dt.datetime
    severity: str
    serious: bool
    description: str
    action_taken: str


class SessionSummaryOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    status: str
    route: str
    chair: str
    checked_in_at: dt.datetime
    patient_id: uuid.UUID = Field(alias="patient.public_id")
    course_id: uuid.UUID = Field(alias="course.public_id")


class SessionOut(SessionSummaryOut):
    identity_confirmed: bool
    fasting_ok: bool
    driver_arranged: bool
    pregnancy_status_checked: bool
    concomitant_meds_reviewed: bool
    findings: list[dict[str, Any]]
    triage: dict[str, Any]
    override_reason: str
    overridden: list[str]
    dose_started_at: dt.datetime | None
    discharged_at: dt.datetime | None
    no_driving_instruction_given: bool
    abort_reason: str
    vitals: list[VitalsOut]
    scores: list[ScoreOut]
    administrations: list[AdministrationOut]
    side_effects: list[SideEffectOut]
    interventions: list[InterventionOut]
    adverse_events: list[AdverseEventOut]

    @staticmethod
    def resolve_vitals(obj: Any) -> list[Any]:
        return list(obj.vitals.all())

    @staticmethod
    def resolve_scores(obj: Any) -> list[Any]:
        return list(obj.scores.all())

    @staticmethod
    def resolve_administrations(obj: Any) -> list[Any]:
        return list(obj.administrations.all())

    @staticmethod
    def resolve_side_effects(obj: Any) -> list[Any]:
        return list(obj.side_effects.all())

    @staticmethod
    def resolve_interventions(obj: Any) -> list[Any]:
        return list(obj.interventions.all())

    @staticmethod
    def resolve_adverse_events(obj: Any) -> list[Any]:
        return list(obj.adverse_events.all())


class TodayOut(Schema):
    planned_session_id: uuid.UUID = Field(alias="public_id")
    scheduled_time: dt.time | None
    chair: str
    patient_id: uuid.UUID = Field(alias="course.patient.public_id")
    patient: str = Field(alias="course.patient.display_name")
    dosing_session_id: uuid.UUID | None = None

    @staticmethod
    def resolve_dosing_session_id(obj: Any) -> uuid.UUID | None:
        dosing = getattr(obj, "dosing", None)
        return dosing.public_id if dosing else None


class DosingHistoryOut(Schema):
    """One dosing session of a patient's history with the dose given (`dose_mg` None: no
    dose); flags count only entries not marked entered-in-error."""

    id: uuid.UUID
    course_id: uuid.UUID
    protocol: str
    planned_session_id: uuid.UUID | None
    checked_in_at: dt.datetime
    status: str
    route: str
    drug: str | None
    dose_mg: Decimal | None
    ordered_dose_mg: Decimal | None
    dose_mg_per_kg: Decimal | None
    weight_used_kg: Decimal | None
    weight_basis: str
    weight_measured_at: dt.datetime | None
    weight_acknowledged: bool
    devices_planned: int | None
    devices_used: int
    lot_number: str
    adverse_events: int
    serious_adverse_event: bool
    severe_side_effects: int
    discharged_at: dt.datetime | None


class DueOut(Schema):
    label: str
    due_at: dt.datetime
    overdue: bool


class BoardRowOut(Schema):
    """One line of the chair board (see `dosing.board.BoardRow`)."""

    clinic_id: uuid.UUID
    patient_id: uuid.UUID
    patient: str
    mrn: str
    chair: str
    phase: str
    phase_label: str
    scheduled_time: dt.time | None
    planned_session_id: uuid.UUID | None
    dosing_session_id: uuid.UUID | None
    minutes_since_dose: int | None
    due: DueOut | None
    alerts: list[str]
    readiness: str
    ready: bool
