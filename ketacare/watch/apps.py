from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "ketacare.watch"
    label = "watch"
    verbose_name = "Long-term safety watch"

    def ready(self) -> None:
        from ketacare.watch import tasks  # noqa: F401  (jobs)
