"""Reading the safety watch: the check a course's protocol asks, the pre-dose blood pressures
the trend is drawn from, and what is due, overdue and positive, for the clinic's watch list
and a patient's chart (a fixed number of queries however many courses or results)."""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone

from ketacare import clinical
from ketacare.clinical.safety_watch import TITLES
from ketacare.clinics.models import Clinic
from ketacare.dosing.models import Checkpoint, VitalsReading
from ketacare.patients.models import Patient
from ketacare.treatment.definitions import protocol_from_dict
from ketacare.treatment.models import CourseStatus, SessionStatus, TreatmentCourse
from ketacare.watch.models import WatchResult

ON_SCHEDULE = (SessionStatus.PLANNED, SessionStatus.BOOKED, SessionStatus.COMPLETED)
# How far ahead the watch list shows checks coming due.
AHEAD = dt.timedelta(days=7)


def watch_check(course: TreatmentCourse, kind: str) -> clinical.WatchCheck:
    """The check `kind` as the course's protocol version asks it; refused by name when the
    protocol gives it no cut-off (the clinic has not set one)."""
    protocol = protocol_from_dict(course.protocol_version.definition)
    checks = {check.kind: check for check in protocol.watch}
    check = checks.get(kind)
    if check is None:
        allowed = "; ".join(TITLES[name].lower() for name in clinical.WATCH_KINDS)
        raise ValidationError({"kind": f"Choose one of the watch's checks: {allowed}."})
    if check.positive_at is None:
        message = (
            f"This protocol sets no cut-off for {check.title.lower()}: the clinic sets it first."
        )
        raise ValidationError({"kind": message})
    return check


def pre_dose_sbp(course: TreatmentCourse) -> list[int]:
    """One systolic pressure per dosing session of the course, oldest session first: its last
    pre-dose reading (a re-measure before one dose stands for that dose; entered-in-error
    readings left out)."""
    readings = VitalsReading.objects.filter(
        session__planned_session__course=course,
        checkpoint=Checkpoint.PRE_DOSE,
        entered_in_error=False,
        sbp__isnull=False,
    ).order_by("measured_at", "pk")
    last: dict[int, int] = {}
    for session, sbp in readings.values_list("session", "sbp"):
        if sbp is not None:
            last.pop(session, None)  # kept in the order of the session's last reading
            last[session] = sbp
    return list(last.values())


@dataclass
class CourseWatch:
    """One course in maintenance: what its watch has due, and its positive results waiting
    for a prescriber."""

    course: TreatmentCourse
    due: list[clinical.WatchDue] = field(default_factory=list)
    positives: list[WatchResult] = field(default_factory=list)

    @property
    def overdue(self) -> list[clinical.WatchDue]:
        return [due for due in self.due if due.overdue]


def _maintenance_from(course: TreatmentCourse, today: dt.date) -> dt.date | None:
    """The day the course's maintenance began: its first maintenance session on the schedule,
    if that day has come."""
    days = [
        s.scheduled_on
        for s in course.sessions.all()  # prefetched
        if s.stage == "maintenance" and s.status in ON_SCHEDULE
    ]
    first = min(days, default=None)
    return first if first is not None and first <= today else None


def courses_watched(
    clinic: Clinic, today: dt.date, patient: Patient | None = None
) -> list[CourseWatch]:
    """Every course of the clinic (or of one patient) with a check due within `AHEAD` or a
    positive result waiting, soonest due first. A paused or ended course has nothing due, but
    its positive results still wait for a review."""
    waiting_anywhere = WatchResult.objects.filter(
        clinic=clinic, positive=True, reviewed_at__isnull=True, entered_in_error=False
    ).values("course")
    found = (
        TreatmentCourse.objects.filter(clinic=clinic)
        .filter(Q(status=CourseStatus.ACTIVE) | Q(pk__in=waiting_anywhere))
        .select_related("patient", "protocol_version", "prescriber")
        .prefetch_related("sessions")
    )
    courses = list(found if patient is None else found.filter(patient=patient))
    results = WatchResult.objects.filter(course__in=courses, entered_in_error=False)
    last = {
        (row["course"], row["kind"]): row["last"]
        for row in results.values("course", "kind").annotate(last=Max("done_at"))
    }
    waiting = _waiting(results.filter(positive=True, reviewed_at__isnull=True))
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    # Each protocol version read once, however many of its courses are watched.
    versions = {c.protocol_version_id: c.protocol_version.definition for c in courses}
    protocols = {pk: protocol_from_dict(definition) for pk, definition in versions.items()}
    watched = []
    for course in courses:
        entry = CourseWatch(course, positives=waiting.get(course.pk, []))
        active = course.status == CourseStatus.ACTIVE
        started = _maintenance_from(course, today) if active else None
        for check in protocols[course.protocol_version_id].watch:
            done = last.get((course.pk, check.kind))
            done_on = timezone.localtime(done, zone).date() if done is not None else None
            due = clinical.watch_due(check, started, done_on, today)
            if due is not None and due.due_on <= today + AHEAD:
                entry.due.append(due)
        if entry.due or entry.positives:
            watched.append(entry)
    return sorted(watched, key=lambda w: min((d.due_on for d in w.due), default=today))


def _waiting(rows: Iterable[WatchResult]) -> dict[int, list[WatchResult]]:
    waiting: dict[int, list[WatchResult]] = {}
    for row in rows:
        waiting.setdefault(row.course_id, []).append(row)
    return waiting
