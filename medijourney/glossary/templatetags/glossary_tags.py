"""``{{ text|explain_terms }}``: glossary terms in product text explained inline (glossary.inline).
``{{ text|explained_terms }}``: only the explanations, for a label or legend that must stay plain.
``{% explain_terms_once text %}``: each term explained once per page.
Never for messages between people (case threads, reviews, notes)."""

from django import template
from django.utils.safestring import SafeString

from medijourney.glossary import inline

register = template.Library()
_SEEN = "glossary_terms_seen"


@register.filter(name="explain_terms")
def explain_terms(value: object) -> SafeString:
    return inline.explain_terms(value)


@register.filter(name="explained_terms")
def explained_terms(value: object) -> SafeString:
    return inline.explained_terms(value)


@register.simple_tag(takes_context=True, name="explain_terms_once")
def explain_terms_once(context: template.Context, value: object) -> SafeString:
    """``{% explain_terms_once text %}`` (or ``... as name``): like the filter, but a term already
    explained earlier on the same page is left plain, so a long page explains each term once."""
    if _SEEN not in context.render_context:
        context.render_context[_SEEN] = set()
    seen: set[str] = context.render_context[_SEEN]
    return inline.explain_terms(value, seen=seen)
