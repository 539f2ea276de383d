from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "ketacare.treatment"
    label = "treatment"
    verbose_name = "Protocols and treatment courses"

    def ready(self) -> None:
        from ketacare.clinics.services import clinic_created
        from ketacare.treatment.library import sync_new_clinic

        clinic_created.connect(sync_new_clinic, dispatch_uid="treatment.sync_new_clinic")
