from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "ketacare.directory"
    label = "directory"
    verbose_name = "The public clinic directory"
