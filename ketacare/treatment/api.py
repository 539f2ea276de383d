"""Protocol library, course and schedule endpoints: the same permissions, rules and audit as
the pages."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status

from ketacare.clinics.access import requires
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.patients.queries import patient_for, patient_read_for
from ketacare.patients.services import patient_chart_read
from ketacare.treatment import library, schedule, services
from ketacare.treatment.models import PlannedSession, ProtocolVersion, TreatmentCourse
from ketacare.treatment.protocol_settings import setting_names
from ketacare.treatment.queries import (
    course_for,
    course_with_history,
    courses_of,
    library_versions,
    protocol_for,
    protocol_of,
    session_for,
)
from ketacare.treatment.schemas import (
    BookIn,
    CourseIn,
    CourseOut,
    DoseChangeIn,
    DoseOrderOut,
    MoveIn,
    ProtocolOut,
    ProtocolSettingsIn,
    ProtocolSummaryOut,
    ReasonIn,
    RemsIn,
    ResumeIn,
    SessionOut,
)

router = Router()


def _settings(payload: ProtocolSettingsIn, version: ProtocolVersion) -> dict[str, Any]:
    """The settings sent, refused by name unless the protocol has them (checked before the
    service call so no name can collide with its own arguments)."""
    allowed = setting_names(protocol_of(version))
    unknown = sorted(set(payload.settings) - set(allowed))
    if unknown:
        message = f"Not a setting of this protocol; settings: {', '.join(allowed)}."
        raise ValidationError({name: message for name in unknown})
    return payload.settings


@router.get("/protocols", response=list[ProtocolSummaryOut])
@requires(Perm.PROTOCOL_VIEW)
def protocol_list(
    request: StaffRequest, clinic_id: uuid.UUID | None = None
) -> list[ProtocolVersion]:
    """The protocol libraries of your clinics (built-in and the clinic's own versions)."""
    versions: list[ProtocolVersion] = []
    for clinic in request.actor.clinics_where(Perm.PROTOCOL_VIEW):
        if clinic_id is None or clinic.public_id == clinic_id:
            versions.extend(library_versions(clinic).select_related("clinic"))
    return versions


@router.get("/protocols/{uuid:protocol_id}", response=ProtocolOut)
@requires(Perm.PROTOCOL_VIEW)
def protocol_read(request: StaffRequest, protocol_id: uuid.UUID) -> ProtocolVersion:
    """One version: its full definition, and the settings a new version may change."""
    return protocol_for(request.actor, protocol_id, Perm.PROTOCOL_VIEW, via="api")


@router.post("/protocols/{uuid:protocol_id}/versions", response={201: ProtocolOut})
@requires(Perm.PROTOCOL_MANAGE)
def protocol_version_create(
    request: StaffRequest, protocol_id: uuid.UUID, payload: ProtocolSettingsIn
) -> Status[ProtocolVersion]:
    """A new version based on this one, with the settings given changed."""
    base = protocol_for(request.actor, protocol_id, Perm.PROTOCOL_MANAGE, via="api")
    created = library.protocol_version_create(
        actor=request.actor,
        base=base,
        change_note=payload.change_note,
        **_settings(payload, base),
    )
    return Status(201, created)


@router.patch("/protocols/{uuid:protocol_id}", response=ProtocolOut)
@requires(Perm.PROTOCOL_MANAGE)
def protocol_version_update(
    request: StaffRequest, protocol_id: uuid.UUID, payload: ProtocolSettingsIn
) -> ProtocolVersion:
    """Change a clinic's own version; 409 once a course uses it (or if it is built in)."""
    version = protocol_for(request.actor, protocol_id, Perm.PROTOCOL_MANAGE, via="api")
    if version.is_builtin or version.locked_at:
        raise HttpError(
            409, "This version is fixed (built in, or used by a course): make a new version."
        )
    return library.protocol_version_update(
        actor=request.actor,
        version=version,
        change_note=payload.change_note or None,
        **_settings(payload, version),
    )


@router.get("/patients/{uuid:patient_id}/courses", response=list[CourseOut])
@requires(Perm.COURSE_VIEW)
def course_list(request: StaffRequest, patient_id: uuid.UUID) -> list[TreatmentCourse]:
    patient = patient_read_for(request.actor, patient_id, Perm.COURSE_VIEW, via="api").patient
    return [course_with_history(course) for course in courses_of(patient)]


@router.post("/patients/{uuid:patient_id}/courses", response={201: CourseOut})
@requires(Perm.COURSE_MANAGE)
def course_start(
    request: StaffRequest, patient_id: uuid.UUID, payload: CourseIn
) -> Status[TreatmentCourse]:
    """Start a course (prescribers); 409 if the patient already has an open course."""
    patient = patient_for(request.actor, patient_id, Perm.COURSE_MANAGE, via="api").patient
    version = ProtocolVersion.objects.filter(
        clinic=patient.clinic, public_id=payload.protocol_id
    ).first()
    if version is None:
        raise ValidationError({"protocol_id": "No such protocol version in this patient's clinic."})
    fields = payload.dict(exclude={"protocol_id"}, exclude_none=True)
    try:
        course = services.course_start(
            actor=request.actor,
            patient=patient,
            protocol_version=version,
            **fields,
        )
    except services.CourseAlreadyOpen as error:
        raise HttpError(409, error.messages[0]) from error
    return Status(201, course_with_history(course))


@router.get("/courses/{uuid:course_id}", response=CourseOut)
@requires(Perm.COURSE_VIEW)
def course_read(request: StaffRequest, course_id: uuid.UUID) -> TreatmentCourse:
    course = course_for(request.actor, course_id, Perm.COURSE_VIEW, via="api")
    patient_chart_read(actor=request.actor, patient=course.patient, via="api")
    return course_with_history(course)


def _course_change(
    request: StaffRequest, course_id: uuid.UUID, perm: Perm, save: Any, **kwargs: Any
) -> TreatmentCourse:
    course = course_for(request.actor, course_id, perm, via="api")
    save(actor=request.actor, course=course, **kwargs)
    return course_with_history(course)


@router.post("/courses/{uuid:course_id}/pause", response=CourseOut)
@requires(Perm.COURSE_MANAGE)
def course_pause(request: StaffRequest, course_id: uuid.UUID, payload: ReasonIn) -> TreatmentCourse:
    """Pause: the sessions from today on are cancelled and held for the resume."""
    return _course_change(
        request, course_id, Perm.COURSE_MANAGE, services.course_pause, **payload.dict()
    )


@router.post("/courses/{uuid:course_id}/resume", response=CourseOut)
@requires(Perm.COURSE_MANAGE)
def course_resume(
    request: StaffRequest, course_id: uuid.UUID, payload: ResumeIn
) -> TreatmentCourse:
    """Resume: the held sessions are planned again from `resume_on`."""
    return _course_change(
        request, course_id, Perm.COURSE_MANAGE, services.course_resume, **payload.dict()
    )


@router.post("/courses/{uuid:course_id}/end", response=CourseOut)
@requires(Perm.COURSE_MANAGE)
def course_end(request: StaffRequest, course_id: uuid.UUID, payload: ReasonIn) -> TreatmentCourse:
    return _course_change(
        request, course_id, Perm.COURSE_MANAGE, services.course_end, **payload.dict()
    )


@router.post("/courses/{uuid:course_id}/dose", response={201: DoseOrderOut})
@requires(Perm.COURSE_MANAGE)
def course_dose(request: StaffRequest, course_id: uuid.UUID, payload: DoseChangeIn) -> Status[Any]:
    """A new dose order; a dose the core warns about needs `override_reason`."""
    course = course_for(request.actor, course_id, Perm.COURSE_MANAGE, via="api")
    order = services.course_change_dose(
        actor=request.actor,
        course=course,
        **payload.dict(exclude_none=True),
    )
    return Status(201, order)


@router.post("/courses/{uuid:course_id}/rems-enrollment", response=CourseOut)
@requires(Perm.REMS_ENROLL)
def rems_enrollment(
    request: StaffRequest, course_id: uuid.UUID, payload: RemsIn
) -> TreatmentCourse:
    """Record (or correct) the patient's SPRAVATO REMS enrollment."""
    return _course_change(
        request, course_id, Perm.REMS_ENROLL, services.rems_enrollment_record, **payload.dict()
    )


@router.get("/courses/{uuid:course_id}/sessions", response=list[SessionOut])
@requires(Perm.SCHEDULE_VIEW)
def session_list(request: StaffRequest, course_id: uuid.UUID) -> list[PlannedSession]:
    course = course_for(request.actor, course_id, Perm.SCHEDULE_VIEW, via="api")
    patient_chart_read(actor=request.actor, patient=course.patient, via="api")
    return list(course.sessions.order_by("scheduled_on", "number"))


def _session_change(
    request: StaffRequest, session_id: uuid.UUID, save: Any, **kwargs: Any
) -> PlannedSession:
    session = session_for(request.actor, session_id, Perm.SCHEDULE_MANAGE, via="api")
    return save(actor=request.actor, session=session, **kwargs)  # type: ignore[no-any-return]


@router.post("/sessions/{uuid:session_id}/book", response=SessionOut)
@requires(Perm.SCHEDULE_MANAGE)
def session_book(request: StaffRequest, session_id: uuid.UUID, payload: BookIn) -> PlannedSession:
    return _session_change(request, session_id, schedule.session_book, **payload.dict())


@router.post("/sessions/{uuid:session_id}/move", response=SessionOut)
@requires(Perm.SCHEDULE_MANAGE)
def session_move(request: StaffRequest, session_id: uuid.UUID, payload: MoveIn) -> PlannedSession:
    return _session_change(request, session_id, schedule.session_move, **payload.dict())


@router.post("/sessions/{uuid:session_id}/cancel", response=SessionOut)
@requires(Perm.SCHEDULE_MANAGE)
def session_cancel(
    request: StaffRequest, session_id: uuid.UUID, payload: ReasonIn
) -> PlannedSession:
    return _session_change(request, session_id, schedule.session_cancel, **payload.dict())
