"""The clinic's outcome dashboard: one `clinical.Episode` per treatment course started in the
period, summarised by `clinical.outcome_summary` overall and by route, protocol, prescriber and
quarter; with data completeness, time to response, alert response times and questionnaire
completion. Read in a fixed number of queries whatever the number of courses."""

import datetime as dt
import statistics
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from ketacare import clinical
from ketacare.assessments.models import Assessment, RiskAlert
from ketacare.clinical import DatedScore, Episode, OutcomeSummary
from ketacare.clinics.models import Clinic
from ketacare.measurement.models import AssignmentStatus, QuestionnaireAssignment
from ketacare.treatment.definitions import protocol_from_dict
from ketacare.treatment.models import CourseStatus, PlannedSession, SessionStatus, TreatmentCourse

INSTRUMENT = "phq9"  # the dashboard's scale: the one every route's course measures (§4.1, §5.1)


@dataclass(frozen=True)
class CourseFacts:
    route: str
    protocol: str
    prescriber: str
    quarter: str
    episode: Episode
    dropped_after_first: bool
    days_to_response: int | None


@dataclass(frozen=True)
class Breakdown:
    label: str
    summary: OutcomeSummary


@dataclass(frozen=True)
class Minutes:
    """How long something took across alerts: count, median and 90th percentile in minutes."""

    n: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Completion:
    instrument: str
    sent: int
    opened: int
    completed: int
    expired: int
    reminders: int

    @property
    def percent(self) -> float | None:
        """Answered of those closed (answered or expired), as a percentage."""
        closed = self.completed + self.expired
        return 100 * self.completed / closed if closed else None


def courses_in(clinic: Clinic, since: dt.datetime, until: dt.datetime) -> list[CourseFacts]:
    """Every course started in [since, until): three queries (courses, sessions, scores)."""
    courses = list(
        TreatmentCourse.objects.filter(clinic=clinic, started_at__gte=since, started_at__lt=until)
        .select_related("protocol_version", "prescriber", "clinic")
        .order_by("started_at", "pk")
    )
    sessions: dict[int, list[PlannedSession]] = defaultdict(list)
    for row in PlannedSession.objects.filter(course__in=courses).only(
        "course", "stage", "status", "scheduled_on"
    ):
        sessions[row.course_id].append(row)
    scores: dict[int, list[DatedScore]] = defaultdict(list)
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    rows = Assessment.objects.filter(
        patient_id__in={c.patient_id for c in courses},
        instrument=INSTRUMENT,
        entered_in_error=False,
    ).only("patient_id", "administered_at", "total")
    for a in rows:
        if a.total is not None:
            on = timezone.localtime(a.administered_at, zone).date()
            scores[a.patient_id].append(DatedScore(on, a.total))
    thresholds = _remission_thresholds(courses)
    return [_facts(c, sessions[c.pk], scores[c.patient_id], thresholds) for c in courses]


def _remission_thresholds(courses: Iterable[TreatmentCourse]) -> dict[int, int | None]:
    found: dict[int, int | None] = {}
    for course in courses:
        version = course.protocol_version
        if version.pk not in found:
            protocol = protocol_from_dict(version.definition)
            found[version.pk] = protocol.remission_threshold(INSTRUMENT)
    return found


def _facts(
    course: TreatmentCourse,
    sessions: Sequence[PlannedSession],
    scores: Sequence[DatedScore],
    thresholds: dict[int, int | None],
) -> CourseFacts:
    done = sorted(s.scheduled_on for s in sessions if s.status == SessionStatus.COMPLETED)
    completed, induction_end = through_induction(course, sessions)
    episode = clinical.course_episode(
        INSTRUMENT,
        scores,
        first_dose_on=done[0] if done else None,
        induction_end_on=induction_end,
        completed_induction=completed,
        remission_max=thresholds[course.protocol_version_id],
    )
    started = timezone.localtime(course.started_at, zoneinfo.ZoneInfo(course.clinic.timezone))
    return CourseFacts(
        route=course.get_route_display(),
        protocol=course.protocol_version.name,
        prescriber=course.prescriber.full_name,
        quarter=f"{started.year} Q{(started.month - 1) // 3 + 1}",
        episode=episode,
        dropped_after_first=len(done) == 1 and course.status == CourseStatus.ENDED,
        days_to_response=_days_to_response(episode, scores, done[0] if done else None),
    )


def through_induction(
    course: TreatmentCourse, sessions: Sequence[PlannedSession]
) -> tuple[bool, dt.date | None]:
    """Whether the course completed induction, and the day its induction ended.

    Completed: every induction session not cancelled was given, at least one was, and the
    course did not end before its induction would have (ending cancels what is left, and a
    course stopped early has not completed induction however its sessions stand)."""
    induction = [s for s in sessions if s.stage == "induction"]
    live = [s for s in induction if s.status != SessionStatus.CANCELLED]
    if not live:
        return False, None
    end = max(s.scheduled_on for s in live)
    all_given = all(s.status == SessionStatus.COMPLETED for s in live)
    planned_end = max(s.scheduled_on for s in induction)
    ended_early = course.ended_at is not None and _local_day(course, course.ended_at) < planned_end
    return all_given and not ended_early, end


def _local_day(course: TreatmentCourse, moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, zoneinfo.ZoneInfo(course.clinic.timezone)).date()


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


def summary(facts: Sequence[CourseFacts]) -> OutcomeSummary:
    return clinical.outcome_summary([f.episode for f in facts])


def breakdown(facts: Sequence[CourseFacts], key: Callable[[CourseFacts], str]) -> list[Breakdown]:
    groups: dict[str, list[CourseFacts]] = defaultdict(list)
    for fact in facts:
        groups[key(fact)].append(fact)
    return [Breakdown(label, summary(groups[label])) for label in sorted(groups)]


BREAKDOWNS: dict[str, Callable[[CourseFacts], str]] = {
    "Route": lambda f: f.route,
    "Protocol": lambda f: f.protocol,
    "Prescriber": lambda f: f.prescriber,
    "Quarter started": lambda f: f.quarter,
}


def median_days_to_response(facts: Sequence[CourseFacts]) -> float | None:
    days = [f.days_to_response for f in facts if f.days_to_response is not None]
    return statistics.median(days) if days else None


def alert_times(clinic: Clinic, since: dt.datetime) -> tuple[Minutes, Minutes]:
    """Minutes from raising to acknowledging and to resolving, for alerts raised since."""
    rows = RiskAlert.objects.filter(clinic=clinic, raised_at__gte=since).only(
        "raised_at", "acknowledged_at", "resolved_at"
    )
    acknowledged, resolved = [], []
    for alert in rows:
        if alert.acknowledged_at is not None:
            acknowledged.append((alert.acknowledged_at - alert.raised_at).total_seconds() / 60)
        if alert.resolved_at is not None:
            resolved.append((alert.resolved_at - alert.raised_at).total_seconds() / 60)
    return _minutes(acknowledged), _minutes(resolved)


def _minutes(values: list[float]) -> Minutes:
    if not values:
        return Minutes(0, None, None)
    ordered = sorted(values)
    # The nearest-rank 90th percentile: a value that happened, not an interpolation.
    p90 = ordered[max(0, -(-9 * len(ordered) // 10) - 1)]
    return Minutes(len(values), statistics.median(ordered), p90)


def completion(clinic: Clinic, since: dt.datetime) -> list[Completion]:
    """Questionnaires sent since, per instrument: opened, answered, closed unanswered
    (expired), and the reminders sent for them. One query."""
    now = timezone.now()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    rows = (
        QuestionnaireAssignment.objects.filter(clinic=clinic, opens_at__gte=since)
        .annotate(reminder_count=Count("reminders"))
        .only("instrument", "status", "expires_at", "opened_at")
    )
    for row in rows:
        tally = counts[row.instrument]
        tally[0] += 1
        tally[1] += row.opened_at is not None
        if row.status == AssignmentStatus.COMPLETED:
            tally[2] += 1
        elif row.status == AssignmentStatus.OPEN and row.expires_at <= now:
            tally[3] += 1
        tally[4] += row.reminder_count
    return [Completion(clinical.get_scale(code).name, *counts[code]) for code in sorted(counts)]


def rate_text(rate: clinical.Rate) -> str:
    if rate.suppressed or rate.proportion is None:
        return f"fewer than {clinical.MIN_DENOMINATOR} patients"
    return f"{rate.proportion:.0%} ({rate.numerator} of {rate.denominator})"


def interval_text(rate: clinical.Rate) -> str:
    if rate.ci_low is None or rate.ci_high is None:
        return ""
    return f"{rate.ci_low:.0%} to {rate.ci_high:.0%}"
