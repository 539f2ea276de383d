"""The controlled-substance ledger (ketamine and esketamine are DEA Schedule III, REFERENCE
§1.1, §1.9): the clinic's storage locations, the lots it received, where each lot is kept
(`Stock`), and the append-only `LedgerEntry` rows that move it. A stock's balance is the sum of
its entries' `change`; nothing is ever updated or deleted (the model refuses, and so do
database triggers): a wrong entry is corrected by a reversing entry. Quantities are in the
lot's counting unit (mL for a vial, devices for the nasal spray, tablets or troches), and
`mg_per_unit` turns them into milligrams."""

from decimal import Decimal
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q

from ketacare.clinics.models import Clinic
from ketacare.core.models import PublicIdModel
from ketacare.patients.models import Patient


def amount(quantity: Decimal) -> str:
    """A quantity as people write it: 0.2, 10, 1.25 (never 1.000 or 1E+1)."""
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class LedgerImmutable(Exception):
    """A ledger row cannot change once written; post a reversing entry instead."""


class StorageLocation(PublicIdModel):
    """A locked place the clinic keeps stock in (a safe, a cabinet in a treatment room)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="location_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Form(models.TextChoices):
    VIAL = "vial", "Vial (counted in mL)"
    DEVICE = "device", "Nasal spray device"
    UNIT = "unit", "Tablet or troche"


# What one counted unit of each form is called on screens and in reports.
UNIT_NAMES = {Form.VIAL: "mL", Form.DEVICE: "devices", Form.UNIT: "units"}


class Drug(models.TextChoices):
    KETAMINE = "ketamine", "Ketamine"
    ESKETAMINE = "esketamine", "Esketamine"


class Lot(PublicIdModel):
    """One manufacturer's lot of one product, as received: NDC, strength and expiry."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    drug = models.CharField(max_length=20, choices=Drug.choices)
    product = models.CharField(max_length=120, help_text="The product as labelled.")
    ndc = models.CharField("NDC", max_length=13)
    form = models.CharField(max_length=10, choices=Form.choices)
    mg_per_unit = models.DecimalField(
        "mg per unit", max_digits=7, decimal_places=2, help_text="mg per mL, device or unit."
    )
    package_size = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=Decimal("1"),
        help_text="Units in one package as delivered (mL in one vial; 1 for a device).",
    )
    lot_number = models.CharField(max_length=40)
    expiry = models.DateField()

    class Meta:
        ordering = ["expiry", "lot_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "ndc", "lot_number"], name="lot_unique_per_product"
            ),
            models.CheckConstraint(condition=Q(mg_per_unit__gt=0), name="lot_strength_positive"),
            models.CheckConstraint(condition=Q(package_size__gt=0), name="lot_package_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product}, lot {self.lot_number} (expires {self.expiry:%d %b %Y})"

    @property
    def unit_name(self) -> str:
        return UNIT_NAMES[Form(self.form)]


class Stock(PublicIdModel):
    """A lot at a location: the row a draw, a transfer or a count locks, so two people moving
    the same stock queue and its balance never goes below zero."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="stocks")
    location = models.ForeignKey(StorageLocation, on_delete=models.PROTECT, related_name="stocks")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lot", "location"], name="stock_one_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.lot} in {self.location}"


class Kind(models.TextChoices):
    RECEIVED = "received", "Received"
    TRANSFER_OUT = "transfer_out", "Transferred out"
    TRANSFER_IN = "transfer_in", "Transferred in"
    DRAWN = "drawn", "Drawn for a dose"
    WASTED = "wasted", "Wasted"
    RETURNED = "returned", "Returned"
    DESTROYED = "destroyed", "Destroyed"
    ADJUSTED = "adjusted", "Count adjustment"
    REVERSAL = "reversal", "Reversal"


# The kinds a second staff member signs (waste, return, destruction, a count's adjustment).
WITNESSED = (Kind.WASTED, Kind.RETURNED, Kind.DESTROYED, Kind.ADJUSTED)
ADDS = (Kind.RECEIVED, Kind.TRANSFER_IN)
TAKES = (Kind.TRANSFER_OUT, Kind.DRAWN, Kind.RETURNED, Kind.DESTROYED)


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerImmutable("Ledger entries are never changed; post a reversal.")

    def delete(self) -> NoReturn:
        raise LedgerImmutable("Ledger entries are never deleted; post a reversal.")


class LedgerEntry(PublicIdModel):
    """One movement of stock. `quantity` is the amount the entry is about (always positive);
    `change` is its effect on the stock's balance: + for a receipt, - for a draw, 0 for the
    waste of a drawn remainder (it left the stock with the draw), the opposite of the entry
    it reverses for a reversal."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    quantity = models.DecimalField(max_digits=10, decimal_places=3)
    change = models.DecimalField(max_digits=10, decimal_places=3)
    occurred_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    counterparty = models.CharField(
        max_length=120, blank=True, help_text="Supplier, or the reverse distributor."
    )
    reference = models.CharField(max_length=60, blank=True, help_text="Invoice or return form.")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, null=True, blank=True)
    # A waste's draw; a transfer-in's transfer-out; an adjustment's count is on StockCount.
    related = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="followers"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    objects: ClassVar[LedgerQuerySet] = LedgerQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="ledger_kind_known"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="ledger_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(kind__in=ADDS) | Q(change=models.F("quantity")),
                name="ledger_receipts_add",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=TAKES) | Q(change=-models.F("quantity")),
                name="ledger_draws_take",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.WASTED) | (Q(change=0) & Q(related__isnull=False)),
                name="ledger_waste_follows_a_draw",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=WITNESSED) | Q(witness__isnull=False),
                name="ledger_witnessed",
            ),
            models.CheckConstraint(
                condition=Q(witness__isnull=True) | ~Q(witness=models.F("recorded_by")),
                name="ledger_witness_is_another",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.REVERSAL) | (Q(reverses__isnull=False) & ~Q(reason="")),
                name="ledger_reversal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.ADJUSTED) | ~Q(reason=""),
                name="ledger_adjustment_has_reason",
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise LedgerImmutable("Ledger entries are never changed; post a reversal.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerImmutable("Ledger entries are never deleted; post a reversal.")

    @property
    def mg(self) -> Decimal:
        return self.quantity * self.stock.lot.mg_per_unit


class StockCount(PublicIdModel):
    """A physical count of one stock. A count that differs from the running balance is a
    discrepancy, open until a resolver gives a reason and a second staff member signs; the
    resolution posts the adjustment that makes the balance the count."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="counts")
    counted_at = models.DateTimeField()
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    expected = models.DecimalField(max_digits=10, decimal_places=3)
    counted = models.DecimalField(max_digits=10, decimal_places=3)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)
    # The second staff member who signed the resolution, also when no adjustment was due.
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adjustment = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="count"
    )

    class Meta:
        ordering = ["-counted_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(counted__gte=0), name="count_not_negative"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True)
                | (~Q(resolution="") & Q(resolved_by__isnull=False)),
                name="count_resolution_has_reason",
            ),
        ]

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected

    @property
    def open(self) -> bool:
        return self.difference != 0 and self.resolved_at is None
