from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ketacare.reports"
    label = "reports"
    verbose_name = "Reports"
