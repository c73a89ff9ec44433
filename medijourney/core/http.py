from django.conf import settings
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind a proxy set TRUSTED_PROXY_COUNT so X-Forwarded-For is read."""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= hops:
            return parts[-hops]
    return request.META.get("REMOTE_ADDR")


class HtmxRequest(HttpRequest):
    """A request that went through django-htmx's middleware (every request does)."""

    htmx: HtmxDetails
