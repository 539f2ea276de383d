"""`{% course_trend patient %}`: the score trend on the chart with the doses given, the current
course's baseline and remission thresholds, and its flags (REFERENCE §5.1).

A tag in `measurement` because it gathers from `assessments` (scores), `treatment` (the course,
its protocol and sessions) and `dosing` (the doses), and the chart (in `patients`) may import
none of them. Five queries whatever the history: the scores, the latest course, its planned
sessions, the discharged dosing sessions and their administrations. It draws the one trend
template (`assessments/_trend.html`); `{% score_trend %}` draws the same chart without doses.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Prefetch

from ketacare import clinical
from ketacare.assessments.models import Assessment
from ketacare.assessments.queries import trend_scores
from ketacare.assessments.trend import CourseFrame, DoseMark, build_trend
from ketacare.clinical import DatedScore
from ketacare.dosing.models import Administration, DosingSession, Status
from ketacare.measurement.course_outcomes import through_induction
from ketacare.measurement.templatetags.course_flags import CourseFacts, course_flags
from ketacare.patients.models import Patient
from ketacare.treatment.definitions import protocol_from_dict
from ketacare.treatment.models import TreatmentCourse

register = template.Library()
INSTRUMENT = "phq9"


@register.inclusion_tag("assessments/_trend.html")
def course_trend(patient: Patient, compact: bool = False) -> dict[str, Any]:
    """The trend of `patient`, who was fetched through `patient_for` by the page's view.

    `compact` caps the tables' height on screen (they scroll; print shows them whole)."""
    zone = zoneinfo.ZoneInfo(patient.clinic.timezone)
    rows = trend_scores(patient)
    course = _latest_course(patient)
    given = _discharged(patient)
    marks = [_mark(session) for session in given]
    if course is None:
        return {"trend": build_trend(rows, zone, doses=marks), "compact": compact}
    doses = [s.dose_started_at for s in given if s.course_id == course.pk and s.dose_started_at]
    protocol = protocol_from_dict(course.protocol_version.definition)
    first_on = doses[0].astimezone(zone).date() if doses else None
    frame = CourseFrame(first_dose_on=first_on, remission_max=dict(protocol.remission_max))
    trend = build_trend(rows, zone, doses=marks, course=frame)
    ended_on = course.ended_at.astimezone(zone).date() if course.ended_at else None
    completed, induction_end = through_induction(list(course.sessions.all()), ended_on)
    episode = clinical.course_episode(
        INSTRUMENT,
        [DatedScore(at.astimezone(zone).date(), total) for at, total in _phq9(rows)],
        first_dose_on=first_on,
        induction_end_on=induction_end,
        completed_induction=completed,
        remission_max=protocol.remission_threshold(INSTRUMENT),
    )
    # The protocol's thresholds; the rise from the lowest score stays unchecked unless it sets
    # one (§5.1 leaves relapse unverified).
    facts = CourseFacts(course, doses, episode, protocol.trend_settings())
    flags = course_flags(facts, trend, zone)
    return {"trend": trend, "flags": flags, "compact": compact}


def _latest_course(patient: Patient) -> TreatmentCourse | None:
    """The course started last (the current one, or the last to end), with its sessions."""
    return (
        TreatmentCourse.objects.filter(patient=patient)
        .select_related("protocol_version")
        .prefetch_related("sessions")
        .order_by("-started_at", "-pk")
        .first()
    )


def _discharged(patient: Patient) -> list[DosingSession]:
    """Every completed dosing session of the patient (any course), oldest dose first."""
    valid = Administration.objects.filter(entered_in_error=False)
    return list(
        DosingSession.objects.filter(
            patient=patient, status=Status.DISCHARGED, dose_started_at__isnull=False
        )
        .select_related("planned_session", "course__protocol_version")
        .prefetch_related(Prefetch("administrations", valid, to_attr="valid_administrations"))
        .order_by("dose_started_at", "pk")
    )


def _mark(session: DosingSession) -> DoseMark:
    assert session.dose_started_at is not None
    planned = session.planned_session
    label = f"Session {planned.number} ({planned.stage})" if planned else "Unplanned session"
    record = next(iter(getattr(session, "valid_administrations", [])), None)
    dose = f"{_mg(record.dose_mg)} mg {record.drug}" if record else "Dose not recorded"
    return DoseMark(session.dose_started_at, label, dose, str(session.course.protocol_version))


def _mg(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _phq9(rows: list[Assessment]) -> list[tuple[dt.datetime, int]]:
    return [
        (r.administered_at, r.total)
        for r in rows
        if r.instrument == INSTRUMENT and r.total is not None
    ]
