from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "medijourney.discovery"
    label = "discovery"

    def ready(self) -> None:
        from medijourney.core.health import register_readiness

        # Register what discovery holds about a patient (saved searches) with export and erasure.
        from . import portability  # noqa: F401
        from .search.warm import STATE

        # Readiness (/readyz) waits for this process's search indexes while they are warming.
        register_readiness("search_index", STATE.as_check)
