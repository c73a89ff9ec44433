from typing import Any

from django import template

from medijourney.core.formatting import money_text

register = template.Library()


@register.filter
def money(amount: Any, currency: str = "") -> str:
    """'USD 12,500' (whole units) or 'USD 12,500.50'; empty for no amount."""
    if amount is None or amount == "":
        return ""
    return money_text(amount, currency)


@register.simple_tag
def price_text(price: Any) -> str:
    """A reference price or an offer as text: 'USD 8,600 – 12,900 (typical 10,750)', 'USD 7,900',
    'from USD 2,400', 'up to USD 5,000'."""
    currency = getattr(price, "currency", "")
    point = getattr(price, "price", None)
    low = getattr(price, "price_low", getattr(price, "price_min", None))
    high = getattr(price, "price_high", getattr(price, "price_max", None))
    if low is not None and high is not None and low != high:
        text = f"{money(low, currency)} – {money(high)}"
        return f"{text} (typical {money(point)})" if point is not None else text
    if point is not None:
        return money(point, currency)
    if low is not None:
        return money(low, currency) if high is not None else f"from {money(low, currency)}"
    if high is not None:
        return f"up to {money(high, currency)}"
    return ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """mapping[key] for dicts; an attribute (a related set joined by commas) for objects."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    value = getattr(mapping, str(key), None)
    if value is not None and hasattr(value, "all"):
        return ", ".join(str(v) for v in value.all())
    return value


@register.filter
def listtext(value: Any) -> Any:
    """Lists and tuples as 'a, b, c'; anything else unchanged."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value
