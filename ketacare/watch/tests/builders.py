"""A course in maintenance under a clinic version that schedules its safety watch."""

import datetime as dt

from conftest import Clock, World
from ketacare.treatment.library import protocol_version_create
from ketacare.treatment.models import TreatmentCourse
from ketacare.treatment.tests.builders import MONDAY, builtin, started_course
from tests.factories import PatientFactory

# Week 5 of the esketamine course started on MONDAY, its first maintenance session's week.
MAINTENANCE = MONDAY + dt.timedelta(weeks=4)


def watched_course(
    world: World, clock: Clock, *, weeks_in: int = 3, others: int = 0
) -> TreatmentCourse:
    """Harbor's esketamine course with bladder checks every 2 weeks (2 yes answers positive)
    and liver tests every 4 (above 120 U/L), the clock `weeks_in` weeks into maintenance;
    `others` more patients on the same version, as far along."""
    version = protocol_version_create(
        actor=world.ada,
        base=builtin(world.harbor, "esketamine_trd"),
        name="Harbor esketamine with its watch",
        watch_bladder_every_weeks=2,
        watch_bladder_positive_at=2,
        watch_liver_every_weeks=4,
        watch_liver_positive_at=120,
    )
    course = started_course(world.patient, nurse=world.nina, prescriber=world.pia, version=version)
    for number in range(others):
        other = PatientFactory.create(
            clinic=world.harbor, actor=world.nina, given_name=f"Watched {number}"
        )
        started_course(other, nurse=world.nina, prescriber=world.pia, version=version)
    noon = dt.time(12, tzinfo=dt.UTC)
    clock.move_to(dt.datetime.combine(MAINTENANCE + dt.timedelta(weeks=weeks_in), noon))
    return course
