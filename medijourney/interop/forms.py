"""The discharge summary form: fixed rows for the lists, each field named as the service names it
(``medications[0].name``), so a service error lands beside its field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import DischargeInput
from .services.discharge import ITEM_FIELDS

ROWS = {"procedures": 4, "diagnoses": 3, "medications": 5, "devices": 2, "allergies": 3}
LABELS: dict[str, Any] = {
    "text": _("Diagnosis"),
    "system": _("Code system"),
    "code": _("Code"),
    "name": _("Medicine"),
    "dose": _("Dose"),
    "frequency": _("How often"),
    "until": _("Until (YYYY-MM-DD)"),
    "type": _("Implant or device"),
    "manufacturer": _("Manufacturer"),
    "model": _("Model"),
    "lot": _("Lot"),
    "serial": _("Serial number"),
    "substance": _("Allergy to"),
    "reaction": _("Reaction"),
}
# Where a field of one row kind is labelled otherwise than the same name elsewhere.
KIND_LABELS: dict[tuple[str, str], Any] = {
    ("procedures", "text"): _("Procedure performed"),
    ("procedures", "date"): _("Date, if not the first procedure's (YYYY-MM-DD)"),
}
SYSTEMS = [("", _("no code")), ("icd10", "ICD-10"), ("snomed", "SNOMED CT")]


class DateInput(forms.DateInput):
    input_type = "date"


class DischargeForm(forms.Form):
    procedure_date = forms.DateField(label=_("Date of the (first) procedure"), required=False, widget=DateInput)
    surgeon = forms.CharField(label=_("Surgeon"), max_length=200, required=False)
    complications = forms.CharField(
        label=_("Complications"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    instructions = forms.CharField(
        label=_("Instructions for the patient"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up = forms.CharField(
        label=_("Follow-up plan"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fit_to_fly_date = forms.DateField(label=_("Fit to fly from (confirmed)"), required=False, widget=DateInput)
    correction_reason = forms.CharField(
        label=_("What this correction changes (for a new version)"), max_length=500, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, count in ROWS.items():
            for i in range(count):
                for name in ITEM_FIELDS[kind]:
                    key = f"{kind}[{i}].{name}"
                    label = KIND_LABELS.get((kind, name), LABELS.get(name))
                    if name == "system":
                        self.fields[key] = forms.ChoiceField(label=label, choices=SYSTEMS, required=False)
                    else:
                        self.fields[key] = forms.CharField(label=label, max_length=200, required=False)

    def rows(self, kind: str) -> list[list[forms.BoundField]]:
        return [[self[f"{kind}[{i}].{name}"] for name in ITEM_FIELDS[kind]] for i in range(ROWS[kind])]

    def procedure_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("procedures")

    def diagnosis_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("diagnoses")

    def medication_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("medications")

    def device_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("devices")

    def allergy_rows(self) -> list[list[forms.BoundField]]:
        return self.rows("allergies")

    def to_input(self) -> DischargeInput:
        d = self.cleaned_data
        lists = {
            kind: [{name: d.get(f"{kind}[{i}].{name}", "") for name in ITEM_FIELDS[kind]} for i in range(count)]
            for kind, count in ROWS.items()
        }
        return DischargeInput(
            procedure_date=d.get("procedure_date"),
            surgeon=d.get("surgeon", ""),
            complications=d.get("complications", ""),
            instructions=d.get("instructions", ""),
            follow_up=d.get("follow_up", ""),
            fit_to_fly_date=d.get("fit_to_fly_date"),
            correction_reason=d.get("correction_reason", ""),
            **lists,
        )


def initial_from(summary: Any) -> dict[str, Any]:
    """A correction starts from the current version."""
    if summary is None:
        return {}
    data: dict[str, Any] = {
        f: getattr(summary, f)
        for f in (
            "procedure_date",
            "surgeon",
            "complications",
            "instructions",
            "follow_up",
            "fit_to_fly_date",
        )
    }
    for kind in ROWS:
        for i, item in enumerate(getattr(summary, kind)[: ROWS[kind]]):
            for name, value in item.items():
                data[f"{kind}[{i}].{name}"] = value
    return data


class HomeRecordForm(forms.Form):
    file = forms.FileField(
        label=_("Your patient summary (IPS), a FHIR JSON file from your home doctor's system"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json,application/fhir+json"}),
    )


class DoctorLinkForm(forms.Form):
    label = forms.CharField(
        label=_("Name of the link (for example, your doctor's name)"), max_length=80, required=False
    )
    days = forms.IntegerField(
        label=_("Valid for (days, at most 365)"), initial=30, min_value=1, max_value=365, required=False
    )
    passcode = forms.CharField(
        label=_("Passcode (optional, at least 6 characters: tell your doctor separately)"),
        max_length=100,
        required=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
    )
    with_pdf = forms.BooleanField(
        label=_("Also add the discharge summary as a PDF your doctor can download"),
        required=False,
    )


class DoctorReplyForm(forms.Form):
    doctor_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    registration_number = forms.CharField(label=_("Your registration number"), max_length=100, required=False)
    message = forms.CharField(
        label=_("Your question or note for the case manager"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    passcode = forms.CharField(required=False, widget=forms.HiddenInput)
