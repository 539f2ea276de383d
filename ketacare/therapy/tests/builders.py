"""Therapy stories for tests: a patient in a course, a therapist of another clinic, times
ahead of the test's clock."""

import datetime as dt

from django.utils import timezone

from conftest import World
from ketacare.clinics.actors import StaffActor
from ketacare.clinics.models import Role
from ketacare.therapy.appointments import therapy_session_book
from ketacare.therapy.models import TherapySession
from ketacare.treatment.models import TreatmentCourse
from ketacare.treatment.queries import open_course
from ketacare.treatment.tests.builders import started_course
from tests.factories import staff


def in_course(world: World) -> TreatmentCourse:
    """Paula's open course, started if need be."""
    return open_course(world.patient) or started_course(
        world.patient, nurse=world.nina, prescriber=world.pia
    )


def hours_ahead(hours: float) -> dt.datetime:
    """A time `hours` from now, on the minute."""
    return (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


def summit_therapist(world: World) -> StaffActor:
    """A therapist of the other clinic (made once per test)."""
    return staff(world.summit, Role.THERAPIST, email="tess@summit.test", full_name="Tess Sumner")


def booked(
    world: World,
    *,
    hours: float = 24,
    kind: str = "preparation",
    minutes: int = 60,
    by: StaffActor | None = None,
) -> TherapySession:
    """A session of Paula's with Theo, `hours` from now."""
    in_course(world)
    return therapy_session_book(
        actor=by or world.fran,
        patient=world.patient,
        therapist=world.theo.user,
        kind=kind,
        mode="in_person",
        starts_at=hours_ahead(hours),
        duration_minutes=minutes,
        room="Room 3",
    )
