from django.urls import path

from ketacare.clinics import views

urlpatterns = [
    path("", views.home, name="home"),
    path("clinic/switch/", views.switch_clinic, name="switch_clinic"),
    path("clinic/details/", views.clinic_details, name="clinic_details"),
    path("clinic/jobs/", views.clinic_jobs, name="clinic_jobs"),
]
