"""The demo's year of finished courses: the outcome dashboard shows rates with intervals, a
breakdown too small to show, and alert response times; the history is the same each time it
is built, and the audit trail still verifies after it.

The network is seeded once for the module, at a pinned moment, as in test_demo_seed."""

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min
from django.test import Client

from conftest import Clock
from ketacare.accounts.models import User
from ketacare.assessments.models import Assessment, RiskAlert
from ketacare.clinics.models import Clinic
from ketacare.core.models import AuditEvent
from ketacare.demo.history import COHORTS, seed_history
from ketacare.demo.seed import PATIENTS_PER_CLINIC
from ketacare.demo.tests.network import seeded_once
from ketacare.patients.models import Patient
from ketacare.treatment.models import PlannedSession, TreatmentCourse

pytestmark = pytest.mark.django_db

EVENING = dt.datetime(2026, 9, 14, 22, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo_network(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo seeded once for this module; wiped afterwards, lifting the audit trail's
    guards for that alone."""
    yield from seeded_once(django_db_blocker, EVENING)


@pytest.fixture
def seeded(demo_network: None, clock: Clock) -> None:
    clock.move_to(EVENING + dt.timedelta(minutes=10))  # past the seeding


def _dashboard(slug: str) -> Any:
    client = Client()
    client.force_login(User.objects.get(email=f"prescriber@{slug}.demo"))
    response = client.get("/clinic/outcomes/")
    assert response.status_code == 200
    return response


def test_the_demo_dashboard_shows_a_response_rate_with_an_interval_and_a_breakdown_of_fewer_than_11_patients(  # noqa: E501
    seeded: None,
) -> None:
    for slug in COHORTS:
        response = _dashboard(slug)
        overall = response.context["overall"]
        assert overall.n_started >= 80
        rate = overall.response_completers
        assert rate.ci_low is not None
        assert rate.ci_high is not None
        assert rate.ci_low < rate.proportion < rate.ci_high
        page = response.content.decode()
        assert f"{rate.ci_low:.0%} to {rate.ci_high:.0%}" in page
        assert "fewer than 11 patients" in page
        suppressed = [
            row.label
            for name, rows in response.context["breakdowns"]
            if name in ("Route", "Protocol")
            for row in rows
            if row.summary.response_completers.suppressed
        ]
        assert suppressed, slug  # IM ketamine at Northside, the MDSI protocol at Lakeshore


def test_the_demo_rates_sit_in_the_range_the_reference_reports(seeded: None) -> None:
    """REFERENCE §5.2: response about 27-70 %, remission about 13-53 % across the studies."""
    for slug in COHORTS:
        overall = _dashboard(slug).context["overall"]
        assert 0.40 <= overall.response_completers.proportion <= 0.72
        assert 0.15 <= overall.remission_completers.proportion <= 0.50
        assert overall.response_itt.proportion < overall.response_completers.proportion


def test_the_demo_dashboard_shows_how_fast_staff_answered_suicide_risk_alerts(
    seeded: None,
) -> None:
    for slug in COHORTS:
        context = _dashboard(slug).context
        acknowledge, resolve = context["acknowledge"], context["resolve"]
        assert acknowledge.n >= 3
        assert resolve.n >= 3
        assert 1 <= acknowledge.median <= 120
        assert acknowledge.median < resolve.median <= 6 * 60


def test_the_audit_trail_verifies_after_the_demo_seed_and_records_each_history_import(
    seeded: None,
) -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "audit trail intact" in out.getvalue()
    imports = AuditEvent.objects.filter(object_type="demo_history")
    assert imports.count() == len(COHORTS)


# --- the history itself -----------------------------------------------------------------------


def _staff(slug: str) -> tuple[Clinic, User, User]:
    clinic = Clinic.objects.get(slug=slug)
    nurse, prescriber = (User.objects.get(email=f"{key}@{slug}.demo") for key in KEYS)
    return clinic, nurse, prescriber


KEYS = ("nurse", "prescriber")


class _Undone(Exception):
    pass


def _built(clinic: Clinic, nurse: User, prescriber: User) -> list[tuple[Any, ...]]:
    """What the history writes for `clinic` once more, written and then rolled back."""
    before = Patient.objects.filter(clinic=clinic).aggregate(last=Max("pk"))["last"]
    try:
        with transaction.atomic():
            seed_history(clinic, nurse, prescriber)
            raise _Undone(_fingerprint(clinic, after=before))
    except _Undone as undone:
        rows: list[tuple[Any, ...]] = undone.args[0]
        return rows


def _fingerprint(clinic: Clinic, after: int) -> list[tuple[Any, ...]]:
    courses = TreatmentCourse.objects.filter(clinic=clinic, patient__pk__gt=after)
    sessions = PlannedSession.objects.filter(clinic=clinic, course__in=courses)
    scores = Assessment.objects.filter(clinic=clinic, patient__pk__gt=after)
    alerts = RiskAlert.objects.filter(clinic=clinic, patient__pk__gt=after)
    return [
        *courses.order_by("patient__mrn").values_list(
            "patient__mrn", "patient__given_name", "patient__date_of_birth",
            "protocol_version__code", "started_at", "ended_at", "end_reason",
        ),
        *sessions.order_by("course__patient__mrn", "number").values_list(
            "course__patient__mrn", "number", "scheduled_on", "status"
        ),
        *scores.order_by("patient__mrn", "administered_at").values_list(
            "patient__mrn", "instrument", "administered_at", "total"
        ),
        *alerts.order_by("raised_at").values_list(
            "patient__mrn", "raised_at", "acknowledged_at", "resolved_at"
        ),
    ]  # fmt: skip


def test_the_history_is_the_same_each_time_it_is_built(seeded: None, clock: Clock) -> None:
    clinic, nurse, prescriber = _staff("northside")
    first = _built(clinic, nurse, prescriber)
    clock.advance(minutes=30)
    assert _built(clinic, nurse, prescriber) == first
    courses = [row for row in first if len(row) == 7]
    assert len(courses) == sum(cohort.courses for cohort in COHORTS["northside"])


def test_every_course_of_the_history_has_ended_within_the_year_leaving_no_session_to_book(
    seeded: None,
) -> None:
    for slug in COHORTS:
        clinic = Clinic.objects.get(slug=slug)
        history = Patient.objects.filter(clinic=clinic).order_by("pk")[PATIENTS_PER_CLINIC:]
        courses = TreatmentCourse.objects.filter(patient__in=list(history))
        assert 80 <= courses.count() <= 250
        assert set(courses.values_list("status", flat=True)) == {"ended"}
        left = PlannedSession.objects.filter(course__in=courses, status__in=["planned", "booked"])
        assert not left.exists()
        span = courses.aggregate(oldest=Min("started_at"), latest=Max("ended_at"))
        assert span["oldest"] > EVENING - dt.timedelta(days=365)
        assert span["latest"] < EVENING - dt.timedelta(days=1)
