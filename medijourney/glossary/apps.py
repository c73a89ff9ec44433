from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    """The medical glossary: terms with plain explanations in every interface language, read from
    the files in ``data/`` once per process. Shared like ``safety``: it imports no domain app, so
    catalog, quotes, interop and aftercare can all explain terms where they appear."""

    name = "medijourney.glossary"
    label = "glossary"
    verbose_name = "Glossary"
