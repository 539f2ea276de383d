"""The protocol's rhythm of therapy at the chair: preparation sessions before the first dose,
counted in the dosing session's clearance as the protocol says (REFERENCE §7)."""

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import Clock, World, client_for
from ketacare.dosing.discharge import session_discharge
from ketacare.dosing.models import DosingSession, Status
from ketacare.dosing.services import session_check_in, session_override
from ketacare.dosing.tests.builders import (
    ESKETAMINE,
    course_today,
    monitored,
    moved_to,
    prepared,
)
from ketacare.therapy.appointments import therapy_session_book, therapy_session_held
from ketacare.therapy.care_team import care_team_add
from ketacare.treatment.library import protocol_version_create
from ketacare.treatment.models import TreatmentCourse
from ketacare.treatment.tests.builders import builtin

pytestmark = pytest.mark.django_db


def _course(world: World, clock: Clock, rule: str) -> TreatmentCourse:
    """An esketamine course asking for one preparation session, first session today."""
    clock.move_to_today_at(13, 30)
    version = protocol_version_create(
        actor=world.ada,
        base=builtin(world.harbor, ESKETAMINE),
        therapy_preparation_sessions=1,
        therapy_preparation_rule=rule,
    )
    with moved_to(timezone.now() - dt.timedelta(hours=4)):
        return course_today(world.patient, nurse=world.nina, prescriber=world.pia, version=version)


def _at_the_chair(world: World, course: TreatmentCourse) -> DosingSession:
    planned = course.sessions.get(scheduled_on=world.harbor.today())
    with moved_to(timezone.now() - dt.timedelta(hours=3)):
        session = session_check_in(actor=world.nina, planned=planned)
    return prepared(session, world.nina)


def _held_preparation(world: World, clock: Clock) -> None:
    with moved_to(timezone.now() - dt.timedelta(hours=5)):
        session = therapy_session_book(
            actor=world.theo, patient=world.patient, therapist=world.theo.user,
            kind="preparation", mode="in_person", starts_at=timezone.now() + dt.timedelta(hours=1),
            duration_minutes=50,
        )  # fmt: skip
    therapy_session_held(actor=world.theo, session=session)


def test_no_preparation_before_the_first_dose_is_a_warning_a_prescriber_may_override(
    world: World, clock: Clock
) -> None:
    session = _at_the_chair(world, _course(world, clock, "warning"))
    assert session.status == Status.BLOCKED
    (finding,) = [f for f in session.findings if f["code"] == "preparation_sessions"]
    assert (finding["kind"], finding["message"]) == (
        "warning",
        "0 of 1 preparation session held before the first dose.",
    )
    overridden = session_override(actor=world.pia, session=session, reason="Prepared by phone.")
    assert overridden.status == Status.CLEARED


def test_where_the_protocol_makes_it_a_hard_stop_no_override_lifts_it(
    world: World, clock: Clock
) -> None:
    session = _at_the_chair(world, _course(world, clock, "hard_stop"))
    assert session.status == Status.BLOCKED
    with pytest.raises(ValidationError):
        session_override(actor=world.pia, session=session, reason="Try anyway.")


def test_a_preparation_session_held_clears_the_first_dose(world: World, clock: Clock) -> None:
    course = _course(world, clock, "hard_stop")
    _held_preparation(world, clock)
    session = _at_the_chair(world, course)
    assert "preparation_sessions" not in {f["code"] for f in session.findings}
    assert session.status == Status.CLEARED


def test_at_discharge_the_integration_session_is_proposed_in_the_window_and_booked(
    world: World, clock: Clock
) -> None:
    clock.move_to_today_at(13, 30)
    version = protocol_version_create(
        actor=world.ada,
        base=builtin(world.harbor, ESKETAMINE),
        therapy_integration_min_hours=24,
        therapy_integration_max_hours=72,
    )
    with moved_to(timezone.now() - dt.timedelta(hours=4)):
        course = course_today(
            world.patient, nurse=world.nina, prescriber=world.pia, version=version
        )
    care_team_add(actor=world.pia, patient=world.patient, member=world.theo.user,
                  team_role="therapist")  # fmt: skip
    session = session_discharge(
        actor=world.nina, session=monitored(_at_the_chair(world, course), world.nina),
        vitals_acceptable=True, clinician_confirms=True, no_driving_instruction_given=True,
    )  # fmt: skip
    nurse = client_for(world.nina)
    screen = nurse.get(f"/sessions/{session.public_id}/").content.decode()
    assert "Proposed with Theo Therapist" in screen
    assert "(the protocol&#x27;s window)" in screen or "(the protocol's window)" in screen
    link = re.search(r'href="(/patients/[^"]+/therapy/book/\?[^"]+)"', screen)
    assert link is not None
    form = nurse.get(html.unescape(link.group(1)))
    (starts,) = re.findall(r'name="starts_at" value="([^"]+)"', form.content.decode())
    assert form.context["form"].initial["follows"] == [session.pk]
    assert form.context["form"].initial["kind"] == "integration"
    theo = world.theo.active
    assert theo is not None
    booked = nurse.post(
        html.unescape(link.group(1)),
        {"therapist": theo.pk, "kind": "integration", "mode": "telehealth",
         "starts_at": starts, "duration_minutes": "60", "follows": [session.pk]},
    )  # fmt: skip
    assert booked.status_code == 302, booked.content
    screen = nurse.get(f"/sessions/{session.public_id}/").content.decode()
    assert "Integration session: " in screen
    assert "with Theo Therapist (booked)" in screen
