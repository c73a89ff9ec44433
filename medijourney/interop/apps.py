from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "medijourney.interop"
    label = "interop"

    def ready(self) -> None:
        # Case-page links, timeline kinds, and what interop holds about a patient for export/erasure.
        from . import hooks, portability  # noqa: F401
