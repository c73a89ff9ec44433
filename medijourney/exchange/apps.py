from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "medijourney.exchange"
    label = "exchange"

    def ready(self) -> None:
        # Hook into cases (timeline kinds, emails, links from the case pages) and register what
        # exchange holds about a person with privacy's export and erasure.
        from . import hooks, portability, tasks  # noqa: F401
