from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medijourney.catalog.models import Country, Language, Procedure, Specialty
from medijourney.core.currencies import currency_choices
from medijourney.core.forms import choice_field
from medijourney.core.uploads import CleanUpload, validate_upload

from .models import AccreditationBody, Hospital
from .offer_items import OFFER_ITEMS
from .services import REJECT, VERIFY


class EvidenceField(forms.FileField):
    """One evidence file (PDF, PNG or JPEG), checked by content with core.uploads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}))
        kwargs.setdefault("help_text", _("PDF, PNG or JPEG. Files cannot be kept if the form has to be sent again."))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> CleanUpload | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        return validate_upload(upload)


def _specialty_choices() -> list[tuple[str, str]]:
    return [(s.id, s.name) for s in Specialty.objects.order_by("position")]


def _language_choices() -> list[tuple[str, str]]:
    return [(lang.code, lang.name) for lang in Language.objects.order_by("name")]


class HospitalFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or city"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)
    body = forms.ChoiceField(label=_("Accreditation"), required=False)
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)

    def __init__(self, *args: Any, countries: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "country").choices = [("", _("Any country")), *(countries or [])]
        choice_field(self, "specialty").choices = [("", _("Any specialty")), *_specialty_choices()]
        choice_field(self, "body").choices = [("", _("Any accreditation"))] + [
            (b.code, b.short_name) for b in AccreditationBody.objects.filter(admits_to_network=True)
        ]
        choice_field(self, "procedure").choices = [
            ("", _("Any procedure")),
            *list(Procedure.objects.order_by("name").values_list("slug", "name")),
        ]


class StaffHospitalFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or city"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    membership = forms.ChoiceField(
        label=_("In the network"),
        required=False,
        choices=[("", _("Either")), ("in", _("In the network")), ("out", _("Not in the network"))],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Hospital.Status.choices])
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("Any")), *Hospital.Source.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "country").choices = [
            ("", _("Any country")),
            *list(Country.objects.filter(is_destination=True).order_by("name").values_list("code", "name")),
        ]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(VERIFY, _("Verify / approve")), (REJECT, _("Reject"))],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting: the hospital sees it."),
        max_length=2000,
    )
    evidence = EvidenceField(label=_("Evidence file"), required=False)

    def __init__(self, *args: Any, allow_evidence: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_evidence:
            del self.fields["evidence"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if data.get("decision") == REJECT and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why in the note when rejecting."))
        return data


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for suspension"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReinstateForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ProfileChangeForm(forms.Form):
    website = forms.URLField(label=_("Website"), required=False, max_length=500, assume_scheme="https")
    about = forms.CharField(label=_("About the hospital"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken by the international patient desk"), required=False, widget=forms.SelectMultiple
    )
    specialties = forms.MultipleChoiceField(label=_("Specialties"), required=False, widget=forms.CheckboxSelectMultiple)
    intl_desk_name = forms.CharField(label=_("International patient desk contact"), required=False, max_length=200)
    intl_desk_email = forms.EmailField(label=_("International patient desk email"), required=False)
    intl_desk_phone = forms.CharField(label=_("International patient desk phone"), required=False, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "languages").choices = _language_choices()
        choice_field(self, "specialties").choices = _specialty_choices()


class DoctorChangeForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    qualifications = forms.CharField(label=_("Qualifications"), required=False, max_length=500)
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False, widget=forms.SelectMultiple)
    specialties = forms.MultipleChoiceField(label=_("Specialties"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "languages").choices = _language_choices()
        choice_field(self, "specialties").choices = _specialty_choices()


class OfferChangeForm(forms.Form):
    procedure = forms.ChoiceField(label=_("Procedure"))
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices, initial="USD")
    price_min = forms.DecimalField(label=_("Lowest price"), min_value=1, max_digits=12, decimal_places=2)
    price_max = forms.DecimalField(label=_("Highest price"), min_value=1, max_digits=12, decimal_places=2)
    inclusions = forms.MultipleChoiceField(
        label=_("Included in the price"),
        required=False,
        choices=OFFER_ITEMS,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Items not ticked are shown to patients as not included."),
    )
    wait_days = forms.IntegerField(label=_("Waiting time (days)"), required=False, min_value=0, max_value=3650)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "procedure").choices = list(Procedure.objects.order_by("name").values_list("slug", "name"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and high < low:
            self.add_error("price_max", _("The highest price must be at least the lowest."))
        return data

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["inclusions"] = dict.fromkeys(data.get("inclusions") or [], True)
        return data


class AccreditationSubmitForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Accrediting body"), queryset=AccreditationBody.objects.none())
    number = forms.CharField(label=_("Accreditation number"), max_length=60)
    level = forms.CharField(label=_("Programme or level"), required=False, max_length=120)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = EvidenceField(label=_("Certificate (evidence)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = AccreditationBody.objects.order_by("short_name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date is before the start date."))
        return data


class LicenceSubmitForm(forms.Form):
    registry = forms.CharField(label=_("Registry or medical council"), max_length=200)
    number = forms.CharField(label=_("Licence number"), max_length=60)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if the registry gives no end date."),
    )
    evidence = EvidenceField(label=_("Licence (evidence)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date is before the start date."))
        return data
