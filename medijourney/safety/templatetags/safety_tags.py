from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from medijourney.safety.numbers import AS_OF, SOURCE, country_choices

register = template.Library()


@register.simple_tag
def emergency_countries() -> list[tuple[str, str]]:
    return country_choices()


@register.simple_tag
def emergency_source() -> SafeString:
    """The numbers' source, named as published (in English, marked so for screen readers)."""
    return format_html('<span lang="en">{}</span>, {}', SOURCE, AS_OF)
