"""Write paths of the controlled-substance ledger: locations, receipts, transfers, draws for a
dose and the witnessed waste of their remainder, returns and destruction, reversals, counts and
the resolution of a count's discrepancy.

Every movement locks its stock row first (`_locked`), so two people moving one lot at one place
queue and the balance, summed under the lock, never goes below zero; every entry is audited on
the clinic's chain in the same transaction. Nothing is changed or deleted: a wrong entry is
undone by a reversing entry that names the reason."""

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from ketacare.accounts.models import User
from ketacare.clinics.actors import Actor, person_of, staff_actor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction, PublicIdModel
from ketacare.core.validation import check_effective_time, require_reason
from ketacare.inventory.models import (
    Form,
    Kind,
    LedgerEntry,
    Lot,
    Stock,
    StockCount,
    StorageLocation,
    amount,
)
from ketacare.patients.models import Patient

ENTRY_FIELDS = (
    "kind",
    "quantity",
    "change",
    "occurred_at",
    "reason",
    "counterparty",
    "reference",
)
# The largest quantity an entry holds (ten digits, three after the point).
MOST_ENTERED = Decimal("9999999.999")
LOT_FIELDS = (
    "drug",
    "product",
    "ndc",
    "form",
    "mg_per_unit",
    "package_size",
    "lot_number",
    "expiry",
)


def _audit(
    actor: Actor, row: PublicIdModel, clinic: Clinic, changes: Mapping[str, object], **more: object
) -> None:
    patient = more.pop("patient", None)
    entry = audit.entry_for(
        AuditAction.CREATE,
        row,
        {**changes, **more},
        clinic=clinic,
        patient=patient if isinstance(patient, Patient) else None,
    )
    audit.record(entry, actor)


def _local_day(clinic: Clinic, moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, zoneinfo.ZoneInfo(clinic.timezone)).date()


def balance(stock: Stock, at: dt.datetime | None = None) -> Decimal:
    """The running balance of a stock: the sum of its entries' changes (as of `at`, when
    given: the entries that happened by then, less those reversed since, as a reversal
    undoes its entry where it stood, so a count is never adjusted for it a second time)."""
    happened = Q(occurred_at__lte=at) & ~Q(kind=Kind.REVERSAL)
    undone = Q(kind=Kind.REVERSAL, reverses__occurred_at__lte=at)
    entries = stock.entries.all() if at is None else stock.entries.filter(happened | undone)
    total = entries.aggregate(total=Sum("change"))["total"]
    return Decimal(total or 0)


def _locked(actor: Actor, stock: Stock, perm: Perm) -> Stock:
    return _locked_all(actor, [stock], perm)[stock.pk]


def _locked_all(actor: Actor, stocks: list[Stock], perm: Perm) -> dict[int, Stock]:
    """Lock stock rows, always in the order of their keys: a movement that touches two stocks
    (a transfer, its reversal, a count at a place) then never waits on one that locked the
    same two the other way round, which would deadlock."""
    for clinic in {stock.clinic for stock in stocks}:
        actor.demand(perm, clinic)
    rows = (
        Stock.objects.select_for_update()
        .select_related("lot", "location", "clinic")
        .filter(pk__in=[stock.pk for stock in stocks])
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def _positive(name: str, quantity: Decimal) -> Decimal:
    if quantity <= 0:
        raise ValidationError({name: "Give a quantity above zero."})
    return quantity


def _post(actor: Actor, stock: Stock, entry: LedgerEntry) -> LedgerEntry:
    """Write `entry` on `stock` (locked by the caller) and audit it; refused if it would take
    the balance below zero."""
    after = balance(stock) + entry.change
    if after < 0:
        have = balance(stock)
        held = f"{amount(have)} {stock.lot.unit_name}"
        message = f"Only {held} of lot {stock.lot.lot_number} are in {stock.location}."
        raise ValidationError({"quantity": message})
    entry.stock = stock
    entry.clinic = stock.clinic
    entry.recorded_by = person_of(actor)
    entry.save()
    values = audit.field_values(entry, ENTRY_FIELDS)
    _audit(
        actor,
        entry,
        stock.clinic,
        values,
        stock=str(stock.public_id),
        lot=stock.lot.lot_number,
        patient=entry.patient,
    )
    return entry


def _witness(actor: Actor, clinic: Clinic, witness: User | None) -> User:
    """A second staff member of the clinic, not the one recording, who may witness."""
    if witness is None:
        raise ValidationError({"witness_email": "A second staff member must witness this."})
    if witness.pk == person_of(actor).pk:
        raise ValidationError({"witness_email": "The witness must be someone else."})
    if not staff_actor(witness).can(Perm.STOCK_WITNESS, clinic):
        message = "The witness must be a nurse, prescriber or clinic admin of this clinic."
        raise ValidationError({"witness_email": message})
    return witness


# --- locations and receipts --------------------------------------------------------------------


def location_add(*, actor: Actor, clinic: Clinic, name: str) -> StorageLocation:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the location a name."})
    with transaction.atomic():
        actor.demand(Perm.STOCK_RECORD, clinic)
        if StorageLocation.objects.filter(clinic=clinic, name__iexact=name).exists():
            raise ValidationError({"name": f"There is already a location named {name}."})
        location = StorageLocation.objects.create(clinic=clinic, name=name)
        _audit(actor, location, clinic, {"name": name})
        return location


@dataclass(frozen=True)
class LotDetails:
    """A lot as its label and the delivery note give it."""

    drug: str
    product: str
    ndc: str
    form: str
    mg_per_unit: Decimal
    package_size: Decimal
    lot_number: str
    expiry: dt.date


def _lot(actor: Actor, clinic: Clinic, details: LotDetails) -> Lot:
    """The clinic's lot of this NDC and number, created on its first delivery; a later delivery
    must agree with it (a different expiry or strength is a different lot, or a typing slip)."""
    ndc, number = details.ndc.strip(), details.lot_number.strip()
    existing = Lot.objects.filter(clinic=clinic, ndc=ndc, lot_number=number).first()
    if existing is None:
        lot = Lot(clinic=clinic, **{**details.__dict__, "ndc": ndc, "lot_number": number})
        lot.full_clean(exclude=["clinic"])
        lot.save()
        _audit(actor, lot, clinic, audit.field_values(lot, LOT_FIELDS))
        return lot
    differs = [
        name
        for name in ("expiry", "mg_per_unit", "form", "drug", "package_size")
        if getattr(existing, name) != getattr(details, name)
    ]
    if differs:
        raise ValidationError(
            {name: f"Lot {number} is already on file with another value." for name in differs}
        )
    return existing


def _stock_at(actor: Actor, lot: Lot, location: StorageLocation) -> Stock:
    """The lot's stock at a place, created (and audited) when the lot first comes there."""
    stock, created = Stock.objects.get_or_create(clinic=lot.clinic, lot=lot, location=location)
    if created:
        changes = {"lot": lot.lot_number, "location": location.name}
        _audit(actor, stock, lot.clinic, changes)
    return stock


def lot_receive(
    *,
    actor: Actor,
    location: StorageLocation,
    details: LotDetails,
    packages: int,
    received_at: dt.datetime,
    supplier: str,
    invoice: str,
) -> LedgerEntry:
    """A delivery: `packages` vials, devices or units of one lot put into `location`. A
    Schedule III order needs no DEA Form 222; the supplier and invoice are the record."""
    check_effective_time("received_at", received_at)
    if packages <= 0:
        raise ValidationError({"packages": "Give how many were delivered (1 or more)."})
    if not supplier.strip():
        raise ValidationError({"supplier": "Name the supplier."})
    if not invoice.strip():
        raise ValidationError({"invoice": "Give the invoice or packing-slip number."})
    clinic = location.clinic
    with transaction.atomic():
        actor.demand(Perm.STOCK_RECORD, clinic)
        if not location.active:
            raise ValidationError({"location": "This location is no longer in use."})
        lot = _lot(actor, clinic, details)
        row = _locked(actor, _stock_at(actor, lot, location), Perm.STOCK_RECORD)
        quantity = Decimal(packages) * lot.package_size
        if quantity > MOST_ENTERED:
            most = f"{amount(MOST_ENTERED)} {lot.unit_name}"
            raise ValidationError({"packages": f"One delivery holds at most {most}."})
        entry = LedgerEntry(
            kind=Kind.RECEIVED,
            quantity=quantity,
            change=quantity,
            occurred_at=received_at,
            counterparty=supplier.strip(),
            reference=invoice.strip(),
        )
        return _post(actor, row, entry)


def stock_transfer(
    *,
    actor: Actor,
    stock: Stock,
    to: StorageLocation,
    quantity: Decimal,
    moved_at: dt.datetime,
) -> LedgerEntry:
    """Move part of a stock to another location of the clinic: an entry out and one in."""
    check_effective_time("moved_at", moved_at)
    _positive("quantity", quantity)
    if to.clinic_id != stock.clinic_id or to.pk == stock.location_id or not to.active:
        raise ValidationError({"to": "Choose another location of this clinic that is in use."})
    with transaction.atomic():
        target = _stock_at(actor, stock.lot, to)
        rows = _locked_all(actor, [stock, target], Perm.STOCK_RECORD)
        source, target = rows[stock.pk], rows[target.pk]
        out = _post(
            actor,
            source,
            LedgerEntry(
                kind=Kind.TRANSFER_OUT,
                quantity=quantity,
                change=-quantity,
                occurred_at=moved_at,
                counterparty=to.name,
            ),
        )
        entry = LedgerEntry(
            kind=Kind.TRANSFER_IN,
            quantity=quantity,
            change=quantity,
            occurred_at=moved_at,
            counterparty=source.location.name,
            related=out,
        )
        return _post(actor, target, entry)


# --- draws and waste ---------------------------------------------------------------------------


def stock_draw(
    *,
    actor: Actor,
    stock: Stock,
    quantity: Decimal,
    drawn_at: dt.datetime,
    patient: Patient,
    drug: str,
) -> LedgerEntry:
    """Take the quantity a dose needs out of a stock. Called by the dose's write path, inside
    its transaction: refused for another clinic's lot, another drug, a lot expired on the day
    of the dose, or more than the balance."""
    _positive("drawn_quantity", quantity)
    if stock.clinic_id != patient.clinic_id:
        raise ValidationError({"stock_id": "This lot is not one of this clinic's."})
    row = _locked(actor, stock, Perm.SESSION_ADMINISTER)
    lot = row.lot
    if lot.drug != drug:
        raise ValidationError(
            {"stock_id": f"This lot is {lot.get_drug_display()}: choose a {drug} lot."}
        )
    if lot.expiry < _local_day(row.clinic, drawn_at):
        raise ValidationError({"stock_id": "This lot has expired: use another lot."})
    if lot.form == Form.DEVICE and quantity != quantity.to_integral_value():
        raise ValidationError({"drawn_quantity": "Nasal spray devices are counted whole."})
    have = balance(row)
    if quantity > have:
        held = f"{amount(have)} {lot.unit_name}"
        message = f"Only {held} of lot {lot.lot_number} are in {row.location}."
        raise ValidationError({"drawn_quantity": message})
    entry = LedgerEntry(
        kind=Kind.DRAWN,
        quantity=quantity,
        change=-quantity,
        occurred_at=drawn_at,
        patient=patient,
    )
    return _post(actor, row, entry)


def wasted(draw: LedgerEntry) -> Decimal:
    """What of a draw has been wasted so far (reversed wastes excluded)."""
    total = draw.followers.filter(kind=Kind.WASTED, reversed_by__isnull=True).aggregate(
        total=Sum("quantity")
    )["total"]
    return Decimal(total or 0)


def draw_waste(
    *,
    actor: Actor,
    draw: LedgerEntry,
    quantity: Decimal,
    remainder: Decimal,
    witness: User | None,
    wasted_at: dt.datetime,
) -> LedgerEntry:
    """Waste what was drawn and not given, witnessed by a second staff member. `remainder`
    is what the dose left of the draw (the caller knows the dose); the waste must be all of
    it, so that drawn = given + wasted."""
    check_effective_time("wasted_at", wasted_at)
    _positive("waste_quantity", quantity)
    with transaction.atomic():
        row = _locked(actor, draw.stock, Perm.SESSION_ADMINISTER)
        signer = _witness(actor, row.clinic, witness)
        left = remainder - wasted(draw)
        if left <= 0:
            raise ValidationError({"waste_quantity": "Nothing of this draw is left to waste."})
        if quantity != left:
            rest = f"{amount(left)} {row.lot.unit_name}"
            message = f"{rest} of the draw were not given: waste {rest}."
            raise ValidationError({"waste_quantity": message})
        if wasted_at < draw.occurred_at:
            raise ValidationError({"wasted_at": "The waste comes after the draw."})
        entry = LedgerEntry(
            kind=Kind.WASTED,
            quantity=quantity,
            change=Decimal(0),
            occurred_at=wasted_at,
            witness=signer,
            related=draw,
            patient=draw.patient,
        )
        return _post(actor, row, entry)


# --- returns, destruction, reversals -----------------------------------------------------------


def stock_remove(
    *,
    actor: Actor,
    stock: Stock,
    kind: str,
    quantity: Decimal,
    witness: User | None,
    removed_at: dt.datetime,
    counterparty: str,
    reference: str,
    reason: str,
) -> LedgerEntry:
    """Stock leaving the clinic other than as a dose: returned (to the supplier or a reverse
    distributor) or destroyed (expired or damaged stock), witnessed by a second staff member."""
    if kind not in (Kind.RETURNED, Kind.DESTROYED):
        raise ValidationError({"kind": "Choose returned or destroyed."})
    check_effective_time("removed_at", removed_at)
    _positive("quantity", quantity)
    if kind == Kind.RETURNED and not counterparty.strip():
        raise ValidationError({"counterparty": "Name who the stock is returned to."})
    with transaction.atomic():
        row = _locked(actor, stock, Perm.STOCK_RECORD)
        entry = LedgerEntry(
            kind=kind,
            quantity=quantity,
            change=-quantity,
            occurred_at=removed_at,
            witness=_witness(actor, row.clinic, witness),
            counterparty=counterparty.strip(),
            reference=reference.strip(),
            reason=require_reason("reason", reason),
        )
        return _post(actor, row, entry)


def entry_reverse(
    *,
    actor: Actor,
    entry: LedgerEntry,
    reason: str,
    witness: User | None = None,
    perm: Perm = Perm.STOCK_RECORD,
) -> LedgerEntry:
    """Undo a wrong entry with one that moves the opposite way, witnessed by a second staff
    member as any stock leaving the books is. A draw is undone only with its dose (marking
    the administration entered in error calls this with its permission: the dose's own
    correction is the record, no witness), and its wastes go with it; a transfer is undone
    at both ends, from either."""
    reason = require_reason("reason", reason)
    if entry.kind == Kind.REVERSAL:
        raise ValidationError({NON_FIELD_ERRORS: ["A reversal is not reversed again."]})
    if entry.kind == Kind.ADJUSTED:
        raise ValidationError({NON_FIELD_ERRORS: ["Count again to correct a count."]})
    if entry.kind in (Kind.DRAWN, Kind.WASTED) and perm != Perm.SESSION_ADMINISTER:
        message = "Mark the dose entered in error on its session; its draw goes with it."
        raise ValidationError({NON_FIELD_ERRORS: [message]})
    first = entry.related if entry.kind == Kind.TRANSFER_IN and entry.related else entry
    with transaction.atomic():
        followers = list(first.followers.filter(reversed_by__isnull=True))
        rows = _locked_all(actor, [e.stock for e in (first, *followers)], perm)
        signer = None if perm == Perm.SESSION_ADMINISTER else _witness(actor, entry.clinic, witness)
        reversal = _reverse_one(actor, first, reason, rows[first.stock_id], signer)
        for follower in followers:
            _reverse_one(actor, follower, reason, rows[follower.stock_id], signer)
        return reversal


def _reverse_one(
    actor: Actor, entry: LedgerEntry, reason: str, row: Stock, witness: User | None
) -> LedgerEntry:
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({NON_FIELD_ERRORS: ["This entry is already reversed."]})
    reversal = LedgerEntry(
        kind=Kind.REVERSAL,
        quantity=entry.quantity,
        change=-entry.change,
        occurred_at=timezone.now(),
        reason=reason,
        reverses=entry,
        witness=witness,
        patient=entry.patient,
    )
    return _post(actor, row, reversal)


# --- counts and discrepancies ------------------------------------------------------------------


def location_count(
    *,
    actor: Actor,
    location: StorageLocation,
    counted: dict[Stock, Decimal],
    counted_at: dt.datetime,
) -> list[StockCount]:
    """A physical count of the stocks at `location`, one figure per stock, at `counted_at`. A
    figure that matches the balance at that moment closes there; one that differs opens a
    discrepancy. A stock's counts come in order: one is never dated before the last."""
    check_effective_time("counted_at", counted_at)
    if not counted:
        raise ValidationError({NON_FIELD_ERRORS: ["Count at least one lot."]})
    counts = []
    with transaction.atomic():
        rows = _locked_all(actor, list(counted), Perm.STOCK_RECORD)
        for stock, figure in counted.items():
            if stock.location_id != location.pk:
                raise ValidationError({NON_FIELD_ERRORS: ["Count only what is at this place."]})
            if figure < 0:
                raise ValidationError({f"count_{stock.public_id}": "A count is 0 or more."})
            row = rows[stock.pk]
            _after_last_count(row, counted_at)
            count = StockCount.objects.create(
                clinic=row.clinic,
                stock=row,
                counted_at=counted_at,
                counted_by=person_of(actor),
                expected=balance(row, at=counted_at),
                counted=figure,
            )
            changes = {"expected": str(count.expected), "counted": str(figure)}
            _audit(actor, count, row.clinic, changes, stock=str(row.public_id))
            counts.append(count)
    return counts


def _after_last_count(stock: Stock, counted_at: dt.datetime) -> None:
    last = stock.counts.filter(counted_at__gte=counted_at).order_by("-counted_at").first()
    if last is not None:
        when = timezone.localtime(last.counted_at, zoneinfo.ZoneInfo(stock.clinic.timezone))
        counted = f"{when:%Y-%m-%d %H:%M}"
        message = f"Lot {stock.lot.lot_number} here was counted at {counted}: count after that."
        raise ValidationError({"counted_at": message})


def discrepancy_resolve(
    *, actor: Actor, count: StockCount, reason: str, witness: User | None
) -> StockCount:
    """Close a count's discrepancy with the resolver's reason and a second signature. The
    latest count of a stock posts an adjustment, dated at the count, that makes the balance
    then what was counted (later movements stand; the difference is taken again, so a draw
    recorded late for before the count is not adjusted twice). An earlier count closes with
    no adjustment: the later count is what the stock held, and it settles the balance."""
    reason = require_reason("reason", reason)
    with transaction.atomic():
        row = _locked(actor, count.stock, Perm.STOCK_RESOLVE)
        count = StockCount.objects.select_for_update().get(pk=count.pk)
        if not count.open:
            raise ValidationError({NON_FIELD_ERRORS: ["This count has no open discrepancy."]})
        signer = _witness(actor, row.clinic, witness)
        later = row.counts.filter(counted_at__gt=count.counted_at).exists()
        difference = Decimal(0) if later else count.counted - balance(row, at=count.counted_at)
        if difference:
            count.adjustment = _post(
                actor,
                row,
                LedgerEntry(
                    kind=Kind.ADJUSTED,
                    quantity=abs(difference),
                    change=difference,
                    occurred_at=count.counted_at,
                    witness=signer,
                    reason=reason,
                ),
            )
        count.resolved_at = timezone.now()
        count.resolved_by = person_of(actor)
        count.resolution = reason
        count.witness = signer
        count.save(
            update_fields=["resolved_at", "resolved_by", "resolution", "witness", "adjustment"]
        )
        changes = {"resolution": reason, "witness": str(signer.public_id)}
        entry = audit.entry_for(AuditAction.UPDATE, count, changes, clinic=row.clinic)
        audit.record(entry, actor)
        return count
