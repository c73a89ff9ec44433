"""Admin for operators. Health details are not listed; the admin is for fixing data, and the
case pages (which audit reads) are where people work."""

from django.contrib import admin

from medijourney.privacy.admin_audit import AuditedAdminMixin

from .models import Case, CaseEvent, CaseManagerAvailability, Document, Notification


@admin.register(Case)
class CaseAdmin(AuditedAdminMixin):
    list_display = ("reference", "stage", "assigned_to", "first_response_due_at", "first_responded_at", "created_at")
    list_filter = ("stage", "source", "language_fallback")
    search_fields = ("reference",)
    readonly_fields = ("reference", "public_id", "patient", "triage", "consent_version", "consent_given_at")
    raw_id_fields = ("assigned_to", "first_responder")
    exclude = ("need",)


@admin.register(CaseManagerAvailability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ("user", "out_of_office", "back_on", "last_assigned_at")
    raw_id_fields = ("user",)


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "actor", "occurred_at")
    list_filter = ("kind",)
    raw_id_fields = ("case", "actor")


@admin.register(Document)
class DocumentAdmin(AuditedAdminMixin):
    list_display = ("public_id", "case", "kind", "size", "scan_status", "created_at")
    list_filter = ("scan_status", "kind")
    readonly_fields = ("storage_key", "sha256", "size", "kind", "original_name", "case", "uploaded_by")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "sent_at", "attempts", "created_at")
    list_filter = ("kind",)
    readonly_fields = ("key", "kind", "case", "to_email", "context", "subject", "sent_at", "attempts")
