from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "medijourney.insights"
    label = "insights"

    def ready(self) -> None:
        # Named permissions and the navigation entry.
        from . import permissions  # noqa: F401
