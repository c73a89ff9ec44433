"""Forms for consent, requests, the hospital's answer, final bills and commission agreements."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medijourney.cases.models import Case, Document, ScanStatus
from medijourney.cases.values import currency_choices
from medijourney.catalog.models import Procedure
from medijourney.core.currencies import currency_choices as active_currency_choices
from medijourney.network.models import Doctor, Hospital
from medijourney.network.offer_items import OFFER_ITEMS

from .consent import CURRENT_SHARE_CONSENT_VERSION, share_consent_text
from .models import CommissionAgreement, LineStatus, Scope
from .selectors import HospitalChoice, comparison_currencies, partner_ready_hospitals, verified_doctors
from .services import LineInput, PlanInput, default_response_hours


class DateInput(forms.DateInput):
    input_type = "date"


class HospitalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Hospital) -> str:
        return f"{obj.name} · {obj.city}, {obj.country.name}" if obj.city else f"{obj.name} · {obj.country.name}"


class HospitalsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Hospital) -> str:
        return f"{obj.name} · {obj.country.name}"


def _scope_choices() -> list[tuple[str, str]]:
    return [(s.value, f"{s.label}: {share_consent_text(s.value)}") for s in Scope]


class ConsentGrantForm(forms.Form):
    hospital = HospitalChoiceField(
        label=_("Hospital"),
        queryset=Hospital.objects.none(),
        help_text=_("Hospitals in the MediJourney network that can receive requests."),
    )
    scope = forms.ChoiceField(label=_("What may be shared"), choices=_scope_choices, widget=forms.RadioSelect)
    agree = forms.BooleanField(label=_("I agree to the text of the option I chose above."))
    text_version = forms.CharField(widget=forms.HiddenInput, initial=CURRENT_SHARE_CONSENT_VERSION, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = partner_ready_hospitals().select_related("country").order_by("name")  # type: ignore[attr-defined]


class ConsentAskForm(forms.Form):
    hospitals = HospitalsField(
        label=_("Ask consent for"), queryset=Hospital.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    scope = forms.ChoiceField(label=_("To share"), choices=Scope.choices, initial=Scope.SUMMARY_WITH_REPORTS)

    def __init__(self, *args: Any, choices: list[HospitalChoice] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [c.hospital.pk for c in choices or [] if c.consent is None]
        field = self.fields["hospitals"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Hospital.objects.filter(pk__in=ids).select_related("country").order_by("name")


class DocumentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Document) -> str:
        return obj.original_name


class QuoteRequestForm(forms.Form):
    hospitals = HospitalsField(
        label=_("Hospitals (1 to 5)"),
        queryset=Hospital.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each needs the patient's consent. Hospitals offering the procedure are listed first."),
    )
    summary = forms.CharField(
        label=_("Summary the hospitals will read"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "A de-identified draft from the case. Read it and remove anything that could identify the patient: "
            "names, contacts, identifiers, addresses, exact dates."
        ),
    )
    documents = DocumentsField(
        label=_("Medical reports to attach"),
        queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only to hospitals whose consent includes reports."),
    )
    respond_within_hours = forms.IntegerField(
        label=_("Answer within (hours)"), min_value=1, max_value=24 * 14, initial=default_response_hours
    )

    def __init__(self, *args: Any, case: Case, choices: list[HospitalChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hospitals"].queryset = (  # type: ignore[attr-defined]
            Hospital.objects.filter(pk__in=[c.hospital.pk for c in choices]).select_related("country")
        )
        self.fields["documents"].queryset = case.documents.filter(scan_status=ScanStatus.CLEAN).order_by("created_at")  # type: ignore[attr-defined]
        self.choices = choices

    def clean_hospitals(self) -> list[Hospital]:
        picked = list(self.cleaned_data["hospitals"])
        if not 1 <= len(picked) <= 5:
            raise forms.ValidationError(_("Choose between 1 and 5 hospitals."))
        return picked


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The case manager reads it (e.g. the procedure is not offered, or more tests are needed first)."),
    )


class DoctorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} · {obj.qualifications}" if obj.qualifications else obj.full_name


LINE_STATUS_CHOICES = [("", "—"), *LineStatus.choices]


class QuoteForm(forms.Form):
    """The treatment plan and the itemised quote. The standard items are fields named
    ``<item>_status``, ``<item>_amount`` and ``<item>_note`` (rendered as one table)."""

    clinical_summary = forms.CharField(
        label=_("Clinical summary of the plan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    procedure = forms.ModelChoiceField(label=_("Proposed procedure"), queryset=Procedure.objects.order_by("name"))
    doctor = DoctorField(
        label=_("Doctor"),
        queryset=Doctor.objects.none(),
        help_text=_("Your doctors with a verified, current licence. Add or renew licences under My hospital."),
    )
    pre_op_days = forms.IntegerField(label=_("Days in the country before the procedure"), min_value=0, max_value=365)
    inpatient_nights = forms.IntegerField(label=_("Nights in hospital"), min_value=0, max_value=365)
    days_before_flying = forms.IntegerField(
        label=_("Days after the procedure before flying home"),
        min_value=0,
        max_value=365,
        help_text=_("Including the nights in hospital."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices, initial="USD")
    valid_until = forms.DateField(label=_("Quote valid until"), widget=DateInput)

    def __init__(self, *args: Any, hospital: Hospital, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        procedure = self._procedure_chosen()
        doctor = self.fields["doctor"]
        doctor.queryset = verified_doctors(  # type: ignore[attr-defined]
            hospital, specialty=procedure.specialty_id if procedure else None
        )
        if procedure is not None:
            doctor.help_text = _(
                "Your doctors of %(specialty)s with a verified, current licence. Add doctors or renew licences under "
                "My hospital."
            ) % {"specialty": procedure.specialty.name}
            doctor.error_messages["invalid_choice"] = _(
                "Choose one of your doctors of %(specialty)s with a verified, current licence."
            ) % {"specialty": procedure.specialty.name}
        if not self.is_bound and "valid_until" not in self.initial:
            self.initial["valid_until"] = timezone.localdate() + datetime.timedelta(days=60)
        for item_id, label in OFFER_ITEMS:
            self.fields[f"{item_id}_status"] = forms.ChoiceField(
                label=_("%(item)s: included?") % {"item": label}, choices=LINE_STATUS_CHOICES
            )
            self.fields[f"{item_id}_amount"] = forms.DecimalField(
                label=_("%(item)s: amount") % {"item": label},
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
            )
            self.fields[f"{item_id}_note"] = forms.CharField(
                label=_("%(item)s: note") % {"item": label}, required=False, max_length=200
            )

    def _procedure_chosen(self) -> Procedure | None:
        """The procedure the plan is for: the one posted, else the one the request names."""
        value = self.data.get("procedure") if self.is_bound else self.initial.get("procedure")
        if isinstance(value, Procedure):
            return value
        if value in (None, ""):
            return None
        try:
            return Procedure.objects.select_related("specialty").filter(pk=value).first()
        except (TypeError, ValueError):
            return None

    @property
    def plan_fields(self) -> list[Any]:
        return [self[name] for name in ("clinical_summary", "procedure", "doctor", "pre_op_days", "inpatient_nights",
                                        "days_before_flying")]  # fmt: skip

    @property
    def quote_fields(self) -> list[Any]:
        return [self["currency"], self["valid_until"]]

    @property
    def item_rows(self) -> list[tuple[str, Any, Any, Any, Any]]:
        return [
            (item_id, label, self[f"{item_id}_status"], self[f"{item_id}_amount"], self[f"{item_id}_note"])
            for item_id, label in OFFER_ITEMS
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item_id, _label in OFFER_ITEMS:
            if data.get(f"{item_id}_status") == LineStatus.INCLUDED and data.get(f"{item_id}_amount") is None:
                self.add_error(f"{item_id}_amount", _("Give the amount of an included item."))
        return data

    def to_plan(self) -> PlanInput:
        data = self.cleaned_data
        lines = {
            item_id: LineInput(
                status=data[f"{item_id}_status"],
                amount=data.get(f"{item_id}_amount"),
                note=data.get(f"{item_id}_note") or "",
            )
            for item_id, _label in OFFER_ITEMS
        }
        return PlanInput(
            clinical_summary=data["clinical_summary"],
            procedure=data["procedure"],
            doctor=data["doctor"],
            pre_op_days=data["pre_op_days"],
            inpatient_nights=data["inpatient_nights"],
            days_before_flying=data["days_before_flying"],
            currency=data["currency"],
            valid_until=data["valid_until"],
            lines=lines,
        )


class FinalBillForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount billed"), min_value=0, max_digits=12, decimal_places=2)
    currency = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)


class CommissionForm(forms.Form):
    hospital = HospitalChoiceField(label=_("Hospital"), queryset=Hospital.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=CommissionAgreement.Kind.choices, widget=forms.RadioSelect)
    percent = forms.DecimalField(
        label=_("Percent of the treatment price"), required=False, min_value=Decimal("0.01"), max_value=100,
        max_digits=5, decimal_places=2,
    )  # fmt: skip
    amount = forms.DecimalField(
        label=_("Fixed amount per patient"), required=False, min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency of the fixed amount"), choices=currency_choices, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput, initial=timezone.localdate)
    valid_to = forms.DateField(label=_("Valid until (optional)"), widget=DateInput, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = partner_ready_hospitals().select_related("country").order_by("name")  # type: ignore[attr-defined]


class CommissionEndForm(forms.Form):
    valid_to = forms.DateField(label=_("Last day of the agreement"), widget=DateInput, initial=timezone.localdate)


def _comparison_currency_choices() -> list[tuple[str, str]]:
    return active_currency_choices(set(comparison_currencies()))


class CurrencyForm(forms.Form):
    """The patient's comparison currency: only currencies the ECB publishes a rate for, so every
    figure on the page can be shown in it."""

    currency = forms.ChoiceField(
        label=_("Show every amount in"),
        choices=_comparison_currency_choices,
        required=False,
        help_text=_("Only currencies with a European Central Bank exchange rate, so every figure can be converted."),
    )
