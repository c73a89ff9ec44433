from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User


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
