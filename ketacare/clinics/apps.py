from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "ketacare.clinics"
    label = "clinics"
    verbose_name = "Clinics"
