from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "medijourney.cases"
    label = "cases"
