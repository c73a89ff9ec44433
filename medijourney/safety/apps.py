from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Emergency warning signs and the local emergency number. Shared like core: it imports no
    domain app, so discovery (triage, search) and cases (intake) may both use it."""

    name = "medijourney.safety"
    label = "safety"
    verbose_name = "Safety"
