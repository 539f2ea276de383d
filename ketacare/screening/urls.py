from django.urls import path

from ketacare.screening import views

app_name = "screening"
urlpatterns = [
    path("<uuid:patient_id>/intake/", views.intake_page, name="intake"),
    path("<uuid:patient_id>/intake/edit/", views.intake_edit, name="intake_edit"),
    path("<uuid:patient_id>/intake/trials/new/", views.trial_add, name="trial_add"),
    path(
        "<uuid:patient_id>/intake/trials/<uuid:trial_id>/mark-error/",
        views.trial_mark_error,
        name="trial_mark_error",
    ),
    path("<uuid:patient_id>/intake/vitals/new/", views.vitals_add, name="vitals_add"),
    path("<uuid:patient_id>/eligibility/", views.eligibility_page, name="eligibility"),
    path("<uuid:patient_id>/eligibility/sign/", views.eligibility_sign, name="eligibility_sign"),
]
