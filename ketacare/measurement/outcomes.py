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
from typing import Any, Protocol

from django.db.models import Count, Q
from django.utils import timezone

from ketacare import clinical
from ketacare.accounts.models import User
from ketacare.assessments.models import Assessment, RiskAlert
from ketacare.clinical import DatedScore, Episode, OutcomeSummary
from ketacare.clinics.models import Clinic
from ketacare.measurement.models import AssignmentStatus, QuestionnaireAssignment
from ketacare.treatment.definitions import protocol_from_dict
from ketacare.treatment.models import (
    CourseStatus,
    PlannedSession,
    ProtocolVersion,
    SessionStatus,
    TreatmentCourse,
)

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


def courses_in(clinic: Clinic, since: dt.datetime, until: dt.datetime) -> list[CourseFacts]:
    """Every course started in [since, until), read as plain values (no model instances) in
    five queries: courses, their protocol versions, prescribers, sessions and scores. Sessions
    and scores are selected by subquery, not by a list of ids that grows with the clinic."""
    zone = zoneinfo.ZoneInfo(clinic.timezone)
    chosen = TreatmentCourse.objects.filter(
        clinic=clinic, started_at__gte=since, started_at__lt=until
    )
    courses = list(
        chosen.order_by("started_at", "pk").values_list(
            "pk", "patient_id", "route", "protocol_version_id", "prescriber_id", "status",
            "started_at", "ended_at",
        )
    )  # fmt: skip
    versions = _versions({c[3] for c in courses})
    names = dict(User.objects.filter(pk__in={c[4] for c in courses}).values_list("pk", "full_name"))
    sessions: dict[int, list[SessionFacts]] = defaultdict(list)
    session_rows = PlannedSession.objects.filter(course__in=chosen.values("pk"))
    for course_id, stage, status, on in session_rows.values_list(
        "course_id", "stage", "status", "scheduled_on"
    ):
        sessions[course_id].append(SessionFacts(stage, status, on))
    scores: dict[int, list[DatedScore]] = defaultdict(list)
    score_rows = Assessment.objects.filter(
        patient_id__in=chosen.values("patient_id"),
        instrument=INSTRUMENT,
        entered_in_error=False,
        total__isnull=False,
    )
    # Oldest first, as the chart reads them: of two scores on one day, the same one stands.
    ordered = score_rows.order_by("administered_at", "pk")
    for patient_id, at, total in ordered.values_list("patient_id", "administered_at", "total"):
        if total is not None:  # refused by the query too; this tells the type checker
            scores[patient_id].append(DatedScore(at.astimezone(zone).date(), total))
    routes = dict(TreatmentCourse._meta.get_field("route").flatchoices)
    rows = [_row(values, versions, names, routes) for values in courses]
    return [_facts(row, sessions[row.pk], scores[row.patient_id], zone) for row in rows]


def _row(
    values: tuple[Any, ...],
    versions: dict[int, tuple[str, int | None]],
    names: dict[int, str],
    routes: dict[Any, Any],
) -> "CourseRow":
    pk, patient_id, route, version_id, prescriber_id, status, started_at, ended_at = values
    protocol, remission_max = versions[version_id]
    return CourseRow(
        pk=pk,
        patient_id=patient_id,
        route=str(routes.get(route, route)),
        protocol=protocol,
        remission_max=remission_max,
        prescriber=names.get(prescriber_id, ""),
        status=status,
        started_at=started_at,
        ended_at=ended_at,
    )


@dataclass(frozen=True)
class CourseRow:
    pk: int
    patient_id: int
    route: str
    protocol: str
    remission_max: int | None
    prescriber: str
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None


def _versions(ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """Each protocol version's name and PHQ-9 remission threshold, decoded once."""
    rows = ProtocolVersion.objects.filter(pk__in=ids).values_list("pk", "name", "definition")
    return {
        pk: (name, protocol_from_dict(definition).remission_threshold(INSTRUMENT))
        for pk, name, definition in rows
    }


def _facts(
    course: CourseRow,
    sessions: Sequence[SessionFacts],
    scores: Sequence[DatedScore],
    zone: zoneinfo.ZoneInfo,
) -> CourseFacts:
    done = sorted(s.scheduled_on for s in sessions if s.status == SessionStatus.COMPLETED)
    ended_on = course.ended_at.astimezone(zone).date() if course.ended_at else None
    completed, induction_end = through_induction(sessions, ended_on)
    episode = clinical.course_episode(
        INSTRUMENT,
        scores,
        first_dose_on=done[0] if done else None,
        induction_end_on=induction_end,
        completed_induction=completed,
        remission_max=course.remission_max,
    )
    started = course.started_at.astimezone(zone)
    return CourseFacts(
        route=course.route,
        protocol=course.protocol,
        prescriber=course.prescriber,
        quarter=f"{started.year} Q{(started.month - 1) // 3 + 1}",
        episode=episode,
        dropped_after_first=len(done) == 1 and course.status == CourseStatus.ENDED,
        days_to_response=_days_to_response(episode, scores, done[0] if done else None),
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
    (expired), and the reminders sent for them. One grouped query (counted by the database:
    a measurement plan sends many)."""
    now = timezone.now()

    def each(condition: Q | None = None) -> Count:
        return Count("pk", filter=condition, distinct=True)  # the reminders' join repeats rows

    rows = (
        # Sent: opened to the patient by now (a plan's later ones are not sent yet), not cancelled.
        QuestionnaireAssignment.objects.filter(
            clinic=clinic, opens_at__gte=since, opens_at__lte=now
        )
        .exclude(status=AssignmentStatus.CANCELLED)
        .values("instrument")
        .annotate(
            sent=each(),
            opened=each(Q(opened_at__isnull=False)),
            completed=each(Q(status=AssignmentStatus.COMPLETED)),
            expired=each(Q(status=AssignmentStatus.OPEN, expires_at__lte=now)),
            reminder_count=Count("reminders"),
        )
        .order_by("instrument")
    )
    return [
        Completion(
            clinical.get_scale(row["instrument"]).name,
            row["sent"],
            row["opened"],
            row["completed"],
            row["expired"],
            row["reminder_count"],
        )
        for row in rows
    ]


def rate_text(rate: clinical.Rate) -> str:
    if rate.suppressed or rate.proportion is None:
        return f"fewer than {clinical.MIN_DENOMINATOR} patients"
    return f"{rate.proportion:.0%} ({rate.numerator} of {rate.denominator})"


def interval_text(rate: clinical.Rate) -> str:
    if rate.ci_low is None or rate.ci_high is None:
        return ""
    return f"{rate.ci_low:.0%} to {rate.ci_high:.0%}"
