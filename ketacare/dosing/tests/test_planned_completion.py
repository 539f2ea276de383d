"""The discharge completes the planned session; an abort does not."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import Clock, World, client_for
from ketacare.core.models import AuditEvent
from ketacare.dosing.discharge import session_abort, session_discharge
from ketacare.dosing.models import DosingSession, Status
from ketacare.dosing.queries import todays_sessions
from ketacare.dosing.tests.builders import checked_in, cleared, monitored
from ketacare.treatment.models import PlannedSession
from ketacare.treatment.schedule import (
    DOSING_CLOSED_STATUSES,
    session_book,
    session_cancel,
    session_move,
)

pytestmark = pytest.mark.django_db


def _discharged(world: World) -> DosingSession:
    session = monitored(cleared(world.patient, nurse=world.nina, prescriber=world.pia), world.nina)
    return session_discharge(
        actor=world.nina, session=session, vitals_acceptable=True, clinician_confirms=True,
        no_driving_instruction_given=True,
    )  # fmt: skip


def _planned(session: DosingSession) -> PlannedSession:
    assert session.planned_session is not None
    return PlannedSession.objects.get(pk=session.planned_session.pk)


def test_the_discharge_completes_the_planned_session_in_the_same_transaction(
    world: World,
) -> None:
    planned = _planned(_discharged(world))
    assert planned.status == "completed"
    completed = AuditEvent.objects.filter(object_id=str(planned.public_id)).last()
    assert completed is not None
    assert completed.changes["status"]["new"] == "completed"


def test_a_refused_discharge_leaves_the_planned_session_as_it_was(world: World) -> None:
    session = monitored(cleared(world.patient, nurse=world.nina, prescriber=world.pia), world.nina)
    with pytest.raises(ValidationError):
        session_discharge(
            actor=world.nina, session=session, vitals_acceptable=True, clinician_confirms=False,
            no_driving_instruction_given=True,
        )  # fmt: skip
    assert _planned(session).status == "planned"


def test_an_aborted_session_leaves_the_planned_session_open(world: World) -> None:
    session = checked_in(world.patient, nurse=world.nina, prescriber=world.pia)
    session_abort(actor=world.nina, session=session, reason="Patient declined.")
    planned = _planned(session)
    assert planned.status == "planned"
    assert planned.completed_at is None


def test_a_completed_session_stays_on_todays_list_with_its_dosing_status(
    world: World, clock: Clock
) -> None:
    clock.move_to_today_at(15)  # checked in and discharged today
    planned = _planned(_discharged(world))
    assert list(todays_sessions(world.harbor)) == [planned]
    page = client_for(world.fran).get(reverse("dosing:today"))
    html = page.content.decode()
    assert world.patient.display_name in html
    assert "Discharged" in html
    assert "Check in" not in html


def test_front_desk_cannot_move_a_discharged_session(world: World) -> None:
    planned = _planned(_discharged(world))
    with pytest.raises(ValidationError, match="completed"):
        session_move(
            actor=world.fran,
            session=planned,
            scheduled_on=planned.scheduled_on + dt.timedelta(days=1),
        )


@pytest.mark.parametrize("step", ["book", "move", "cancel"])
def test_front_desk_cannot_book_move_or_cancel_a_session_whose_patient_is_in_the_chair(
    world: World, step: str
) -> None:
    session = monitored(cleared(world.patient, nurse=world.nina, prescriber=world.pia), world.nina)
    planned = _planned(session)
    with pytest.raises(ValidationError, match="checked in"):
        _change(world, planned, step)
    assert _planned(session).scheduled_on == planned.scheduled_on
    assert _planned(session).status == "planned"


def test_a_session_in_the_chair_cannot_be_moved_from_the_schedule_page(world: World) -> None:
    session = checked_in(world.patient, nurse=world.nina, prescriber=world.pia)
    planned = _planned(session)
    tomorrow = planned.scheduled_on + dt.timedelta(days=1)
    page = client_for(world.fran).post(
        reverse("treatment:session_move", args=[world.patient.public_id, planned.public_id]),
        {"scheduled_on": tomorrow.isoformat()},
    )
    assert page.status_code == 200
    assert "checked in" in page.content.decode()
    assert _planned(session).scheduled_on == planned.scheduled_on


def test_front_desk_can_still_cancel_the_session_of_an_aborted_visit(world: World) -> None:
    session = checked_in(world.patient, nurse=world.nina, prescriber=world.pia)
    session_abort(actor=world.nina, session=session, reason="Patient declined.")
    cancelled = _change(world, _planned(session), "cancel")
    assert cancelled.status == "cancelled"


def _change(world: World, planned: PlannedSession, step: str) -> PlannedSession:
    if step == "book":
        return session_book(actor=world.fran, session=planned, scheduled_time=dt.time(15))
    if step == "move":
        tomorrow = planned.scheduled_on + dt.timedelta(days=1)
        return session_move(actor=world.fran, session=planned, scheduled_on=tomorrow)
    return session_cancel(actor=world.fran, session=planned, reason="Clinic closed.")


def test_the_schedule_reads_the_same_closed_dosing_states_as_dosing() -> None:
    closed = {status for status in Status if not DosingSession(status=status).is_open}
    assert set(DOSING_CLOSED_STATUSES) == closed
