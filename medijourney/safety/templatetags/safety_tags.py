from django import template

from medijourney.safety.numbers import AS_OF, SOURCE, country_choices

register = template.Library()


@register.simple_tag
def emergency_countries() -> list[tuple[str, str]]:
    return country_choices()


@register.simple_tag
def emergency_source() -> str:
    return f"{SOURCE}, {AS_OF}"
