from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "medijourney.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        # Register the catalogue's reference-data importers (catalog.importing registry).
        from . import importers  # noqa: F401
