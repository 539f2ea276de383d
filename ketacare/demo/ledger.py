"""The demo clinics' controlled-substance ledger, through the ledger's own services.

Each clinic keeps its stock in a main safe and a treatment room cabinet. Two lots came before
the demo's first dose (the older one expiring sooner), part of each moved on to the cabinet
the day it came; the clinic then put its doses on the ledger (`ledger_required`). Every demo
dose is drawn from the soonest-expiring lot in hand, the cabinet's first (`stock_for`), and
what an IV draw holds beyond the dose is wasted with a witness (`sessions._dose`). When the
seeding is done the nurse counts both places: everything agrees with the books except the
open vial in Northside's cabinet, 0.2 mL short, an open discrepancy (`count_stock`).

A dose that finds no lot in hand (the demo started again months later, or a clinic of the
benchmarks) is drawn from a delivery received that morning (`_restock`)."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils import timezone

from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic
from ketacare.clinics.services import clinic_update
from ketacare.demo.clock import clock_at
from ketacare.dosing.models import DosingSession
from ketacare.inventory.models import Form, Lot, Stock, StorageLocation
from ketacare.inventory.queries import dose_units, stocks_with_balance
from ketacare.inventory.services import (
    LotDetails,
    location_add,
    location_count,
    lot_receive,
    stock_transfer,
)

SAFE, CABINET = "Main safe", "Treatment room cabinet"
# An IV dose is drawn up to the next half millilitre of the 50 mg/mL vial and the rest of
# the syringe wasted, so that the draw fills the infusion bag's 1 mg/mL.
DRAW_STEP = Decimal("0.5")
# What Northside's count finds missing from the open vial in its cabinet.
SHORT = Decimal("0.2")
RESTOCK_AHEAD = dt.timedelta(hours=2)


@dataclass(frozen=True)
class Product:
    drug: str
    name: str
    ndc: str
    form: str
    mg_per_unit: Decimal
    package_size: Decimal
    supplier: str
    lot_prefix: str
    restock_packages: int


KETAMINE_VIAL = Product(
    drug="ketamine",
    name="Ketamine HCl injection 50 mg/mL, 10 mL vial",
    ndc="0409-2051-05",
    form=Form.VIAL,
    mg_per_unit=Decimal(50),
    package_size=Decimal(10),  # mL in a vial
    supplier="Cardinal Health",
    lot_prefix="KH",
    restock_packages=10,
)
SPRAVATO = Product(
    drug="esketamine",
    name="SPRAVATO 56 mg dose kit (2 devices of 28 mg)",
    ndc="50458-028-02",  # REFERENCE §1.1: the kit of two single-use devices
    form=Form.DEVICE,
    mg_per_unit=Decimal(28),
    package_size=Decimal(2),  # devices in a kit
    supplier="McKesson Specialty Health",
    lot_prefix="SP",
    restock_packages=28,
)
PRODUCTS = {product.drug: product for product in (KETAMINE_VIAL, SPRAVATO)}


@dataclass(frozen=True)
class Delivery:
    lot_number: str
    days_ago: int  # received this many days before the demo was built
    expires_in: int  # the lot's expiry, in days after the demo was built
    packages: int
    to_cabinet: int  # packages moved on to the treatment room cabinet the same day
    invoice: str


# Both lots of each clinic came before its first demo dose (six weeks and three days back,
# the longest demo course); the demo's doses take about 21 mL at Northside and 67 devices at
# Lakeshore, so most of the newer lot is still on hand.
DELIVERIES: dict[str, tuple[Product, tuple[Delivery, ...]]] = {
    "northside": (
        KETAMINE_VIAL,
        (
            Delivery("KH24617", 70, 150, packages=5, to_cabinet=3, invoice="CH-7731204"),
            Delivery("KH25102", 21, 420, packages=10, to_cabinet=2, invoice="CH-7740388"),
        ),
    ),
    "lakeshore": (
        SPRAVATO,
        (
            Delivery("SP5A117", 75, 110, packages=28, to_cabinet=14, invoice="MS-550913"),
            Delivery("SP5B342", 28, 330, packages=42, to_cabinet=14, invoice="MS-552471"),
        ),
    ),
}


def _on_hand(stock: Stock) -> Decimal:
    """The balance `stocks_with_balance` annotates."""
    return stock.on_hand  # type: ignore[attr-defined,no-any-return]


def _zone(clinic: Clinic) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(clinic.timezone)


def _place(actor: Actor, clinic: Clinic, name: str) -> StorageLocation:
    found = StorageLocation.objects.filter(clinic=clinic, name=name).first()
    return found or location_add(actor=actor, clinic=clinic, name=name)


def _details(product: Product, lot_number: str, expiry: dt.date) -> LotDetails:
    return LotDetails(
        drug=product.drug,
        product=product.name,
        ndc=product.ndc,
        form=product.form,
        mg_per_unit=product.mg_per_unit,
        package_size=product.package_size,
        lot_number=lot_number,
        expiry=expiry,
    )


def seed_ledger(clinic: Clinic, admin: Actor, nurse: Actor) -> Clinic:
    """The clinic's two places and its deliveries (`DELIVERIES`): the admin receives each
    into the safe at ten in the morning, the nurse moves the cabinet's share at half past;
    then the clinic draws every dose from the ledger. Returns the clinic as updated."""
    product, deliveries = DELIVERIES[clinic.slug]
    today = clinic.today()
    with clock_at(timezone.now() - dt.timedelta(days=max(d.days_ago for d in deliveries) + 1)):
        safe, cabinet = _place(admin, clinic, SAFE), _place(admin, clinic, CABINET)
    for delivery in deliveries:
        day = today - dt.timedelta(days=delivery.days_ago)
        received_at = dt.datetime.combine(day, dt.time(10), _zone(clinic))
        with clock_at(received_at):
            receipt = lot_receive(
                actor=admin,
                location=safe,
                details=_details(
                    product, delivery.lot_number, today + dt.timedelta(days=delivery.expires_in)
                ),
                packages=delivery.packages,
                received_at=received_at,
                supplier=product.supplier,
                invoice=delivery.invoice,
            )
        moved_at = received_at + dt.timedelta(minutes=30)
        with clock_at(moved_at):
            stock_transfer(
                actor=nurse,
                stock=receipt.stock,
                to=cabinet,
                quantity=delivery.to_cabinet * product.package_size,
                moved_at=moved_at,
            )
    with clock_at(moved_at + dt.timedelta(hours=1)):
        return clinic_update(actor=admin, clinic=clinic, ledger_required=True)


def drawn_for(lot: Lot, dose_mg: Decimal) -> Decimal:
    """What a dose draws from a lot: its devices, or its mL up to the next `DRAW_STEP`."""
    needed = dose_units(lot, dose_mg)
    if lot.form == Form.DEVICE:
        return needed
    return (needed / DRAW_STEP).to_integral_value(rounding=ROUND_CEILING) * DRAW_STEP


def stock_for(
    actor: Actor, session: DosingSession, dose_mg: Decimal, at: dt.datetime
) -> tuple[Stock, Decimal]:
    """The stock a dose at `at` is drawn from, and how much it draws: the soonest-expiring lot
    unexpired that day and holding enough from `at` on (`_spare`), the cabinet's before the
    safe's; else from a delivery that morning."""
    clinic = session.clinic
    drug = session.course.protocol_version.drug
    day = timezone.localtime(at, _zone(clinic)).date()
    for _ in range(2):
        in_hand = stocks_with_balance(clinic).filter(
            lot__drug=drug, lot__expiry__gte=day, location__active=True
        )
        ordered = sorted(in_hand, key=lambda s: (s.lot.expiry, s.location.name != CABINET))
        for stock in ordered:
            drawn = drawn_for(stock.lot, dose_mg)
            if _on_hand(stock) >= drawn and _spare(stock, at) >= drawn:
                return stock, drawn
        _restock(actor, clinic, drug, at - RESTOCK_AHEAD)
    raise RuntimeError(f"No {drug} in hand at {clinic} for a dose at {at}.")


def _spare(stock: Stock, at: dt.datetime) -> Decimal:
    """What a draw at `at` may take: the lowest balance the stock has from `at` on. The demo
    records its doses patient by patient, not in date order, so a balance that suffices now
    may have come from a delivery after `at`; the ledger as of any moment stays at 0 or more."""
    running, lowest = Decimal(0), None
    for occurred_at, change in stock.entries.values_list("occurred_at", "change"):
        running += change  # in the order they happened
        if occurred_at > at and lowest is None:
            lowest = running - change  # the balance at `at`
        if lowest is not None:
            lowest = min(lowest, running)
    return running if lowest is None else lowest


def _restock(actor: Actor, clinic: Clinic, drug: str, received_at: dt.datetime) -> None:
    """A delivery into the safe that morning, of a lot named for its day, good for a year."""
    product = PRODUCTS[drug]
    day = timezone.localtime(received_at, _zone(clinic)).date()
    with clock_at(received_at):
        lot_receive(
            actor=actor,
            location=_place(actor, clinic, SAFE),
            details=_details(
                product, f"{product.lot_prefix}{day:%y%m%d}", day + dt.timedelta(days=365)
            ),
            packages=product.restock_packages,
            received_at=received_at,
            supplier=product.supplier,
            invoice=f"{product.lot_prefix}-{day:%y%m%d}",
        )


def count_stock(clinic: Clinic, nurse: Actor, *, discrepancy: bool) -> None:
    """The nurse counts every lot in hand at both places, now: each as the books say, but
    (with `discrepancy`) the open vial of the soonest-expiring lot in the cabinet, `SHORT`
    below its balance, which stays open for a prescriber or the admin to resolve."""
    stocks = [s for s in stocks_with_balance(clinic) if _on_hand(s) > 0]
    short = None
    if discrepancy:
        opened = [s for s in stocks if s.location.name == CABINET and _on_hand(s) > SHORT]
        short = min(opened, key=lambda s: s.lot.expiry, default=None)
    for location in StorageLocation.objects.filter(clinic=clinic, active=True):
        counted = {
            s: _on_hand(s) - (SHORT if s == short else 0)
            for s in stocks
            if s.location_id == location.pk
        }
        if counted:
            location_count(
                actor=nurse, location=location, counted=counted, counted_at=timezone.now()
            )
