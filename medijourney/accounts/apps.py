from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "medijourney.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Every app declares its named permissions in permissions.py; load them all at start-up.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("permissions")
