"""Audit reads made through the Django admin, like every other route to patient data."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from .services import audit_record


class AuditedAdminMixin(admin.ModelAdmin):
    """Writes an audit row when an operator opens one object in the admin. ``audit_patient(obj)``
    names the patient concerned (defaults to ``obj.patient`` or ``obj.case.patient``)."""

    def audit_patient(self, obj: Any) -> Any:
        if hasattr(obj, "patient"):
            return obj.patient
        case = getattr(obj, "case", None)
        return getattr(case, "patient", None)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and response.status_code == 200:
            action = f"admin.{obj._meta.model_name}.view"
            audit_record(actor=request.user, action=action, obj=obj, patient=self.audit_patient(obj))
        return response
