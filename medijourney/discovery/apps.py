from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "medijourney.discovery"
    label = "discovery"

    def ready(self) -> None:
        # Register what discovery holds about a patient (saved searches) with export and erasure.
        from . import portability  # noqa: F401
