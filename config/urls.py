from django.contrib import admin
from django.urls import include, path

from ketacare.api.api import api

admin.site.site_header = "KetaCare administration"

urlpatterns = [
    path("", include("ketacare.clinics.urls")),
    path("accounts/", include("ketacare.accounts.urls")),
    path("patients/", include("ketacare.patients.urls")),
    path("patients/", include("ketacare.assessments.urls")),
    path("patients/", include("ketacare.screening.urls")),
    path("", include("ketacare.treatment.urls")),
    path("sessions/", include("ketacare.dosing.urls")),
    path("rems/", include("ketacare.rems.urls")),
    path("", include("ketacare.measurement.urls")),
    path("", include("ketacare.therapy.urls")),
    path("", include("ketacare.directory.urls")),
    path("controlled-substances/", include("ketacare.inventory.urls")),
    path("safety-watch/", include("ketacare.watch.urls")),
    path("reports/", include("ketacare.reports.urls")),
    path("demo/", include("ketacare.demo.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
