from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "ketacare.inventory"
    label = "inventory"
    verbose_name = "Controlled-substance ledger"
