from typing import Any

from django.db.models import QuerySet

from .models import ApiToken
from .permissions import has_perm


def api_tokens_visible_to(user: Any) -> QuerySet[ApiToken]:
    """A person sees their own tokens; the operator sees all."""
    if not has_perm(user, "accounts.manage_api_tokens"):
        return ApiToken.objects.none()
    qs = ApiToken.objects.select_related("user").order_by("-created_at")
    if has_perm(user, "accounts.manage_all_api_tokens"):
        return qs
    return qs.filter(user=user)
