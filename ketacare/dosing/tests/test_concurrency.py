"""Two people recording on one session at the same moment: both entries stand."""

from collections.abc import Callable

import pytest
from django.db import connection

from conftest import World
from ketacare.clinics.actors import StaffActor
from ketacare.dosing.models import DosingSession, SideEffect, VitalsReading
from ketacare.dosing.services import session_record_side_effect, session_record_vitals
from ketacare.dosing.tests.builders import ago, checked_in
from tests.threads import run_together


@pytest.mark.django_db(transaction=True)
def test_two_nurses_recording_at_once_lose_nothing(
    world: World, audit_guards_lifted_for_flush: None
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection; PostgreSQL runs it")
    session = checked_in(world.patient, nurse=world.nina, prescriber=world.pia)

    def vitals(actor: StaffActor) -> Callable[[], object]:
        return lambda: session_record_vitals(
            actor=actor, session=session, measured_at=ago(1), hr=70
        )

    def effect(actor: StaffActor) -> Callable[[], object]:
        return lambda: session_record_side_effect(
            actor=actor, session=session, observed_at=ago(1), kind="nausea", severity="mild"
        )

    outcomes = run_together(vitals(world.nina), effect(world.pia))
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert VitalsReading.objects.filter(session=session).count() == 1
    assert SideEffect.objects.filter(session=session).count() == 1
    assert DosingSession.objects.get(pk=session.pk).status == "checked_in"
