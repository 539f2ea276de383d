"""Published profiles and treated courses for the directory's tests, set up through the
services."""

import datetime as dt
import zoneinfo
from typing import Any

from django.utils import timezone

from conftest import Clock, World
from ketacare.assessments.services import assessment_record
from ketacare.clinics.actors import PUBLIC, StaffActor, SystemActor
from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.clinics.services import clinic_update
from ketacare.directory.models import ClinicProfile, Review, ReviewInvitation
from ketacare.directory.outcomes import period_at
from ketacare.directory.profile import profile_publish, profile_update
from ketacare.directory.reviews import invitation_create, review_submit
from ketacare.dosing.tests.builders import administered, cleared
from ketacare.patients.models import Patient
from ketacare.treatment.models import TreatmentCourse
from ketacare.treatment.schedule import planned_session_complete
from ketacare.treatment.services import course_end
from ketacare.treatment.tests.builders import started_course
from tests.factories import PatientFactory, staff

WEEKDAY_HOURS = {str(day): ["08:00", "17:00"] for day in range(5)}


def published(world: World, clinic: Clinic | None = None, **fields: Any) -> ClinicProfile:
    """`clinic` (Harbor by default) published with an IV protocol, as its admin would."""
    clinic = clinic or world.harbor
    admin = world.ada if clinic == world.harbor else staff(clinic, Role.CLINIC_ADMIN)
    if not clinic.city:
        clinic_update(actor=admin, clinic=clinic, city="Denver", state="CO", phone="555-0199")
    draft: dict[str, Any] = {
        "description": "Supervised ketamine treatment for depression.",
        "protocol_codes": ["iv_ketamine_twice_weekly"],
        "hours": WEEKDAY_HOURS,
        "languages": ["en"],
    }
    profile_update(actor=admin, clinic=clinic, **(draft | fields))
    return profile_publish(actor=admin, clinic=clinic)


def membership(actor: StaffActor) -> Membership:
    """The staff member's place in their clinic, as the profile's team lists it."""
    return Membership.objects.get(user=actor.user)


def treated(world: World, clock: Clock, ends: list[int]) -> None:
    """One IV course per PHQ-9 total in `ends`, each with a baseline of 20 and every induction
    session given, its end-of-induction score the day after the last; then time passes (70 days,
    and more a month at a time) until the courses fall in the published period."""
    courses = []
    for number, _ in enumerate(ends):
        patient = PatientFactory.create(clinic=world.harbor, actor=world.nina,
                                        given_name=f"Treated{number}")  # fmt: skip
        today = world.harbor.today()
        monday = today - dt.timedelta(days=today.weekday())
        course = started_course(patient, nurse=world.nina, prescriber=world.pia,
                                start_date=monday)  # fmt: skip
        _phq9(world, patient, monday - dt.timedelta(days=1), 20)
        courses.append(course)
    clock.advance(days=30)
    for course, total in zip(courses, ends, strict=True):
        induction = list(course.sessions.filter(stage="induction").order_by("scheduled_on"))
        for planned in induction:
            planned_session_complete(actor=world.nina, planned=planned)
        _phq9(world, course.patient, induction[-1].scheduled_on + dt.timedelta(days=1), total)
    clock.advance(days=70)
    # The published period ends at a quarter's start: wait for one after the courses began.
    latest = max(course.started_at for course in courses)
    while period_at(timezone.now())[1] <= latest:
        clock.advance(days=30)


def _phq9(world: World, patient: Patient, on: dt.date, total: int) -> None:
    items = [min(3, max(0, total - 3 * i)) for i in range(8)]  # item 9 stays 0: no alert
    answers = {str(i + 1): v for i, v in enumerate(items)} | {"9": 0}
    zone = zoneinfo.ZoneInfo(world.harbor.timezone)
    assessment_record(actor=world.nina, patient=patient, instrument="phq9", answers=answers,
                      administered_at=dt.datetime.combine(on, dt.time(12), zone))  # fmt: skip


def course_ended_after_a_dose(world: World, patient: Patient | None = None) -> TreatmentCourse:
    """The patient's esketamine course, dosed today and then ended: one to invite."""
    patient = patient or world.patient
    session = cleared(patient, nurse=world.nina, prescriber=world.pia)
    administered(session, world.nina, minutes_ago=15)
    return course_end(actor=world.pia, course=session.course, reason="Course finished")


def invited(world: World, patient: Patient | None = None) -> tuple[ReviewInvitation, str]:
    """An invitation (and its link's token) for a course ended after a dose, at Harbor."""
    course = course_ended_after_a_dose(world, patient)
    return invitation_create(actor=SystemActor("Review invitations", world.harbor), course=course)


def published_review(world: World, **fields: Any) -> Review:
    """A review of Harbor published through its invitation (Harbor published first)."""
    if not ClinicProfile.objects.filter(clinic=world.harbor, live__isnull=False).exists():
        published(world)
    _, token = invited(world)
    ratings = {"overall": 4, "safety": 5, "communication": 4, "comfort": 3}
    return review_submit(actor=PUBLIC, token=token, **(ratings | {"text": "Calm and safe."}
                                                       | fields))  # fmt: skip
