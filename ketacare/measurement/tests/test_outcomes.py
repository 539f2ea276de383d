"""The clinic's outcome dashboard on a constructed cohort: its figures are `outcome_summary`
of the same episodes, small groups show no rate, and its queries do not grow with courses."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Clock, World, client_for
from ketacare import clinical
from ketacare.assessments.services import assessment_record
from ketacare.clinical import Episode
from ketacare.measurement import outcomes
from ketacare.patients.models import Patient
from ketacare.treatment.models import PlannedSession, SessionStatus, TreatmentCourse
from ketacare.treatment.services import course_end
from ketacare.treatment.tests.builders import started_course
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
NOON = dt.time(12)


def _phq9(world: World, patient: Patient, on: dt.date, total: int) -> None:
    # Items 1-8 carry the total (item 9 stays 0, so no alert is raised).
    items = [min(3, max(0, total - 3 * i)) for i in range(8)]
    answers = {str(i + 1): v for i, v in enumerate(items)} | {"9": 0}
    assert sum(items) == total
    zone = timezone.get_current_timezone()
    assessment_record(
        actor=world.nina,
        patient=patient,
        instrument="phq9",
        answers=answers,
        administered_at=dt.datetime.combine(on, NOON, zone),
    )


def _course(world: World, name: str) -> TreatmentCourse:
    patient = PatientFactory.create(clinic=world.harbor, actor=world.nina, given_name=name)
    today = world.harbor.today()
    monday = today - dt.timedelta(days=today.weekday())
    return started_course(patient, nurse=world.nina, prescriber=world.pia, start_date=monday)


def _induction(course: TreatmentCourse) -> list[PlannedSession]:
    return list(course.sessions.filter(stage="induction").order_by("scheduled_on"))


def _given(*sessions: PlannedSession) -> None:
    # Completion is the discharge's (tested in dosing); here the dates are what matter.
    for row in sessions:
        PlannedSession.objects.filter(pk=row.pk).update(
            status=SessionStatus.COMPLETED,
            completed_at=dt.datetime.combine(row.scheduled_on, NOON, dt.UTC),
        )


def _cohort(world: World, clock: Clock) -> list[Episode]:
    """Five courses: two responders (one remitting), one without an end score, one stopped
    after the first dose, one never dosed. Returns the episodes they should be."""
    shapes = {name: _course(world, name) for name in ("Ana", "Ben", "Cal", "Dee", "Eve")}
    first = {name: _induction(c)[0] for name, c in shapes.items()}
    last = {name: _induction(c)[-1] for name, c in shapes.items()}
    for name in ("Ana", "Ben", "Cal", "Dee"):
        _phq9(world, shapes[name].patient, first[name].scheduled_on - dt.timedelta(days=2), 20)
    _given(first["Dee"])
    course_end(actor=world.pia, course=shapes["Dee"], reason="Stopped after the first dose")
    clock.advance(days=40)
    for name in ("Ana", "Ben", "Cal"):
        _given(*_induction(shapes[name]))
    _phq9(world, shapes["Ana"].patient, last["Ana"].scheduled_on, 8)
    _phq9(world, shapes["Ben"].patient, last["Ben"].scheduled_on + dt.timedelta(days=2), 3)
    remission = 4  # the IV protocol's own PHQ-9 remission threshold
    return [
        Episode("phq9", 20, 8, True, remission),
        Episode("phq9", 20, 3, True, remission),
        Episode("phq9", 20, None, True, remission),
        Episode("phq9", 20, None, False, remission),
        Episode("phq9", None, None, False, remission),
    ]


def test_the_dashboard_figures_are_outcome_summary_of_the_same_episodes(
    world: World, clock: Clock
) -> None:
    expected = _cohort(world, clock)
    since = timezone.now() - dt.timedelta(days=365)
    facts = outcomes.courses_in(world.harbor, since, timezone.now())
    assert [f.episode for f in facts] == expected
    summary = outcomes.summary(facts)
    assert summary == clinical.outcome_summary(expected)
    assert (summary.n_started, summary.n_completed, summary.n_with_scores) == (5, 3, 2)
    assert sum(f.dropped_after_first for f in facts) == 1


def test_the_page_withholds_rates_of_fewer_than_eleven_patients(world: World, clock: Clock) -> None:
    _cohort(world, clock)
    page = client_for(world.pia).get("/clinic/outcomes/").content.decode()
    assert "fewer than 11 patients" in page
    assert "Stopped after the first session" in page
    csv = client_for(world.ada).get("/clinic/outcomes.csv").content.decode()
    assert csv.splitlines()[0].startswith("Breakdown,Group,Courses started")
    assert "All courses,All,5,3,2,fewer than 11 patients" in csv
    assert client_for(world.nina).get("/clinic/outcomes/").status_code == 403
    refused = client_for(world.pia).get("/clinic/outcomes/?months=abc")
    assert refused.status_code == 400
    assert refused.content.decode() == "months: allowed values are 3, 6, 12, 24."


def test_the_dashboard_query_count_does_not_grow_with_courses(world: World) -> None:
    pia = client_for(world.pia)
    _course(world, "One")
    with CaptureQueriesContext(connection) as few:
        assert pia.get("/clinic/outcomes/").status_code == 200
    for name in ("Two", "Three", "Four"):
        _course(world, name)
    with CaptureQueriesContext(connection) as more:
        pia.get("/clinic/outcomes/")
    assert len(more) == len(few)


def test_a_course_with_an_induction_session_not_given_has_not_completed_induction(
    world: World, clock: Clock
) -> None:
    course = _course(world, "Fay")
    induction = _induction(course)
    clock.advance(days=40)
    _given(induction[0], induction[-1])  # the first and the last, none between
    (facts,) = outcomes.courses_in(
        world.harbor, timezone.now() - dt.timedelta(days=90), timezone.now()
    )
    assert facts.episode.completed_induction is False
