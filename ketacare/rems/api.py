"""REMS monitoring form endpoints: the same prefill, services, permissions and audit as the
pages. Submitting before discharge, or after submission, answers 409."""

import uuid
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

from ninja import Router
from ninja.errors import HttpError

from ketacare.clinics.access import requires
from ketacare.clinics.actors import Actor
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.dosing.models import DosingSession
from ketacare.patients.services import patient_chart_read
from ketacare.rems import services
from ketacare.rems.models import RemsMonitoringForm
from ketacare.rems.prefill import Prefilled, form_as_it_stands, form_values
from ketacare.rems.queries import DueForm, form_record, forms_due, rems_session_for
from ketacare.rems.schemas import AnswersIn, DueOut, RemsFormOut, SubmitIn

router = Router()
T = TypeVar("T")


def _conflicts(run: Callable[[], T]) -> T:
    try:
        return run()
    except services.FormConflict as error:
        raise HttpError(409, " ".join(error.messages)) from error


def _out(current: Prefilled) -> dict[str, Any]:
    record = current.record
    submission = None
    if record is not None and record.submitted_at is not None and record.submitted_by:
        submission = {
            "submitted_at": record.submitted_at,
            "submitted_by": record.submitted_by.full_name or record.submitted_by.email,
            "confirmation": record.confirmation,
            "warnings_acknowledged": record.warnings_acknowledged,
        }
    return {
        "dosing_session_id": current.session.public_id,
        "session_status": current.session.status,
        "form": form_values(current.form),
        "sources": current.sources,
        "problems": [asdict(f) for f in current.problems],
        "due_on": current.due_on,
        "submission": submission,
    }


@router.get("/dosing-sessions/{uuid:dosing_id}/rems-form", response=RemsFormOut)
@requires(Perm.REMS_FORM_VIEW)
def form_read(request: StaffRequest, dosing_id: uuid.UUID) -> dict[str, Any]:
    """The form prefilled from the session, each value's source, what blocks submission, and
    the due date."""
    session = rems_session_for(request.actor, dosing_id, Perm.REMS_FORM_VIEW)
    return _read_out(request.actor, session, form_record(session))


def _read_out(
    actor: Actor, session: DosingSession, record: RemsMonitoringForm | None
) -> dict[str, Any]:
    """The whole form in the answer: an audited read of the patient's chart."""
    patient_chart_read(actor=actor, patient=session.patient, via="api")
    return _out(form_as_it_stands(session, record))


@router.put("/dosing-sessions/{uuid:dosing_id}/rems-form/answers", response=RemsFormOut)
@requires(Perm.REMS_FORM_RECORD)
def answers(request: StaffRequest, dosing_id: uuid.UUID, payload: AnswersIn) -> dict[str, Any]:
    """Replace the staff's answers (old and new values are audited)."""
    session = rems_session_for(request.actor, dosing_id, Perm.REMS_FORM_RECORD)
    actor = request.actor
    record = _conflicts(
        lambda: services.rems_form_record_answers(actor=actor, session=session, **payload.dict())
    )
    return _read_out(actor, session, record)


@router.post("/dosing-sessions/{uuid:dosing_id}/rems-form/submit", response=RemsFormOut)
@requires(Perm.REMS_FORM_RECORD)
def submit(request: StaffRequest, dosing_id: uuid.UUID, payload: SubmitIn) -> dict[str, Any]:
    """Mark the form submitted; blanks and hard stops come back in `fields` (422), a warning
    needs `acknowledge_warnings`."""
    session = rems_session_for(request.actor, dosing_id, Perm.REMS_FORM_RECORD)
    actor = request.actor
    record = _conflicts(
        lambda: services.rems_form_submit(actor=actor, session=session, **payload.dict())
    )
    return _read_out(actor, session, record)


@router.get("/rems-forms/due", response=list[DueOut])
@requires(Perm.REMS_FORM_VIEW)
def due(request: StaffRequest) -> list[dict[str, Any]]:
    """Forms not yet submitted for discharged esketamine sessions, oldest first, per clinic."""
    rows: list[DueForm] = []
    actor = request.actor
    for clinic in actor.clinics_where(Perm.REMS_FORM_VIEW):
        shown = forms_due(clinic)
        services.rems_forms_due_read(actor=actor, clinic=clinic, rows=shown, via="api")
        rows.extend(shown)
    return [_due(row) for row in rows]


def _due(row: DueForm) -> dict[str, Any]:
    patient = row.session.patient
    return {
        "dosing_session_id": row.session.public_id,
        "patient_id": patient.public_id,
        "patient_name": patient.display_name,
        "treatment_date": row.treatment_date,
        "due_on": row.due_on,
        "days_left": row.days_left,
        "overdue": row.overdue,
    }
