"""A protocol version in plain words for someone choosing a clinic: how the drug is given, the
dose rule, the schedule by phase and what is watched, with the version and its date. Every
figure comes from the stored protocol (the clinical core's `Protocol`), none from here."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from ketacare import clinical
from ketacare.clinics.models import Clinic
from ketacare.directory.listing import ROUTE_LABELS
from ketacare.treatment.models import ProtocolVersion
from ketacare.treatment.queries import protocol_of

HOW_GIVEN = {
    "iv": "as an infusion into a vein",
    "esketamine_nasal": "as a nasal spray the patient takes under supervision",
    "im": "as an injection into a muscle",
    "sublingual": "held under the tongue",
    "oral": "by mouth",
}
BP_CHECKPOINTS = {
    "pre_dose": "before the dose",
    "baseline": "before the dose",
    "post_40min": "40 minutes after it",
    "during": "during the treatment",
    "end_of_administration": "when the dose is finished",
    "pre_discharge": "before you leave",
}
TIMES_A_WEEK = {1: "once a week", 2: "twice a week", 3: "three times a week"}


@dataclass(frozen=True)
class Superseded:
    version: int
    since: dt.date
    until: dt.date


@dataclass(frozen=True)
class PublicProtocol:
    name: str
    route: str
    version: int
    since: dt.date
    dose: str
    schedule: list[str]
    monitoring: list[str]
    before: list[str]
    superseded: list[Superseded]


def _mg(value: float) -> str:
    return f"{value:g} mg"


def dose_text(protocol: clinical.Protocol) -> str:
    rule, how = protocol.dose_rule, HOW_GIVEN[protocol.route]
    if rule.kind == "weight_based" and rule.mg_per_kg is not None:
        text = f"{rule.mg_per_kg:g} mg per kg of body weight, {how}"
        if rule.infusion_minutes:
            text += f", over {rule.infusion_minutes} minutes"
        if rule.max_mg:
            text += f", at most {_mg(rule.max_mg)}"
        return text + "."
    doses = " or ".join(_mg(mg) for mg in rule.allowed_mg)
    if rule.first_dose_mg:
        return f"{_mg(rule.first_dose_mg)} at the first session, then {doses}, {how}."
    return f"{doses}, {how}."


def _phase_text(phase: clinical.Phase) -> str:
    often = TIMES_A_WEEK.get(phase.sessions_per_week, f"{phase.sessions_per_week} times a week")
    if phase.interval_weeks > 1:
        often = f"once every {phase.interval_weeks} weeks"
        if phase.interval_options:
            weeks = " or ".join(str(w) for w in phase.interval_options)
            often = f"every {weeks} weeks, as the prescriber decides"
    length = f"for {phase.weeks} weeks" if phase.weeks else "for as long as it helps"
    most = f", up to {phase.max_sessions} sessions" if phase.max_sessions else ""
    return f"{phase.label}: {often} {length}{most}."


def monitoring_text(protocol: clinical.Protocol) -> list[str]:
    plan = protocol.monitoring
    stay = (
        f"You stay at least {plan.min_observation_min} minutes after the dose, and until the "
        "clinician judges you ready to leave."
        if plan.min_observation_min
        else "You stay until the clinician judges you ready to leave (the clinic sets the "
        "minimum time)."
    )
    moments = list(dict.fromkeys(BP_CHECKPOINTS.get(c, c) for c in plan.bp_checkpoints))
    lines = [stay, "Blood pressure is checked " + ", ".join(moments) + "."]
    if plan.vitals_interval_min:
        lines.append(f"Vital signs are taken every {plan.vitals_interval_min} minutes.")
    if plan.pulse_oximetry:
        lines.append("Your oxygen level is watched with a pulse oximeter.")
    lines.append("Sedation and dissociation are checked with rating scales.")
    return lines


def public_protocol(
    version: ProtocolVersion, older: list[ProtocolVersion], zone: zoneinfo.ZoneInfo
) -> PublicProtocol:
    protocol = protocol_of(version)
    dates = [timezone.localdate(v.created_at, zone) for v in [*older, version]]
    return PublicProtocol(
        name=version.name,
        route=ROUTE_LABELS[version.route],
        version=version.version,
        since=dates[-1],
        dose=dose_text(protocol),
        schedule=[_phase_text(phase) for phase in protocol.phases],
        monitoring=monitoring_text(protocol),
        before=[rule.text for rule in protocol.pre_dose],
        superseded=[Superseded(v.version, dates[i], dates[i + 1]) for i, v in enumerate(older)][
            ::-1
        ],
    )


def published_protocols(clinic: Clinic, codes: list[str]) -> list[PublicProtocol]:
    """The latest version of each offered protocol in plain words, with the versions it
    replaced (one query)."""
    by_code: dict[str, list[ProtocolVersion]] = {code: [] for code in codes}
    for version in ProtocolVersion.objects.filter(clinic=clinic, code__in=codes).order_by(
        "version"
    ):
        by_code[version.code].append(version)
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    return [public_protocol(vs[-1], vs[:-1], zone) for vs in by_code.values() if vs]
