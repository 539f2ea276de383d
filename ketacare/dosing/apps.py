from django.apps import AppConfig


class DosingConfig(AppConfig):
    # Labelled "dosing", not "sessions": Django's own session app already holds that label.
    name = "ketacare.dosing"
    label = "dosing"
    verbose_name = "Dosing sessions"

    def ready(self) -> None:
        from ketacare.dosing import signals  # noqa: F401  (re-checks sessions on alerts)
