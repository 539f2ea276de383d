from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ketacare.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from ketacare.accounts import services  # noqa: F401  (registers the password-reset job)
