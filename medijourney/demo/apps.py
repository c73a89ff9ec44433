from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo set-up sits above every domain app: it may call any app's services."""

    name = "medijourney.demo"
    label = "demo"
