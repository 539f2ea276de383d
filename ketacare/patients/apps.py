from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "ketacare.patients"
    label = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        from ketacare.patients import signals  # noqa: F401  (connects sign-in audit receivers)
