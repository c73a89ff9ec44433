from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "medijourney.cases"
    label = "cases"

    def ready(self) -> None:
        # Register what cases holds about a patient with privacy's export and erasure.
        from . import portability  # noqa: F401
