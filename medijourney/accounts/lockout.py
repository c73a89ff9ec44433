"""How django-axes identifies a sign-in attempt: the email as sign-in matches it and the client
address as the rate limits see it.

Sign-in matches an email without regard to letter case, so failures must be counted the same way:
``U@EXAMPLE.ORG``, `` u@example.org `` and ``u@Example.Org`` are one account and share one counter.
The address comes from ``core.http.client_ip`` (which reads X-Forwarded-For only behind
TRUSTED_PROXY_COUNT proxies), so a lockout and the per-address rate limit agree on who is asking."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from medijourney.core.http import client_ip


def login_normalize(value: Any) -> str:
    """The one spelling of a sign-in email: surrounding spaces removed, lower case (as stored)."""
    return str(value or "").strip().lower()


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised email from the credentials or the posted form."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        return login_normalize(credentials.get(field))
    data = getattr(request, "POST", None) or {}
    return login_normalize(data.get(field))


def axes_client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the same client address the rate limits and the audit log use."""
    return client_ip(request)
