"""Each treatment course's outcome, worked out from its sessions and PHQ-9 scores and kept in a
`CourseOutcome` row by the writes that change it, so the dashboard sums columns (`outcomes.py`)
instead of reading every course on each load.

Kept in the same transaction as the write: a course's schedule or status changing
(`treatment.schedule.schedule_changed`: start, pause, resume, end, a session booked, moved,
cancelled or completed, a dose started) and a PHQ-9 saved or struck out for the patient (the
model's `post_save`, whichever path saved it). Rows written before an upgrade changed `RULES`,
under another clinic time zone, or never written (courses inserted in bulk) are stale, and
`refresh_stale` works them out again before the dashboard reads them.
"""

import dataclasses
import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver

from ketacare import clinical
from ketacare.assessments.models import Assessment
from ketacare.clinical import DatedScore, Episode
from ketacare.clinics.models import Clinic
from ketacare.measurement.models import CourseOutcome
from ketacare.treatment.definitions import protocol_from_dict
from ketacare.treatment.models import (
    CourseStatus,
    PlannedSession,
    ProtocolVersion,
    SessionStatus,
    TreatmentCourse,
)
from ketacare.treatment.schedule import schedule_changed

INSTRUMENT = "phq9"  # the dashboard's scale: the one every route's course measures (§4.1, §5.1)
# The version of how a row is worked out: raise it when that changes, and every row is
# worked out again before it is next read.
RULES = 1
BATCH = 1000  # courses worked out per round of queries when many are stale
# The counts a `CourseOutcome` keeps for the database to sum: `clinical.OutcomeCounts` but
# `started` (each row is one course started).
COUNTED = tuple(f.name for f in dataclasses.fields(clinical.OutcomeCounts) if f.name != "started")


@dataclass(frozen=True)
class CourseFacts:
    """One course as the dashboard counts it (the fields of a `CourseOutcome`)."""

    course_id: int
    started_at: dt.datetime
    quarter: str
    route: str
    protocol_version_id: int
    prescriber_id: int
    episode: Episode
    dropped_after_first: bool
    days_to_response: int | None


@dataclass(frozen=True)
class SessionFacts:
    """What the figures read of a planned session (a `PlannedSession` has the same names)."""

    stage: str
    status: str
    scheduled_on: dt.date


class _Session(Protocol):
    @property
    def stage(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def scheduled_on(self) -> dt.date: ...


@receiver(schedule_changed)
def _on_schedule_changed(sender: object, *, course: TreatmentCourse, **kwargs: object) -> None:
    outcomes_keep(course.clinic, TreatmentCourse.objects.filter(pk=course.pk))


@receiver(post_save, sender=Assessment)
def _on_assessment_saved(sender: object, *, instance: Assessment, **kwargs: object) -> None:
    # A score may be any of the patient's courses' baseline or end of induction.
    if instance.instrument == INSTRUMENT:
        outcomes_keep(instance.clinic, TreatmentCourse.objects.filter(patient=instance.patient_id))


def outcomes_keep(clinic: Clinic, courses: QuerySet[TreatmentCourse]) -> int:
    """Work out and keep the outcome of each of `courses` (all of `clinic`); returns how many."""
    rows = [_outcome_row(facts, clinic) for facts in facts_of(clinic, courses)]
    CourseOutcome.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["course"],
        update_fields=[f.name for f in CourseOutcome._meta.concrete_fields if not f.primary_key],
    )
    return len(rows)


def refresh_stale(clinic: Clinic, since: dt.datetime, until: dt.datetime) -> int:
    """Work out again the courses started in [since, until) whose kept outcome is missing or
    stale (see the module's note); two counts, read from indexes, when none is."""
    courses = TreatmentCourse.objects.filter(
        clinic=clinic, started_at__gte=since, started_at__lt=until
    )
    # Each current row is one of those courses: its `started_at` is the course's own.
    if courses.count() == current_rows(clinic, since, until).count():
        return 0
    current = CourseOutcome.objects.filter(course=OuterRef("pk"), zone=clinic.timezone, rules=RULES)
    stale = courses.filter(~Exists(current)).order_by().values_list("pk", flat=True)
    ids = list(stale)
    for first in range(0, len(ids), BATCH):
        outcomes_keep(clinic, TreatmentCourse.objects.filter(pk__in=ids[first : first + BATCH]))
    return len(ids)


def current_rows(clinic: Clinic, since: dt.datetime, until: dt.datetime) -> QuerySet[CourseOutcome]:
    """The kept outcomes of the courses started in [since, until) worked out under the
    clinic's time zone and these `RULES` (after `refresh_stale`, all of them)."""
    return CourseOutcome.objects.filter(
        clinic=clinic,
        rules=RULES,
        zone=clinic.timezone,
        started_at__gte=since,
        started_at__lt=until,
    )


def _outcome_row(facts: CourseFacts, clinic: Clinic) -> CourseOutcome:
    episode = facts.episode
    counts = clinical.episode_counts(episode)
    return CourseOutcome(
        course_id=facts.course_id,
        clinic_id=clinic.pk,
        started_at=facts.started_at,
        quarter=facts.quarter,
        route=facts.route,
        protocol_version_id=facts.protocol_version_id,
        prescriber_id=facts.prescriber_id,
        zone=clinic.timezone,
        rules=RULES,
        baseline=episode.baseline,
        end_of_induction=episode.end_of_induction,
        completed_induction=episode.completed_induction,
        remission_max=episode.remission_max,
        **{name: getattr(counts, name) for name in COUNTED},
        dropped_after_first=int(facts.dropped_after_first),
        days_to_response=facts.days_to_response,
    )


def facts_of(clinic: Clinic, courses: QuerySet[TreatmentCourse]) -> list[CourseFacts]:
    """Each of `courses` (all of `clinic`), read as plain values (no model instances) in four
    queries: courses, their protocol versions, sessions and scores. Sessions and scores are
    selected by subquery, not by a list of ids."""
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    chosen = courses.filter(clinic=clinic)
    values = list(
        chosen.order_by("started_at", "pk").values_list(
            "pk", "patient_id", "route", "protocol_version_id", "prescriber_id", "status",
            "started_at", "ended_at",
        )
    )  # fmt: skip
    remission = _remission_thresholds({row[3] for row in values})
    sessions: dict[int, list[SessionFacts]] = defaultdict(list)
    session_rows = PlannedSession.objects.filter(course__in=chosen.values("pk"))
    for course_id, stage, status, on in session_rows.values_list(
        "course_id", "stage", "status", "scheduled_on"
    ):
        sessions[course_id].append(SessionFacts(stage, status, on))
    scores = _scores(chosen, zone)
    return [
        _facts(CourseRow(*row, remission_max=remission[row[3]]), sessions[row[0]], scores, zone)
        for row in values
    ]


def _scores(
    chosen: QuerySet[TreatmentCourse], zone: zoneinfo.ZoneInfo
) -> dict[int, list[DatedScore]]:
    scores: dict[int, list[DatedScore]] = defaultdict(list)
    rows = Assessment.objects.filter(
        patient_id__in=chosen.values("patient_id"),
        instrument=INSTRUMENT,
        entered_in_error=False,
        total__isnull=False,
    )
    # Oldest first, as the chart reads them: of two scores on one day, the same one stands.
    ordered = rows.order_by("administered_at", "pk")
    for patient_id, at, total in ordered.values_list("patient_id", "administered_at", "total"):
        if total is not None:  # refused by the query too; this tells the type checker
            scores[patient_id].append(DatedScore(at.astimezone(zone).date(), total))
    return scores


@dataclass(frozen=True)
class CourseRow:
    pk: int
    patient_id: int
    route: str
    protocol_version_id: int
    prescriber_id: int
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    remission_max: int | None


def _remission_thresholds(ids: Iterable[int]) -> dict[int, int | None]:
    """Each protocol version's PHQ-9 remission threshold, decoded once."""
    rows = ProtocolVersion.objects.filter(pk__in=ids).values_list("pk", "definition")
    return {pk: protocol_from_dict(d).remission_threshold(INSTRUMENT) for pk, d in rows}


def _facts(
    course: CourseRow,
    sessions: Sequence[SessionFacts],
    scores: dict[int, list[DatedScore]],
    zone: zoneinfo.ZoneInfo,
) -> CourseFacts:
    done = sorted(s.scheduled_on for s in sessions if s.status == SessionStatus.COMPLETED)
    ended_on = course.ended_at.astimezone(zone).date() if course.ended_at else None
    completed, induction_end = through_induction(sessions, ended_on)
    own = scores[course.patient_id]
    episode = clinical.course_episode(
        INSTRUMENT,
        own,
        first_dose_on=done[0] if done else None,
        induction_end_on=induction_end,
        completed_induction=completed,
        remission_max=course.remission_max,
    )
    started = course.started_at.astimezone(zone)
    return CourseFacts(
        course_id=course.pk,
        started_at=course.started_at,
        quarter=f"{started.year} Q{(started.month - 1) // 3 + 1}",
        route=course.route,
        protocol_version_id=course.protocol_version_id,
        prescriber_id=course.prescriber_id,
        episode=episode,
        dropped_after_first=len(done) == 1 and course.status == CourseStatus.ENDED,
        days_to_response=_days_to_response(episode, own, done[0] if done else None),
    )


def through_induction(
    sessions: Sequence[_Session], ended_on: dt.date | None
) -> tuple[bool, dt.date | None]:
    """Whether the course completed induction, and the day its induction ended.

    Completed: every induction session not cancelled was given, at least one was, and the
    course did not end (`ended_on`, in the clinic's calendar) before its induction would have
    (ending cancels what is left, and a course stopped early has not completed induction
    however its sessions stand)."""
    induction = [s for s in sessions if s.stage == "induction"]
    live = [s for s in induction if s.status != SessionStatus.CANCELLED]
    if not live:
        return False, None
    end = max(s.scheduled_on for s in live)
    all_given = all(s.status == SessionStatus.COMPLETED for s in live)
    planned_end = max(s.scheduled_on for s in induction)
    ended_early = ended_on is not None and ended_on < planned_end
    return all_given and not ended_early, end


def _days_to_response(
    episode: Episode, scores: Sequence[DatedScore], first_dose: dt.date | None
) -> int | None:
    """Days from the first dose to the first score at a response (§5.1: a 50 % fall)."""
    if episode.baseline is None or first_dose is None:
        return None
    for score in sorted(scores, key=lambda s: s.on):
        if (
            score.on > first_dose
            and clinical.classify(INSTRUMENT, episode.baseline, score.total).response
        ):
            return (score.on - first_dose).days
    return None
