"""The demo's long-term safety watch: Lakeshore's own esketamine version schedules it (the
clinic's settings, as the reference sets none), and its patient in maintenance answered the
bladder questions with two yeses yesterday, a positive check waiting for the prescriber."""

import datetime as dt

from django.utils import timezone

from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic
from ketacare.demo.clock import clock_at
from ketacare.treatment.library import protocol_version_create
from ketacare.treatment.models import CourseStatus, ProtocolVersion, TreatmentCourse
from ketacare.watch.services import watch_record

# Lakeshore's choices: bladder and misuse questions monthly, memory each quarter, the
# blood-pressure trend every two months, positive at a systolic rise of 20 mmHg between the
# first three sessions and the latest three.
SETTINGS = {
    "watch_bladder_every_weeks": 4,
    "watch_misuse_every_weeks": 4,
    "watch_cognition_every_weeks": 12,
    "watch_blood_pressure_every_weeks": 8,
    "watch_blood_pressure_positive_at": 20,
    "watch_blood_pressure_readings": 3,
}


def seed_watch_protocol(clinic: Clinic, admin: Actor) -> None:
    base = ProtocolVersion.objects.get(clinic=clinic, code="esketamine_trd", version=1)
    protocol_version_create(
        actor=admin,
        base=base,
        change_note="Lakeshore's long-term safety watch in maintenance (clinic settings).",
        **SETTINGS,
    )


def seed_watch_result(clinic: Clinic, nurse: Actor) -> None:
    """Yesterday's bladder check of the first course in maintenance: positive (2 of 3 yes)."""
    course = (
        TreatmentCourse.objects.filter(
            clinic=clinic,
            status=CourseStatus.ACTIVE,
            sessions__stage="maintenance",
            sessions__scheduled_on__lt=clinic.today(),
        )
        .order_by("pk")
        .first()
    )
    if course is None:
        return
    asked = timezone.now() - dt.timedelta(days=1)
    with clock_at(asked):
        watch_record(
            actor=nurse,
            course=course,
            kind="bladder",
            done_at=asked,
            answers=(True, True, False),
            note="Asked at check-in.",
        )
