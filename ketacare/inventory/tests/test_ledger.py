"""The controlled-substance ledger through its write paths: deliveries, draws tied to doses,
witnessed waste, reversals, transfers, returns, counts and their discrepancies."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from conftest import Clock, World
from ketacare.core.models import AuditEvent
from ketacare.dosing.administration import (
    dose_remainder,
    session_record_administration,
    session_record_device,
    session_record_waste,
    session_stop_infusion,
)
from ketacare.dosing.corrections import session_entry_mark_error
from ketacare.dosing.discharge import session_abort
from ketacare.dosing.models import Administration
from ketacare.dosing.tests.builders import IV, ago, checked_in, prepared
from ketacare.inventory.models import Kind, LedgerEntry, LedgerImmutable, Stock, StockCount
from ketacare.inventory.queries import open_discrepancies
from ketacare.inventory.services import (
    balance,
    discrepancy_resolve,
    entry_reverse,
    location_count,
    stock_remove,
    stock_transfer,
)
from ketacare.inventory.tests.builders import delivered, safe, spray_lot, vial_lot


def _cleared(world: World, code: str = "esketamine_trd") -> object:
    session = checked_in(world.patient, nurse=world.nina, prescriber=world.pia, code=code)
    return prepared(session, world.nina)


def _dose(world: World, stock: Stock, **more: object) -> Administration:
    session = _cleared(world, IV if stock.lot.drug == "ketamine" else "esketamine_trd")
    iv = stock.lot.drug == "ketamine"
    return session_record_administration(
        actor=world.nina,
        session=session,  # type: ignore[arg-type]
        stock=stock,
        dose_mg=Decimal("40.0") if iv else Decimal(56),
        started_at=ago(10),
        concentration_mg_per_ml=Decimal("1.0") if iv else None,
        **more,  # type: ignore[arg-type]
    )


def test_a_delivery_puts_its_packages_on_the_lots_balance_and_is_audited(world: World) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor), packages=4)
    assert balance(stock) == Decimal(40)  # four 10 mL vials, counted in mL
    receipt = stock.entries.get()
    assert (receipt.kind, receipt.counterparty, receipt.reference) == (
        Kind.RECEIVED,
        "Cardinal Health",
        "INV-1001",
    )
    assert AuditEvent.objects.filter(object_id=str(receipt.public_id)).count() == 1
    assert AuditEvent.objects.filter(object_id=str(stock.public_id)).count() == 1  # its place


def test_a_second_delivery_of_a_lot_with_another_expiry_is_refused(world: World) -> None:
    delivered(world.nina, vial_lot(world.harbor))
    other = vial_lot(world.harbor, expiry=world.harbor.today() + dt.timedelta(days=20))
    with pytest.raises(ValidationError) as refused:
        delivered(world.nina, other)
    assert "expiry" in refused.value.message_dict


def test_an_esketamine_dose_draws_its_devices_from_the_chosen_lot(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor), packages=6)
    record = _dose(world, stock)
    assert record.draw is not None
    assert (record.draw.quantity, record.draw.patient) == (Decimal(2), world.patient)
    assert (record.lot_number, record.lot_expiry) == ("SPR-1", stock.lot.expiry)
    assert balance(stock) == Decimal(4)
    assert dose_remainder(record) == 0


def test_esketamine_devices_are_drawn_whole_and_exactly(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    with pytest.raises(ValidationError) as refused:
        _dose(world, stock, drawn_quantity=Decimal(3))
    assert "uses 2 devices" in str(refused.value.message_dict["drawn_quantity"])


def test_the_remainder_of_an_iv_draw_is_wasted_only_with_another_staff_members_witness(
    world: World,
) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor))
    record = _dose(world, stock, drawn_quantity=Decimal("1.0"))  # 40 mg is 0.8 mL of 50 mg/mL
    session = record.session
    assert dose_remainder(record) == Decimal("0.2")

    def waste(quantity: str, witness: object) -> LedgerEntry:
        return session_record_waste(
            actor=world.nina,
            session=session,
            waste_quantity=Decimal(quantity),
            witness=witness,  # type: ignore[arg-type]
            wasted_at=ago(5),
        )

    refusals = {
        "no witness": ("0.2", None, "witness_email"),
        "the same person": ("0.2", world.nina.user, "witness_email"),
        "another clinic's nurse": ("0.2", world.sol.user, "witness_email"),
        "front desk": ("0.2", world.fran.user, "witness_email"),
        "not the remainder": ("0.1", world.pia.user, "waste_quantity"),
    }
    for case, (quantity, witness, field) in refusals.items():
        with pytest.raises(ValidationError) as refused:
            waste(quantity, witness)
        assert field in refused.value.message_dict, case
    entry = waste("0.2", world.pia.user)
    assert entry.kind == Kind.WASTED
    assert (entry.witness, entry.change) == (world.pia.user, Decimal(0))
    assert dose_remainder(Administration.objects.get(pk=record.pk)) == 0
    assert balance(stock) == Decimal("99.0")  # the 1 mL drawn left the stock; waste moves none
    with pytest.raises(ValidationError):
        waste("0.2", world.pia.user)  # nothing is left to waste


def test_a_draw_above_the_balance_from_an_expired_lot_or_another_clinics_lot_is_refused(
    world: World,
) -> None:
    few = delivered(world.nina, spray_lot(world.harbor, number="FEW"), packages=1)
    with pytest.raises(ValidationError) as refused:
        _dose(world, few)
    assert "Only 1 devices" in str(refused.value.message_dict["drawn_quantity"])


def test_a_dose_from_an_expired_lot_is_refused(world: World) -> None:
    yesterday = world.harbor.today() - dt.timedelta(days=1)
    old = delivered(world.nina, spray_lot(world.harbor, expiry=yesterday, number="OLD"))
    with pytest.raises(ValidationError) as refused:
        _dose(world, old)
    assert "expired" in str(refused.value.message_dict["stock_id"])


def test_a_dose_from_another_clinics_lot_is_refused(world: World) -> None:
    theirs = delivered(world.sol, spray_lot(world.summit))
    with pytest.raises(ValidationError) as refused:
        _dose(world, theirs)
    assert "stock_id" in refused.value.message_dict
    assert balance(theirs) == Decimal(10)


def test_a_clinic_on_the_ledger_refuses_a_dose_without_a_lot(world: World) -> None:
    world.harbor.ledger_required = True
    world.harbor.save()
    session = _cleared(world)
    with pytest.raises(ValidationError) as refused:
        session_record_administration(
            actor=world.nina,
            session=session,  # type: ignore[arg-type]
            lot_number="TYPED",
            lot_expiry=world.harbor.today() + dt.timedelta(days=9),
            dose_mg=Decimal(56),
            started_at=ago(10),
        )
    assert "stock_id" in refused.value.message_dict


def test_ledger_entries_are_never_changed_or_deleted_not_even_by_raw_sql(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    entry = stock.entries.get()
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    with pytest.raises(LedgerImmutable):
        LedgerEntry.objects.filter(pk=entry.pk).update(quantity=1)
    for sql in (
        "UPDATE inventory_ledgerentry SET quantity = 1",
        "DELETE FROM inventory_ledgerentry",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert balance(stock) == Decimal(10)


def test_a_wrong_receipt_is_corrected_by_a_reversing_entry_once(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    receipt = stock.entries.get()
    with pytest.raises(ValidationError):
        entry_reverse(actor=world.nina, entry=receipt, reason="  ", witness=world.pia.user)
    for witness in (None, world.nina.user):  # nobody, or the nurse herself
        with pytest.raises(ValidationError) as refused:
            entry_reverse(actor=world.nina, entry=receipt, reason="Wrong clinic", witness=witness)
        assert "witness_email" in refused.value.message_dict
    reversal = entry_reverse(
        actor=world.nina,
        entry=receipt,
        reason="Delivered to the wrong clinic",
        witness=world.pia.user,
    )
    assert (reversal.kind, reversal.witness) == (Kind.REVERSAL, world.pia.user)
    assert (reversal.change, balance(stock)) == (Decimal(-10), Decimal(0))
    with pytest.raises(ValidationError):
        entry_reverse(actor=world.nina, entry=receipt, reason="again", witness=world.pia.user)
    with pytest.raises(ValidationError):
        entry_reverse(actor=world.nina, entry=reversal, reason="undo the undo")


def test_a_receipt_already_drawn_from_cannot_be_reversed_below_zero(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor), packages=2)
    _dose(world, stock)
    with pytest.raises(ValidationError) as refused:
        entry_reverse(
            actor=world.nina,
            entry=stock.entries.get(kind=Kind.RECEIVED),
            reason="x",
            witness=world.pia.user,
        )
    assert "quantity" in refused.value.message_dict


def test_a_draw_is_undone_only_with_its_dose_and_its_waste_goes_with_it(world: World) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor))
    record = _dose(world, stock, drawn_quantity=Decimal("1.0"))
    session_record_waste(
        actor=world.nina,
        session=record.session,
        waste_quantity=Decimal("0.2"),
        witness=world.pia.user,
        wasted_at=ago(5),
    )
    assert record.draw is not None
    with pytest.raises(ValidationError):
        entry_reverse(actor=world.nina, entry=record.draw, reason="wrong patient")
    session_entry_mark_error(
        actor=world.nina, session=record.session, entry=record, reason="Wrong lot chosen"
    )
    assert balance(stock) == Decimal(100)
    reversals = stock.entries.filter(kind=Kind.REVERSAL)
    reversed_kinds = sorted(e.reverses.kind for e in reversals if e.reverses is not None)
    assert reversed_kinds == [Kind.DRAWN, Kind.WASTED]


def test_a_transfer_moves_stock_between_places_and_is_undone_at_both_ends(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    room = safe(world.harbor, world.nina, "Treatment room 2")
    arrived = stock_transfer(
        actor=world.nina, stock=stock, to=room, quantity=Decimal(4), moved_at=ago(30)
    )
    assert (balance(stock), balance(arrived.stock)) == (Decimal(6), Decimal(4))
    with pytest.raises(ValidationError):
        stock_transfer(actor=world.nina, stock=stock, to=room, quantity=Decimal(7), moved_at=ago(1))
    entry_reverse(
        actor=world.nina, entry=arrived, reason="Moved the wrong box", witness=world.pia.user
    )
    assert (balance(stock), balance(arrived.stock)) == (Decimal(10), Decimal(0))


def test_a_return_or_destruction_is_witnessed_and_names_who_took_it(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))

    def remove(kind: str, witness: object, counterparty: str = "") -> LedgerEntry:
        return stock_remove(
            actor=world.nina,
            stock=stock,
            kind=kind,
            quantity=Decimal(2),
            witness=witness,  # type: ignore[arg-type]
            removed_at=ago(5),
            counterparty=counterparty,
            reference="RD-55",
            reason="Expired",
        )

    with pytest.raises(ValidationError):
        remove(Kind.DESTROYED, None)
    with pytest.raises(ValidationError):
        remove(Kind.RETURNED, world.pia.user)  # to whom?
    remove(Kind.RETURNED, world.pia.user, "Rx Returns Inc. (reverse distributor)")
    remove(Kind.DESTROYED, world.ada.user)
    assert balance(stock) == Decimal(6)


def test_a_count_that_differs_opens_a_discrepancy_until_resolved_with_a_second_signature(
    world: World,
) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    location = stock.location
    (matching,) = location_count(
        actor=world.nina, location=location, counted={stock: Decimal(10)}, counted_at=ago(20)
    )
    assert not matching.open
    (short,) = location_count(
        actor=world.nina, location=location, counted={stock: Decimal(9)}, counted_at=ago(10)
    )
    assert list(open_discrepancies(world.harbor)) == [short]
    with pytest.raises(PermissionDenied):
        discrepancy_resolve(actor=world.nina, count=short, reason="Found", witness=world.pia.user)
    with pytest.raises(ValidationError):
        discrepancy_resolve(actor=world.pia, count=short, reason="", witness=world.nina.user)
    with pytest.raises(ValidationError):
        discrepancy_resolve(actor=world.pia, count=short, reason="Broken", witness=world.pia.user)
    resolved = discrepancy_resolve(
        actor=world.pia, count=short, reason="Device dropped and broken", witness=world.nina.user
    )
    assert resolved.adjustment is not None
    assert (resolved.adjustment.change, resolved.adjustment.witness) == (
        Decimal(-1),
        world.nina.user,
    )
    assert balance(stock) == Decimal(9)
    assert list(open_discrepancies(world.harbor)) == []


def _waste(world: World, record: Administration, quantity: str) -> LedgerEntry:
    return session_record_waste(
        actor=world.nina,
        session=record.session,
        waste_quantity=Decimal(quantity),
        witness=world.pia.user,
        wasted_at=timezone.now(),
    )


def test_an_infusion_stopped_early_leaves_what_it_did_not_give_to_be_wasted(
    world: World,
) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor))
    record = _dose(world, stock, drawn_quantity=Decimal("1.0"))  # 40 mg: 0.8 mL, 40 minutes
    assert dose_remainder(record) == Decimal("0.2")
    stopped = session_stop_infusion(
        actor=world.nina, session=record.session, stopped_at=ago(0), reason="Nausea"
    )
    assert dose_remainder(stopped) == Decimal("0.8")  # a quarter ran: 10 mg, 0.2 mL given
    with pytest.raises(ValidationError) as refused:
        _waste(world, stopped, "0.2")
    assert "0.8 mL" in str(refused.value.message_dict["waste_quantity"])
    _waste(world, stopped, "0.8")
    assert dose_remainder(Administration.objects.get(pk=record.pk)) == 0


def test_an_infusion_still_running_when_its_session_is_aborted_stops_there(
    world: World,
) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor))
    record = _dose(world, stock, drawn_quantity=Decimal("0.8"))
    session_abort(actor=world.nina, session=record.session, reason="Patient asked to stop")
    aborted = Administration.objects.get(pk=record.pk)
    assert aborted.stopped_at is not None
    assert dose_remainder(aborted) == Decimal("0.6")


def test_devices_not_used_before_an_esketamine_session_is_aborted_are_wasted(
    world: World,
) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    record = _dose(world, stock)
    session_record_device(actor=world.nina, session=record.session, administered_at=ago(9))
    assert dose_remainder(record) == 0  # the second device may still be given
    session_abort(actor=world.nina, session=record.session, reason="Dissociation too strong")
    aborted = Administration.objects.get(pk=record.pk)
    assert dose_remainder(aborted) == Decimal(1)
    assert _waste(world, aborted, "1").quantity == Decimal(1)


def test_a_count_is_held_against_the_balance_at_the_moment_it_was_counted(
    world: World,
) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    _dose(world, stock)  # two devices drawn ten minutes ago
    (before_the_dose,) = location_count(
        actor=world.nina, location=stock.location, counted={stock: Decimal(10)}, counted_at=ago(20)
    )
    assert (before_the_dose.expected, before_the_dose.open) == (Decimal(10), False)
    with pytest.raises(ValidationError) as refused:
        location_count(
            actor=world.nina,
            location=stock.location,
            counted={stock: Decimal(10)},
            counted_at=ago(30),
        )
    assert "counted_at" in refused.value.message_dict  # a lot's counts come in order


@pytest.mark.parametrize("first", ["earlier", "later"])
def test_two_open_counts_of_one_shortfall_take_it_off_the_balance_once(
    world: World, first: str
) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    counts = {
        when: location_count(
            actor=world.nina, location=stock.location, counted={stock: Decimal(9)}, counted_at=at
        )[0]
        for when, at in (("earlier", ago(20)), ("later", ago(10)))
    }
    assert len(open_discrepancies(world.harbor)) == 2
    for when in (first, *(w for w in counts if w != first)):
        discrepancy_resolve(
            actor=world.pia, count=counts[when], reason="Device broken", witness=world.nina.user
        )
    assert balance(stock) == Decimal(9)
    assert not open_discrepancies(world.harbor).exists()
    assert {c.witness for c in StockCount.objects.all()} == {world.nina.user}


def test_a_dose_from_a_ledger_lot_refuses_a_lot_number_typed_beside_it(world: World) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))
    with pytest.raises(ValidationError) as refused:
        _dose(world, stock, lot_number="SPR-7")
    assert "leave the typed lot empty" in str(refused.value.message_dict["lot_number"])
    assert balance(stock) == Decimal(10)


def test_a_count_after_a_wrong_receipt_is_not_adjusted_again_once_the_receipt_is_reversed(
    world: World,
) -> None:
    stock = delivered(world.nina, spray_lot(world.harbor))  # booked, never came
    (count,) = location_count(
        actor=world.nina, location=stock.location, counted={stock: Decimal(0)}, counted_at=ago(20)
    )
    assert count.open
    entry_reverse(
        actor=world.nina,
        entry=stock.entries.get(kind=Kind.RECEIVED),
        reason="Booked to the wrong clinic",
        witness=world.pia.user,
    )
    resolved = discrepancy_resolve(
        actor=world.pia, count=count, reason="The receipt was wrong", witness=world.nina.user
    )
    assert resolved.adjustment is None
    assert balance(stock) == 0


def test_an_infusion_left_open_for_days_and_then_aborted_gave_its_dose(
    world: World, clock: Clock
) -> None:
    stock = delivered(world.nina, vial_lot(world.harbor))
    record = _dose(world, stock, drawn_quantity=Decimal("1.0"))
    clock.advance(days=8)
    session_abort(actor=world.nina, session=record.session, reason="Left open by mistake")
    assert dose_remainder(Administration.objects.get(pk=record.pk)) == Decimal("0.2")
