from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ketacare.core"
    label = "core"
    verbose_name = "KetaCare core"

    def ready(self) -> None:
        from ketacare.core import email  # noqa: F401  (registers the email job)
