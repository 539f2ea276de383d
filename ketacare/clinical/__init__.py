"""KetaCare's pure clinical core: rating scales, eligibility, dosing, protocols, safety and
outcome rules. No Django, no database: typed functions and frozen dataclasses, each rule naming
the section of the clinical reference (REFERENCE §n) it implements. See docs/clinical.md.

Invalid input raises `ClinicalInputError` (a ValueError) naming the field and the allowed values.
"""

from __future__ import annotations

from ketacare.clinical import codes, measurement_plans
from ketacare.clinical.administration import DEVICE_REST_MIN, device_rest_findings
from ketacare.clinical.dosing import (
    DEFAULT_WEIGHT_MAX_AGE_DAYS,
    DEVICE_MG,
    Dose,
    EsketamineIndication,
    Infusion,
    Sex,
    WeightBasis,
    allowed_esketamine_doses,
    dosing_weight,
    esketamine_devices,
    ideal_body_weight,
    infused_mg,
    infusion,
    stale_weight_finding,
    weight_age_days,
    weight_based_dose,
)
from ketacare.clinical.eligibility import (
    Eligibility,
    EligibilityFacts,
    EligibilityStatus,
    HepaticImpairment,
    assess_eligibility,
)
from ketacare.clinical.episodes import DatedScore, course_episode
from ketacare.clinical.errors import ClinicalInputError
from ketacare.clinical.findings import Finding, FindingKind
from ketacare.clinical.instructions import patient_instructions
from ketacare.clinical.intervals import wilson_interval
from ketacare.clinical.measurement_plans import (
    DEFAULT_MEASUREMENT_PLAN,
    MEASUREMENT_EVENTS,
    DueQuestionnaire,
    MeasurementRule,
    ScheduledSession,
    measurement_schedule,
)
from ketacare.clinical.outcome_rates import (
    MIN_DENOMINATOR,
    Episode,
    OutcomeCounts,
    OutcomeSummary,
    Rate,
    episode_counts,
    outcome_summary,
    summary_from_counts,
)
from ketacare.clinical.outcomes import (
    REMISSION_MAX,
    RESPONSE_REDUCTION_PCT,
    Outcome,
    classify,
    phq9_change_category,
)
from ketacare.clinical.protocols import (
    PROTOCOLS,
    DoseRule,
    MonitoringPlan,
    Phase,
    PlannedSession,
    PreDoseRule,
    Protocol,
    customise,
    dose_order_findings,
    get_protocol,
    plan_sessions,
)
from ketacare.clinical.rems import (
    BloodPressure,
    RemsForm,
    rems_form_due,
    rems_form_problems,
    setting_certification_required,
)
from ketacare.clinical.routes import ROUTE_NAMES, ROUTES, Route
from ketacare.clinical.safety import (
    ESKETAMINE_MIN_OBSERVATION_MIN,
    Readiness,
    discharge_readiness,
    evaluate_vitals,
    pre_dose_check,
)
from ketacare.clinical.scales import INSTRUMENTS, SCALES, Instrument, Scale, get_scale
from ketacare.clinical.scoring import Score, score
from ketacare.clinical.staffing import DEFAULT_ACLS_ROUTES, acls_finding
from ketacare.clinical.suicide import (
    ALERT_LEVELS,
    REPORTED_THOUGHTS,
    RISK_LEVELS,
    AlertLevel,
    RiskLevel,
    TriageSettings,
    alert_level,
    reported_thoughts_level,
)
from ketacare.clinical.therapy_rhythm import integration_window, preparation_finding
from ketacare.clinical.trends import TrendFlags, TrendPoint, TrendSettings, trend_flags
from ketacare.clinical.triage import Triage, suicide_triage
from ketacare.clinical.vitals import (
    ENTRY_LIMITS,
    ESKETAMINE_PRE_DOSE_THRESHOLDS,
    PLAUSIBLE_RANGES,
    SUGGESTED_IV_THRESHOLDS,
    SUGGESTED_PRE_START_BP,
    Vitals,
    VitalThresholds,
    plausibility,
    vitals_acceptable,
)

__all__ = [
    "ALERT_LEVELS",
    "DEFAULT_ACLS_ROUTES",
    "DEFAULT_MEASUREMENT_PLAN",
    "DEFAULT_WEIGHT_MAX_AGE_DAYS",
    "DEVICE_MG",
    "DEVICE_REST_MIN",
    "ENTRY_LIMITS",
    "ESKETAMINE_MIN_OBSERVATION_MIN",
    "ESKETAMINE_PRE_DOSE_THRESHOLDS",
    "INSTRUMENTS",
    "MEASUREMENT_EVENTS",
    "MIN_DENOMINATOR",
    "PLAUSIBLE_RANGES",
    "PROTOCOLS",
    "REMISSION_MAX",
    "REPORTED_THOUGHTS",
    "RESPONSE_REDUCTION_PCT",
    "RISK_LEVELS",
    "ROUTES",
    "ROUTE_NAMES",
    "SCALES",
    "SUGGESTED_IV_THRESHOLDS",
    "SUGGESTED_PRE_START_BP",
    "AlertLevel",
    "BloodPressure",
    "ClinicalInputError",
    "DatedScore",
    "Dose",
    "DoseRule",
    "DueQuestionnaire",
    "Eligibility",
    "EligibilityFacts",
    "EligibilityStatus",
    "Episode",
    "EsketamineIndication",
    "Finding",
    "FindingKind",
    "HepaticImpairment",
    "Infusion",
    "Instrument",
    "MeasurementRule",
    "MonitoringPlan",
    "Outcome",
    "OutcomeCounts",
    "OutcomeSummary",
    "Phase",
    "PlannedSession",
    "PreDoseRule",
    "Protocol",
    "Rate",
    "Readiness",
    "RemsForm",
    "RiskLevel",
    "Route",
    "Scale",
    "ScheduledSession",
    "Score",
    "Sex",
    "TrendFlags",
    "TrendPoint",
    "TrendSettings",
    "Triage",
    "TriageSettings",
    "VitalThresholds",
    "Vitals",
    "WeightBasis",
    "acls_finding",
    "alert_level",
    "allowed_esketamine_doses",
    "assess_eligibility",
    "classify",
    "codes",
    "course_episode",
    "customise",
    "device_rest_findings",
    "discharge_readiness",
    "dose_order_findings",
    "dosing_weight",
    "episode_counts",
    "esketamine_devices",
    "evaluate_vitals",
    "get_protocol",
    "get_scale",
    "ideal_body_weight",
    "infused_mg",
    "infusion",
    "integration_window",
    "measurement_plans",
    "measurement_schedule",
    "outcome_summary",
    "patient_instructions",
    "phq9_change_category",
    "plan_sessions",
    "plausibility",
    "pre_dose_check",
    "preparation_finding",
    "rems_form_due",
    "rems_form_problems",
    "reported_thoughts_level",
    "score",
    "setting_certification_required",
    "stale_weight_finding",
    "suicide_triage",
    "summary_from_counts",
    "trend_flags",
    "vitals_acceptable",
    "weight_age_days",
    "weight_based_dose",
    "wilson_interval",
]
