"""What the demo's controlled-substance ledger must show against its doses, for its tests."""

import zoneinfo
from decimal import Decimal

from ketacare.clinics.models import Membership
from ketacare.dosing.administration import given_units
from ketacare.dosing.models import Administration
from ketacare.inventory.models import Kind, LedgerEntry, Stock
from ketacare.inventory.services import balance


def assert_ledger_matches_every_dose() -> None:
    """Each valid dose has its draw, from a lot with its number and unexpired that day, for
    its patient; each draw is what was given plus what was wasted, each waste witnessed by
    another staff member of the clinic; no stock's balance is below zero, now or at any
    moment of its history."""
    doses = Administration.objects.filter(entered_in_error=False).select_related(
        "draw__stock__lot", "clinic"
    )
    assert doses.exists()
    for dose in doses:
        draw = dose.draw
        assert draw is not None, dose.pk
        lot = draw.stock.lot
        day = dose.started_at.astimezone(zoneinfo.ZoneInfo(dose.clinic.timezone)).date()
        assert (draw.kind, draw.patient_id, draw.clinic_id) == (
            Kind.DRAWN,
            dose.patient_id,
            dose.clinic_id,
        )
        assert (lot.lot_number, lot.expiry) == (dose.lot_number, dose.lot_expiry)
        assert lot.drug == dose.drug
        assert lot.expiry >= day
        wastes = list(draw.followers.filter(kind=Kind.WASTED, reversed_by__isnull=True))
        given = given_units(dose)
        assert draw.quantity == given + sum((w.quantity for w in wastes), Decimal(0)), dose.pk
        for waste in wastes:
            assert waste.witness_id not in (None, waste.recorded_by_id)
            assert Membership.objects.filter(clinic=dose.clinic, user=waste.witness).exists()
    for stock in Stock.objects.all():
        assert balance(stock) >= 0, stock
        running = Decimal(0)
        for change in LedgerEntry.objects.filter(stock=stock).values_list("change", flat=True):
            running += change  # in the order they happened
            assert running >= 0, stock
