from django.urls import path

from ketacare.assessments import views

app_name = "assessments"
urlpatterns = [
    path("<uuid:patient_id>/assessments/", views.assessment_list, name="list"),
    path(
        "<uuid:patient_id>/assessments/new/<slug:instrument>/",
        views.assessment_add,
        name="add",
    ),
    # "mark-error", not "error": /<patient>/<kind>/<entry>/error/ belongs to the patients app.
    path(
        "<uuid:patient_id>/assessments/<uuid:assessment_id>/mark-error/",
        views.assessment_mark_error,
        name="mark_error",
    ),
]
