"""Ledger set-up through the services, as a clinic would enter a delivery."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ketacare.clinics.actors import StaffActor
from ketacare.clinics.models import Clinic
from ketacare.inventory.models import LedgerEntry, Stock, StorageLocation
from ketacare.inventory.services import LotDetails, location_add, lot_receive


def safe(clinic: Clinic, actor: StaffActor, name: str = "Safe A") -> StorageLocation:
    found = StorageLocation.objects.filter(clinic=clinic, name=name).first()
    return found or location_add(actor=actor, clinic=clinic, name=name)


def spray_lot(
    clinic: Clinic, *, expiry: dt.date | None = None, number: str = "SPR-1"
) -> LotDetails:
    return LotDetails(
        drug="esketamine",
        product="SPRAVATO 28 mg/0.2 mL nasal spray device",
        ndc="50458-028-00",  # REFERENCE §8: the single device
        form="device",
        mg_per_unit=Decimal("28"),
        package_size=Decimal("1"),
        lot_number=number,
        expiry=expiry or clinic.today() + dt.timedelta(days=300),
    )


def vial_lot(clinic: Clinic, *, expiry: dt.date | None = None, number: str = "KET-1") -> LotDetails:
    return LotDetails(
        drug="ketamine",
        product="Ketamine HCl injection 50 mg/mL, 10 mL vial",
        ndc="0409-2051-05",
        form="vial",
        mg_per_unit=Decimal("50"),
        package_size=Decimal("10"),
        lot_number=number,
        expiry=expiry or clinic.today() + dt.timedelta(days=300),
    )


def delivered(
    actor: StaffActor, details: LotDetails, *, packages: int = 10, place: str = "Safe A"
) -> Stock:
    """`packages` of the lot received an hour ago into `place`; its stock."""
    clinic = actor.active.clinic  # type: ignore[union-attr]
    entry: LedgerEntry = lot_receive(
        actor=actor,
        location=safe(clinic, actor, place),
        details=details,
        packages=packages,
        received_at=timezone.now() - dt.timedelta(hours=1),
        supplier="Cardinal Health",
        invoice="INV-1001",
    )
    return entry.stock
