from django.urls import path

from ketacare.reports import views

app_name = "reports"
urlpatterns = [
    path("audit/", views.audit_report, name="audit"),
    path("audit.csv", views.audit_report_csv, name="audit_csv"),
]
