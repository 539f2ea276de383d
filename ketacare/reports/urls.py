from django.urls import path

from ketacare.reports import ledger_views, views

app_name = "reports"
urlpatterns = [
    path("audit/", views.audit_report, name="audit"),
    path("audit.csv", views.audit_report_csv, name="audit_csv"),
    path("ledger/", ledger_views.ledger_report, name="ledger"),
    *(
        path(
            f"ledger/{report}.{fmt}",
            ledger_views.ledger_export,
            {"report": report, "fmt": fmt},
            name=f"ledger_{report}_{fmt}",
        )
        for report in ledger_views.REPORTS
        for fmt in ("csv", "pdf")
    ),
]
