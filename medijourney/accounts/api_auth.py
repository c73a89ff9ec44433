"""Authentication for the JSON API: the site's session (CSRF enforced by django-ninja) and
bearer tokens for partner systems (stored as SHA-256 digests)."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken


class BearerTokenAuth(HttpBearer):
    openapi_description = "A partner API token: `Authorization: Bearer mjt_…`. Scoped to its owner's hospital."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(ApiToken.PREFIX):
            return None
        found = ApiToken.objects.usable().select_related("user").filter(digest=ApiToken.digest_for(token)).first()
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


session_auth = SessionAuth()  # checks CSRF on unsafe methods
bearer_auth = BearerTokenAuth()
# Endpoints that signed-in people and partner systems may both call.
any_auth = [bearer_auth, session_auth]
