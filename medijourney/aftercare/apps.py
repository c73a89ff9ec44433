from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "medijourney.aftercare"
    label = "aftercare"

    def ready(self) -> None:
        # The schedule when a case reaches "returned home", timeline kinds, emails and case-page
        # links, the recurring sweep, and what aftercare holds about a patient for export/erasure.
        from . import hooks, portability, tasks  # noqa: F401
