"""Two people recording on one session at the same moment: both entries stand."""

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection

from conftest import World
from ketacare.clinics.actors import StaffActor
from ketacare.dosing.models import DosingSession, SideEffect, VitalsReading
from ketacare.dosing.services import session_record_side_effect, session_record_vitals
from ketacare.dosing.tests.builders import ago, checked_in


def _in_thread(
    work: Callable[[], object], barrier: threading.Barrier, errors: list[BaseException]
) -> threading.Thread:
    def run() -> None:
        try:
            barrier.wait(timeout=10)
            work()
        except BaseException as error:  # reported to the test thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    return threading.Thread(target=run)


@pytest.mark.django_db(transaction=True)
def test_two_nurses_recording_at_once_lose_nothing(
    world: World, audit_guards_lifted_for_flush: None
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection; PostgreSQL runs it")
    session = checked_in(world.patient, nurse=world.nina, prescriber=world.pia)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def vitals(actor: StaffActor) -> Callable[[], object]:
        return lambda: session_record_vitals(
            actor=actor, session=session, measured_at=ago(1), hr=70
        )

    def effect(actor: StaffActor) -> Callable[[], object]:
        return lambda: session_record_side_effect(
            actor=actor, session=session, observed_at=ago(1), kind="nausea", severity="mild"
        )

    threads = [
        _in_thread(vitals(world.nina), barrier, errors),
        _in_thread(effect(world.pia), barrier, errors),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert VitalsReading.objects.filter(session=session).count() == 1
    assert SideEffect.objects.filter(session=session).count() == 1
    assert DosingSession.objects.get(pk=session.pk).status == "checked_in"
