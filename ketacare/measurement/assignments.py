"""Questionnaires for a patient to answer at home: sent by a clinician, kept as a draft while
the patient answers, submitted once (a double tap or a retry records one response), scored by
the clinical core through `assessments`, which raises any suicide-risk alert with it."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare import clinical
from ketacare.assessments.models import AssessmentContext, RiskAlert
from ketacare.assessments.services import assessment_record
from ketacare.clinical.scoring import Answer
from ketacare.clinics.actors import Actor, Answerer, person_of
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.measurement.models import (
    PORTAL_INSTRUMENTS,
    AssignmentStatus,
    QuestionnaireAssignment,
)
from ketacare.patients.models import Patient

MAX_OPEN_DAYS = 31


class AssignmentClosed(ValidationError):
    """The questionnaire can no longer be answered (expired, cancelled, already submitted)."""


@dataclass(frozen=True)
class Submitted:
    assignment: QuestionnaireAssignment
    alert: RiskAlert | None
    first_time: bool


def questionnaire_assign(
    *,
    actor: Actor,
    patient: Patient,
    instrument: str,
    expires_at: dt.datetime,
    opens_at: dt.datetime | None = None,
) -> QuestionnaireAssignment:
    """Ask the patient to answer `instrument` between `opens_at` (default now) and `expires_at`."""
    actor.demand(Perm.QUESTIONNAIRE_ASSIGN, patient.clinic)
    opens_at = opens_at or timezone.now()
    _check_window(instrument, opens_at, expires_at)
    row = QuestionnaireAssignment(
        clinic=patient.clinic,
        patient=patient,
        instrument=instrument,
        opens_at=opens_at,
        expires_at=expires_at,
        assigned_by=person_of(actor),
    )
    with transaction.atomic():
        # The patient's row is locked so a double click cannot send the same scale twice.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        _refuse_a_second_open(row)
        row.full_clean()
        row.save()
        changes = {"instrument": instrument, "opens_at": opens_at, "expires_at": expires_at}
        audit.record(_entry(AuditAction.CREATE, row, changes), actor)
    return row


def _refuse_a_second_open(row: QuestionnaireAssignment) -> None:
    # One whose window overlaps this one's (a planned one next week does not stop one today).
    still_open = QuestionnaireAssignment.objects.filter(
        patient=row.patient,
        instrument=row.instrument,
        status=AssignmentStatus.OPEN,
        expires_at__gt=max(timezone.now(), row.opens_at),
        opens_at__lt=row.expires_at,
    ).first()
    if still_open is not None:
        until = timezone.localtime(still_open.expires_at).strftime("%d %b %H:%M")
        raise ValidationError(
            {"instrument": f"This questionnaire is already waiting for the patient, until {until}."}
        )


def _check_window(instrument: str, opens_at: dt.datetime, expires_at: dt.datetime) -> None:
    if instrument not in PORTAL_INSTRUMENTS:
        names = ", ".join(clinical.get_scale(code).name for code in PORTAL_INSTRUMENTS)
        raise ValidationError({"instrument": f"Patients answer these at home: {names}."})
    if expires_at <= max(opens_at, timezone.now()):
        raise ValidationError({"expires_at": "Give an expiry after it opens and in the future."})
    if expires_at - opens_at > dt.timedelta(days=MAX_OPEN_DAYS):
        raise ValidationError({"expires_at": f"Keep it open for at most {MAX_OPEN_DAYS} days."})


def questionnaire_save_draft(
    *, actor: Answerer, assignment: QuestionnaireAssignment, answers: Mapping[str, Answer]
) -> QuestionnaireAssignment:
    """Keep what the patient has answered so far, to be resumed later."""
    with transaction.atomic():
        row = _answerable(actor, assignment)
        row.draft = dict(answers)
        row.save(update_fields=["draft", "updated_at"])
        audit.record(_entry(AuditAction.UPDATE, row, {"draft": row.draft}), actor)
    return row


def questionnaire_submit(
    *, actor: Answerer, assignment: QuestionnaireAssignment, answers: Mapping[str, Answer]
) -> Submitted:
    """Score and record the answers. Submitted again (a double tap, a retry), it answers with
    the first response instead of recording a second."""
    with transaction.atomic():
        row = _locked(actor, assignment)
        if row.status == AssignmentStatus.COMPLETED:
            return Submitted(row, _alert_of(row), first_time=False)
        require_open(row)
        recorded = assessment_record(
            actor=actor,
            patient=row.patient,
            instrument=row.instrument,
            answers=answers,
            administered_at=timezone.now(),
            context=AssessmentContext.FOLLOW_UP,
        )
        row.status, row.assessment, row.completed_at = (
            AssignmentStatus.COMPLETED,
            recorded,
            recorded.administered_at,
        )
        row.draft = {}
        row.save()
        audit.record(_entry(AuditAction.UPDATE, row, {"status": row.status}), actor)
    return Submitted(row, _alert_of(row), first_time=True)


def _alert_of(row: QuestionnaireAssignment) -> RiskAlert | None:
    if row.assessment_id is None:
        return None
    return RiskAlert.objects.filter(assessment_id=row.assessment_id).first()


def _locked(actor: Answerer, assignment: QuestionnaireAssignment) -> QuestionnaireAssignment:
    actor.demand(Perm.QUESTIONNAIRE_ANSWER, assignment.clinic)
    row = (
        QuestionnaireAssignment.objects.select_for_update()
        .select_related("clinic", "patient__clinic")
        .get(pk=assignment.pk)
    )
    if row.patient_id != actor.patient_id:
        raise AssignmentClosed("This questionnaire is not yours.")
    return row


def _answerable(actor: Answerer, assignment: QuestionnaireAssignment) -> QuestionnaireAssignment:
    row = _locked(actor, assignment)
    require_open(row)
    return row


def require_open(row: QuestionnaireAssignment) -> None:
    now = timezone.now()
    if row.status == AssignmentStatus.COMPLETED:
        raise AssignmentClosed("You have already sent this questionnaire.")
    if row.status == AssignmentStatus.CANCELLED:
        raise AssignmentClosed("Your clinic has cancelled this questionnaire.")
    if now < row.opens_at:
        raise AssignmentClosed("This questionnaire is not open yet.")
    if now >= row.expires_at:
        raise AssignmentClosed("This questionnaire has expired: the time to answer it is over.")


def _entry(
    action: AuditAction, row: QuestionnaireAssignment, changes: Mapping[str, object]
) -> audit.AuditEntry:
    return audit.AuditEntry(
        action=action,
        object_type="questionnaire_assignment",
        object_id=str(row.public_id),
        clinic_id=row.clinic.public_id,
        patient_id=row.patient.public_id,
        changes=changes,
    )
