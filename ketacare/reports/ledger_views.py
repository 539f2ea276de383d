"""The controlled-substance reports' page and their exports (CSV and PDF): the inventory at the
end of a day, the dispensing and administration log, and the reconciliation. An export that
names patients (the log) is audited with the patients it carries."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.csv_export import csv_lines
from ketacare.core.models import AuditAction
from ketacare.inventory.queries import entries_between
from ketacare.rems.pdf import PdfUnavailable, html_to_pdf
from ketacare.reports import ledger
from ketacare.reports.forms import LedgerPeriodForm

# The reports open on the last 30 days.
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Report:
    title: str
    columns: Sequence[str]
    rows: Callable[[Clinic, dt.date, dt.date], list[tuple[str, ...]]]


REPORTS = {
    "inventory": Report(
        "Controlled-substance inventory",
        ledger.INVENTORY_COLUMNS,
        lambda clinic, first, last: ledger.inventory_rows(clinic, last),
    ),
    "log": Report("Dispensing and administration log", ledger.LOG_COLUMNS, ledger.log_rows),
    "reconciliation": Report(
        "Reconciliation of doses, draws, waste and balance",
        ledger.RECONCILIATION_COLUMNS,
        lambda clinic, first, last: [r.row() for r in ledger.reconciliation(clinic, first, last)],
    ),
}


def _period(request: StaffRequest) -> tuple[LedgerPeriodForm, dt.date, dt.date]:
    today = request.membership.clinic.today()
    data = request.GET if "first" in request.GET or "last" in request.GET else None
    initial = {"first": today - dt.timedelta(days=DEFAULT_DAYS), "last": today}
    form = LedgerPeriodForm(data, initial=initial)
    if form.is_valid():
        return form, form.cleaned_data["first"], form.cleaned_data["last"]
    return form, initial["first"], initial["last"]


@staff_view(Perm.STOCK_VIEW)
def ledger_report(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form, first, last = _period(request)
    rows = ledger.reconciliation(clinic, first, last) if not form.errors else []
    context = {
        "form": form,
        "first": first,
        "last": last,
        "rows": rows,
        "mismatches": sum(1 for row in rows if not row.balanced),
        "querystring": f"first={first:%Y-%m-%d}&last={last:%Y-%m-%d}",
    }
    return render(request, "reports/ledger.html", context, status=400 if form.errors else 200)


def _audit_export(request: StaffRequest, name: str, first: dt.date, last: dt.date) -> None:
    clinic = request.membership.clinic
    patients: list[object] = []
    if name == "log":
        end = ledger.day_start(clinic, last + dt.timedelta(days=1))
        entries = entries_between(clinic, ledger.day_start(clinic, first), end)
        patients = [e.patient.public_id for e in entries if e.patient is not None]
    named = list(dict.fromkeys(str(p) for p in patients))
    entry = audit.AuditEntry(
        action=AuditAction.EXPORT,
        object_type=f"ledger_{name}",
        object_id=str(clinic.public_id),
        clinic_id=clinic.public_id,
        changes={"from": f"{first}", "to": f"{last}", "patients": named},
    )
    with transaction.atomic():
        audit.record(entry, request.actor)


@staff_view(Perm.STOCK_VIEW)
def ledger_export(request: StaffRequest, report: str, fmt: str) -> HttpResponse:
    clinic = request.membership.clinic
    form, first, last = _period(request)
    if form.errors:
        return render(request, "reports/ledger.html", {"form": form, "rows": []}, status=400)
    chosen = REPORTS[report]
    rows = chosen.rows(clinic, first, last)
    _audit_export(request, report, first, last)
    filename = f"{report}-{clinic.slug}-{last:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse("".join(csv_lines(chosen.columns, rows)), content_type="text/csv")
    else:
        context = {"report": chosen, "rows": rows, "clinic": clinic, "first": first, "last": last}
        try:
            pdf = html_to_pdf(render_to_string("reports/ledger_pdf.html", context))
        except PdfUnavailable:
            return render(request, "reports/ledger_pdf_unavailable.html", {}, status=503)
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
