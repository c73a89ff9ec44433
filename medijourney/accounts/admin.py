from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medijourney.privacy.access import deny

from .models import ApiToken, User


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """The admin site has no password form of its own: it sends people to the site's sign-in,
    which carries the lockout (django-axes), the per-address rate limit, the audit rows and the
    second factor. A signed-in person whom the admin site refuses gets 403, not a redirect loop."""
    if admin.site.has_permission(request):
        return redirect("admin:index")
    if request.user.is_authenticated:
        deny(request.user, "admin.login", reason="role")
        raise PermissionDenied
    target = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    return redirect_to_login(target, login_url=reverse("accounts:login"))


admin.site.login = admin_login  # type: ignore[method-assign]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "role", "is_active", "is_demo", "date_joined")
    list_filter = ("role", "is_active", "is_demo")
    search_fields = ("email", "full_name")
    readonly_fields = ("public_id", "date_joined", "last_login", "is_demo")
    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        (_("Person"), {"fields": ("full_name", "role", "preferred_language", "spoken_languages", "time_zone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "is_demo")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest", "hint", "last_used_at")
    search_fields = ("name", "user__email")
