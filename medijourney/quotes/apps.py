from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "medijourney.quotes"
    label = "quotes"
