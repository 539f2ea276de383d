"""The ledger's pages: the clinic's stock by place with open discrepancies and expired stock,
a delivery, one stock's entries with its movements, a count at a place and the resolution of a
discrepancy. Each form posts to its own view (one service each); a refusal shows the page
again with what was typed and the errors."""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.forms import apply_errors
from ketacare.inventory import queries, services
from ketacare.inventory.forms import (
    CountForm,
    LocationForm,
    ReceiveForm,
    RemoveForm,
    ResolveForm,
    ReverseForm,
    TransferForm,
)
from ketacare.inventory.models import LedgerEntry, Stock, StockCount, StorageLocation
from ketacare.inventory.witness import WitnessedForm

STOCK_OBJECT = "stock_ledger"


def _locations(request: StaffRequest) -> Any:
    return StorageLocation.objects.filter(clinic=request.membership.clinic, active=True)


@staff_view(Perm.STOCK_VIEW)
def ledger(request: StaffRequest, location_form: LocationForm | None = None) -> HttpResponse:
    clinic = request.membership.clinic
    stocks = list(queries.stocks_with_balance(clinic))
    context = {
        "stocks": [s for s in stocks if s.on_hand or s.lot.expiry >= clinic.today()],  # type: ignore[attr-defined]
        "locations": list(_locations(request)),
        "discrepancies": list(queries.open_discrepancies(clinic)),
        "expired": queries.expired_in_hand(clinic, clinic.today()),
        "location_form": location_form or LocationForm(),
        "can_record": request.actor.can(Perm.STOCK_RECORD, clinic),
        "can_resolve": request.actor.can(Perm.STOCK_RESOLVE, clinic),
    }
    return render(request, "inventory/ledger.html", context)


@staff_view(Perm.STOCK_RECORD)
def location_add(request: StaffRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("inventory:ledger")
    form = LocationForm(request.POST)
    if form.is_valid():
        try:
            services.location_add(
                actor=request.actor, clinic=request.membership.clinic, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} added.")
            return redirect("inventory:ledger")
    return ledger(request, location_form=form)


@staff_view(Perm.STOCK_RECORD)
def receive(request: StaffRequest) -> HttpResponse:
    form = ReceiveForm(request.POST or None, locations=_locations(request))
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.lot_receive(actor=request.actor, **form.service_kwargs())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Delivery received.")
            return redirect("inventory:stock", stock_id=entry.stock.public_id)
    context = {"form": form, "title": "Receive a delivery", "back": reverse("inventory:ledger")}
    return render(request, "inventory/form_page.html", context)


# --- one stock ---------------------------------------------------------------------------------


def _stock(request: StaffRequest, stock_id: uuid.UUID, perm: Perm) -> Stock:
    base = Stock.objects.select_related("lot", "location", "clinic")
    return queries.row_for(request.actor, base, stock_id, perm)


def _stock_page(
    request: StaffRequest, stock: Stock, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    bound = bound or {}
    entries = list(queries.entries_of(stock)[: queries.PAGE])
    # The page names the patients whose doses were drawn from this stock: one audited read.
    patients = [e.patient.public_id for e in entries if e.patient is not None]
    shown = [str(e.public_id) for e in entries]
    read = audit.list_read_entry(STOCK_OBJECT, stock.clinic, patients, via="web", entries=shown)
    audit.record_now(read, request.actor)
    context = {
        "stock": stock,
        "on_hand": services.balance(stock),
        "entries": entries,
        "reversed": set(
            LedgerEntry.objects.filter(reverses__in=entries).values_list("reverses_id", flat=True)
        ),
        "transfer": bound.get("transfer") or TransferForm(stock=stock, auto_id="id_transfer_%s"),
        "remove": bound.get("remove") or RemoveForm(auto_id="id_remove_%s"),
        "reverse_form": bound.get("reverse") or _reverse_form(stock, None),
        "can_record": request.actor.can(Perm.STOCK_RECORD, stock.clinic),
    }
    return render(request, "inventory/stock.html", context)


@staff_view(Perm.STOCK_VIEW)
def stock_page(request: StaffRequest, stock_id: uuid.UUID) -> HttpResponse:
    return _stock_page(request, _stock(request, stock_id, Perm.STOCK_VIEW))


def _stock_action(
    name: str,
    make: Callable[[Stock, Any], forms.Form],
    run: Callable[[StaffRequest, Stock, forms.Form], object],
    done: str,
) -> Callable[..., HttpResponse]:
    @staff_view(Perm.STOCK_RECORD)
    def view(request: StaffRequest, stock_id: uuid.UUID) -> HttpResponse:
        stock = _stock(request, stock_id, Perm.STOCK_RECORD)
        if request.method != "POST":
            return redirect("inventory:stock", stock_id=stock.public_id)
        form = make(stock, request.POST)
        if form.is_valid():
            try:
                if isinstance(form, WitnessedForm):
                    form.sign(request)
                run(request, stock, form)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("inventory:stock", stock_id=stock.public_id)
        return _stock_page(request, stock, {name: form})

    view.__name__ = f"stock_{name}"
    return view


def _reverse_form(stock: Stock, data: Any) -> ReverseForm:
    entries = queries.reversible(stock)
    return ReverseForm(data, stock=stock, entries=entries, auto_id="id_reverse_%s")


def _reverse(request: StaffRequest, stock: Stock, form: forms.Form) -> object:
    data = form.cleaned_data
    entry = stock.entries.get(public_id=data["entry"])  # one of the form's choices
    return services.entry_reverse(
        actor=request.actor, entry=entry, reason=data["reason"], witness=data["witness"]
    )


transfer = _stock_action(
    "transfer",
    lambda stock, data: TransferForm(data, stock=stock, auto_id="id_transfer_%s"),
    lambda request, stock, form: services.stock_transfer(
        actor=request.actor, stock=stock, **form.cleaned_data
    ),
    "Transfer recorded.",
)
remove = _stock_action(
    "remove",
    lambda stock, data: RemoveForm(data, auto_id="id_remove_%s"),
    lambda request, stock, form: services.stock_remove(
        actor=request.actor, stock=stock, **form.cleaned_data
    ),
    "Recorded with its witness.",
)
reverse_entry = _stock_action(
    "reverse",
    _reverse_form,
    _reverse,
    "Reversing entry recorded with its witness.",
)


# --- counts ------------------------------------------------------------------------------------


@staff_view(Perm.STOCK_RECORD)
def count(request: StaffRequest, location_id: uuid.UUID) -> HttpResponse:
    base = StorageLocation.objects.select_related("clinic")
    location = queries.row_for(request.actor, base, location_id, Perm.STOCK_RECORD)
    stocks = list(Stock.objects.filter(location=location).select_related("lot"))
    form = CountForm(request.POST or None, stocks=stocks)
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.location_count(
                actor=request.actor,
                location=location,
                counted=form.counted(),
                counted_at=form.cleaned_data["counted_at"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            differing = sum(1 for c in counts if c.open)
            if differing:
                messages.warning(request, f"Count saved: {differing} lot(s) differ from the books.")
            else:
                messages.success(request, "Count saved: it matches the books.")
            return redirect("inventory:ledger")
    context = {
        "form": form,
        "title": f"Count at {location}",
        "back": reverse("inventory:ledger"),
        "intro": "Count what is physically there, in each lot's unit. Leave a lot empty to "
        "count it another time. A figure that differs from the books opens a discrepancy.",
    }
    return render(request, "inventory/form_page.html", context)


@staff_view(Perm.STOCK_RESOLVE)
def resolve(request: StaffRequest, count_id: uuid.UUID) -> HttpResponse:
    base = StockCount.objects.select_related("stock__lot", "stock__location", "clinic")
    found = queries.row_for(request.actor, base, count_id, Perm.STOCK_RESOLVE)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            form.sign(request)
            resolved = services.discrepancy_resolve(
                actor=request.actor, count=found, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            done = (
                "the books now match the count."
                if resolved.adjustment is not None
                else "no adjustment: the books already agree, or a later count settles them."
            )
            messages.success(request, f"Discrepancy resolved; {done}")
            return redirect("inventory:ledger")
    lot = found.stock.lot
    context = {
        "form": form,
        "title": "Resolve a count discrepancy",
        "back": reverse("inventory:ledger"),
        "intro": f"Lot {lot.lot_number} at {found.stock.location}, counted "
        f"{timezone.localtime(found.counted_at):%d %b %Y %H:%M}: the books said "
        f"{found.expected.normalize():f} {lot.unit_name}, the count found "
        f"{found.counted.normalize():f}. A second staff member signs the resolution.",
    }
    return render(request, "inventory/form_page.html", context)
