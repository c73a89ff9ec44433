from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "medijourney.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Apps register their recurring jobs in tasks.py (core.scheduling.register_job).
        autodiscover_modules("tasks")
