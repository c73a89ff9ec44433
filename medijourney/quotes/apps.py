from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "medijourney.quotes"
    label = "quotes"

    def ready(self) -> None:
        # Hook into cases (partner visibility, timeline kinds, email kinds) and register what
        # quotes holds about a patient with privacy's export and erasure.
        from . import hooks, portability  # noqa: F401
