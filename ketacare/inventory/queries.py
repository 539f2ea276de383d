"""Reading the ledger: one clinic's rows for an actor, stocks with their balances (one query
however long their history), what a dose needs of a lot, open discrepancies, and the ledger
as of a moment and over a period for the reports."""

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.core.models import PublicIdModel
from ketacare.inventory.models import Form, Kind, LedgerEntry, Lot, Stock, StockCount

# The ledger keeps quantities to a thousandth of the lot's unit (a microlitre of a vial).
QUANTUM = Decimal("0.001")
# A stock's page shows its newest entries; the reports hold the whole history.
PAGE = 100
Row = TypeVar("Row", bound=PublicIdModel)


def row_for(actor: Actor, queryset: QuerySet[Row], public_id: uuid.UUID, perm: Perm) -> Row:
    """A ledger row of a clinic the actor works in, if their role there holds `perm`; any
    other answers 404 and the attempt is audited in the owner's chain."""
    row = queryset.filter(public_id=public_id, clinic_id__in=actor.clinic_ids).first()
    if row is None:
        raise access_denied(actor=actor, model=queryset.model, public_id=public_id)
    actor.demand(perm, row.clinic)  # type: ignore[attr-defined]
    return row


def stock_in(clinic: Clinic, public_id: uuid.UUID | None) -> Stock | None:
    """The stock a dose names, if any, looked up in the dose's clinic: a lot of another clinic
    is refused by name, as not found."""
    if public_id is None:
        return None
    stock = Stock.objects.select_related("lot", "location").filter(public_id=public_id).first()
    if stock is None or stock.clinic_id != clinic.pk:
        raise ValidationError({"stock_id": "Choose a lot of this clinic from the list."})
    return stock


def dose_units(lot: Lot, dose_mg: Decimal, devices: int | None = None) -> Decimal:
    """What a dose takes of a lot in its unit: the devices for esketamine, else mg over the
    lot's strength (mL of a vial, tablets), to the ledger's thousandth."""
    if lot.form == Form.DEVICE and devices is not None:
        return Decimal(devices)
    return (Decimal(dose_mg) / lot.mg_per_unit).quantize(QUANTUM, rounding=ROUND_HALF_UP)


def _summed(condition: Q) -> Coalesce:
    return Coalesce(
        Sum("entries__change", filter=condition),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=12, decimal_places=3),
    )


def stocks_with_balance(clinic: Clinic, *, as_of: dt.datetime | None = None) -> QuerySet[Stock]:
    """The clinic's stocks with `on_hand` (their balance now, or at `as_of`), by location and
    then expiry."""
    condition = Q(entries__occurred_at__lte=as_of) if as_of else Q()
    return (
        Stock.objects.filter(clinic=clinic)
        .select_related("lot", "location")
        .annotate(on_hand=_summed(condition))
        .order_by("location__name", "lot__expiry", "lot__lot_number")
    )


def drawable(clinic: Clinic, drug: str, day: dt.date) -> list[Stock]:
    """What a dose of `drug` may be drawn from on `day`: stock in hand, unexpired, at a
    location in use, soonest expiry first."""
    stocks = stocks_with_balance(clinic).filter(
        lot__drug=drug, lot__expiry__gte=day, location__active=True
    )
    return sorted(
        (s for s in stocks if s.on_hand > 0),  # type: ignore[attr-defined]
        key=lambda s: (s.lot.expiry, s.location.name, s.lot.lot_number),
    )


def open_discrepancies(clinic: Clinic) -> QuerySet[StockCount]:
    return (
        StockCount.objects.filter(clinic=clinic, resolved_at__isnull=True)
        .exclude(counted=F("expected"))
        .select_related("stock__lot", "stock__location", "counted_by")
        .order_by("counted_at")
    )


def expired_in_hand(clinic: Clinic, day: dt.date) -> list[Stock]:
    """Expired stock still on the books: to be returned or destroyed, witnessed."""
    stocks = stocks_with_balance(clinic).filter(lot__expiry__lt=day)
    return [s for s in stocks if s.on_hand > 0]  # type: ignore[attr-defined]


def entries_of(stock: Stock) -> QuerySet[LedgerEntry]:
    return stock.entries.select_related(
        "recorded_by", "witness", "patient", "reverses", "related"
    ).order_by("-occurred_at", "-pk")


# What the stock page can reverse: a dose's draw and waste go with the dose's correction, a
# count's adjustment with a new count, and a reversal is not reversed again.
REVERSIBLE = (Kind.RECEIVED, Kind.TRANSFER_IN, Kind.TRANSFER_OUT, Kind.RETURNED, Kind.DESTROYED)


def reversible(stock: Stock) -> list[LedgerEntry]:
    """The stock's newest entries that may still be reversed."""
    entries = stock.entries.filter(kind__in=REVERSIBLE, reversed_by__isnull=True)
    return list(entries.order_by("-occurred_at", "-pk")[:PAGE])


def entries_between(clinic: Clinic, start: dt.datetime, end: dt.datetime) -> QuerySet[LedgerEntry]:
    """Every entry of the clinic in [start, end), oldest first, with what a log line shows."""
    return (
        LedgerEntry.objects.filter(clinic=clinic, occurred_at__gte=start, occurred_at__lt=end)
        .select_related(
            "stock__lot", "stock__location", "recorded_by", "witness", "patient", "reverses"
        )
        .order_by("occurred_at", "pk")
    )
