"""The shape of a protocol: dose rule, phases, monitoring plan, pre-dose rules (REFERENCE §1.3,
§1.5, §1.6, §2.1-§2.6). Protocols are immutable; `customise` makes a new version."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from ketacare.clinical.dosing import (
    DEFAULT_WEIGHT_MAX_AGE_DAYS,
    WEIGHT_MAX_AGE_LIMIT_DAYS,
    WeightBasis,
)
from ketacare.clinical.errors import ClinicalInputError, require_int
from ketacare.clinical.measurement_plans import (
    DEFAULT_MEASUREMENT_PLAN,
    MeasurementRule,
    check_plan,
)
from ketacare.clinical.routes import Route, check_route
from ketacare.clinical.safety_watch import DEFAULT_WATCH, WatchCheck, check_watch
from ketacare.clinical.therapy_rhythm import check_therapy
from ketacare.clinical.trends import TrendSettings
from ketacare.clinical.vitals import VitalThresholds

__all__ = [
    "DoseRule",
    "MonitoringPlan",
    "Phase",
    "PreDoseRule",
    "Protocol",
    "Stage",
    "customise",
]

Stage = Literal["induction", "maintenance"]


@dataclass(frozen=True, slots=True)
class DoseRule:
    """How a session's dose is set.

    "fixed": one of `allowed_mg` (the course's first dose is `first_dose_mg` when set).
    "weight_based": `mg_per_kg` of the dosing weight on `weight_basis`, within `mg_per_kg_range`
    (the studied range), capped at `max_mg`; IV over `infusion_minutes`. The weight it uses
    may be at most `weight_max_age_days` old before the dose needs an acknowledgement (a clinic
    setting: REFERENCE §2.1 gives no limit).
    """

    kind: Literal["fixed", "weight_based"]
    description: str
    source: str
    allowed_mg: tuple[int, ...] = ()
    first_dose_mg: int | None = None
    mg_per_kg: float | None = None
    mg_per_kg_range: tuple[float, float] | None = None
    weight_basis: WeightBasis = "actual"
    max_mg: float | None = None
    infusion_minutes: int | None = None
    weight_max_age_days: int = DEFAULT_WEIGHT_MAX_AGE_DAYS

    def __post_init__(self) -> None:
        require_int("weight_max_age_days", self.weight_max_age_days, 1, WEIGHT_MAX_AGE_LIMIT_DAYS)


@dataclass(frozen=True, slots=True)
class Phase:
    """One phase of a schedule. `code` is unique in the protocol (e.g. "maintenance_w9_plus",
    after REFERENCE §9); `stage` is what a clinician calls it ("induction" or "maintenance").

    Sessions fall `sessions_per_week` times a week, every `interval_weeks` weeks (a clinic may
    choose among `interval_options`), for `weeks` weeks (None: open-ended), at most
    `max_sessions` sessions. `dose_rule` None means the protocol's.
    """

    code: str
    stage: Stage
    label: str
    weeks: int | None
    source: str
    sessions_per_week: int = 1
    interval_weeks: int = 1
    interval_options: tuple[int, ...] = ()
    max_sessions: int | None = None
    dose_rule: DoseRule | None = None
    note: str = ""

    def __post_init__(self) -> None:
        require_int(f"{self.code}.sessions_per_week", self.sessions_per_week, 1, 7)
        require_int(f"{self.code}.interval_weeks", self.interval_weeks, 1, 52)
        if self.weeks is not None:
            require_int(f"{self.code}.weeks", self.weeks, 1, 520)
        if self.max_sessions is not None:
            require_int(f"{self.code}.max_sessions", self.max_sessions, 1, 500)
        if self.interval_options and self.interval_weeks not in self.interval_options:
            raise ClinicalInputError(
                f"{self.code}.interval_weeks", f"must be one of {self.interval_options}"
            )


@dataclass(frozen=True, slots=True)
class MonitoringPlan:
    """What is watched at a session: minimum observation after the dose (None: set by the
    clinic), BP checkpoints, the vital-signs interval in minutes (None: as clinically
    warranted), pulse oximetry, the sedation and dissociation scales, and the protocol's vital
    thresholds before the dose and during the session (empty unless the clinic sets them)."""

    min_observation_min: int | None
    bp_checkpoints: tuple[str, ...]
    vitals_interval_min: int | None
    pulse_oximetry: bool
    source: str
    sedation_scale: str = "moaas"
    dissociation_scale: str | None = "cadss6"
    pre_dose_thresholds: VitalThresholds = field(default_factory=VitalThresholds)
    in_session_thresholds: VitalThresholds = field(default_factory=VitalThresholds)


@dataclass(frozen=True, slots=True)
class PreDoseRule:
    """One item of the pre-dose checklist, e.g. no food for 120 minutes before the dose."""

    code: str
    text: str
    source: str
    minutes_before: int | None = None


@dataclass(frozen=True, slots=True)
class Protocol:
    """A versioned treatment protocol. `template` True marks a clinic-adjustable template whose
    schedule is not from a source. `remission_max` maps instrument -> highest remitted total
    (REFERENCE §5.1: store the threshold per protocol). `measurement` is the questionnaires
    the patient answers over the course (`measurement_plans`; the reference sets no schedule,
    so a protocol without its own has KetaCare's default)."""

    code: str
    version: int
    name: str
    route: Route
    drug: Literal["esketamine", "ketamine"]
    indication: str
    dose_rule: DoseRule
    phases: tuple[Phase, ...]
    monitoring: MonitoringPlan
    pre_dose: tuple[PreDoseRule, ...]
    sources: tuple[str, ...]
    remission_max: tuple[tuple[str, int], ...] = ()
    administration: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    template: bool = False
    based_on: str | None = None
    measurement: tuple[MeasurementRule, ...] = DEFAULT_MEASUREMENT_PLAN
    # The patient trend's flags (`trends.TrendSettings`, REFERENCE §5.1): rapid response and
    # early improvement as the reference gives them; a rise from the lowest score only where
    # the protocol sets it (§5.1 marks relapse definitions UNVERIFIED).
    trend_rapid_response_pct: int = 50
    trend_early_improvement_pct: int = 20
    trend_rise_points: int | None = None
    # Therapy alongside the drug (REFERENCE §7 finds no consensus numbers, so the clinic sets
    # them): how many preparation sessions are held before the first dose, and whether fewer
    # is a warning (a prescriber overrides it with a reason) or a hard stop; the hours after
    # each dose within which its integration session belongs (both or neither).
    therapy_preparation_sessions: int = 0
    therapy_preparation_rule: Literal["warning", "hard_stop"] = "warning"
    therapy_integration_min_hours: int | None = None
    therapy_integration_max_hours: int | None = None
    # The long-term safety watch in maintenance (`safety_watch`): each check's schedule,
    # questions and cut-off are the clinic's (the reference names the harms only).
    watch: tuple[WatchCheck, ...] = DEFAULT_WATCH

    def __post_init__(self) -> None:
        check_route(self.route)
        check_plan(self.measurement)
        require_int("trend_rapid_response_pct", self.trend_rapid_response_pct, 1, 100)
        require_int("trend_early_improvement_pct", self.trend_early_improvement_pct, 1, 100)
        if self.trend_rise_points is not None:
            require_int("trend_rise_points", self.trend_rise_points, 1, 60)
        require_int("version", self.version, 1)
        check_therapy(self)
        check_watch(self.watch)
        if not self.phases:
            raise ClinicalInputError("phases", "a protocol needs at least one phase")
        codes = [phase.code for phase in self.phases]
        if len(set(codes)) != len(codes):
            raise ClinicalInputError("phases", f"phase codes must be unique: {codes}")
        if any(phase.weeks is None for phase in self.phases[:-1]):
            raise ClinicalInputError("phases", "only the last phase may be open-ended")

    def phase_index(self, code: str) -> int:
        """The position of the phase with `code`."""
        codes = [phase.code for phase in self.phases]
        if code not in codes:
            allowed = ", ".join(codes)
            raise ClinicalInputError("phase", f"{code!r} is not a phase of {self.code}; {allowed}")
        return codes.index(code)

    def trend_settings(self) -> TrendSettings:
        """The thresholds of the trend's flags under this protocol."""
        return TrendSettings(
            rapid_response_pct=self.trend_rapid_response_pct,
            early_improvement_pct=self.trend_early_improvement_pct,
            rise_points=self.trend_rise_points,
        )

    def remission_threshold(self, instrument: str) -> int | None:
        """This protocol's remission threshold for `instrument`, if it sets one."""
        return dict(self.remission_max).get(instrument)


def customise(protocol: Protocol, **changes: Any) -> Protocol:
    """A clinic variant of `protocol` with `changes`, as a new version.

    The version goes up by one unless `version` is given (it must then be higher); `based_on`
    records "code@vN" of the original.
    """
    version = changes.pop("version", protocol.version + 1)
    based_on = changes.pop("based_on", f"{protocol.code}@v{protocol.version}")
    if require_int("version", version, 1) <= protocol.version:
        raise ClinicalInputError("version", f"must be higher than {protocol.version}")
    unknown = set(changes) - {item.name for item in dataclasses.fields(Protocol)}
    if unknown:
        raise ClinicalInputError("customise", f"unknown protocol fields {sorted(unknown)}")
    return dataclasses.replace(protocol, version=version, based_on=based_on, **changes)
