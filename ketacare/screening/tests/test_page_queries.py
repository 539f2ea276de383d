"""The intake and eligibility pages cost the same number of queries however long the history."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World, client_for
from ketacare.assessments.services import assessment_record
from ketacare.patients.services import medication_record
from ketacare.screening.models import Intake
from ketacare.screening.services import eligibility_sign, intake_vitals_record, trial_record
from ketacare.screening.tests.builders import WHEN, ready_intake

pytestmark = pytest.mark.django_db
PHQ9 = {str(item): 1 for item in range(1, 10)}


def _grow(world: World, intake: Intake, entries: int) -> None:
    for n in range(entries):
        trial_record(
            actor=world.nina,
            intake=intake,
            drug=f"Drug {n}",
            dose="50 mg",
            weeks=6,
            adequate=n % 2 == 0,
            outcome="partial_response",
        )
        intake_vitals_record(
            actor=world.nina,
            intake=intake,
            measured_at=WHEN - dt.timedelta(hours=n),
            sbp=120,
            dbp=80,
        )
        assessment_record(
            actor=world.nina,
            patient=world.patient,
            instrument="phq9",
            answers=PHQ9,
            administered_at=WHEN - dt.timedelta(days=n),
        )
        medication_record(actor=world.nina, patient=world.patient, name=f"Med {n}")
        eligibility_sign(actor=world.pia, intake=intake, route="iv", decision="not_eligible")


def _queries(world: World, path: str) -> int:
    client = client_for(world.pia)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["intake/", "eligibility/", "assessments/"])
def test_page_queries_do_not_grow_with_the_history(world: World, page: str) -> None:
    intake = ready_intake(world)
    path = f"/patients/{world.patient.public_id}/{page}"
    _grow(world, intake, 2)
    small = _queries(world, path)
    _grow(world, intake, 15)
    assert _queries(world, path) == small
    assert small <= 30
