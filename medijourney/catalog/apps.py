from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "medijourney.catalog"
    label = "catalog"
