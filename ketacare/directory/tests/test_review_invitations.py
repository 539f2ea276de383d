"""The platform invites a patient to review a published clinic once their course ended after
a dose: one email with a single-use link, never for a course without a dose, never twice."""

import re

import pytest
from django.core import mail
from django.test import Client

from conftest import Clock, World
from ketacare.directory.models import ReviewInvitation
from ketacare.directory.tests.builders import course_ended_after_a_dose, published
from ketacare.treatment.services import course_end
from ketacare.treatment.tests.builders import started_course
from tests.factories import PatientFactory
from tests.worker import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)
SUBJECT = "Would you review Harbor Clinic?"


@pytest.fixture(autouse=True)
def _flushable(audit_guards_lifted_for_flush: None) -> None:
    """The worker runs jobs after the writes that queued them commit."""


def test_a_patient_whose_course_ended_after_a_dose_is_invited_once_by_email(
    world: World, clock: Clock
) -> None:
    course_ended_after_a_dose(world)
    undosed = PatientFactory.create(clinic=world.harbor, actor=world.nina, email="u@example.test")
    course_end(actor=world.pia, course=started_course(undosed, nurse=world.nina,
               prescriber=world.pia), reason="Changed their mind")  # fmt: skip
    run_jobs()
    assert not mail.outbox  # Harbor is not in the directory yet
    published(world)
    clock.advance(minutes=16)  # the next pass of the 15-minute schedule
    run_jobs()
    (invitation,) = [m for m in mail.outbox if m.subject == SUBJECT]
    assert invitation.to == ["paula@example.test"]
    assert "Rivera" not in invitation.body
    link = re.search(r"http\S+/reviews/write/(\S+)/", str(invitation.body))
    assert link is not None
    assert ReviewInvitation.objects.count() == 1
    assert link.group(1) not in ReviewInvitation.objects.get().token_hash
    assert Client().get(f"/reviews/write/{link.group(1)}/").status_code == 200
    clock.advance(minutes=16)
    run_jobs()
    assert len([m for m in mail.outbox if m.subject == SUBJECT]) == 1
