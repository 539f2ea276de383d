"""Therapy alongside the drug, in the browser: the therapist holds a preparation session and
signs its notes; the nurse's dosing session ends with the integration session proposed and
booked; the therapist holds it and signs its note; the nurse reads the progress note and
cannot open the psychotherapy note."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import Clock, World
from ketacare.core.models import AuditEvent, AuditOutcome
from ketacare.dosing.discharge import session_discharge
from ketacare.dosing.models import DosingSession
from ketacare.dosing.services import session_check_in
from ketacare.dosing.tests.builders import ESKETAMINE, course_today, monitored, moved_to, prepared
from ketacare.therapy.appointments import therapy_session_book
from ketacare.therapy.care_team import care_team_add
from ketacare.therapy.models import TherapyNote
from ketacare.treatment.library import protocol_version_create
from ketacare.treatment.queries import open_course
from ketacare.treatment.tests.builders import builtin
from tests.e2e.steps import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def _story(world: World, clock: Clock) -> None:
    """A course asking for one preparation session and integration 24-72 h after each dose,
    today's session planned, Theo the therapist, the preparation session begun."""
    clock.move_to_today_at(9)
    version = protocol_version_create(
        actor=world.ada, base=builtin(world.harbor, ESKETAMINE), therapy_preparation_sessions=1,
        therapy_integration_min_hours=24, therapy_integration_max_hours=72,
    )  # fmt: skip
    with moved_to(timezone.now() - dt.timedelta(hours=2)):
        course_today(world.patient, nurse=world.nina, prescriber=world.pia, version=version)
        care_team_add(actor=world.pia, patient=world.patient, member=world.theo.user,
                      team_role="therapist")  # fmt: skip
        therapy_session_book(
            actor=world.fran, patient=world.patient, therapist=world.theo.user,
            kind="preparation", mode="in_person", starts_at=timezone.now() + dt.timedelta(hours=1),
            duration_minutes=50,
        )  # fmt: skip


def _hold_and_sign(page: Any, live_server: Any, world: World, *, private: bool) -> None:
    page.goto(f"{live_server.url}/patients/{world.patient.public_id}/therapy/")
    page.get_by_role("link", name="Held", exact=True).first.click()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("recorded as held.").wait_for()
    page.get_by_role("link", name="Progress note").first.click()
    page.get_by_label("Goals").fill("Feel less stuck")
    page.get_by_label("Risk check: suicidal thoughts since the last session").select_option(
        label="No suicidal thoughts reported"
    )
    page.get_by_role("button", name="Sign and lock").click()
    page.get_by_text("Note signed and locked.").wait_for()
    if private:
        page.goto(f"{live_server.url}/patients/{world.patient.public_id}/therapy/")
        page.get_by_role("link", name="Private note").first.click()
        page.get_by_label("Themes").fill("My own reflections on the alliance")
        page.get_by_role("button", name="Sign and lock").click()
        page.get_by_text("Note signed and locked.").wait_for()


def _dosing_session(world: World) -> DosingSession:
    """Checked in three hours ago, dosed, monitored, discharged (the chair's own browser
    tests walk these steps)."""
    course = open_course(world.patient)
    assert course is not None
    planned = course.sessions.get(scheduled_on=world.harbor.today())
    with moved_to(timezone.now() - dt.timedelta(hours=3)):
        session = session_check_in(actor=world.nina, planned=planned)
    session = monitored(prepared(session, world.nina), world.nina)
    return session_discharge(
        actor=world.nina, session=session, vitals_acceptable=True, clinician_confirms=True,
        no_driving_instruction_given=True,
    )  # fmt: skip


def test_preparation_dosing_and_integration_with_notes_kept_apart(
    page: Any, live_server: Any, world: World, clock: Clock
) -> None:
    _story(world, clock)
    clock.move_to_today_at(12)
    sign_in(page, live_server, "theo@harbor.test")
    _hold_and_sign(page, live_server, world, private=True)
    sign_out(page)

    clock.move_to_today_at(15)
    session = _dosing_session(world)
    assert "preparation_sessions" not in {f["code"] for f in session.findings}
    sign_in(page, live_server, "nina@harbor.test")
    page.goto(f"{live_server.url}/sessions/{session.public_id}/")
    page.get_by_text("Proposed with Theo Therapist").wait_for()
    page.get_by_role("link", name="Book the integration session").click()
    page.get_by_label("Where").select_option(label="Telehealth")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Therapy session booked.").wait_for()
    page.goto(f"{live_server.url}/sessions/{session.public_id}/")
    page.get_by_text("with Theo Therapist (booked)").wait_for()
    sign_out(page)

    clock.advance(hours=25)
    sign_in(page, live_server, "theo@harbor.test")
    _hold_and_sign(page, live_server, world, private=False)
    sign_out(page)

    progress = TherapyNote.objects.filter(kind="progress").latest("signed_at")
    private = TherapyNote.objects.get(kind="psychotherapy")
    sign_in(page, live_server, "nina@harbor.test")
    notes = f"{live_server.url}/patients/{world.patient.public_id}/therapy-notes/"
    page.goto(f"{notes}{progress.public_id}/")
    page.get_by_text("Feel less stuck").wait_for()
    refused = page.goto(f"{notes}{private.public_id}/")
    assert refused is not None
    assert refused.status == 404
    assert "alliance" not in page.content()
    denied = AuditEvent.objects.get(object_id=private.public_id, outcome=AuditOutcome.DENIED)
    assert denied.actor_email == "nina@harbor.test"
