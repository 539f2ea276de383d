"""Measurement set-up through the services: a questionnaire sent to Paula and answered."""

import datetime as dt

from django.utils import timezone

from conftest import World
from ketacare.clinics.actors import StaffActor
from ketacare.measurement.assignments import Submitted, questionnaire_assign, questionnaire_submit
from ketacare.measurement.models import QuestionnaireAssignment
from ketacare.patients.models import Patient

DAY = dt.timedelta(days=1)


def phq9(item9: int, rest: int = 1) -> dict[str, int]:
    return {**{str(item): rest for item in range(1, 9)}, "9": item9}


def sent_to_paula(world: World, instrument: str = "phq9") -> QuestionnaireAssignment:
    return due_or_sent(world.pia, world.patient, instrument)


def due_or_sent(
    actor: StaffActor, patient: Patient, instrument: str = "phq9"
) -> QuestionnaireAssignment:
    """The one the patient's course's measurement plan has open now, else one sent by hand
    for two days."""
    now = timezone.now()
    planned = QuestionnaireAssignment.objects.filter(
        patient=patient, instrument=instrument, status="open", opens_at__lte=now, expires_at__gt=now
    ).exclude(plan_key="")
    if planned.exists():
        return planned.get()
    return questionnaire_assign(
        actor=actor, patient=patient, instrument=instrument, expires_at=now + 2 * DAY
    )


def answered_by_paula(world: World, item9: int) -> Submitted:
    return questionnaire_submit(
        actor=world.paula, assignment=sent_to_paula(world), answers=phq9(item9)
    )
