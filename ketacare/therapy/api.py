"""Care teams and therapy sessions: the same permissions and audit as the pages."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status

from ketacare.clinics.access import requires
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.dosing.models import DosingSession
from ketacare.patients.models import Patient
from ketacare.patients.queries import patient_for, patient_read_for
from ketacare.therapy import appointments, care_team, notes, queries
from ketacare.therapy.models import CareTeamMember, NoteAddendum, TherapyNote, TherapySession
from ketacare.therapy.schemas import (
    AddendumIn,
    AddendumOut,
    CareTeamIn,
    CareTeamOut,
    CaseloadOut,
    NoteIn,
    NoteOut,
    NotePatch,
    ReasonIn,
    TherapyBookIn,
    TherapyMoveIn,
    TherapySessionOut,
)

router = Router()


@router.get("/patients/{uuid:patient_id}/care-team", response=list[CareTeamOut])
@requires(Perm.CARE_TEAM_VIEW)
def care_team_list(request: StaffRequest, patient_id: uuid.UUID) -> list[CareTeamMember]:
    """The patient's current care team."""
    patient = patient_read_for(request.actor, patient_id, Perm.CARE_TEAM_VIEW, via="api").patient
    return queries.current_team(patient)


@router.post("/patients/{uuid:patient_id}/care-team", response={201: CareTeamOut})
@requires(Perm.CARE_TEAM_MANAGE)
def care_team_create(
    request: StaffRequest, patient_id: uuid.UUID, payload: CareTeamIn
) -> Status[CareTeamMember]:
    patient = patient_for(request.actor, patient_id, Perm.CARE_TEAM_MANAGE, via="api").patient
    member = queries.clinician_of(patient.clinic, payload.member_id)
    if member is None:
        raise ValidationError({"member_id": "Give the id of a clinician of this clinic."})
    place = care_team.care_team_add(
        actor=request.actor,
        patient=patient,
        member=member,
        team_role=payload.team_role,
        primary=payload.primary,
    )
    return Status(201, place)


@router.post("/care-team/{uuid:place_id}/primary", response=CareTeamOut)
@requires(Perm.CARE_TEAM_MANAGE)
def care_team_primary(request: StaffRequest, place_id: uuid.UUID) -> CareTeamMember:
    place = queries.place_for(request.actor, place_id, Perm.CARE_TEAM_MANAGE, via="api")
    return care_team.care_team_make_primary(actor=request.actor, place=place)


@router.post("/care-team/{uuid:place_id}/end", response=CareTeamOut)
@requires(Perm.CARE_TEAM_MANAGE)
def care_team_end(request: StaffRequest, place_id: uuid.UUID, payload: ReasonIn) -> CareTeamMember:
    place = queries.place_for(request.actor, place_id, Perm.CARE_TEAM_MANAGE, via="api")
    return care_team.care_team_end(actor=request.actor, place=place, reason=payload.reason)


@router.get("/caseload", response=list[CaseloadOut])
@requires(Perm.CARE_TEAM_VIEW)
def caseload(request: StaffRequest) -> list[CareTeamMember]:
    """Your own patients in the clinic you work in: those whose care team you are on."""
    clinic = request.actor.active.clinic  # type: ignore[union-attr]
    places = queries.caseload(request.actor.user, clinic)
    queries.caseload_read(actor=request.actor, clinic=clinic, places=places, via="api")
    return places


@router.get("/patients/{uuid:patient_id}/therapy-sessions", response=list[TherapySessionOut])
@requires(Perm.SCHEDULE_VIEW)
def therapy_session_list(request: StaffRequest, patient_id: uuid.UUID) -> list[TherapySession]:
    patient = patient_read_for(request.actor, patient_id, Perm.SCHEDULE_VIEW, via="api").patient
    return list(queries.sessions_of(patient).select_related("course", "patient"))


def _followed(patient: Patient, ids: list[uuid.UUID]) -> list[DosingSession]:
    found = list(DosingSession.objects.filter(patient=patient, public_id__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"follows": "Give the ids of this patient's dosing sessions."})
    return found


@router.post("/patients/{uuid:patient_id}/therapy-sessions", response={201: TherapySessionOut})
@requires(Perm.THERAPY_BOOK)
def therapy_session_book(
    request: StaffRequest, patient_id: uuid.UUID, payload: TherapyBookIn
) -> Status[TherapySession]:
    patient = patient_for(request.actor, patient_id, Perm.THERAPY_BOOK, via="api").patient
    therapist = queries.clinician_of(patient.clinic, payload.therapist_id)
    if therapist is None:
        raise ValidationError({"therapist_id": "Give the id of a therapist of this clinic."})
    session = appointments.therapy_session_book(
        actor=request.actor,
        patient=patient,
        therapist=therapist,
        follows=_followed(patient, payload.follows),
        **payload.dict(exclude={"therapist_id", "follows"}),
    )
    return Status(201, session)


def _change(
    request: StaffRequest,
    therapy_id: uuid.UUID,
    perm: Perm,
    change: Callable[..., TherapySession],
    **values: Any,
) -> TherapySession:
    session = queries.therapy_session_for(request.actor, therapy_id, perm, via="api")
    return change(actor=request.actor, session=session, **values)


@router.post("/therapy-sessions/{uuid:therapy_id}/move", response=TherapySessionOut)
@requires(Perm.THERAPY_BOOK)
def therapy_session_move(
    request: StaffRequest, therapy_id: uuid.UUID, payload: TherapyMoveIn
) -> TherapySession:
    move = appointments.therapy_session_move
    return _change(request, therapy_id, Perm.THERAPY_BOOK, move, **payload.dict())


@router.post("/therapy-sessions/{uuid:therapy_id}/cancel", response=TherapySessionOut)
@requires(Perm.THERAPY_BOOK)
def therapy_session_cancel(
    request: StaffRequest, therapy_id: uuid.UUID, payload: ReasonIn
) -> TherapySession:
    cancel = appointments.therapy_session_cancel
    return _change(request, therapy_id, Perm.THERAPY_BOOK, cancel, **payload.dict())


@router.post("/therapy-sessions/{uuid:therapy_id}/held", response=TherapySessionOut)
@requires(Perm.THERAPY_RECORD)
def therapy_session_held(request: StaffRequest, therapy_id: uuid.UUID) -> TherapySession:
    """Record that the session took place (its therapist only, once it has begun)."""
    held = appointments.therapy_session_held
    return _change(request, therapy_id, Perm.THERAPY_RECORD, held)


@router.post("/therapy-sessions/{uuid:therapy_id}/missed", response=TherapySessionOut)
@requires(Perm.THERAPY_RECORD)
def therapy_session_missed(
    request: StaffRequest, therapy_id: uuid.UUID, payload: ReasonIn
) -> TherapySession:
    missed = appointments.therapy_session_missed
    return _change(request, therapy_id, Perm.THERAPY_RECORD, missed, **payload.dict())


# --- notes ----------------------------------------------------------------------------------


@contextmanager
def _locked_notes() -> Iterator[None]:
    try:
        yield
    except notes.NoteLocked as error:
        raise HttpError(409, " ".join(error.messages)) from error


@router.get("/patients/{uuid:patient_id}/therapy-notes", response=list[NoteOut])
@requires(Perm.THERAPY_NOTE_READ)
def therapy_note_list(request: StaffRequest, patient_id: uuid.UUID) -> list[TherapyNote]:
    """The patient's progress notes, and your own psychotherapy notes."""
    patient = patient_for(request.actor, patient_id, Perm.THERAPY_NOTE_READ, via="api").patient
    found = queries.notes_of(request.actor, patient)
    queries.notes_read(actor=request.actor, patient=patient, notes=found, via="api")
    return found


@router.get("/therapy-notes/{uuid:note_id}", response=NoteOut)
@requires(Perm.THERAPY_NOTE_READ)
def therapy_note_read(request: StaffRequest, note_id: uuid.UUID) -> TherapyNote:
    note = queries.note_for(request.actor, note_id, Perm.THERAPY_NOTE_READ, via="api")
    queries.note_read(actor=request.actor, note=note, via="api")
    return note


@router.post("/therapy-sessions/{uuid:therapy_id}/notes", response={201: NoteOut})
@requires(Perm.THERAPY_NOTE_WRITE)
def therapy_note_create(
    request: StaffRequest, therapy_id: uuid.UUID, payload: NoteIn
) -> Status[TherapyNote]:
    """Begin (or continue) your draft note of the session with the parts given."""
    session = queries.therapy_session_for(
        request.actor, therapy_id, Perm.THERAPY_NOTE_WRITE, via="api"
    )
    with _locked_notes():
        note = notes.note_start(actor=request.actor, session=session, kind=payload.kind)
        parts = payload.dict(exclude={"kind"}, exclude_unset=True)
        note = notes.note_save(actor=request.actor, note=note, **parts)
    return Status(201, note)


def _own_note(request: StaffRequest, note_id: uuid.UUID) -> TherapyNote:
    return queries.note_for(request.actor, note_id, Perm.THERAPY_NOTE_WRITE, via="api")


@router.patch("/therapy-notes/{uuid:note_id}", response=NoteOut)
@requires(Perm.THERAPY_NOTE_WRITE)
def therapy_note_update(
    request: StaffRequest, note_id: uuid.UUID, payload: NotePatch
) -> TherapyNote:
    """Change your draft; a signed note answers 409 (add an addendum)."""
    note = _own_note(request, note_id)
    with _locked_notes():
        return notes.note_save(actor=request.actor, note=note, **payload.dict(exclude_unset=True))


@router.post("/therapy-notes/{uuid:note_id}/sign", response=NoteOut)
@requires(Perm.THERAPY_NOTE_WRITE)
def therapy_note_sign(request: StaffRequest, note_id: uuid.UUID) -> TherapyNote:
    note = _own_note(request, note_id)
    with _locked_notes():
        return notes.note_sign(actor=request.actor, note=note)


@router.post("/therapy-notes/{uuid:note_id}/addenda", response={201: AddendumOut})
@requires(Perm.THERAPY_NOTE_WRITE)
def therapy_note_addendum(
    request: StaffRequest, note_id: uuid.UUID, payload: AddendumIn
) -> Status[NoteAddendum]:
    note = _own_note(request, note_id)
    with _locked_notes():
        addendum = notes.note_addendum_add(actor=request.actor, note=note, text=payload.text)
    return Status(201, addendum)


@router.post("/therapy-notes/{uuid:note_id}/entered-in-error", response=NoteOut)
@requires(Perm.THERAPY_NOTE_WRITE)
def therapy_note_error(request: StaffRequest, note_id: uuid.UUID, payload: ReasonIn) -> TherapyNote:
    note = _own_note(request, note_id)
    with _locked_notes():
        return notes.note_mark_error(actor=request.actor, note=note, reason=payload.reason)
