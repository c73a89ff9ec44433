from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "medijourney.journeys"
    label = "journeys"

    def ready(self) -> None:
        # Build the draft itinerary when a plan is accepted, timeline kinds and case-page links,
        # the recurring jobs, and what journeys holds about a patient for export.
        from . import hooks, portability, tasks  # noqa: F401
