from django.apps import AppConfig


class RemsConfig(AppConfig):
    name = "ketacare.rems"
    label = "rems"
    verbose_name = "SPRAVATO REMS monitoring forms"

    def ready(self) -> None:
        from ketacare.rems import tasks  # noqa: F401  (registers the REMS reminder jobs)
