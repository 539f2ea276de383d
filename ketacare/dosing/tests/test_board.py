"""The chair board: every session of the clinic's day, its phase, what is due, alerts and
discharge readiness; polled by htmx, audited per render, bounded in queries."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import World, client_for
from ketacare.clinics.actors import StaffActor
from ketacare.clinics.models import Role
from ketacare.core.models import AuditAction, AuditEvent
from ketacare.dosing.board import BOARD_OBJECT, BoardRow, board_idle, board_opened, board_rows
from ketacare.dosing.discharge import session_abort, session_discharge
from ketacare.dosing.models import DosingSession
from ketacare.dosing.services import (
    session_record_adverse_event,
    session_record_score,
    session_record_side_effect,
    session_record_vitals,
)
from ketacare.dosing.tests.builders import (
    CSSRS_HIGH,
    administered,
    ago,
    checked_in,
    cleared,
    course_today,
    monitored,
    prepared,
)
from ketacare.patients.models import Patient
from tests.factories import PatientFactory, staff

pytestmark = pytest.mark.django_db
BOARD = reverse("dosing:board")
# Login session, membership, six board queries, the audit write: about 20.
BOARD_QUERY_LIMIT = 22


def _patient(
    world: World, family: str, clinic: Any = None, nurse: StaffActor | None = None
) -> Patient:
    return PatientFactory.create(
        clinic=clinic or world.harbor,
        actor=nurse or world.nina,
        given_name="Pat",
        family_name=family,
    )


def _checked_in(world: World, family: str) -> DosingSession:
    return checked_in(_patient(world, family), nurse=world.nina, prescriber=world.pia)


def _cleared(world: World, family: str) -> DosingSession:
    return cleared(_patient(world, family), nurse=world.nina, prescriber=world.pia)


def _monitored(world: World, family: str, minutes_ago: float = 130) -> DosingSession:
    return monitored(_cleared(world, family), world.nina, minutes_ago=minutes_ago)


def _row(world: World, session: DosingSession, user: StaffActor | None = None) -> BoardRow:
    rows = board_rows(user or world.nina, world.harbor)
    return next(row for row in rows if row.dosing_session_id == session.public_id)


def _discharged(world: World, family: str) -> DosingSession:
    return session_discharge(
        actor=world.nina,
        session=_monitored(world, family),
        vitals_acceptable=True,
        clinician_confirms=True,
        no_driving_instruction_given=True,
    )


def test_the_board_shows_every_phase_open_sessions_first_and_closed_ones_last(
    world: World,
) -> None:
    course_today(_patient(world, "Awaiting"), nurse=world.nina, prescriber=world.pia)
    session_abort(actor=world.nina, session=_checked_in(world, "Aborted"), reason="Unwell")
    _discharged(world, "Discharged")
    _checked_in(world, "Arrived")
    blocked = _checked_in(world, "Blocked")
    prepared(blocked, world.nina, sbp=150, dbp=95)
    _cleared(world, "Cleared")
    administered(_cleared(world, "Dosing"), world.nina, devices=False)
    _monitored(world, "Watched")
    rows = board_rows(world.nina, world.harbor)
    assert [(row.phase, row.closed) for row in rows] == [
        ("checked_in", False),
        ("blocked", False),
        ("cleared_for_dosing", False),
        ("dosing", False),
        ("monitoring", False),
        ("awaiting_check_in", False),
        ("aborted", True),
        ("discharged", True),
    ]


def test_the_page_names_each_patient_by_given_name_family_initial_and_mrn(world: World) -> None:
    session = _checked_in(world, "Okafor")
    page = client_for(world.nina).get(BOARD).content.decode()
    assert "Pat O." in page
    assert session.patient.mrn in page
    assert "Okafor" not in page
    assert reverse("dosing:session", args=[session.public_id]) in page
    assert "Checked in" in page


def test_minutes_since_dose_count_from_the_first_device(world: World) -> None:
    session = _cleared(world, "Dosed")
    administered(session, world.nina, minutes_ago=25)
    assert _row(world, session).minutes_since_dose == 25


def test_a_reading_past_its_time_is_flagged_overdue_in_words(world: World) -> None:
    session = _cleared(world, "Late")
    administered(session, world.nina, minutes_ago=50)
    row = _row(world, session)
    assert row.due is not None
    assert row.due.overdue
    assert "Overdue: BP about 40 min after the dose." in row.alerts
    page = client_for(world.nina).get(BOARD).content.decode()
    assert "OVERDUE" in page


def test_a_reading_not_yet_due_is_shown_without_an_alert(world: World) -> None:
    session = _cleared(world, "Early")
    administered(session, world.nina, minutes_ago=10)
    row = _row(world, session)
    assert row.due is not None
    assert not row.due.overdue
    assert row.alerts == ()


def test_adverse_events_severe_side_effects_and_vitals_warnings_are_alerts(world: World) -> None:
    session = _cleared(world, "Alerts")
    administered(session, world.nina, minutes_ago=15)
    session_record_adverse_event(
        actor=world.nina, session=session, onset_at=ago(5), severity="moderate", serious=True,
        description="Fainted",
    )  # fmt: skip
    session_record_side_effect(
        actor=world.nina, session=session, observed_at=ago(4), kind="nausea", severity="severe"
    )
    session_record_side_effect(
        actor=world.nina, session=session, observed_at=ago(4), kind="dizziness", severity="mild"
    )
    session_record_vitals(
        actor=world.nina, session=session, measured_at=ago(1), checkpoint="routine",
        sbp=185, dbp=112, hr=80, spo2=97, rr=14,
    )  # fmt: skip
    alerts = _row(world, session).alerts
    assert "Serious adverse event (moderate)." in alerts
    assert "Severe side effect: Nausea." in alerts
    assert not any("Dizziness" in alert for alert in alerts)
    assert any(alert.startswith("Vitals: ") for alert in alerts)
    assert "Fainted" not in " ".join(alerts)


def test_a_blocked_session_with_a_high_suicide_triage_alerts_the_prescriber(world: World) -> None:
    session = _checked_in(world, "Triage")
    session_record_score(
        actor=world.nina, session=session, instrument="cssrs_screener", answers=CSSRS_HIGH,
        administered_at=ago(25),
    )  # fmt: skip
    prepared(session, world.nina)
    row = _row(world, session)
    assert row.phase == "blocked"
    assert "Blocked: a prescriber must act." in row.alerts
    assert "Suicide risk high (today's triage)." in row.alerts


def test_readiness_says_what_is_missing_until_the_patient_may_leave(world: World) -> None:
    waiting = _cleared(world, "Waiting")
    administered(waiting, world.nina, minutes_ago=10)
    row = _row(world, waiting)
    assert not row.ready
    assert "less than the minimum of 120 min" in row.readiness
    assert "Record the about 40 min after the dose BP." in row.readiness
    ready = _row(world, _monitored(world, "Ready"))
    assert ready.ready
    assert ready.readiness == "Ready for discharge."
    assert _row(world, _checked_in(world, "Undosed")).readiness == "No dose has been given."


def test_a_warning_on_the_latest_vitals_holds_discharge(world: World) -> None:
    session = _monitored(world, "Hypertensive")
    session_record_vitals(
        actor=world.nina, session=session, measured_at=ago(0.5), checkpoint="routine",
        sbp=185, dbp=112, hr=80, spo2=97, rr=14,
    )  # fmt: skip
    row = _row(world, session)
    assert not row.ready
    assert row.readiness == "Vital signs are not confirmed to be acceptable."
    session_record_vitals(
        actor=world.nina, session=session, measured_at=ago(0.2), checkpoint="routine",
        sbp=130, dbp=82, hr=76, spo2=98, rr=14,
    )  # fmt: skip
    assert _row(world, session).ready


def test_the_session_screen_and_the_board_agree_on_what_holds_discharge(world: World) -> None:
    session = _monitored(world, "Agreed")
    session_record_vitals(
        actor=world.nina, session=session, measured_at=ago(0.5), checkpoint="routine",
        sbp=185, dbp=112, hr=80, spo2=97, rr=14,
    )  # fmt: skip
    screen = client_for(world.nina).get(reverse("dosing:session", args=[session.public_id]))
    held = "Vital signs are not confirmed to be acceptable."
    assert held in screen.content.decode()
    assert _row(world, session).readiness == held


def test_an_htmx_poll_gets_the_table_alone_and_the_page_polls_every_30_seconds(
    world: World,
) -> None:
    _checked_in(world, "Polled")
    client = client_for(world.nina)
    page = client.get(BOARD).content.decode()
    assert 'hx-trigger="every 30s"' in page
    assert "<html" in page
    partial = client.get(BOARD, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "<table" in partial
    assert "Pat P." in partial


def test_polling_stops_one_idle_timeout_after_the_page_was_opened(
    world: World, settings: Any
) -> None:
    _checked_in(world, "Idle")
    client = client_for(world.nina)
    page = client.get(BOARD)
    fresh = client.get(BOARD, {"opened": page.context["opened"]}, HTTP_HX_REQUEST="true")
    assert fresh.status_code == 200
    assert "Stopped refreshing" not in fresh.content.decode()
    long_ago = board_opened(timezone.now() - dt.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES))
    stale = client.get(BOARD, {"opened": long_ago}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 286
    assert "Stopped refreshing" in stale.content.decode()
    assert "Pat I." in stale.content.decode()
    garbled = client.get(BOARD, {"opened": "soon"}, HTTP_HX_REQUEST="true")
    assert garbled.status_code == 286


def test_an_opening_time_forged_in_the_browser_does_not_keep_the_board_polling(
    world: World,
) -> None:
    _checked_in(world, "Forged")
    client = client_for(world.nina)
    ten_years_ahead = int((timezone.now() + dt.timedelta(days=3650)).timestamp())
    forged = client.get(BOARD, {"opened": ten_years_ahead}, HTTP_HX_REQUEST="true")
    assert forged.status_code == 286
    tampered = board_opened(timezone.now()).replace(":", ":x", 1)
    assert client.get(BOARD, {"opened": tampered}, HTTP_HX_REQUEST="true").status_code == 286


def test_a_signed_opening_time_in_the_future_counts_as_idle(world: World) -> None:
    now = timezone.now()
    assert not board_idle(board_opened(now), now)
    assert board_idle(board_opened(now + dt.timedelta(minutes=1)), now)


def test_another_clinics_sessions_never_appear(world: World) -> None:
    sol_patient = _patient(world, "Summit", clinic=world.summit, nurse=world.sol)
    checked_in(sol_patient, nurse=world.sol, prescriber=_summit_prescriber(world))
    _checked_in(world, "Harbor")
    page = client_for(world.nina).get(BOARD).content.decode()
    assert "Pat S." not in page
    theirs = client_for(world.sol).get(BOARD).content.decode()
    assert "Pat S." in theirs
    assert "Pat H." not in theirs
    api = client_for(world.nina).get("/api/v1/dosing-sessions/board").json()
    assert [row["patient"] for row in api] == ["Pat H."]


def _summit_prescriber(world: World) -> StaffActor:
    return staff(world.summit, Role.PRESCRIBER, email="sam@summit.test")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("ada", 200), ("pia", 200), ("nina", 200), ("theo", 200), ("fran", 403)],
)
def test_the_board_is_for_roles_that_view_sessions(world: World, persona: str, status: int) -> None:
    user = getattr(world, persona)
    assert client_for(user).get(BOARD).status_code == status
    assert client_for(user).get("/api/v1/dosing-sessions/board").status_code == status


def test_the_nav_links_the_board_for_session_viewers_only(world: World) -> None:
    assert BOARD in client_for(world.theo).get(reverse("patients:list")).content.decode()
    assert BOARD not in client_for(world.fran).get(reverse("patients:list")).content.decode()
    assert BOARD in client_for(world.nina).get(reverse("dosing:today")).content.decode()


def _board_reads() -> Any:
    return AuditEvent.objects.filter(action=AuditAction.READ, object_type=BOARD_OBJECT)


def test_each_render_is_one_audited_read_listing_the_patients_shown(world: World) -> None:
    one = _checked_in(world, "One")
    course_today(_patient(world, "Two"), nurse=world.nina, prescriber=world.pia)
    client = client_for(world.theo)
    client.get(BOARD)
    client.get(BOARD, HTTP_HX_REQUEST="true")
    client.get("/api/v1/dosing-sessions/board")
    events = list(_board_reads().order_by("occurred_at", "seq"))
    assert [e.changes["via"] for e in events] == ["web", "web-poll", "api"]
    shown = {str(p.public_id) for p in Patient.objects.filter(family_name__in=["One", "Two"])}
    assert all(set(e.changes["patients"]) == shown for e in events)
    assert events[0].changes["dosing_sessions"] == [str(one.public_id)]
    assert len(events[0].changes["planned_sessions"]) == 1
    assert {e.actor_email for e in events} == {world.theo.user.email}
    assert {e.clinic_id for e in events} == {world.harbor.public_id}


def test_the_audit_report_for_a_patient_finds_the_board_reads_that_showed_them(
    world: World,
) -> None:
    shown = _checked_in(world, "Shown")
    client_for(world.theo).get(BOARD)
    other = _patient(world, "Absent")
    report = client_for(world.ada).get("/reports/audit/", {"patient": shown.patient.mrn})
    assert BOARD_OBJECT in {e.object_type for e in report.context["page"]}
    report = client_for(world.ada).get("/reports/audit/", {"patient": other.mrn})
    assert BOARD_OBJECT not in {e.object_type for e in report.context["page"]}


def test_an_empty_board_shows_no_patient_and_records_no_read(world: World) -> None:
    page = client_for(world.nina).get(BOARD)
    assert "No sessions today." in page.content.decode()
    assert not _board_reads().exists()


def test_the_api_returns_the_boards_rows(world: World) -> None:
    session = _cleared(world, "Api")
    administered(session, world.nina, minutes_ago=50)
    (row,) = client_for(world.pia).get("/api/v1/dosing-sessions/board").json()
    assert row["dosing_session_id"] == str(session.public_id)
    assert row["phase"] == "monitoring"
    assert row["minutes_since_dose"] == 50
    assert row["due"]["overdue"] is True
    assert row["ready"] is False


# --- bounded queries ---------------------------------------------------------------------------


def _long_timeline(world: World, family: str) -> None:
    session = _cleared(world, family)
    administered(session, world.nina, minutes_ago=60)
    for minutes in range(12):
        session_record_vitals(
            actor=world.nina, session=session, measured_at=ago(minutes), hr=70 + minutes
        )
    session_record_side_effect(
        actor=world.nina, session=session, observed_at=ago(3), kind="nausea", severity="severe"
    )
    course_today(_patient(world, f"{family}Next"), nurse=world.nina, prescriber=world.pia)


def _board_poll(world: World, assert_max: Any) -> int:
    client = client_for(world.nina)
    # The first request sets up the login session and the audit chain head.
    opened = client.get(BOARD).context["opened"]
    with assert_max(BOARD_QUERY_LIMIT) as queries:
        poll = client.get(BOARD, {"opened": opened}, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200
    return len(queries)


def test_the_board_runs_the_same_queries_for_2_or_8_sessions_with_long_timelines(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for family in ("Aa", "Bb"):
        _long_timeline(world, family)
    few = _board_poll(world, django_assert_max_num_queries)
    for family in ("Cc", "Dd", "Ee", "Ff", "Gg", "Hh"):
        _long_timeline(world, family)
    assert len(board_rows(world.nina, world.harbor)) == 16
    assert _board_poll(world, django_assert_max_num_queries) == few


def test_building_the_rows_takes_six_queries(world: World, django_assert_num_queries: Any) -> None:
    for family in ("Aa", "Bb", "Cc"):
        _long_timeline(world, family)
    with django_assert_num_queries(6):
        board_rows(world.nina, world.harbor)
