"""The long-term safety watch through its write paths and pages: checks come due in
maintenance as the protocol schedules them, a positive one flags the chart and reaches the
prescriber, who reviews it; bad input is refused by name; nobody sees another clinic's."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Clock, World, client_for
from ketacare.core.models import AuditEvent
from ketacare.treatment.services import course_end, course_pause
from ketacare.watch.models import WatchResult
from ketacare.watch.queries import courses_watched
from ketacare.watch.services import watch_record, watch_review
from ketacare.watch.tests.builders import MAINTENANCE, watched_course
from tests.worker import run_jobs

NOTICE = "A safety-watch check needs a prescriber's review at Harbor Clinic"


def _bladder(world: World, course: object, *answers: bool) -> WatchResult:
    return watch_record(
        actor=world.nina,
        course=course,  # type: ignore[arg-type]
        kind="bladder",
        done_at=timezone.now() - dt.timedelta(minutes=5),
        answers=answers,
    )


def test_checks_come_due_in_maintenance_as_the_protocol_schedules_them(
    world: World, clock: Clock
) -> None:
    course = watched_course(world, clock, weeks_in=3)
    today = MAINTENANCE + dt.timedelta(weeks=3)
    (watched,) = courses_watched(world.harbor, today)
    assert watched.course == course
    due = {d.kind: (d.due_on, d.overdue) for d in watched.due}
    assert due == {
        "bladder": (MAINTENANCE + dt.timedelta(weeks=2), True),
        "liver": (MAINTENANCE + dt.timedelta(weeks=4), False),  # within the week ahead
    }
    assert courses_watched(world.harbor, MAINTENANCE - dt.timedelta(days=1)) == []


def test_a_check_done_moves_the_next_one_its_weeks_on(world: World, clock: Clock) -> None:
    course = watched_course(world, clock, weeks_in=3)
    _bladder(world, course, False, False, False)
    (watched,) = courses_watched(world.harbor, MAINTENANCE + dt.timedelta(weeks=3))
    assert [d.kind for d in watched.due] == ["liver"]


@pytest.mark.django_db(transaction=True)
def test_a_positive_check_flags_the_chart_and_reaches_the_prescriber_who_reviews_it(
    world: World, clock: Clock, audit_guards_lifted_for_flush: None
) -> None:
    course = watched_course(world, clock)
    quiet = _bladder(world, course, True, False, False)  # one yes: under the cut-off of 2
    assert not quiet.positive
    result = _bladder(world, course, True, False, True)
    assert (result.positive, result.cut_off) == (True, 2)
    assert result.questions[0].startswith("Since your last check")
    run_jobs()
    (notice,) = [m for m in mail.outbox if m.subject == NOTICE]
    assert notice.to == ["pia@harbor.test"]
    for name in (world.patient.given_name, world.patient.family_name, world.patient.mrn):
        assert name not in f"{notice.subject} {notice.body}"
    chart = client_for(world.nina).get(reverse("patients:chart", args=[world.patient.public_id]))
    page = chart.content.decode()
    assert "Bladder and urinary symptoms on" in page
    assert "waiting for the prescriber's review" in page
    with pytest.raises(PermissionDenied):
        watch_review(actor=world.nina, result=result, note="Seen")
    with pytest.raises(ValidationError) as refused:
        watch_review(actor=world.pia, result=result, note=" ")
    assert "review_note" in refused.value.message_dict
    reviewed = watch_review(actor=world.pia, result=result, note="Urine test sent; GP told")
    assert reviewed.reviewed_by == world.pia.user
    chart = client_for(world.nina).get(reverse("patients:chart", args=[world.patient.public_id]))
    assert "waiting for the prescriber" not in chart.content.decode()
    assert AuditEvent.objects.filter(object_id=str(result.public_id)).count() == 2


def test_a_paused_course_has_nothing_due_but_its_positive_result_still_waits(
    world: World, clock: Clock
) -> None:
    course = watched_course(world, clock)
    result = _bladder(world, course, True, True, False)
    course_pause(actor=world.pia, course=course, reason="Patient travelling")
    (watched,) = courses_watched(world.harbor, MAINTENANCE + dt.timedelta(weeks=3))
    assert (watched.due, watched.positives) == ([], [result])


def test_liver_tests_need_the_alt_and_a_trend_needs_its_readings(
    world: World, clock: Clock
) -> None:
    course = watched_course(world, clock)
    at = timezone.now() - dt.timedelta(minutes=5)
    with pytest.raises(ValidationError) as refused:
        watch_record(actor=world.nina, course=course, kind="liver", done_at=at)
    assert "from 1 to 5000" in str(refused.value.message_dict["value"])
    high = watch_record(
        actor=world.nina, course=course, kind="liver", done_at=at, value=Decimal(121)
    )
    assert high.positive
    with pytest.raises(ValidationError) as refused:
        watch_record(actor=world.nina, course=course, kind="blood_pressure", done_at=at)
    assert "sets no cut-off" in str(refused.value.message_dict["kind"])  # not set by Harbor
    with pytest.raises(ValidationError) as refused:
        watch_record(actor=world.nina, course=course, kind="kidney", done_at=at)
    assert "bladder and urinary symptoms; memory and concentration" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        _bladder(world, course, True)
    assert "answer all 3 questions" in str(refused.value.message_dict["answers"])


def test_a_check_recorded_on_its_page_asks_the_protocols_questions_and_keeps_what_was_typed(
    world: World, clock: Clock
) -> None:
    course = watched_course(world, clock)
    url = reverse("watch:record", args=[course.public_id, "bladder"])
    nurse = client_for(world.nina)
    page = nurse.get(url).content.decode()
    assert "have you needed to pass urine more often" in page
    zone = zoneinfo.ZoneInfo(world.harbor.timezone)  # the form reads the clinic's time
    done_at = f"{timezone.localtime(timezone.now() - dt.timedelta(minutes=3), zone):%Y-%m-%dT%H:%M}"
    half = {"done_at": done_at, "answer_1": "yes", "note": "Asked at check-in"}
    refused = nurse.post(url, half)
    assert refused.status_code == 200
    assert "Asked at check-in" in refused.content.decode()
    assert "This field is required." in refused.content.decode()
    done = nurse.post(url, half | {"answer_2": "no", "answer_3": "yes"})
    assert done.status_code == 302
    assert WatchResult.objects.get().positive
    assert nurse.get(reverse("watch:list")).status_code == 200
    assert client_for(world.fran).get(url).status_code == 403  # front desk records no check


def test_a_check_the_watch_does_not_know_is_404_and_one_of_an_ended_course_is_refused(
    world: World, clock: Clock
) -> None:
    course = watched_course(world, clock)
    nurse = client_for(world.nina)
    assert nurse.get(reverse("watch:record", args=[course.public_id, "kidney"])).status_code == 404
    course_end(actor=world.pia, course=course, reason="Course completed")
    refused = nurse.get(reverse("watch:record", args=[course.public_id, "bladder"]))
    assert refused.status_code == 409
    assert "This course has ended: the watch is over." in refused.content.decode()


def test_a_positive_result_still_waits_for_its_review_after_the_course_ends(
    world: World, clock: Clock
) -> None:
    course = watched_course(world, clock)
    result = _bladder(world, course, True, True, True)
    course_end(actor=world.pia, course=course, reason="Moved away")
    (watched,) = courses_watched(world.harbor, MAINTENANCE + dt.timedelta(weeks=3))
    assert (watched.due, watched.positives) == ([], [result])


def test_another_clinics_course_or_result_answers_404(world: World, clock: Clock) -> None:
    course = watched_course(world, clock)
    result = _bladder(world, course, False, False, False)
    sol = client_for(world.sol)
    assert sol.get(reverse("watch:record", args=[course.public_id, "bladder"])).status_code == 404
    assert sol.post(reverse("watch:error", args=[result.public_id])).status_code == 404


def test_the_watch_list_takes_the_same_queries_however_many_results(
    world: World, clock: Clock
) -> None:
    course = watched_course(world, clock, others=3)
    pia = client_for(world.pia)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert pia.get(reverse("watch:list")).status_code == 200
        return len(captured)

    _bladder(world, course, True, True, True)
    few = queries()
    for _ in range(6):
        _bladder(world, course, True, True, False)
    page = pia.get(reverse("watch:list")).content.decode()
    assert page.count("Bladder and urinary symptoms: ") == 3  # the others' checks overdue
    assert queries() == few
