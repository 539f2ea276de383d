"""API shapes for the intake and the eligibility decision."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from ketacare.core.schemas import InputSchema

RouteValue = Literal["iv", "esketamine_nasal", "im", "sublingual", "oral"]
ReferralValue = Literal["self", "psychiatrist", "primary_care", "therapist", "hospital", "other"]
PregnancyValue = Literal["not_applicable", "not_pregnant", "pregnant", "unknown"]
HepaticValue = Literal["none", "mild", "moderate", "severe"]
OutcomeValue = Literal["no_response", "partial_response", "response", "intolerance", "ongoing"]
DecisionValue = Literal["eligible", "not_eligible", "eligible_with_override"]


class IntakePatch(InputSchema):
    """Every field optional: only the ones sent change."""

    referral_source: ReferralValue | Literal[""] | None = None
    referral_detail: str | None = Field(None, max_length=200)
    psychiatric_history: str | None = None
    intended_route: RouteValue | Literal[""] | None = None
    on_oral_antidepressant: bool | None = None
    pregnancy_status: PregnancyValue | Literal[""] | None = None
    breastfeeding: bool | None = None
    substance_use: str | None = None
    hepatic_impairment: HepaticValue | None = None
    suicidal_ideation_or_behavior: bool | None = None
    aneurysmal_vascular_disease: bool | None = None
    arteriovenous_malformation: bool | None = None
    intracerebral_hemorrhage_history: bool | None = None
    ketamine_hypersensitivity: bool | None = None
    bp_rise_serious_risk: bool | None = None
    psychosis_current: bool | None = None
    psychosis_history: bool | None = None
    bipolar_or_mania: bool | None = None
    substance_use_disorder_active: bool | None = None
    substance_use_disorder_history: bool | None = None
    uncontrolled_hypertension: bool | None = None
    significant_arrhythmia: bool | None = None
    unstable_cerebrovascular_disease: bool | None = None
    raised_intracranial_or_intraocular_pressure: bool | None = None
    hypertensive_encephalopathy_history: bool | None = None
    ulcerative_or_interstitial_cystitis: bool | None = None


class TrialIn(InputSchema):
    drug: str = Field(min_length=1, max_length=120)
    dose: str = Field(min_length=1, max_length=80)
    weeks: int = Field(ge=0, le=520)
    adequate: bool
    outcome: OutcomeValue


class TrialOut(TrialIn):
    id: uuid.UUID = Field(alias="public_id")
    entered_in_error: bool
    error_reason: str


class VitalsIn(InputSchema):
    measured_at: dt.datetime
    # Any integer is accepted here so the clinical core can name the field and its range.
    sbp: int | None = None
    dbp: int | None = None
    hr: int | None = None
    spo2: int | None = None
    rr: int | None = None
    weight_kg: Decimal | None = Field(None, max_digits=5, decimal_places=1)
    height_cm: Decimal | None = Field(None, max_digits=4, decimal_places=1)
    confirm_readings: bool = Field(
        False, description="Required true when a reading is unusual (the 422 lists which)."
    )


class VitalsOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    measured_at: dt.datetime
    sbp: int | None
    dbp: int | None
    hr: int | None
    spo2: int | None
    rr: int | None
    plausibility_confirmed: bool
    confirmed_findings: list[str]


class IntakeOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    status: str
    referral_source: str
    referral_detail: str
    psychiatric_history: str
    intended_route: str
    on_oral_antidepressant: bool | None
    pregnancy_status: str
    breastfeeding: bool
    substance_use: str
    hepatic_impairment: str
    medical_flags: dict[str, bool]
    trials: list[TrialOut]
    vitals: list[VitalsOut]


class FindingOut(Schema):
    code: str
    kind: str
    message: str
    source: str
    field: str | None


class ReviewOut(Schema):
    route: str
    missing: dict[str, str]
    status: str | None
    findings: list[FindingOut]
    indications: list[str]
    facts: dict[str, Any] | None
    fact_sources: dict[str, str]
    triage: dict[str, Any]
    facts_digest: str


class DecisionIn(InputSchema):
    route: RouteValue
    decision: DecisionValue
    reason: str = Field("", max_length=2000)
    facts_digest: str = Field(
        min_length=1,
        description="From GET .../eligibility: the review you read. Signing refuses it if the"
        " facts changed since, so nobody signs facts they did not see.",
    )


class DecisionOut(Schema):
    id: uuid.UUID = Field(alias="public_id")
    route: str
    status: str
    decision: str
    reason: str
    overridden_warnings: list[str]
    findings: list[FindingOut]
    facts: dict[str, Any]
    fact_sources: dict[str, str]
    indications: list[str]
    triage: dict[str, Any]
    signed_by: str = Field(alias="signed_by.email")
    signed_at: dt.datetime
