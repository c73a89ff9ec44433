from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "medijourney.network"
    label = "network"
    verbose_name = "Provider network"

    def ready(self) -> None:
        # Register the network's importers (NABH register, Wikidata hospitals, nearest airports).
        from . import importers  # noqa: F401
