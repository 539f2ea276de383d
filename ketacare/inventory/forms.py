"""The ledger's forms. Quantities are typed in the lot's unit (mL, devices, tablets); the
witness signs on the recorder's screen (`WitnessedForm`)."""

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from ketacare.core.forms import When
from ketacare.inventory.models import Drug, Form, Kind, LedgerEntry, Stock, StorageLocation, amount
from ketacare.inventory.services import LotDetails
from ketacare.inventory.witness import WitnessedForm


def _quantity() -> forms.DecimalField:
    return forms.DecimalField(max_digits=10, decimal_places=3, min_value=Decimal("0.001"))


class LocationForm(forms.Form):
    name = forms.CharField(label="New storage location", max_length=80)


class ReceiveForm(forms.Form):
    location = forms.ModelChoiceField(queryset=StorageLocation.objects.none(), empty_label=None)
    drug = forms.ChoiceField(choices=Drug.choices)
    product = forms.CharField(max_length=120, help_text="As on the label.")
    ndc = forms.CharField(label="NDC", max_length=13)
    form = forms.ChoiceField(label="Dosage form", choices=Form.choices)
    mg_per_unit = forms.DecimalField(
        label="Strength (mg per mL, device or unit)",
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    package_size = forms.DecimalField(
        label="Units per package",
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=1,
        help_text="mL in one vial; 1 for a nasal spray device or a tablet.",
    )
    lot_number = forms.CharField(max_length=40)
    expiry = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    packages = forms.IntegerField(label="Packages received", min_value=1, max_value=10000)
    received_at = When(label="Received at")
    supplier = forms.CharField(max_length=120)
    invoice = forms.CharField(label="Invoice or packing slip", max_length=60)

    def __init__(self, *args: Any, locations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        details = LotDetails(**{name: data[name] for name in LotDetails.__dataclass_fields__})
        return {
            "location": data["location"],
            "details": details,
            "packages": data["packages"],
            "received_at": data["received_at"],
            "supplier": data["supplier"],
            "invoice": data["invoice"],
        }


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(
        label="To", queryset=StorageLocation.objects.none(), empty_label=None
    )
    quantity = _quantity()
    moved_at = When(label="Moved at")

    def __init__(self, *args: Any, stock: Stock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = StorageLocation.objects.filter(clinic=stock.clinic, active=True)
        self.fields["to"].queryset = places.exclude(pk=stock.location_id)  # type: ignore[attr-defined]


class RemoveForm(WitnessedForm):
    kind = forms.ChoiceField(
        label="What happens to it",
        choices=[(Kind.RETURNED, "Returned (supplier or reverse distributor)"),
                 (Kind.DESTROYED, "Destroyed on site")],
    )  # fmt: skip
    quantity = _quantity()
    removed_at = When(label="When")
    counterparty = forms.CharField(
        label="Returned to", max_length=120, required=False, help_text="For a return."
    )
    reference = forms.CharField(
        label="Return or destruction form number", max_length=60, required=False
    )
    reason = forms.CharField(max_length=300, help_text="Expired, damaged, recalled…")
    field_order = [
        "kind", "quantity", "removed_at", "counterparty", "reference", "reason",
        "witness_email", "witness_password",
    ]  # fmt: skip


class ReverseForm(WitnessedForm):
    """A wrong entry of the stock undone, chosen from those that can be (a dose's draw and
    waste go with the dose's own correction; a count is corrected by counting again)."""

    entry = forms.TypedChoiceField(label="Entry to reverse", coerce=uuid.UUID)
    reason = forms.CharField(label="Why this entry is wrong", max_length=300)
    field_order = ["entry", "reason", "witness_email", "witness_password"]

    def __init__(self, *args: Any, stock: Stock, entries: list[LedgerEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = stock.lot.unit_name
        self.fields["entry"].choices = [  # type: ignore[attr-defined]
            ("", "Choose the entry"),
            *((str(e.public_id), _entry_label(e, unit)) for e in entries),
        ]


def _entry_label(entry: LedgerEntry, unit: str) -> str:
    when = timezone.localtime(entry.occurred_at)  # in the clinic's zone, as the page is
    return f"{when:%d %b %Y, %H:%M} · {entry.get_kind_display()} of {amount(entry.quantity)} {unit}"


class CountForm(forms.Form):
    """One figure per stock at the location, as counted; an empty one is not counted."""

    counted_at = When(label="Counted at")

    def __init__(self, *args: Any, stocks: list[Stock], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stocks = {f"count_{stock.public_id}": stock for stock in stocks}
        for name, stock in self.stocks.items():
            self.fields[name] = forms.DecimalField(
                label=f"Lot {stock.lot.lot_number} ({stock.lot.unit_name})",
                max_digits=10,
                decimal_places=3,
                min_value=0,
                required=False,
                help_text=stock.lot.product,
            )

    def counted(self) -> dict[Stock, Decimal]:
        return {
            stock: self.cleaned_data[name]
            for name, stock in self.stocks.items()
            if self.cleaned_data.get(name) is not None
        }


class ResolveForm(WitnessedForm):
    reason = forms.CharField(
        label="What explains the difference", max_length=300, widget=forms.Textarea({"rows": 2})
    )
    field_order = ["reason", "witness_email", "witness_password"]
