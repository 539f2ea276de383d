from django.urls import path

from ketacare.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_new, name="new"),
    path("<uuid:patient_id>/", views.patient_chart, name="chart"),
    path("<uuid:patient_id>/edit/", views.patient_edit, name="edit"),
    path("<uuid:patient_id>/measurements/new/", views.measurement_add, name="measurement_add"),
    path("<uuid:patient_id>/allergies/new/", views.allergy_add, name="allergy_add"),
    path("<uuid:patient_id>/medications/new/", views.medication_add, name="medication_add"),
    path("<uuid:patient_id>/diagnoses/new/", views.diagnosis_add, name="diagnosis_add"),
    path(
        "<uuid:patient_id>/<slug:kind>/<uuid:entry_id>/error/",
        views.entry_mark_error,
        name="entry_error",
    ),
]
