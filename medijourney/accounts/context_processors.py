from django.conf import settings
from django.http import HttpRequest

from .navigation import navigation_for, navigation_grouped


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    items = navigation_for(user, request.path) if user is not None else []
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "nav_items": items,
        "nav_entries": navigation_grouped(items),
    }
