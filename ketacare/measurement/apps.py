from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "ketacare.measurement"
    label = "measurement"
    verbose_name = "Measurement-based care and the patient portal"

    def ready(self) -> None:
        from ketacare.measurement import plans, reminders, tasks  # noqa: F401  (jobs, receivers)
