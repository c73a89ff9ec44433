"""Access helpers that pair a permission decision with its audit row. Views and API endpoints
use these so a denial is never silent and never differs between routes. (Re-exported by
``medijourney.privacy.access``, where most callers import them from.)"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from medijourney.core.audit import DENIED, audit_record
from medijourney.core.http import HtmxRequest

from .models import User
from .permissions import has_perm

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponse]


class AuthenticatedRequest(HtmxRequest):
    """The request of a view behind ``require_perm`` or ``login_required``: someone is signed in."""

    user: User


def deny(user: Any, action: str, obj: Any = None, patient: Any = None, reason: str = "") -> None:
    audit_record(
        actor=user,
        action=action,
        obj=obj,
        patient=patient,
        outcome=DENIED,
        detail={"reason": reason} if reason else None,
    )


def require_perm(permission: str) -> Callable[[View], View]:
    """View decorator: anonymous visitors go to the login page; a signed-in person whose role
    lacks ``permission`` gets 403 and an audited denial."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, permission):
                deny(request.user, permission, reason="role")
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_visible_or_404(visible: QuerySet[M], user: Any, action: str, **lookup: Any) -> M:
    """Fetch one object from a ``<noun>s_visible_to(user)`` queryset. If the object exists but is
    not visible, answer 404 (never revealing it exists) and audit the denial."""
    try:
        return visible.get(**lookup)
    except ObjectDoesNotExist:
        hidden = visible.model._default_manager.filter(**lookup).first()
        if hidden is not None:
            deny(user, action, obj=hidden, reason="not visible")
        raise Http404 from None


def signed_in(request: HttpRequest) -> User:
    """The signed-in user, for code that runs only after the view's sign-in and permission check."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
