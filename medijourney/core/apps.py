from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medijourney.core"
    label = "core"
    verbose_name = "Core"
