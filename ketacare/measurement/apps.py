from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "ketacare.measurement"
    label = "measurement"
    verbose_name = "Measurement-based care and the patient portal"

    def ready(self) -> None:
        from ketacare.measurement import reminders, tasks  # noqa: F401  (the jobs)
