"""The chart's score trend with the doses of the course and its flags (issue #9 §5, REFERENCE
§5.1): dose markers and a table of doses, rapid response, early improvement and the end of
induction in plain words, and a query count that does not grow with sessions."""

import datetime as dt
import re
import zoneinfo
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Clock, World, client_for
from ketacare.assessments.services import assessment_record
from ketacare.dosing.discharge import session_discharge
from ketacare.dosing.models import DosingSession
from ketacare.dosing.services import (
    CHECKLIST_FIELDS,
    session_check_in,
    session_record_checklist,
    session_record_score,
    session_record_vitals,
)
from ketacare.dosing.tests.builders import ago, course_today, monitored, moved_to
from ketacare.treatment.library import protocol_version_create
from ketacare.treatment.models import PlannedSession, ProtocolVersion, TreatmentCourse

pytestmark = pytest.mark.django_db
CHECK_IN_AT = dt.time(10, 30)
DAY = dt.timedelta(days=1)


def _phq9(total: int) -> dict[str, int]:
    """Items 1-8 carry the total; item 9 (suicidal thoughts) stays 0, so no alert is raised."""
    items = [min(3, max(0, total - 3 * n)) for n in range(8)]
    return {str(n + 1): value for n, value in enumerate(items)} | {"9": 0}


def _madrs(total: int) -> dict[str, int]:
    """Items 1-9 carry the total; item 10 (suicidal thoughts) stays 0."""
    items = [min(6, max(0, total - 6 * n)) for n in range(9)]
    return {str(n + 1): value for n, value in enumerate(items)} | {"10": 0}


def _zone(world: World) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(world.harbor.timezone)


def _to_day(world: World, clock: Clock, day: dt.date) -> None:
    """Three hours after check-in time on `day`, in the clinic's zone, whatever "now" is."""
    clock.move_to(dt.datetime.combine(day, dt.time(13, 30), _zone(world)))


def _course(world: World, clock: Clock, version: ProtocolVersion | None = None) -> TreatmentCourse:
    """An esketamine course (REMS-enrolled) whose first session is today."""
    clock.move_to_today_at(13, 30)
    with moved_to(timezone.now() - dt.timedelta(hours=3)):
        return course_today(world.patient, nurse=world.nina, prescriber=world.pia, version=version)


def _dosed(world: World, clock: Clock, planned: PlannedSession, phq9: int) -> DosingSession:
    """The planned session given and discharged on its day: today's PHQ-9 at 10:40 (before the
    dose), the dose at 11:20, discharge at 13:30."""
    _to_day(world, clock, planned.scheduled_on)
    with moved_to(timezone.now() - dt.timedelta(hours=3)):
        session = session_check_in(actor=world.nina, planned=planned, chair="Chair 2")
    nurse = world.nina
    session_record_score(
        actor=nurse, session=session, instrument="phq9", answers=_phq9(phq9),
        administered_at=ago(170),
    )  # fmt: skip
    session_record_vitals(
        actor=nurse, session=session, measured_at=ago(165), checkpoint="pre_dose",
        sbp=120, dbp=80, hr=72, spo2=98, rr=14,
    )  # fmt: skip
    session = session_record_checklist(
        actor=nurse, session=session, **dict.fromkeys(CHECKLIST_FIELDS, True)
    )
    session = monitored(session, nurse)
    return session_discharge(
        actor=nurse, session=session, vitals_acceptable=True, clinician_confirms=True,
        no_driving_instruction_given=True,
    )  # fmt: skip


def _sessions(course: TreatmentCourse) -> list[PlannedSession]:
    return list(course.sessions.order_by("scheduled_on", "number"))


def _score(world: World, instrument: str, answers: dict[str, int], at: dt.datetime) -> None:
    assessment_record(
        actor=world.pia, patient=world.patient, instrument=instrument, answers=answers,
        administered_at=at, context="follow_up",
    )  # fmt: skip


def _chart(world: World) -> str:
    page = client_for(world.pia).get(f"/patients/{world.patient.public_id}/")
    assert page.status_code == 200
    return page.content.decode()


def _trend_section(page: str) -> str:
    found = re.search(r'<section class="card trend".*?</section>', page, re.S)
    assert found is not None
    return found.group(0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _rows(html: str, table_class: str) -> list[list[str]]:
    table = re.search(rf'<table class="{table_class}">.*?</table>', html, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0).split("<tbody>")[1], re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


def _first_dose_then_phq9(
    world: World, clock: Clock, total: int, version: ProtocolVersion | None = None
) -> None:
    """Session 1 with a baseline PHQ-9 of 20, then a PHQ-9 of `total` 24 hours after the dose."""
    session = _dosed(world, clock, _sessions(_course(world, clock, version))[0], phq9=20)
    assert session.dose_started_at is not None
    clock.move_to(session.dose_started_at + DAY + dt.timedelta(hours=1))
    _score(world, "phq9", _phq9(total), session.dose_started_at + DAY)


def test_the_chart_marks_each_dose_and_shows_the_courses_flags(world: World, clock: Clock) -> None:
    course = _course(world, clock)
    planned = _sessions(course)
    first_day = planned[0].scheduled_on
    _to_day(world, clock, first_day)
    _score(world, "madrs", _madrs(30), timezone.now() - dt.timedelta(hours=3, minutes=20))
    for session, total in zip(planned[:3], (20, 15, 12), strict=True):
        _dosed(world, clock, session, phq9=total)
    _score(world, "madrs", _madrs(11), timezone.now())
    section = _trend_section(_chart(world))
    svg = re.search(r'<svg class="trend-chart".*?</svg>', section, re.S)
    assert svg is not None
    ElementTree.fromstring(svg.group(0))  # well-formed, so every browser draws it
    assert svg.group(0).count('class="trend-dose"') == 3
    assert svg.group(0).count('class="trend-dose-line"') == 3 * 2  # in the PHQ-9 and MADRS panels
    assert "3 doses given from" in svg.group(0)
    assert [row[2] for row in _rows(section, "trend-doses")] == [
        "Session 1 (induction)",
        "Session 2 (induction)",
        "Session 3 (induction)",
    ]
    assert [row[3] for row in _rows(section, "trend-doses")] == ["56 mg esketamine"] * 3
    text = _text(section)
    assert "Current course: Esketamine nasal spray for treatment-resistant depression" in text
    assert "PHQ-9 is read against its baseline of 20" in text
    assert "Early improvement: PHQ-9 fell 25 % after the first dose (from 20 to 15)." in text
    assert "Rapid response not known: no PHQ-9 12 to 48 hours after the first dose." in text
    assert "End of induction: not yet; response and remission are judged then." in text
    assert "Rise from the lowest score: not checked, as the protocol sets no threshold" in text
    # The esketamine protocol's own MADRS remission threshold (REFERENCE §5.1: 12, not 10).
    assert "Remission: PHQ-9 4 or less, MADRS 12 or less" in text
    assert [row[6] for row in _rows(section, "trend-table") if row[0] == "MADRS"] == ["—", "Yes"]


def test_a_fall_of_half_or_more_a_day_after_the_first_dose_is_a_rapid_response(
    world: World, clock: Clock
) -> None:
    _first_dose_then_phq9(world, clock, total=9)
    text = _text(_trend_section(_chart(world)))
    assert "Rapid response: PHQ-9 fell 55 % a day after the first dose (from 20 to 9)." in text


def test_a_smaller_fall_a_day_after_the_first_dose_is_no_rapid_response(
    world: World, clock: Clock
) -> None:
    _first_dose_then_phq9(world, clock, total=16)
    text = _text(_trend_section(_chart(world)))
    assert "Rapid response: PHQ-9" not in text
    assert (
        "No rapid response: PHQ-9 fell 20 % a day after the first dose (from 20 to 16); "
        "a rapid response is a fall of 50 % or more."
    ) in text


def test_the_chart_reads_in_as_many_queries_with_twelve_sessions_as_with_three(
    world: World, clock: Clock
) -> None:
    planned = _sessions(_course(world, clock))
    assert len(planned) >= 12
    totals = [max(20 - 2 * n, 2) for n in range(12)]
    for session, total in zip(planned[:3], totals, strict=False):
        _dosed(world, clock, session, phq9=total)
    with CaptureQueriesContext(connection) as three:
        _chart(world)
    for session, total in zip(planned[3:12], totals[3:], strict=True):
        _dosed(world, clock, session, phq9=total)
    with CaptureQueriesContext(connection) as twelve:
        page = _chart(world)
    assert len(twelve.captured_queries) == len(three.captured_queries)
    section = _trend_section(page)
    assert len(_rows(section, "trend-doses")) == 12
    # Induction is eight sessions; the first score after its last session's day (session 9's,
    # 4) stands for its end, not the 6 taken before the last induction dose.
    assert (
        "End of induction: response and remission (PHQ-9 from 20 to 4; response is a fall of "
        "50 % or more, remission 4 or less)."
    ) in _text(section)


def test_the_trend_never_shows_internal_codes(world: World, clock: Clock) -> None:
    _first_dose_then_phq9(world, clock, total=9)
    _score(world, "qids_sr16", {str(n): 1 for n in range(1, 17) if n not in (7, 9)}, timezone.now())
    text = _text(_trend_section(_chart(world)))
    assert "QIDS-SR16" in text
    assert re.findall(r"\b[a-z0-9]+_[a-z0-9_]+\b", text) == []


def test_a_patient_without_a_course_sees_the_trend_without_flags(world: World) -> None:
    _score(world, "phq9", _phq9(12), timezone.now())
    section = _trend_section(_chart(world))
    assert "trend-flags" not in section
    assert "trend-doses" not in section
    assert "PHQ-9 12 (Moderate)" in section


def test_the_protocols_own_thresholds_decide_the_flags(world: World, clock: Clock) -> None:
    base = ProtocolVersion.objects.get(clinic=world.harbor, code="esketamine_trd", version=1)
    version = protocol_version_create(
        actor=world.ada, base=base, trend_rapid_response_pct=20, trend_rise_points=3
    )
    _first_dose_then_phq9(world, clock, total=16, version=version)
    text = _text(_trend_section(_chart(world)))
    assert "Rapid response: PHQ-9 fell 20 % a day after the first dose (from 20 to 16)." in text
    assert "not checked, as the protocol sets no threshold" not in text
