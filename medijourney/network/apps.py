from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "medijourney.network"
    label = "network"
