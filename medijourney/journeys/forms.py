from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from medijourney.core.uploads import UploadsField

from .models import Person


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class StepMoveForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput)
    time = forms.TimeField(label=_("Time (local, optional)"), required=False, widget=TimeInput)
    override_reason = forms.CharField(
        label=_("Reason to fly before the fit-to-fly date (case manager only, shown to the patient)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PassportForm(forms.Form):
    person = forms.ChoiceField(label=_("Whose passport"), choices=Person.choices)
    full_name = forms.CharField(label=_("Full name as in the passport"), max_length=200)
    number = forms.CharField(
        label=_("Passport number"), max_length=20, help_text=_("Stored encrypted; shown only as its last 3 characters.")
    )
    country = forms.ChoiceField(label=_("Issuing country"), choices=[("", "—"), *list(countries)])
    expires_on = forms.DateField(label=_("Expiry date"), widget=DateInput)


class LetterForm(forms.Form):
    signatory_name = forms.CharField(label=_("Signed by"), max_length=200)
    signatory_title = forms.CharField(label=_("Signatory's title"), max_length=200)


class CompanionForm(forms.Form):
    name = forms.CharField(label=_("Companion's name"), max_length=120)


class ChecklistUploadForm(forms.Form):
    document = UploadsField(label=_("File (PDF, JPEG or PNG)"), max_files=1)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=24)
