from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "medijourney.discovery"
    label = "discovery"
