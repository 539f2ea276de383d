"""The clinic's outcome dashboard on a constructed cohort: its figures are `outcome_summary`
of the same episodes, each course's kept outcome follows the writes that change it (and is
worked out again when stale), small groups show no rate, and its queries do not grow with
courses."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Clock, World, client_for
from ketacare import clinical
from ketacare.assessments.models import Assessment
from ketacare.assessments.services import assessment_mark_error, assessment_record
from ketacare.clinical import Episode
from ketacare.measurement import outcomes
from ketacare.measurement.models import CourseOutcome
from ketacare.patients.models import Patient
from ketacare.treatment.models import PlannedSession, TreatmentCourse
from ketacare.treatment.schedule import planned_session_complete
from ketacare.treatment.services import course_end
from ketacare.treatment.tests.builders import started_course
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
NOON = dt.time(12)
YEAR = dt.timedelta(days=365)


def _phq9(world: World, patient: Patient, on: dt.date, total: int) -> Assessment:
    # Items 1-8 carry the total (item 9 stays 0, so no alert is raised).
    items = [min(3, max(0, total - 3 * i)) for i in range(8)]
    answers = {str(i + 1): v for i, v in enumerate(items)} | {"9": 0}
    assert sum(items) == total
    zone = timezone.get_current_timezone()
    return assessment_record(
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


def _given(world: World, *sessions: PlannedSession) -> None:
    # The discharge's own step (its dosing story is tested in dosing); the dates are what matter.
    for row in sessions:
        planned_session_complete(actor=world.nina, planned=row)


def _year(world: World) -> list[Episode]:
    return outcomes.episodes_in(world.harbor, timezone.now() - YEAR, timezone.now())


def _figures(world: World) -> outcomes.Figures:
    return outcomes.figures(world.harbor, timezone.now() - YEAR, timezone.now())


def _cohort(world: World, clock: Clock) -> list[Episode]:
    """Five courses: two responders (one remitting), one without an end score (only one of
    its last session's day), one stopped after the first dose, one never dosed. Returns the
    episodes they should be."""
    shapes = {name: _course(world, name) for name in ("Ana", "Ben", "Cal", "Dee", "Eve")}
    first = {name: _induction(c)[0] for name, c in shapes.items()}
    last = {name: _induction(c)[-1] for name, c in shapes.items()}
    for name in ("Ana", "Ben", "Cal", "Dee"):
        _phq9(world, shapes[name].patient, first[name].scheduled_on - dt.timedelta(days=2), 20)
    _given(world, first["Dee"])
    course_end(actor=world.pia, course=shapes["Dee"], reason="Stopped after the first dose")
    clock.advance(days=40)
    for name in ("Ana", "Ben", "Cal"):
        _given(world, *_induction(shapes[name]))
    # The last session's own day is before its dose: the end is read from the next day.
    _phq9(world, shapes["Cal"].patient, last["Cal"].scheduled_on, 11)
    _phq9(world, shapes["Ana"].patient, last["Ana"].scheduled_on + dt.timedelta(days=1), 8)
    _phq9(world, shapes["Ben"].patient, last["Ben"].scheduled_on + dt.timedelta(days=3), 3)
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
    assert _year(world) == expected
    figures = _figures(world)
    summary = figures.overall
    assert summary == clinical.outcome_summary(expected)
    assert (summary.n_started, summary.n_completed, summary.n_with_scores) == (5, 3, 2)
    assert figures.dropped_after_first == 1
    by = dict(figures.breakdowns)
    assert list(by) == ["Route", "Protocol", "Prescriber", "Quarter started"]
    assert [b.summary for b in by["Route"]] == [summary]  # one route: all of the courses
    protocol = TreatmentCourse.objects.filter(clinic=world.harbor).first().protocol_version  # type: ignore[union-attr]
    assert [b.label for b in by["Protocol"]] == [protocol.name]
    assert [b.label for b in by["Prescriber"]] == [world.pia.user.full_name]


def test_the_median_days_to_a_response_is_the_middle_of_the_responders(
    world: World, clock: Clock
) -> None:
    _cohort(world, clock)
    ana = TreatmentCourse.objects.get(patient__given_name="Ana")
    first, *_, last = _induction(ana)
    # Ana responded a day after her last session, Ben three days after his: the middle of two.
    span = (last.scheduled_on - first.scheduled_on).days
    assert _figures(world).days_to_response == span + 2


def test_a_score_struck_out_leaves_the_courses_outcome_at_once(world: World, clock: Clock) -> None:
    _cohort(world, clock)
    ana = TreatmentCourse.objects.get(patient__given_name="Ana")
    end = Assessment.objects.filter(patient=ana.patient).latest("administered_at")
    assessment_mark_error(actor=world.nina, assessment=end, reason="Another patient's answers")
    assert CourseOutcome.objects.get(course=ana).end_of_induction is None
    assert _figures(world).overall.n_with_scores == 1


def test_an_outcome_missing_or_kept_under_other_rules_or_zone_is_worked_out_again(
    world: World, clock: Clock
) -> None:
    expected = _cohort(world, clock)
    kept = CourseOutcome.objects.filter(clinic=world.harbor)
    ana = kept.get(course__patient__given_name="Ana")
    kept.filter(pk=ana.pk).update(rules=0, baseline=None)  # as an older release worked it out
    kept.exclude(pk=ana.pk).first().delete()  # type: ignore[union-attr]  # as bulk-inserted
    assert _year(world) == expected
    world.harbor.timezone = "America/Los_Angeles"
    world.harbor.save(update_fields=["timezone"])
    assert _year(world) == expected
    assert set(kept.values_list("zone", flat=True)) == {"America/Los_Angeles"}


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
    _given(world, induction[0], induction[-1])  # the first and the last, none between
    (episode,) = _year(world)
    assert episode.completed_induction is False


def test_the_outcome_api_gives_the_dashboards_figures_and_names_a_wrong_period(
    world: World, clock: Clock
) -> None:
    expected = clinical.outcome_summary(_cohort(world, clock))
    pia = client_for(world.pia)
    (harbor,) = pia.get("/api/v1/outcomes?months=12").json()
    assert harbor["clinic_id"] == str(world.harbor.public_id)
    assert harbor["overall"]["n_with_scores"] == expected.n_with_scores == 2
    assert harbor["overall"]["response_completers"] == {
        "numerator": 2, "denominator": 2, "proportion": None, "ci_low": None, "ci_high": None,
        "suppressed": True,
    }  # fmt: skip
    assert harbor["dropped_after_first"] == 1
    assert {g["breakdown"] for g in harbor["groups"]} == {
        "route", "protocol", "prescriber", "quarter_started"
    }  # fmt: skip
    wrong = pia.get("/api/v1/outcomes?months=5")
    assert wrong.status_code == 422
    assert wrong.json()["error"]["fields"] == {
        "months": ["months: allowed values are 3, 6, 12, 24."]
    }
    assert client_for(world.nina).get("/api/v1/outcomes").status_code == 403
    assert client_for(world.sol).get("/api/v1/outcomes").status_code == 403
