"""A clinic's verified outcomes for the public: response and remission on the PHQ-9 at the end
of induction, by intention to treat and among completers, per route offered, each with its
95 % Wilson interval (`clinical.summary_from_counts`, the dashboard's own figures), from the
courses' kept outcomes (`measurement.course_outcomes`). A route of fewer than
`clinical.MIN_DENOMINATOR` patients shows no figures. Worked out each night for the public
(`published_outcomes_refresh`, stored as `PublishedOutcome`) and on demand for the clinic's
preview (`outcomes_now`)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from ketacare import clinical
from ketacare.clinical import OutcomeCounts, OutcomeSummary
from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.directory.listing import ROUTE_LABELS
from ketacare.directory.models import ClinicProfile, PublishedOutcome
from ketacare.measurement.course_outcomes import COUNTED, current_rows, refresh_stale
from ketacare.measurement.outcomes import interval_text, rate_text

# The courses counted: started in the two years before the quarter that holds the day 60 days
# ago (later courses may still be in induction and would count as not responding). KetaCare's
# reporting choices, not clinical thresholds.
PERIOD = dt.timedelta(days=730)
SETTLING = dt.timedelta(days=60)
PREVIEW = dt.timedelta(days=30)


@dataclass(frozen=True)
class RouteOutcome:
    route: str
    since: dt.datetime
    until: dt.datetime
    refreshed_at: dt.datetime
    patients: int
    both_scores: int
    counts: OutcomeCounts

    @property
    def label(self) -> str:
        return ROUTE_LABELS[self.route]

    @property
    def withheld(self) -> bool:
        return self.patients < clinical.MIN_DENOMINATOR

    @property
    def summary(self) -> OutcomeSummary:
        return clinical.summary_from_counts(self.counts)

    @property
    def rates(self) -> list[tuple[str, str, str]]:
        """(what, the rate with its count, its 95 % interval), as the profile shows them."""
        summary = self.summary
        named = (
            ("Response, of all courses started", summary.response_itt),
            ("Remission, of all courses started", summary.remission_itt),
            ("Response, of courses that completed induction", summary.response_completers),
            ("Remission, of courses that completed induction", summary.remission_completers),
        )
        return [(what, rate_text(rate), interval_text(rate)) for what, rate in named]

    @property
    def completeness_text(self) -> str:
        """The share of courses started with both a baseline and an end-of-induction score."""
        started = self.counts.started
        return f"{self.both_scores / started:.0%}" if started else "no courses"


def period_at(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Two years of courses up to the start of the calendar quarter (UTC) that holds
    `moment - SETTLING`: the window moves a quarter at a time, so comparing one night's
    figures with the next never isolates a single course's result."""
    settled = moment - SETTLING
    until = dt.datetime(settled.year, 3 * ((settled.month - 1) // 3) + 1, 1, tzinfo=dt.UTC)
    return until - PERIOD, until


def outcomes_now(clinic: Clinic, routes: list[str]) -> list[RouteOutcome]:
    """Each of `routes` as the clinic's records stand now (three queries once none is stale)."""
    now = timezone.now()
    since, until = period_at(now)
    refresh_stale(clinic, since, until)
    grouped = (
        current_rows(clinic, since, until)
        .values("route")
        .annotate(
            started=Count("pk"),
            patients=Count("course__patient", distinct=True),
            both=Count("pk", filter=Q(baseline__isnull=False, end_of_induction__isnull=False)),
            **{name: Sum(name) for name in COUNTED},
        )
        .order_by()
    )
    by_route: dict[str, dict[str, Any]] = {g["route"]: dict(g) for g in grouped}
    found = []
    for route in routes:
        group: dict[str, Any] = by_route.get(route, {})
        counts = OutcomeCounts(started=group.get("started", 0),
                               **{name: group.get(name, 0) for name in COUNTED})  # fmt: skip
        found.append(RouteOutcome(route, since, until, now, group.get("patients", 0),
                                  group.get("both", 0), counts))  # fmt: skip
    return found


def _row(clinic: Clinic, outcome: RouteOutcome) -> PublishedOutcome:
    counts = outcome.counts
    return PublishedOutcome(
        clinic=clinic, route=outcome.route, since=outcome.since, until=outcome.until,
        refreshed_at=outcome.refreshed_at, patients=outcome.patients,
        both_scores=outcome.both_scores, started=counts.started,
        **{name: getattr(counts, name) for name in COUNTED},
    )  # fmt: skip


def published_outcomes_refresh(*, actor: Actor, clinic: Clinic, routes: list[str]) -> None:
    """Replace the clinic's published outcomes with each route's as they stand now; audited
    with each route's count of courses and patients (no patient is named)."""
    actor.demand(Perm.OUTCOMES_PUBLISH, clinic)
    outcomes = outcomes_now(clinic, routes)
    with transaction.atomic():
        PublishedOutcome.objects.filter(clinic=clinic).delete()
        PublishedOutcome.objects.bulk_create([_row(clinic, outcome) for outcome in outcomes])
        ClinicProfile.objects.filter(clinic=clinic).update(public_version=F("public_version") + 1)
        changes = {o.route: {"courses": o.counts.started, "patients": o.patients}
                   for o in outcomes}  # fmt: skip
        entry = audit.AuditEntry(
            action=AuditAction.UPDATE, object_type="published_outcomes",
            object_id=str(clinic.public_id), clinic_id=clinic.public_id, changes=changes,
        )  # fmt: skip
        audit.record(entry, actor)


def published(clinic: Clinic, routes: list[str]) -> list[RouteOutcome]:
    """What the last refresh published for `routes` (one query); a route not yet worked out
    is left out."""
    rows = {row.route: row for row in PublishedOutcome.objects.filter(clinic=clinic)}
    return [_outcome(rows[route]) for route in routes if route in rows]


def _outcome(row: PublishedOutcome) -> RouteOutcome:
    counts = OutcomeCounts(started=row.started, **{name: getattr(row, name) for name in COUNTED})
    return RouteOutcome(row.route, row.since, row.until, row.refreshed_at, row.patients,
                        row.both_scores, counts)  # fmt: skip
