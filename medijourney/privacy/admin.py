from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, ErasureRequest


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_at",
        "action",
        "outcome",
        "actor_role",
        "actor_id",
        "object_type",
        "object_id",
        "patient_id",
    )
    list_filter = ("outcome", "actor_role", "action")
    search_fields = ("object_id", "request_id", "actor_id", "patient_id")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ("public_id", "status", "requested_at", "decided_at", "completed_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in ErasureRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
