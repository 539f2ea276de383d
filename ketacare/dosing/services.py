"""Write paths of the dosing session: check-in, the pre-dose checklist and its clearance, the
prescriber's override, the monitoring timeline, discharge, abort and corrections. The dose
itself is in `administration.py`.

Every write locks the session row first (`select_for_update`), so two people recording on one
session queue instead of overwriting each other; each timeline entry is its own row, so
nothing one of them records is lost. The clinical rules are the core's."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from ketacare import clinical
from ketacare.assessments.models import AlertLevel, AssessmentContext, RiskAlert
from ketacare.assessments.services import assessment_record
from ketacare.clinical.scoring import Answer
from ketacare.clinical.vitals import VITAL_NAMES
from ketacare.clinics.actors import Actor, SystemActor, person_of
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import (
    check_effective_time,
    checked_vitals,
    require_reason,
    unconfirmed_findings,
)
from ketacare.dosing.models import (
    AdverseEvent,
    Checkpoint,
    DosingSession,
    Intervention,
    SessionScore,
    SideEffect,
    Status,
    VitalsReading,
)
from ketacare.dosing.queries import (
    latest_score,
    pre_dose_reading,
    protocol_for_session,
    todays_assessment,
)
from ketacare.patients.models import ChartEntry
from ketacare.treatment.models import CourseStatus, PlannedSession, SessionStatus
from ketacare.treatment.queries import course_ready_for_first_session

CHECKLIST_FIELDS = (
    "identity_confirmed",
    "fasting_ok",
    "driver_arranged",
    "pregnancy_status_checked",
    "concomitant_meds_reviewed",
)
CHECKLIST_LABELS = {
    "identity_confirmed": "Identity confirmed",
    "fasting_ok": "Fasting as the protocol asks",
    "driver_arranged": "Driver home arranged",
    "pregnancy_status_checked": "Pregnancy status checked",
    "concomitant_meds_reviewed": "Concomitant medicines reviewed",
}
PRE_DOSE = (Status.CHECKED_IN, Status.BLOCKED, Status.CLEARED)
SCORE_INSTRUMENTS = ("phq9", "cssrs_screener", "moaas", "cadss6")


class SessionConflict(ValidationError):
    """The session is not in a state for this step (already done, closed); the API answers
    409 Conflict."""


def entry_audit(
    action: AuditAction, obj: DosingSession | ChartEntry, changes: Mapping[str, Any]
) -> audit.AuditEntry:
    return audit.entry_for(action, obj, changes, clinic=obj.clinic, patient=obj.patient)


def locked(session: DosingSession, actor: Actor, perm: Perm) -> DosingSession:
    """The session row, locked for this transaction, once the actor's role allows `perm`."""
    actor.demand(perm, session.clinic)
    row = (
        DosingSession.objects.select_for_update()
        .select_related("clinic", "patient", "course__protocol_version")
        .get(pk=session.pk)
    )
    if not row.is_open:
        raise SessionConflict(f"This session is {row.get_status_display().lower()}.")
    return row


def save_entry(entry: ChartEntry, actor: Actor, fields: tuple[str, ...]) -> None:
    entry.full_clean()
    entry.save()
    changes = audit.diff({}, audit.field_values(entry, fields))
    audit.record(entry_audit(AuditAction.CREATE, entry, changes), actor)


def save_session(session: DosingSession, actor: Actor, before: Mapping[str, Any]) -> None:
    session.full_clean()
    session.save()
    after = {name: getattr(session, name) for name in before}
    changes = audit.diff(before, after)
    audit.record(entry_audit(AuditAction.UPDATE, session, changes), actor)


def snapshot(session: DosingSession, *names: str) -> dict[str, Any]:
    return {name: getattr(session, name) for name in ("status", *names)}


# --- check-in ----------------------------------------------------------------------------------


def session_check_in(*, actor: Actor, planned: PlannedSession, chair: str = "") -> DosingSession:
    """Open today's dosing session for a planned session. Checking in again (a second click,
    a retry) returns the session already open rather than a second one."""
    actor.demand(Perm.SESSION_CHECKIN, planned.clinic)
    with transaction.atomic():
        row = (
            PlannedSession.objects.select_for_update()
            .select_related("clinic", "course__patient", "course__clinic")
            .get(pk=planned.pk)
        )
        existing = DosingSession.objects.filter(planned_session=row).first()
        if existing is not None:
            return existing
        _check_plannable(row)
        session = DosingSession(
            clinic=row.clinic,
            patient=row.course.patient,
            course=row.course,
            planned_session=row,
            route=row.course.route,
            chair=(chair.strip() or row.chair)[:40],
            checked_in_at=timezone.now(),
            checked_in_by=person_of(actor),
        )
        session.full_clean()
        session.save()
        # What is still missing (or a hard stop such as no REMS enrollment) shows at once.
        evaluate_clearance(session)
        session.save()
        changes = {"planned_session": row.number, "chair": session.chair, "status": session.status}
        audit.record(entry_audit(AuditAction.CREATE, session, changes), actor)
        return session


def _check_plannable(planned: PlannedSession) -> None:
    if planned.course.status != CourseStatus.ACTIVE:
        raise SessionConflict(f"The course is {planned.course.get_status_display().lower()}.")
    if planned.status == SessionStatus.CANCELLED:
        raise SessionConflict("This session is cancelled.")
    if planned.scheduled_on != planned.clinic.today():
        raise SessionConflict(
            f"This session is planned for {planned.scheduled_on:%d %b %Y}; move it to today first."
        )


# --- the pre-dose checklist and clearance ------------------------------------------------------


def session_record_checklist(
    *, actor: Actor, session: DosingSession, **items: bool
) -> DosingSession:
    """Tick the pre-dose checklist (unticking is allowed: the last answer stands) and work out
    whether the patient is cleared for dosing."""
    unknown = set(items) - set(CHECKLIST_FIELDS)
    if unknown:
        raise ValidationError({name: "Not a checklist item." for name in unknown})
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_RECORD)
        _require_pre_dose(row)
        before = snapshot(row, *CHECKLIST_FIELDS)
        for name, value in items.items():
            setattr(row, name, bool(value))
        row.checklist_by, row.checklist_at = person_of(actor), timezone.now()
        evaluate_clearance(row)
        save_session(row, actor, before)
        return row


def _require_pre_dose(session: DosingSession) -> None:
    if session.status not in PRE_DOSE:
        raise SessionConflict("The dose has started; the pre-dose checklist is closed.")


def evaluate_clearance(session: DosingSession) -> None:
    """Set the session's findings and status from the checklist, today's PHQ-9 / C-SSRS
    (`clinical.suicide_triage`), the pre-dose vitals (`clinical.pre_dose_check`) and the
    course's readiness (REMS enrollment). Hard stops block; warnings block until a prescriber
    overrides them; anything missing keeps the session at check-in."""
    session.phq9 = todays_assessment(session, "phq9")
    session.cssrs = todays_assessment(session, "cssrs_screener")
    findings = [
        *_readiness_findings(session),
        *_checklist_missing(session),
        *_triage_findings(session),
        *_alert_findings(session),
        *_vitals_findings(session),
        *_findings_from_above(session),
    ]
    session.findings = findings
    session.status = _clearance_status(findings, session.overridden)


# Apps above dosing add pre-dose findings of their own (therapy: the preparation sessions the
# protocol asks for before the first dose). Sent with `session` while its clearance is worked
# out; each receiver returns a list of findings in `_finding`'s shape.
pre_dose_findings = Signal()


def _findings_from_above(session: DosingSession) -> list[dict[str, Any]]:
    answers = pre_dose_findings.send(sender=DosingSession, session=session)
    # django-stubs types a receiver's answer as a string; ours are lists of findings.
    found: list[list[dict[str, Any]]] = [answer for _receiver, answer in answers]  # type: ignore[misc]
    return [finding for each in found for finding in each]


def _finding(code: str, kind: str, message: str, source: str = "") -> dict[str, Any]:
    return {"code": code, "kind": kind, "message": message, "source": source, "field": None}


def _readiness_findings(session: DosingSession) -> list[dict[str, Any]]:
    # The protocol's own pre-dose rules (REMS enrollment for esketamine, §1.11) and an active
    # course: neither can be overridden.
    missing = course_ready_for_first_session(session.course)
    return [_finding(code, "hard_stop", message) for code, message in missing.items()]


def _checklist_missing(session: DosingSession) -> list[dict[str, Any]]:
    return [
        _finding(f"checklist_{name}", "missing", f"{CHECKLIST_LABELS[name]}: not yet ticked.")
        for name in CHECKLIST_FIELDS
        if not getattr(session, name)
    ]


def _triage_findings(session: DosingSession) -> list[dict[str, Any]]:
    if session.phq9 is None:
        return [_finding("phq9_today", "missing", "Record today's PHQ-9.")]
    triage = clinical.suicide_triage(
        cssrs=session.cssrs.answers if session.cssrs else None,
        phq9_item9=int(session.phq9.answers["9"]),
    )
    session.triage = {
        "level": triage.level,
        "blocks_dosing": triage.blocks_dosing,
        "actions": list(triage.actions),
        "reasons": list(triage.reasons),
    }
    found = []
    if triage.cssrs_indicated:
        found.append(_finding("cssrs_today", "missing", "Give today's C-SSRS Screener."))
    if triage.blocks_dosing:
        message = "High suicide risk: no dose until a prescriber has seen the patient. " + " ".join(
            triage.actions
        )
        found.append(_finding("suicide_risk_high", "warning", message, ", ".join(triage.sources)))
    elif triage.requires_acknowledgement:
        message = f"Suicide risk {triage.level}: " + " ".join(triage.actions)
        found.append(_finding("suicide_risk", "info", message, ", ".join(triage.sources)))
    return found


def _alert_findings(session: DosingSession) -> list[dict[str, Any]]:
    # REFERENCE §6.2: a positive suicide item blocks the session's start until a clinician
    # acknowledges the alert; an urgent one until a prescriber resolves it. Not overridable:
    # working the alert is what lifts it.
    found = []
    for alert in RiskAlert.objects.filter(patient_id=session.patient_id).blocking_dosing():
        if alert.level == AlertLevel.URGENT:
            message = "An urgent suicide-risk alert is open: a prescriber must resolve it first."
        else:
            message = "A suicide-risk alert is open: a clinician must acknowledge it first."
        found.append(_finding("risk_alert_open", "hard_stop", message, "REFERENCE §6.2"))
    return found


def sessions_recheck_for_alert(patient_id: int, clinic: Clinic) -> None:
    """Re-work the clearance of the patient's sessions before the dose when an alert is raised
    or resolved (a PHQ-9 answered at home while they sit checked in), as the task it is."""
    actor = SystemActor("suicide-risk alert check", clinic)
    open_sessions = DosingSession.objects.select_for_update().filter(
        patient_id=patient_id, status__in=PRE_DOSE
    )
    for row in open_sessions.select_related("clinic", "patient", "course__protocol_version"):
        before = snapshot(row, "findings")
        evaluate_clearance(row)
        save_session(row, actor, before)


def _vitals_findings(session: DosingSession) -> list[dict[str, Any]]:
    reading = pre_dose_reading(session)
    session.pre_dose_vitals = reading
    if reading is None:
        return [_finding("pre_dose_vitals", "missing", "Record the pre-dose vital signs.")]
    return [f for f in reading.findings if f["kind"] in ("hard_stop", "warning")]


def _clearance_status(findings: list[dict[str, Any]], overridden: list[str]) -> str:
    kinds = {f["kind"] for f in findings}
    if "hard_stop" in kinds:
        return Status.BLOCKED
    if "missing" in kinds:
        return Status.CHECKED_IN
    pending = [f for f in findings if f["kind"] == "warning" and warning_key(f) not in overridden]
    return Status.BLOCKED if pending else Status.CLEARED


def warning_key(finding: dict[str, Any]) -> str:
    """What a prescriber overrode: the warning as they read it, values included, so a later,
    different warning of the same kind (a higher BP, a new triage) needs a new override."""
    return f"{finding['code']}: {finding['message']}"


def session_override(*, actor: Actor, session: DosingSession, reason: str) -> DosingSession:
    """A prescriber clears a session blocked by warnings (a high suicide triage, a BP above
    the protocol's limit), with a written reason. Hard stops cannot be overridden."""
    reason = require_reason("reason", reason)
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_OVERRIDE)
        evaluate_clearance(row)
        if row.status != Status.BLOCKED:
            raise SessionConflict("Nothing to override: the session is not blocked.")
        stops = [f["message"] for f in row.findings if f["kind"] == "hard_stop"]
        if stops:
            raise ValidationError({NON_FIELD_ERRORS: ["Cannot be overridden.", *stops]})
        before = snapshot(row, "override_reason", "overridden")
        seen = [warning_key(f) for f in row.findings if f["kind"] == "warning"]
        row.overridden = sorted(set(row.overridden) | set(seen))
        row.override_by, row.override_reason = person_of(actor), reason
        evaluate_clearance(row)
        save_session(row, actor, before)
        return row


def refresh_clearance(session: DosingSession, actor: Actor) -> None:
    """Re-work the clearance after a pre-dose input changed (inside the caller's lock)."""
    if session.status in PRE_DOSE:
        before = snapshot(session, "findings")
        evaluate_clearance(session)
        save_session(session, actor, before)


# --- vitals and scores -------------------------------------------------------------------------


def session_record_vitals(
    *,
    actor: Actor,
    session: DosingSession,
    measured_at: dt.datetime,
    checkpoint: str = Checkpoint.ROUTINE,
    confirm_readings: bool = False,
    sbp: int | None = None,
    dbp: int | None = None,
    hr: int | None = None,
    spo2: int | None = None,
    rr: int | None = None,
) -> VitalsReading:
    """One set of vital signs. Impossible values are refused by name; unusual ones need
    `confirm_readings`. Each reading runs through the core (`pre_dose_check` before the dose,
    `evaluate_vitals` after) and keeps its findings."""
    check_effective_time("measured_at", measured_at)
    readings = {"sbp": sbp, "dbp": dbp, "hr": hr, "spo2": spo2, "rr": rr}
    vitals = checked_vitals(readings)
    confirmed = unconfirmed_findings(vitals, confirm_readings)
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_RECORD)
        if checkpoint == Checkpoint.PRE_DOSE and row.status not in PRE_DOSE:
            raise ValidationError({"checkpoint": "The dose has started: this is not pre-dose."})
        reading = VitalsReading(
            session=row,
            patient=row.patient,
            clinic=row.clinic,
            recorded_by=person_of(actor),
            measured_at=measured_at,
            checkpoint=checkpoint,
            findings=[asdict(f) for f in _vitals_check(row, vitals, checkpoint)],
            plausibility_confirmed=bool(confirmed),
            confirmed_findings=[finding.message for finding in confirmed],
            **{name: readings.get(name) for name in VITAL_NAMES},
        )
        save_entry(reading, actor, ("measured_at", "checkpoint", *VITAL_NAMES, "findings"))
        if checkpoint == Checkpoint.PRE_DOSE:
            refresh_clearance(row, actor)
        return reading


def _vitals_check(
    session: DosingSession, vitals: clinical.Vitals, checkpoint: str
) -> list[clinical.Finding]:
    plan = protocol_for_session(session).monitoring
    if checkpoint == Checkpoint.PRE_DOSE:
        return clinical.pre_dose_check(session.route, vitals, thresholds=plan.pre_dose_thresholds)
    baseline = pre_dose_reading(session)
    moaas = latest_score(session, "moaas")
    return clinical.evaluate_vitals(
        session.route,
        vitals,
        thresholds=plan.in_session_thresholds,
        moaas=moaas.total if moaas else None,
        baseline=_as_vitals(baseline) if baseline else None,
    )


def _as_vitals(reading: VitalsReading) -> clinical.Vitals:
    return clinical.Vitals(**{name: getattr(reading, name) for name in VITAL_NAMES})


def session_record_score(
    *,
    actor: Actor,
    session: DosingSession,
    instrument: str,
    answers: Mapping[str, Answer],
    administered_at: dt.datetime,
) -> SessionScore:
    """Today's PHQ-9 / C-SSRS before the dose, MOAA/S and CADSS-6 during monitoring: scored
    by `assessment_record` and placed on the session's timeline."""
    if instrument not in SCORE_INSTRUMENTS:
        raise ValidationError({"instrument": f"Choose one of {', '.join(SCORE_INSTRUMENTS)}."})
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_RECORD)
        assessment = assessment_record(
            actor=actor,
            patient=row.patient,
            instrument=instrument,
            answers=answers,
            administered_at=administered_at,
            context=AssessmentContext.FOLLOW_UP,
        )
        score = SessionScore(
            session=row,
            patient=row.patient,
            clinic=row.clinic,
            recorded_by=person_of(actor),
            assessment=assessment,
        )
        save_entry(score, actor, ("assessment_id",))
        if instrument in ("phq9", "cssrs_screener"):
            refresh_clearance(row, actor)
        return score


# --- side effects, interventions, adverse events -----------------------------------------------


def _timeline_entry(
    actor: Actor,
    session: DosingSession,
    model: type[SideEffect | Intervention | AdverseEvent],
    when: str,
    **values: Any,
) -> Any:
    check_effective_time(when, values[when])
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_RECORD)
        entry = model(
            session=row, patient=row.patient, clinic=row.clinic, recorded_by=person_of(actor)
        )
        for name, value in values.items():
            setattr(entry, name, value.strip() if isinstance(value, str) else value)
        save_entry(entry, actor, tuple(values))
        return entry


def session_record_side_effect(
    *,
    actor: Actor,
    session: DosingSession,
    observed_at: dt.datetime,
    kind: str,
    severity: str,
    other: str = "",
) -> SideEffect:
    if kind == "other" and not other.strip():
        raise ValidationError({"other": "Name the side effect."})
    entry: SideEffect = _timeline_entry(
        actor, session, SideEffect, "observed_at",
        observed_at=observed_at, kind=kind, severity=severity, other=other,
    )  # fmt: skip
    return entry


def session_record_intervention(
    *, actor: Actor, session: DosingSession, given_at: dt.datetime, kind: str, detail: str = ""
) -> Intervention:
    entry: Intervention = _timeline_entry(
        actor, session, Intervention, "given_at", given_at=given_at, kind=kind, detail=detail
    )
    return entry


def session_record_adverse_event(
    *,
    actor: Actor,
    session: DosingSession,
    onset_at: dt.datetime,
    severity: str,
    serious: bool,
    description: str,
    action_taken: str = "",
) -> AdverseEvent:
    if not description.strip():
        raise ValidationError({"description": "Describe the adverse event."})
    entry: AdverseEvent = _timeline_entry(
        actor, session, AdverseEvent, "onset_at",
        onset_at=onset_at, severity=severity, serious=serious,
        description=description, action_taken=action_taken,
    )  # fmt: skip
    return entry
