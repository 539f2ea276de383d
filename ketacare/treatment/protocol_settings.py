"""The settings a clinic may change when it makes its own protocol version, and how they become
a new core `Protocol` (through `clinical.customise`, so the core validates every value).

Settings are named flat (`in_session_sbp_max`, `phase_induction_weeks`) so a form field, an API
field and an error message all use the same name.
"""

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError

from ketacare import clinical
from ketacare.clinical.dosing import WEIGHT_BASES
from ketacare.clinical.errors import require_choice, require_int
from ketacare.clinical.safety_watch import QUESTION_KINDS

THRESHOLD_NAMES = tuple(item.name for item in dataclasses.fields(clinical.VitalThresholds))
THRESHOLD_GROUPS = ("pre_dose", "in_session")
PHASE_SETTINGS = ("sessions_per_week", "weeks", "max_sessions")
DOSE_SETTINGS = ("dose_mg_per_kg", "max_dose_mg", "weight_basis", "fixed_doses_mg")
# How old the weight of a weight-based dose may be before the nurse must acknowledge it
# (REFERENCE §2.1 sets no limit; `clinical.stale_weight_finding` applies it).
WEIGHT_SETTINGS = ("weight_max_age_days",)
MONITORING_SETTINGS = ("min_observation_min", "vitals_interval_min")
# The measurement plan, one switch per questionnaire and course event (`measure_phq9_intake`),
# and how many weeks apart the maintenance questionnaires are (REFERENCE sets no schedule).
MEASURE_SWITCHES = tuple(
    f"measure_{instrument}_{event}"
    for instrument in clinical.measurement_plans.PLAN_INSTRUMENTS
    for event in clinical.MEASUREMENT_EVENTS
)
MEASURE_SETTINGS = (*MEASURE_SWITCHES, "measure_maintenance_every_weeks")
# The thresholds of the patient trend's flags (REFERENCE §5.1; the rise has no default).
TREND_SETTINGS = ("trend_rapid_response_pct", "trend_early_improvement_pct", "trend_rise_points")
# Therapy alongside the drug (REFERENCE §7 gives no numbers): preparation before the first dose
# and the integration window after each dose (`clinical.therapy_rhythm`).
THERAPY_SETTINGS = (
    "therapy_preparation_sessions",
    "therapy_preparation_rule",
    "therapy_integration_min_hours",
    "therapy_integration_max_hours",
)

# The long-term safety watch (`clinical.safety_watch`; REFERENCE names the harms only): how
# often each check is due in maintenance (empty: not scheduled), its cut-off, and the
# questions of a questionnaire check (a list of strings: one question each), and how many
# sessions each end of the blood-pressure trend averages.
WATCH_SETTINGS = (
    *(
        f"watch_{kind}_{name}"
        for kind in clinical.WATCH_KINDS
        for name in ("every_weeks", "positive_at", "questions")
        if name != "questions" or kind in QUESTION_KINDS
    ),
    "watch_blood_pressure_readings",
)


def setting_names(protocol: clinical.Protocol) -> tuple[str, ...]:
    """Every setting of `protocol` a clinic may change."""
    return (
        "name",
        *_dose_settings(protocol),
        *MONITORING_SETTINGS,
        *(f"{group}_{name}" for group in THRESHOLD_GROUPS for name in THRESHOLD_NAMES),
        *(f"phase_{phase.code}_{name}" for phase in protocol.phases for name in PHASE_SETTINGS),
        *MEASURE_SETTINGS,
        *TREND_SETTINGS,
        *THERAPY_SETTINGS,
        *WATCH_SETTINGS,
    )


def _dose_settings(protocol: clinical.Protocol) -> tuple[str, ...]:
    # Esketamine doses are the label's (REFERENCE §1.3), never a clinic setting.
    if protocol.drug == "esketamine":
        return ()
    if protocol.dose_rule.kind == "weight_based":
        return (*DOSE_SETTINGS[:3], *WEIGHT_SETTINGS)
    return DOSE_SETTINGS[3:]


def current_settings(protocol: clinical.Protocol) -> dict[str, Any]:
    """The value of every setting in `protocol`, e.g. to fill a form."""
    rule, monitoring = protocol.dose_rule, protocol.monitoring
    values: dict[str, Any] = {
        "name": protocol.name,
        "dose_mg_per_kg": rule.mg_per_kg,
        "max_dose_mg": rule.max_mg,
        "weight_basis": rule.weight_basis,
        "weight_max_age_days": rule.weight_max_age_days,
        "fixed_doses_mg": list(rule.allowed_mg),
        "min_observation_min": monitoring.min_observation_min,
        "vitals_interval_min": monitoring.vitals_interval_min,
    }
    for group in THRESHOLD_GROUPS:
        thresholds = getattr(monitoring, f"{group}_thresholds")
        values.update({f"{group}_{name}": getattr(thresholds, name) for name in THRESHOLD_NAMES})
    for phase in protocol.phases:
        values.update(
            {f"phase_{phase.code}_{name}": getattr(phase, name) for name in PHASE_SETTINGS}
        )
    asked = {f"measure_{rule.instrument}_{rule.event}": rule for rule in protocol.measurement}
    values.update({name: name in asked for name in MEASURE_SWITCHES})
    spacing = [rule.every_weeks for rule in protocol.measurement if rule.event == "maintenance"]
    values["measure_maintenance_every_weeks"] = spacing[0] if spacing else 4
    values.update({name: getattr(protocol, name) for name in (*TREND_SETTINGS, *THERAPY_SETTINGS)})
    for check in protocol.watch:
        values[f"watch_{check.kind}_every_weeks"] = check.every_weeks
        values[f"watch_{check.kind}_positive_at"] = check.positive_at
        values[f"watch_{check.kind}_questions"] = list(check.questions)
        values[f"watch_{check.kind}_readings"] = check.readings
    return {name: values[name] for name in setting_names(protocol)}


def customised(
    base: clinical.Protocol, changes: dict[str, Any], *, version: int
) -> clinical.Protocol:
    """`base` with `changes` (setting name -> value) as `version`; ValidationError names the
    setting of any value the core refuses."""
    allowed = setting_names(base)
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        listed = ", ".join(allowed)
        raise ValidationError(
            {name: f"Not a setting of this protocol; settings: {listed}." for name in unknown}
        )
    values = {**current_settings(base), **changes}
    try:
        return clinical.customise(
            base,
            version=version,
            name=str(values["name"]).strip() or base.name,
            dose_rule=_dose_rule(base, values),
            phases=tuple(_phase(phase, values) for phase in base.phases),
            monitoring=_monitoring(base, values),
            measurement=_measurement(values),
            watch=tuple(_watch_check(kind, values) for kind in clinical.WATCH_KINDS),
            **{name: values[name] for name in (*TREND_SETTINGS, *THERAPY_SETTINGS)},
        )
    except clinical.ClinicalInputError as error:
        # The message without the core's field name: the error sits on the setting's field.
        message = str(error).split(": ", 1)[-1]
        raise ValidationError({_setting(error.field): [message]}) from error


def _setting(field: str) -> str:
    """The setting a core error is about ("induction.weeks" -> "phase_induction_weeks")."""
    if "." in field:
        code, name = field.split(".", 1)
        return f"phase_{code}_{name}"
    return field.split(" ")[0]


def _dose_rule(base: clinical.Protocol, values: dict[str, Any]) -> clinical.DoseRule:
    rule = base.dose_rule
    if not _dose_settings(base):
        return rule
    if rule.kind == "weight_based":
        changed = dataclasses.replace(
            rule,
            mg_per_kg=values["dose_mg_per_kg"],
            max_mg=values["max_dose_mg"],
            weight_basis=require_choice("weight_basis", values["weight_basis"], WEIGHT_BASES),
            weight_max_age_days=values["weight_max_age_days"],
        )
        # The core's dose rules refuse a rate or cap no order could use.
        clinical.dose_order_findings(
            dataclasses.replace(base, dose_rule=changed),
            dose_mg_per_kg=changed.mg_per_kg,
            max_dose_mg=changed.max_mg,
        )
        return dataclasses.replace(changed, description=_weight_based_text(changed))
    doses = _fixed_doses(values["fixed_doses_mg"])
    return dataclasses.replace(
        rule,
        allowed_mg=doses,
        first_dose_mg=rule.first_dose_mg if rule.first_dose_mg in doses else doses[0],
        description=f"Clinic setting: {', '.join(f'{mg} mg' for mg in doses)}.",
    )


def _weight_based_text(rule: clinical.DoseRule) -> str:
    cap = f", at most {rule.max_mg:g} mg" if rule.max_mg is not None else ""
    return f"Clinic setting: {rule.mg_per_kg:g} mg/kg on {rule.weight_basis} weight{cap}."


def _fixed_doses(doses: Any) -> tuple[int, ...]:
    if not isinstance(doses, list | tuple) or not doses:
        raise clinical.ClinicalInputError("fixed_doses_mg", "give at least one dose in mg")
    return tuple(
        require_int(f"fixed_doses_mg[{index}]", dose, 1, 2000) for index, dose in enumerate(doses)
    )


def _watch_check(kind: str, values: dict[str, Any]) -> clinical.WatchCheck:
    questions = values.get(f"watch_{kind}_questions", ())
    if not isinstance(questions, list | tuple) or not all(isinstance(q, str) for q in questions):
        raise clinical.ClinicalInputError(f"watch_{kind}_questions", "give a list of questions")
    return clinical.WatchCheck(
        kind,
        every_weeks=values[f"watch_{kind}_every_weeks"],
        positive_at=values[f"watch_{kind}_positive_at"],
        questions=tuple(question.strip() for question in questions),
        readings=values.get(f"watch_{kind}_readings"),
    )


def _phase(phase: clinical.Phase, values: dict[str, Any]) -> clinical.Phase:
    return dataclasses.replace(
        phase, **{name: values[f"phase_{phase.code}_{name}"] for name in PHASE_SETTINGS}
    )


def _monitoring(base: clinical.Protocol, values: dict[str, Any]) -> clinical.MonitoringPlan:
    observation = values["min_observation_min"]
    # The core's discharge rule knows each route's minimum observation (esketamine >= 120 min);
    # asking it now refuses a version no session could be discharged under.
    clinical.discharge_readiness(
        base.route,
        minutes_since_dose=0,
        latest_moaas=None,
        vitals_acceptable=True,
        clinician_confirms=True,
        min_observation_min=observation,
    )
    interval = values["vitals_interval_min"]
    if interval is not None:
        require_int("vitals_interval_min", interval, 1, 240)
    return dataclasses.replace(
        base.monitoring,
        min_observation_min=observation,
        vitals_interval_min=interval,
        pre_dose_thresholds=_thresholds("pre_dose", values),
        in_session_thresholds=_thresholds("in_session", values),
    )


def _measurement(values: dict[str, Any]) -> tuple[clinical.MeasurementRule, ...]:
    every = values["measure_maintenance_every_weeks"]
    try:  # named as the setting, not as the core's rule field
        clinical.MeasurementRule("phq9", "maintenance", every_weeks=every)
    except clinical.ClinicalInputError as error:
        message = str(error).split(": ", 1)[-1]
        raise clinical.ClinicalInputError("measure_maintenance_every_weeks", message) from error
    return tuple(
        clinical.MeasurementRule(instrument, event, every_weeks=every)
        for instrument in clinical.measurement_plans.PLAN_INSTRUMENTS
        for event in clinical.MEASUREMENT_EVENTS
        if values[f"measure_{instrument}_{event}"] is True
    )


def _thresholds(group: str, values: dict[str, Any]) -> clinical.VitalThresholds:
    try:
        return clinical.VitalThresholds(
            **{name: values[f"{group}_{name}"] for name in THRESHOLD_NAMES}
        )
    except clinical.ClinicalInputError as error:
        message = str(error).split(": ", 1)[-1]
        raise clinical.ClinicalInputError(f"{group}_{error.field}", message) from error
