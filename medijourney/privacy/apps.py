from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "medijourney.privacy"
    label = "privacy"
    verbose_name = "Privacy and audit"
