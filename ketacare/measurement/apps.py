from django.apps import AppConfig


class MeasurementConfig(AppConfig):
    name = "ketacare.measurement"
    label = "measurement"
    verbose_name = "Measurement-based care and the patient portal"

    def ready(self) -> None:
        from ketacare.measurement import (  # noqa: F401  (jobs, receivers)
            course_outcomes,
            plans,
            reminders,
            tasks,
        )
