"""Write paths of the REMS monitoring form: the staff's answers, and marking it submitted.

Both lock the dosing session row first, as every dosing write does, so two people completing
one form queue; every change is audited with its old and new values. A submitted form is
final: the REMS holds it."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.dosing.models import DosingSession, Status
from ketacare.rems.models import ANSWER_FIELDS, RemsMonitoringForm
from ketacare.rems.prefill import ESKETAMINE_ROUTE, Prefilled, form_values, prefill
from ketacare.rems.queries import DueForm

DUE_OBJECT = "rems_forms_due"
SUBMISSION_FIELDS = ("submitted_at", "submitted_by_id", "confirmation", "warnings_acknowledged")


class FormConflict(ValidationError):
    """The form cannot take this step (already submitted, session not discharged); the API
    answers 409 Conflict."""


def _locked(actor: Actor, session: DosingSession, perm: Perm) -> RemsMonitoringForm:
    """The session's form row, created on first write and locked with the session row."""
    actor.demand(perm, session.clinic)
    row = (
        DosingSession.objects.select_for_update()
        .select_related("clinic", "patient")
        .get(pk=session.pk)
    )
    if row.route != ESKETAMINE_ROUTE:
        raise FormConflict("Only esketamine sessions have a REMS monitoring form.")
    if row.status == Status.ABORTED:
        raise FormConflict("This session was aborted; it has no monitoring form to complete.")
    record, created = RemsMonitoringForm.objects.get_or_create(
        session=row, defaults={"clinic": row.clinic, "patient": row.patient}
    )
    if created:
        _audit(record, actor, {"session": str(row.public_id)}, AuditAction.CREATE)
    record = RemsMonitoringForm.objects.select_for_update().get(pk=record.pk)
    if record.submitted:
        raise FormConflict(
            f"This form was submitted on {record.submitted_at:%Y-%m-%d}; it can no longer change."
        )
    return record


def _audit(
    record: RemsMonitoringForm,
    actor: Actor,
    changes: Mapping[str, Any],
    action: AuditAction = AuditAction.UPDATE,
) -> None:
    entry = audit.AuditEntry(
        action=action,
        object_type="remsmonitoringform",
        object_id=str(record.public_id),
        clinic_id=record.clinic.public_id,
        patient_id=record.patient.public_id,
        changes=changes,
    )
    audit.record(entry, actor)


def rems_form_record_answers(
    *, actor: Actor, session: DosingSession, **answers: Any
) -> RemsMonitoringForm:
    """Save the staff's answers (all of them: a blank answer clears an earlier one and lets
    the record's suggestion stand). Old and new values are audited."""
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise ValidationError({name: "Not a question on the form." for name in sorted(unknown)})
    with transaction.atomic():
        record = _locked(actor, session, Perm.REMS_FORM_RECORD)
        updates = {name: _blank_to_default(name, value) for name, value in answers.items()}
        changes = audit.assign_and_diff(record, ANSWER_FIELDS, updates)
        record.save()
        if changes:
            _audit(record, actor, changes)
        return record


def _blank_to_default(name: str, value: Any) -> Any:
    text = RemsMonitoringForm._meta.get_field(name).get_internal_type() in (
        "CharField",
        "TextField",
    )
    if text:
        return (value or "").strip()
    return value


def rems_form_submit(
    *,
    actor: Actor,
    session: DosingSession,
    confirmation: str,
    acknowledge_warnings: bool = False,
) -> RemsMonitoringForm:
    """Mark the form submitted to the REMS with the confirmation the clinic got. Refused while
    a required field is blank or a hard stop stands (REFERENCE §1.11); a warning (a treatment
    under 2 hours) must be acknowledged, and the acknowledgement is recorded."""
    confirmation = confirmation.strip()
    with transaction.atomic():
        record = _locked(actor, session, Perm.REMS_FORM_RECORD)
        if record.session.status != Status.DISCHARGED:
            raise FormConflict("The form is submitted after the patient is discharged.")
        current = prefill(record.session, record)
        problems = submission_problems(current, confirmation, acknowledged=acknowledge_warnings)
        if problems:
            raise ValidationError(problems)
        before = audit.field_values(record, SUBMISSION_FIELDS)
        record.submitted_at, record.submitted_by = timezone.now(), person_of(actor)
        record.confirmation = confirmation
        record.warnings_acknowledged = [f.code for f in current.warnings]
        record.submitted_form = form_values(current.form)
        record.full_clean()
        record.save()
        _audit(record, actor, audit.diff(before, audit.field_values(record, SUBMISSION_FIELDS)))
        return record


def submission_problems(
    current: Prefilled, confirmation: str, *, acknowledged: bool
) -> dict[str, list[str]]:
    """What refuses submission, by field: hard stops and blanks always, a warning until it is
    acknowledged, and a missing confirmation."""
    problems: dict[str, list[str]] = {}
    for finding in [*current.hard_stops, *current.blanks]:
        problems.setdefault(finding.field or NON_FIELD_ERRORS, []).append(finding.message)
    if current.warnings and not acknowledged:
        problems["acknowledge_warnings"] = [
            "Acknowledge: " + " ".join(f.message for f in current.warnings)
        ]
    if not confirmation:
        problems["confirmation"] = ["Enter the confirmation or fax reference the REMS gave."]
    return problems


def rems_forms_due_read(
    *,
    actor: Actor,
    clinic: Clinic,
    rows: Sequence[DueForm],
    via: str = "web",
    action: AuditAction = AuditAction.READ,
) -> None:
    """Record one read (or export) of the clinic's forms-due list naming every patient and
    session it showed, as the chair board does, so the audit report finds it by patient. An
    empty list read shows no patient and records nothing; an export is always recorded."""
    actor.demand(Perm.REMS_FORM_VIEW, clinic)
    if not rows and action == AuditAction.READ:
        return
    changes = {
        "via": via,
        "patients": [str(row.session.patient.public_id) for row in rows],
        "dosing_sessions": [str(row.session.public_id) for row in rows],
    }
    entry = audit.AuditEntry(
        action=action,
        object_type=DUE_OBJECT,
        object_id=str(clinic.public_id),
        clinic_id=clinic.public_id,
        changes=changes,
    )
    audit.record_now(entry, actor)
