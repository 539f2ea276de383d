"""Access-checked reads of dosing sessions, and the read-side facts the services and the
session screen share (today's scores, the doses given so far, what is due next)."""

import datetime as dt
import uuid
import zoneinfo
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from ketacare import clinical
from ketacare.assessments.models import Assessment
from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.dosing.models import (
    Administration,
    AdverseEvent,
    Checkpoint,
    DeviceUse,
    DosingSession,
    InfusionPause,
    Intervention,
    SessionScore,
    SideEffect,
    VitalsReading,
)
from ketacare.patients.models import ChartEntry, Patient
from ketacare.treatment.models import CourseStatus, PlannedSession, SessionStatus
from ketacare.treatment.queries import protocol_of

# Vitals due "about" at 40 minutes (REFERENCE §1.5): the screen flags it from 40 minutes on.
POST_DOSE_CHECK_MIN = 40


def dosing_for(actor: Actor, public_id: uuid.UUID, perm: Perm) -> DosingSession:
    """A dosing session of a patient the user may see, if their role there holds `perm`."""
    session = (
        DosingSession.objects.filter(
            public_id=public_id, patient__in=Patient.objects.visible_to(actor)
        )
        .select_related("clinic", "patient", "course__protocol_version", "planned_session")
        .first()
    )
    if session is None:
        raise access_denied(actor=actor, model=DosingSession, public_id=public_id)
    actor.demand(perm, session.clinic)
    return session


def planned_for(actor: Actor, public_id: uuid.UUID, perm: Perm) -> PlannedSession:
    planned = (
        PlannedSession.objects.filter(
            public_id=public_id, course__patient__in=Patient.objects.visible_to(actor)
        )
        .select_related("clinic", "course__patient", "course__protocol_version")
        .first()
    )
    if planned is None:
        raise access_denied(actor=actor, model=PlannedSession, public_id=public_id)
    actor.demand(perm, planned.clinic)
    return planned


def todays_sessions(clinic: Clinic) -> QuerySet[PlannedSession]:
    """The clinic's sessions today on active courses (planned, booked, or completed by a
    discharge, so the list keeps showing their dosing status), in one query."""
    return (
        PlannedSession.objects.filter(
            clinic=clinic,
            scheduled_on=clinic.today(),
            status__in=[SessionStatus.PLANNED, SessionStatus.BOOKED, SessionStatus.COMPLETED],
            course__status=CourseStatus.ACTIVE,
        )
        .select_related("course__patient", "course__protocol_version", "dosing")
        .order_by("scheduled_time", "course__patient__family_name")
    )


def protocol_for_session(session: DosingSession) -> clinical.Protocol:
    return protocol_of(session.course.protocol_version)


def session_day(session: DosingSession) -> dt.date:
    """The clinic's date on which the patient checked in: the session's own day, which it keeps
    when it runs past midnight."""
    return timezone.localtime(session.checked_in_at, _zone(session.clinic)).date()


def session_day_start(session: DosingSession) -> dt.datetime:
    return dt.datetime.combine(session_day(session), dt.time(), _zone(session.clinic))


def todays_assessment(session: DosingSession, instrument: str) -> Assessment | None:
    """The newest valid `instrument` the patient answered since the session's day began (that
    morning at home, or at the chair, after midnight too if the session runs late)."""
    rows = Assessment.objects.filter(
        patient=session.patient,
        instrument=instrument,
        entered_in_error=False,
        administered_at__gte=session_day_start(session),
    )
    return rows.order_by("-administered_at", "-pk").first()


def _zone(clinic: Clinic) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(clinic.timezone)


def valid_administration(session: DosingSession) -> Administration | None:
    return Administration.objects.filter(session=session, entered_in_error=False).first()


def administered_doses(session: DosingSession) -> list[int]:
    """The course's doses given before this session, oldest first (whole mg), for the
    label's next-dose rule."""
    rows = Administration.objects.filter(
        session__course=session.course, entered_in_error=False
    ).exclude(session=session)
    return [int(dose) for dose in rows.order_by("started_at").values_list("dose_mg", flat=True)]


def latest_score(
    session: DosingSession, instrument: str, scores: list[SessionScore] | None = None
) -> Assessment | None:
    """The session's newest valid `instrument` score; from `scores` (already loaded, with
    their assessments) when given, so a page over many sessions runs no query per row."""
    if scores is not None:
        return newest_score(scores, instrument)
    score = (
        SessionScore.objects.filter(
            session=session, entered_in_error=False, assessment__instrument=instrument
        )
        .select_related("assessment")
        .order_by("-assessment__administered_at", "-pk")
        .first()
    )
    return score.assessment if score else None


def newest_score(scores: list[SessionScore], instrument: str) -> Assessment | None:
    valid = [
        s.assessment
        for s in scores
        if not s.entered_in_error and s.assessment.instrument == instrument
    ]
    return max(valid, key=lambda a: (a.administered_at, a.pk), default=None)


def pre_dose_reading(session: DosingSession) -> VitalsReading | None:
    return (
        VitalsReading.objects.filter(
            session=session, entered_in_error=False, checkpoint=Checkpoint.PRE_DOSE
        )
        .order_by("-measured_at", "-pk")
        .first()
    )


def session_with_timeline(session: DosingSession) -> DosingSession:
    """The session with every timeline list prefetched: one query per list, whatever its
    length, so the screen's query count does not grow with the readings."""
    return (
        DosingSession.objects.filter(pk=session.pk)
        .select_related(
            "clinic",
            "patient",
            "course__protocol_version",
            "planned_session",
            "checked_in_by",
            "checklist_by",
            "override_by",
            "discharged_by",
            "phq9",
            "cssrs",
        )
        .prefetch_related(
            Prefetch("vitals", VitalsReading.objects.select_related("recorded_by")),
            Prefetch(
                "scores",
                SessionScore.objects.select_related("assessment", "recorded_by").order_by(
                    "assessment__administered_at", "pk"
                ),
            ),
            Prefetch(
                "administrations",
                Administration.objects.select_related("recorded_by", "override_by")
                .prefetch_related(
                    Prefetch("devices", DeviceUse.objects.all()),
                    Prefetch("pauses", InfusionPause.objects.all()),
                )
                .order_by("started_at", "pk"),
            ),
            "side_effects",
            "interventions",
            "adverse_events",
        )
        .get()
    )


@dataclass(frozen=True, slots=True)
class Due:
    """The next reading the protocol asks for: what, by when, and whether it is late."""

    label: str
    due_at: dt.datetime
    overdue: bool


def next_due(
    session: DosingSession, protocol: clinical.Protocol, readings: list[VitalsReading]
) -> Due | None:
    """The BP checkpoint or interval reading due next, from the protocol's monitoring plan
    (REFERENCE §1.5: ~40 min after the dose; §2.4: the protocol's interval)."""
    if session.dose_started_at is None or not session.is_open:
        return None
    valid = [reading for reading in readings if not reading.entered_in_error]
    now = timezone.now()
    plan = protocol.monitoring
    after_dose = [r for r in valid if r.measured_at >= session.dose_started_at]
    if "post_40min" in plan.bp_checkpoints and not any(
        r.checkpoint == Checkpoint.POST_40 for r in valid
    ):
        due = session.dose_started_at + dt.timedelta(minutes=POST_DOSE_CHECK_MIN)
        return Due("BP about 40 min after the dose", due, now > due)
    if plan.vitals_interval_min is None:
        return None
    last = max((r.measured_at for r in after_dose), default=session.dose_started_at)
    due = last + dt.timedelta(minutes=plan.vitals_interval_min)
    return Due(f"Vitals every {plan.vitals_interval_min} min", due, now > due)


TIMELINE_MODELS: tuple[type[ChartEntry], ...] = (
    VitalsReading,
    SessionScore,
    Administration,
    DeviceUse,
    InfusionPause,
    SideEffect,
    Intervention,
    AdverseEvent,
)


def timeline_entry(session: DosingSession, public_id: uuid.UUID) -> ChartEntry:
    """One entry of the session's timeline, of whatever kind; 404 if not on this session."""
    for model in TIMELINE_MODELS:
        entry = model.objects.filter(session=session, public_id=public_id).first()  # type: ignore[attr-defined]
        if entry is not None:
            return entry  # type: ignore[no-any-return]
    raise Http404("No such entry on this session.")
