"""The clinic's outcome dashboard: the courses started in the period, summarised by
`clinical.summary_from_counts` overall and by route, protocol, prescriber and quarter, from the
counts each course's kept `CourseOutcome` holds (`course_outcomes.py`), added up by the database;
with data completeness, time to response, alert response times and questionnaire completion.
Read in a fixed number of queries whatever the number of courses."""

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from ketacare import clinical
from ketacare.accounts.models import User
from ketacare.assessments.models import RiskAlert
from ketacare.clinical import Episode, OutcomeCounts, OutcomeSummary
from ketacare.clinics.models import Clinic
from ketacare.measurement.course_outcomes import (
    COUNTED,
    INSTRUMENT,
    current_rows,
    refresh_stale,
)
from ketacare.measurement.models import (
    PORTAL_INSTRUMENTS,
    AssignmentStatus,
    CourseOutcome,
    QuestionnaireAssignment,
)
from ketacare.treatment.models import ProtocolVersion, TreatmentCourse


@dataclass(frozen=True)
class Breakdown:
    label: str
    summary: OutcomeSummary


@dataclass(frozen=True)
class Figures:
    """The dashboard's course figures for one period."""

    overall: OutcomeSummary
    dropped_after_first: int
    breakdowns: list[tuple[str, list[Breakdown]]]
    days_to_response: float | None  # the median, from the first dose


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


PERIODS = {"3": 3, "6": 6, "12": 12, "24": 24}  # months the dashboard looks back


class PeriodRefused(ValueError):
    pass


def period(months: str) -> tuple[dt.datetime, dt.datetime]:
    """The last `months` (one of `PERIODS`) up to now, as [since, until)."""
    if months not in PERIODS:
        raise PeriodRefused(f"months: allowed values are {', '.join(PERIODS)}.")
    until = timezone.now()
    return until - dt.timedelta(days=round(PERIODS[months] * 30.44)), until


def _kept(clinic: Clinic, since: dt.datetime, until: dt.datetime) -> QuerySet[CourseOutcome]:
    refresh_stale(clinic, since, until)
    return current_rows(clinic, since, until)


def figures(clinic: Clinic, since: dt.datetime, until: dt.datetime) -> Figures:
    """The courses started in [since, until), in six queries whatever their number (once none
    is stale): two counts for the stale check, one grouped sum, two for the groups' names,
    and the median."""
    rows = _kept(clinic, since, until)
    grouped = (
        rows.values("route", "protocol_version_id", "prescriber_id", "quarter")
        .annotate(
            started=Count("pk"),
            dropped=Sum("dropped_after_first"),
            timed=Count("days_to_response"),
            **{name: Sum(name) for name in COUNTED},
        )
        .order_by()
    )
    groups: list[dict[str, Any]] = [dict(group) for group in grouped]
    keys = _group_names(groups)
    by: dict[str, dict[str, OutcomeCounts]] = {name: defaultdict(OutcomeCounts) for name in keys}
    total = OutcomeCounts()
    for group in groups:
        counts = OutcomeCounts(started=group["started"], **{n: group[n] for n in COUNTED})
        total += counts
        for name, label_of in keys.items():
            by[name][label_of(group)] += counts
    breakdowns = [
        (
            name,
            [Breakdown(label, clinical.summary_from_counts(c)) for label, c in sorted(b.items())],
        )
        for name, b in by.items()
    ]
    return Figures(
        overall=clinical.summary_from_counts(total),
        dropped_after_first=sum(group["dropped"] for group in groups),
        breakdowns=breakdowns,
        days_to_response=_median_days(rows, sum(group["timed"] for group in groups)),
    )


def _group_names(groups: list[dict[str, Any]]) -> dict[str, Callable[[dict[str, Any]], str]]:
    """Each breakdown's label of a group: groups of one name (two versions of a protocol, say)
    are counted together."""
    routes = dict(TreatmentCourse._meta.get_field("route").flatchoices)
    versions = dict(
        ProtocolVersion.objects.filter(pk__in={g["protocol_version_id"] for g in groups})
        .values_list("pk", "name")
    )  # fmt: skip
    names = dict(
        User.objects.filter(pk__in={g["prescriber_id"] for g in groups}).values_list(
            "pk", "full_name"
        )
    )
    return {
        "Route": lambda g: str(routes.get(g["route"], g["route"])),
        "Protocol": lambda g: versions[g["protocol_version_id"]],
        "Prescriber": lambda g: names[g["prescriber_id"]],
        "Quarter started": lambda g: g["quarter"],
    }


def _median_days(rows: QuerySet[CourseOutcome], n: int) -> float | None:
    """The median days to response: the middle one or two, read by the database in order."""
    if n == 0:
        return None
    timed = rows.filter(days_to_response__isnull=False).order_by("days_to_response")
    days = timed.values_list("days_to_response", flat=True)[(n - 1) // 2 : n // 2 + 1]
    return statistics.median(day for day in days if day is not None)


def episodes_in(clinic: Clinic, since: dt.datetime, until: dt.datetime) -> list[Episode]:
    """The kept episodes of the courses started in [since, until), oldest first: what the
    figures count, for checking them against `clinical.outcome_summary`."""
    rows = _kept(clinic, since, until).order_by("started_at", "course_id")
    return [
        Episode(INSTRUMENT, row.baseline, row.end_of_induction, row.completed_induction,
                row.remission_max)
        for row in rows
    ]  # fmt: skip


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
    (expired), and the reminders sent for them. Counted by the database (a measurement plan
    sends many), one query per self-report instrument, each a range of the
    `assignment_completion` index, which holds every column counted."""
    now = timezone.now()
    sent = QuestionnaireAssignment.objects.filter(
        # Sent: opened to the patient by now (a plan's later ones are not sent yet), not cancelled.
        clinic=clinic,
        opens_at__gte=since,
        opens_at__lte=now,
    ).exclude(status=AssignmentStatus.CANCELLED)
    figures = []
    for instrument in PORTAL_INSTRUMENTS:
        counts = sent.filter(instrument=instrument).aggregate(
            sent=Count("pk"),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            completed=Count("pk", filter=Q(status=AssignmentStatus.COMPLETED)),
            expired=Count("pk", filter=Q(status=AssignmentStatus.OPEN, expires_at__lte=now)),
            reminders=Sum("reminders_sent", default=0),
        )
        if counts["sent"]:
            figures.append(Completion(clinical.get_scale(instrument).name, **counts))
    return figures


def rate_text(rate: clinical.Rate) -> str:
    if rate.suppressed or rate.proportion is None:
        return f"fewer than {clinical.MIN_DENOMINATOR} patients"
    return f"{rate.proportion:.0%} ({rate.numerator} of {rate.denominator})"


def interval_text(rate: clinical.Rate) -> str:
    if rate.ci_low is None or rate.ci_high is None:
        return ""
    return f"{rate.ci_low:.0%} to {rate.ci_high:.0%}"
