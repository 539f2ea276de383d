"""The controlled-substance reports: the inventory on hand at the end of a day (the biennial
inventory), the dispensing and administration log over a period, and the reconciliation of
doses against draws, waste and balance by day and lot. Days are the clinic's; quantities are in
each lot's unit with their mg beside them."""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from ketacare.clinics.models import Clinic
from ketacare.dosing.administration import given_units
from ketacare.dosing.models import Administration
from ketacare.inventory.models import Kind, LedgerEntry, Lot, amount
from ketacare.inventory.queries import entries_between, stocks_with_balance

INVENTORY_COLUMNS = (
    "Place",
    "Product",
    "NDC",
    "Lot",
    "Expires",
    "On hand",
    "Unit",
    "mg on hand",
)
LOG_COLUMNS = (
    "When",
    "Entry",
    "Product",
    "NDC",
    "Lot",
    "Place",
    "Quantity",
    "Unit",
    "mg",
    "Patient MRN",
    "Recorded by",
    "Witness",
    "Supplier, recipient or place",
    "Reference",
    "Reason",
)
RECONCILIATION_COLUMNS = (
    "Day",
    "Lot",
    "Doses",
    "Given",
    "Drawn",
    "Wasted",
    "Unaccounted",
    "Balance at day's end",
    "Unit",
    "Problems",
)


def _zone(clinic: Clinic) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(clinic.timezone)


def day_start(clinic: Clinic, day: dt.date) -> dt.datetime:
    """The first moment of `day` at the clinic (US clocks change at 2 a.m., never at midnight)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone(clinic))


def _local(clinic: Clinic, moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(_zone(clinic))


def inventory_rows(clinic: Clinic, day: dt.date) -> list[tuple[str, ...]]:
    """Every stock with something on hand at the end of `day`."""
    end = day_start(clinic, day + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)
    rows: list[tuple[str, ...]] = []
    for stock in stocks_with_balance(clinic, as_of=end):
        on_hand = stock.on_hand  # type: ignore[attr-defined]
        if on_hand:
            lot = stock.lot
            rows.append(
                (
                    stock.location.name,
                    lot.product,
                    lot.ndc,
                    lot.lot_number,
                    f"{lot.expiry:%Y-%m-%d}",
                    amount(on_hand),
                    lot.unit_name,
                    amount(on_hand * lot.mg_per_unit),
                )
            )
    return rows


def log_rows(clinic: Clinic, first: dt.date, last: dt.date) -> list[tuple[str, ...]]:
    """Every ledger entry from `first` to `last` (whole days), oldest first."""
    start, end = day_start(clinic, first), day_start(clinic, last + dt.timedelta(days=1))
    rows: list[tuple[str, ...]] = []
    for entry in entries_between(clinic, start, end):
        lot = entry.stock.lot
        rows.append(
            (
                f"{_local(clinic, entry.occurred_at):%Y-%m-%d %H:%M}",
                entry.get_kind_display(),
                lot.product,
                lot.ndc,
                lot.lot_number,
                entry.stock.location.name,
                amount(entry.quantity),
                lot.unit_name,
                amount(entry.quantity * lot.mg_per_unit),
                entry.patient.mrn if entry.patient else "",
                str(entry.recorded_by),
                str(entry.witness or ""),
                entry.counterparty,
                entry.reference,
                entry.reason,
            )
        )
    return rows


@dataclass
class DayLot:
    """One day and lot of the reconciliation."""

    day: dt.date
    lot: str
    unit: str = ""
    lot_id: int | None = None  # None for a lot typed on a dose, not on the ledger
    doses: int = 0
    given: Decimal = Decimal(0)
    drawn: Decimal = Decimal(0)
    wasted: Decimal = Decimal(0)
    balance: Decimal | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def unaccounted(self) -> Decimal:
        return self.drawn - self.given - self.wasted

    @property
    def balanced(self) -> bool:
        return self.unaccounted == 0 and not self.problems

    def row(self) -> tuple[str, ...]:
        balance = "" if self.balance is None else amount(self.balance)
        return (
            f"{self.day:%Y-%m-%d}",
            self.lot,
            str(self.doses),
            amount(self.given),
            amount(self.drawn),
            amount(self.wasted),
            amount(self.unaccounted),
            balance,
            self.unit,
            "; ".join(self.problems),
        )


def reconciliation(clinic: Clinic, first: dt.date, last: dt.date) -> list[DayLot]:
    """Doses given against what was drawn for them and wasted, by day and lot, with each
    lot's balance at the day's end. A row is flagged when draw ≠ dose + waste, when a dose
    names no ledger lot, or when a draw stands for no dose."""
    start, end = day_start(clinic, first), day_start(clinic, last + dt.timedelta(days=1))
    # Keyed by the lot itself: two lots may share a number (other NDCs), and a number typed on
    # a dose is not the ledger's lot of that number.
    rows: dict[tuple[dt.date, int | str], DayLot] = {}

    def at(day: dt.date, lot: Lot | str) -> DayLot:
        if isinstance(lot, str):
            return rows.setdefault((day, lot), DayLot(day, lot))
        return rows.setdefault((day, lot.pk), DayLot(day, lot.lot_number, lot.unit_name, lot.pk))

    doses = (
        Administration.objects.filter(
            clinic=clinic, entered_in_error=False, started_at__gte=start, started_at__lt=end
        )
        .select_related("draw__stock__lot", "session")
        .prefetch_related("pauses", "devices")
    )
    for dose in doses:
        day = _local(clinic, dose.started_at).date()
        if dose.draw is None:
            row = at(day, dose.lot_number)
            row.doses += 1
            row.problems.append("a dose names no lot on the ledger")
            continue
        row = at(day, dose.draw.stock.lot)
        row.doses += 1
        row.given += given_units(dose)
    _add_draws(clinic, start, end, at)
    _add_balances(clinic, start, end, rows.values())
    return sorted(rows.values(), key=lambda r: (r.day, r.lot))


def _standing(clinic: Clinic, start: dt.datetime, end: dt.datetime) -> list[LedgerEntry]:
    """The period's draws not reversed, with their wastes (counted on the draw's day, whenever
    recorded) and their doses."""
    return list(
        LedgerEntry.objects.filter(
            clinic=clinic,
            kind=Kind.DRAWN,
            reversed_by__isnull=True,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .select_related("stock__lot")
        .prefetch_related("followers__reversed_by", "dose")
    )


def _add_draws(
    clinic: Clinic, start: dt.datetime, end: dt.datetime, at: Callable[[dt.date, Lot], DayLot]
) -> None:
    for draw in _standing(clinic, start, end):
        row = at(_local(clinic, draw.occurred_at).date(), draw.stock.lot)
        row.drawn += draw.quantity
        row.wasted += sum(
            (
                w.quantity
                for w in draw.followers.all()
                if w.kind == Kind.WASTED and not hasattr(w, "reversed_by")
            ),
            Decimal(0),
        )
        dose = getattr(draw, "dose", None)
        if dose is None or dose.entered_in_error:
            row.problems.append("a draw stands for no dose")


def _add_balances(
    clinic: Clinic, start: dt.datetime, end: dt.datetime, rows: Iterable[DayLot]
) -> None:
    """Each lot's balance (over all places) at the end of each day shown: the balance before
    the period, then the period's entries day by day."""
    rows = list(rows)
    known = {row.lot_id for row in rows if row.lot_id is not None}
    opening = dict(
        LedgerEntry.objects.filter(clinic=clinic, stock__lot__in=known, occurred_at__lt=start)
        .values_list("stock__lot")
        .annotate(total=Sum("change"))
        .values_list("stock__lot", "total")
    )
    changes: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    for lot_id, moment, change in LedgerEntry.objects.filter(
        clinic=clinic, stock__lot__in=known, occurred_at__gte=start, occurred_at__lt=end
    ).values_list("stock__lot", "occurred_at", "change"):
        changes[(lot_id, _local(clinic, moment).date())] += change
    for row in rows:
        found, day = row.lot_id, row.day
        if found is None:
            continue
        total = Decimal(opening.get(found) or 0)
        total += sum(
            (c for (lid, d), c in changes.items() if lid == found and d <= day), Decimal(0)
        )
        row.balance = total
