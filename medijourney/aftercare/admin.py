"""Admin: an operator who holds a licence loads a licensed instrument (e.g. KOOS, PROMIS) as a FHIR
R4 Questionnaire JSON; none is shipped. Per-procedure check-in days. Check-ins and reviews are not
editable here (health data and published reviews change only through services)."""

from typing import Any

import pydantic
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import LoadedQuestionnaire, ScheduleOverride
from .questionnaire import validate_loaded
from .rules import MAX_DAY


class LoadedQuestionnaireForm(forms.ModelForm):
    class Meta:
        model = LoadedQuestionnaire
        fields = ("name", "licence", "resource")

    def clean_resource(self) -> Any:
        resource = self.cleaned_data["resource"]
        if not isinstance(resource, dict) or resource.get("resourceType") != "Questionnaire":
            raise forms.ValidationError(_("Paste a FHIR R4 Questionnaire (resourceType “Questionnaire”)."))
        try:
            validate_loaded(resource)
        except pydantic.ValidationError as exc:
            raise forms.ValidationError(
                _("Not a valid FHIR Questionnaire: %(e)s") % {"e": exc.errors()[0]["msg"]}
            ) from None
        return resource

    def clean_licence(self) -> str:
        licence = (self.cleaned_data.get("licence") or "").strip()
        if len(licence) < 10:
            raise forms.ValidationError(_("Say who granted the licence, for which use and until when."))
        return licence

    def save(self, commit: bool = True) -> LoadedQuestionnaire:
        obj = super().save(commit=False)
        obj.url = str(obj.resource.get("url", ""))[:500]
        obj.version = str(obj.resource.get("version", ""))[:50]
        if commit:
            obj.save()
        return obj


@admin.register(LoadedQuestionnaire)
class LoadedQuestionnaireAdmin(admin.ModelAdmin):
    form = LoadedQuestionnaireForm
    list_display = ("name", "url", "version", "created_at")


class ScheduleOverrideForm(forms.ModelForm):
    class Meta:
        model = ScheduleOverride
        fields = ("procedure", "days")

    def clean_days(self) -> list[int]:
        days = self.cleaned_data["days"]
        if not isinstance(days, list) or not days or not all(isinstance(d, int) and 1 <= d <= MAX_DAY for d in days):
            raise forms.ValidationError(_("A list of whole days after discharge, 1 to %(m)s.") % {"m": MAX_DAY})
        return sorted(set(days))


@admin.register(ScheduleOverride)
class ScheduleOverrideAdmin(admin.ModelAdmin):
    form = ScheduleOverrideForm
    list_display = ("procedure", "days")
    autocomplete_fields = ("procedure",)
