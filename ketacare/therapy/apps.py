from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "ketacare.therapy"
    label = "therapy"
    verbose_name = "Therapy alongside the drug: care teams and therapy sessions"

    def ready(self) -> None:
        from ketacare.therapy import rhythm  # noqa: F401  (the pre-dose receiver)
