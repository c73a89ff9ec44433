"""``{{ text|explain_terms }}``: glossary terms in product text explained inline (glossary.inline).
``{{ text|explained_terms }}``: only the explanations, for a label or legend that must stay plain.
Never for messages between people (case threads, reviews, notes)."""

from django import template
from django.utils.safestring import SafeString

from medijourney.glossary import inline

register = template.Library()


@register.filter(name="explain_terms")
def explain_terms(value: object) -> SafeString:
    return inline.explain_terms(value)


@register.filter(name="explained_terms")
def explained_terms(value: object) -> SafeString:
    return inline.explained_terms(value)
