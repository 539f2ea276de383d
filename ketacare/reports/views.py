"""Clinic admins' audit report and its CSV export."""

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.csv_export import csv_lines
from ketacare.core.models import AuditAction
from ketacare.reports.forms import AuditFilterForm
from ketacare.reports.queries import audit_events, patient_names

CSV_COLUMNS = (
    "occurred_at",
    "actor_email",
    "actor_role",
    "actor_kind",
    "actor_task",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "patient_id",
    "ip_address",
    "user_agent",
    "changes",
    "seq",
    "hash",
)


def _filters(request: StaffRequest) -> tuple[AuditFilterForm, dict[str, object]]:
    form = AuditFilterForm(request.GET)
    return form, (form.cleaned_data if form.is_valid() else {})


@staff_view(Perm.AUDIT_VIEW)
def audit_report(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form, filters = _filters(request)
    page = Paginator(audit_events(clinic, filters), 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "mrns": patient_names(clinic, list(page)),
        "querystring": request.GET.urlencode(),
    }
    return render(request, "reports/audit.html", context)


@staff_view(Perm.AUDIT_VIEW)
def audit_report_csv(request: StaffRequest) -> HttpResponse | StreamingHttpResponse:
    clinic = request.membership.clinic
    form, filters = _filters(request)
    if not form.is_valid():
        return render(request, "reports/audit.html", {"form": form, "page": None}, status=400)
    with transaction.atomic():
        audit.record(
            audit.AuditEntry(
                action=AuditAction.EXPORT,
                object_type="audit_report",
                clinic_id=clinic.public_id,
                changes={"filters": {k: str(v) for k, v in filters.items() if v}},
            ),
            request.actor,
        )
    rows = audit_events(clinic, filters).values_list(*CSV_COLUMNS)
    body = csv_lines(CSV_COLUMNS, rows.iterator(chunk_size=2000))
    response = StreamingHttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-{clinic.slug}.csv"'
    return response
