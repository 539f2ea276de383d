"""Writes on the ledger at the same moment: two nurses drawing the last of one lot (one draw
stands, the other is refused, the balance never goes below zero), and movements between two
places in opposite directions, which both stand instead of deadlocking."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import World
from ketacare.clinics.actors import StaffActor
from ketacare.dosing.administration import session_record_administration
from ketacare.dosing.models import Administration, DosingSession
from ketacare.dosing.tests.builders import ago, checked_in, prepared
from ketacare.inventory.models import LedgerEntry, Stock
from ketacare.inventory.services import balance, entry_reverse, stock_transfer
from ketacare.inventory.tests.builders import delivered, safe, spray_lot
from tests.factories import PatientFactory
from tests.threads import run_together


def _dose(actor: StaffActor, session: DosingSession, stock: Stock) -> Callable[[], object]:
    return lambda: session_record_administration(
        actor=actor, session=session, stock=stock, dose_mg=Decimal(56), started_at=ago(5)
    )


@pytest.mark.django_db(transaction=True)
def test_two_draws_racing_for_the_last_devices_never_take_the_balance_below_zero(
    world: World, audit_guards_lifted_for_flush: None
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection; PostgreSQL runs it")
    stock = delivered(world.nina, spray_lot(world.harbor), packages=2)  # one 56 mg dose
    other = PatientFactory.create(clinic=world.harbor, actor=world.nina, given_name="Omar")
    sessions = [
        prepared(checked_in(patient, nurse=world.nina, prescriber=world.pia), world.nina)
        for patient in (world.patient, other)
    ]
    outcomes = run_together(
        _dose(world.nina, sessions[0], stock), _dose(world.pia, sessions[1], stock)
    )
    given = [o for o in outcomes if isinstance(o, Administration)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(given), len(refused)) == (1, 1), outcomes
    assert "drawn_quantity" in refused[0].message_dict
    assert balance(stock) == 0


@pytest.mark.django_db(transaction=True)
def test_movements_between_two_places_in_opposite_directions_both_stand(
    world: World, audit_guards_lifted_for_flush: None
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection; PostgreSQL runs it")
    stock = delivered(world.nina, spray_lot(world.harbor), packages=20)
    room = safe(world.harbor, world.nina, "Treatment room")
    arrived = stock_transfer(
        actor=world.nina, stock=stock, to=room, quantity=Decimal(6), moved_at=ago(30)
    )
    for _ in range(5):  # each round locks the two stocks from opposite ends
        outcomes = run_together(
            lambda: stock_transfer(
                actor=world.nina, stock=stock, to=room, quantity=Decimal(1), moved_at=ago(5)
            ),
            lambda: stock_transfer(
                actor=world.pia,
                stock=arrived.stock,
                to=stock.location,
                quantity=Decimal(1),
                moved_at=ago(5),
            ),
        )
        assert all(isinstance(o, LedgerEntry) for o in outcomes), outcomes
    outcomes = run_together(
        lambda: entry_reverse(
            actor=world.nina, entry=arrived, reason="Moved the wrong box", witness=world.ada.user
        ),
        lambda: stock_transfer(
            actor=world.pia, stock=stock, to=room, quantity=Decimal(2), moved_at=ago(5)
        ),
    )
    assert all(isinstance(o, LedgerEntry) for o in outcomes), outcomes
    assert (balance(stock), balance(arrived.stock)) == (Decimal(18), Decimal(2))
