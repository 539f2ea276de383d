from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "ketacare.directory"
    label = "directory"
    verbose_name = "The public clinic directory"

    def ready(self) -> None:
        from ketacare.directory import (  # noqa: F401  (jobs and receivers)
            public_version,
            staffing,
            tasks,
        )
