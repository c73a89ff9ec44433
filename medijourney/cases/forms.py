"""Forms for the intake page, the case workspace and the patient portal."""

import datetime
import re
import secrets
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from medijourney.accounts.models import User
from medijourney.core.forms import CountedTextarea
from medijourney.core.uploads import UploadsField, max_upload_files

from .attachments import attachment_check, inquiry_attachments
from .consent import CURRENT_CONSENT_VERSION, consent_text
from .models import Stage
from .selectors import allowed_transitions, case_team_members
from .services import InquiryData
from .values import currency_choices, destination_choices, language_choices, phone_normalize


def _uploads_help() -> str:
    # Translated when the form is rendered (a %-formatted lazy string is fixed at import, in English).
    return gettext("PDF, JPEG or PNG; up to %(count)s files of 10 MB each.") % {"count": max_upload_files()}


uploads_help = lazy(_uploads_help, str)

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
NEED_MAX = 5000
FILES_NOT_KEPT = _(
    "Your browser cannot keep attached files when a form comes back with an error: please attach "
    "your files again. Everything you typed has been kept."
)


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


class DateInput(forms.DateInput):
    input_type = "date"


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((code, str(name)) for code, name in countries)]


class InquiryForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    consent_version = forms.CharField(widget=forms.HiddenInput, initial=CURRENT_CONSENT_VERSION)
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    email = forms.EmailField(label=_("Email"), help_text=_("We send your case reference here."))
    phone = forms.CharField(
        label=_("Phone"), max_length=40, help_text=_("With the country code, e.g. +234 803 123 4567.")
    )
    country_of_residence = forms.ChoiceField(label=_("Country where you live"), choices=_country_choices)
    passport_country = forms.ChoiceField(label=_("Passport country"), choices=_country_choices)
    preferred_language = forms.ChoiceField(
        label=_("Language you want us to use"),
        choices=language_choices,
        help_text=_("We assign a case manager who speaks it when we can."),
    )
    need = forms.CharField(
        label=_("What do you need help with?"),
        max_length=NEED_MAX,
        widget=CountedTextarea(attrs={"rows": 5}),
        help_text=_("In your own words: your condition, what doctors have said, what you are looking for."),
        error_messages={
            "max_length": _(
                "Please shorten this to %(limit_value)d characters (it has %(show_value)d): nothing was cut, "
                "you can attach longer reports as documents."
            )
        },
    )
    procedure_requested = forms.CharField(label=_("Procedure, if you know it"), max_length=200, required=False)
    destinations = forms.MultipleChoiceField(
        label=_("Countries you would consider"),
        choices=destination_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    budget_amount = forms.DecimalField(
        label=_("Budget (optional)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    budget_currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices, initial="USD", required=False)
    travel_earliest = forms.DateField(label=_("Could travel from"), required=False, widget=DateInput)
    travel_latest = forms.DateField(label=_("Could travel until"), required=False, widget=DateInput)
    companion = forms.BooleanField(label=_("Someone will travel with me"), required=False)
    documents = UploadsField(
        label=_("Medical reports (optional)"),
        required=False,
        help_text=uploads_help(),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my health information as described above."),
        error_messages={"required": _("We need your consent to process your health information to answer you.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        for name in ("travel_earliest", "travel_latest"):
            self.fields[name].widget.attrs["min"] = today  # a hint; the server refuses past dates by name
        # Files later apps take with the inquiry (cases.attachments): checked in clean().
        self.attachments = inquiry_attachments()
        self.attachments_checked: dict[str, Any] = {}
        for attachment in self.attachments:
            self.fields[attachment.name] = attachment.field()

    def attachment_parts(self) -> list[tuple[Any, forms.BoundField]]:
        """(legend, bound field) of each registered attachment, for the template."""
        return [(a.legend, self[a.name]) for a in self.attachments]

    def clean_token(self) -> str:
        token = self.cleaned_data.get("token") or ""
        return token if TOKEN_RE.match(token) else new_form_token()

    def clean_phone(self) -> str:
        return phone_normalize(self.cleaned_data.get("phone", ""), self.data.get("country_of_residence"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if data.get("budget_amount") is not None and not data.get("budget_currency"):
            self.add_error("budget_currency", _("Please choose the currency of your budget."))
        start, end = data.get("travel_earliest"), data.get("travel_latest")
        if start and end and end < start:
            self.add_error("travel_latest", _("The end of your travel window is before its start."))
        self._check_attachments(data)
        return data

    def _check_attachments(self, data: dict[str, Any]) -> None:
        for attachment in self.attachments:
            upload = data.get(attachment.name)
            if not upload:
                continue
            checked, problems = attachment_check(attachment, upload)
            if problems:
                self.add_error(attachment.name, problems)
            else:
                self.attachments_checked[attachment.name] = checked

    def consent_text(self) -> str:
        return str(consent_text(self.data.get("consent_version") or CURRENT_CONSENT_VERSION))

    def to_inquiry(self) -> InquiryData:
        d = self.cleaned_data
        return InquiryData(
            full_name=d["full_name"],
            email=d["email"],
            phone=d["phone"],
            country_of_residence=d["country_of_residence"],
            passport_country=d["passport_country"],
            preferred_language=d["preferred_language"],
            need=d["need"],
            consent=bool(d["consent"]),
            consent_version=d.get("consent_version") or CURRENT_CONSENT_VERSION,
            procedure_requested=d.get("procedure_requested") or "",
            destinations=list(d.get("destinations") or []),
            budget_amount=d.get("budget_amount"),
            budget_currency=(d.get("budget_currency") or "") if d.get("budget_amount") is not None else "",
            travel_earliest=d.get("travel_earliest"),
            travel_latest=d.get("travel_latest"),
            companion=bool(d.get("companion")),
        )


def _prefill_date(value: str) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if day >= timezone.localdate() else None


def inquiry_prefill(params: Any) -> dict[str, Any]:
    """Initial values for the inquiry form from a search, compare or hospital page's link (search's
    parameter names: procedure, destinations, origin, passport, currency, travel_from, travel_to,
    companion, need). Unknown codes and past dates are dropped; nothing else is checked here
    because nothing is sent until the patient submits the form."""
    countries_known = {code for code, _name in _country_choices() if code}
    initial: dict[str, Any] = {}
    for name, field in (("need", "need"), ("procedure", "procedure_requested")):
        value = str(params.get(name, "")).strip()
        if value:
            initial[field] = value[: NEED_MAX if name == "need" else 200]
    for name, field in (("origin", "country_of_residence"), ("passport", "passport_country")):
        code = str(params.get(name, "")).upper()
        if code in countries_known:
            initial[field] = code
    if not initial.get("passport_country") and initial.get("country_of_residence"):
        initial["passport_country"] = initial["country_of_residence"]
    allowed = {code for code, _name in destination_choices()}
    wanted = [c.upper() for c in (params.getlist("destinations") if hasattr(params, "getlist") else [])]
    if wanted:
        initial["destinations"] = [c for c in dict.fromkeys(wanted) if c in allowed]
    currency = str(params.get("currency", "")).upper()
    if currency in {code for code, _name in currency_choices()}:
        initial["budget_currency"] = currency
    for name, field in (("travel_from", "travel_earliest"), ("travel_to", "travel_latest")):
        day = _prefill_date(str(params.get(name, "")))
        if day:
            initial[field] = day
    if params.get("companion") in ("1", "true", "on"):
        initial["companion"] = True
    return initial


class _MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


class _ManagerChoiceField(forms.ModelChoiceField):
    """A case manager with the languages they speak."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name()} ({', '.join(obj.spoken_languages or [])})"


class _PrefixedIds(forms.Form):
    """Several small forms share the case page: give each its own element ids."""

    id_prefix = "f"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class MessageForm(_PrefixedIds):
    id_prefix = "message"

    body = forms.CharField(label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(_PrefixedIds):
    id_prefix = "note"

    body = forms.CharField(
        label=_("Internal note (the patient never sees it)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TaskForm(_PrefixedIds):
    id_prefix = "task"

    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = _MemberChoiceField(label=_("Assignee"), queryset=User.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case_team_members()


class StageForm(_PrefixedIds):
    id_prefix = "stage"

    to = forms.ChoiceField(label=_("Move to stage"), choices=())
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, stage: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, Stage(s).label) for s in allowed_transitions(stage)]


class ReassignForm(_PrefixedIds):
    id_prefix = "reassign"

    assigned_to = _ManagerChoiceField(label=_("Case manager"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case_team_members()


class DocumentUploadForm(_PrefixedIds):
    id_prefix = "upload"

    documents = UploadsField(
        label=_("Add documents"),
        help_text=uploads_help(),
    )


class AvailabilityForm(forms.Form):
    out_of_office = forms.BooleanField(label=_("I am out of office: do not assign me new cases"), required=False)
    back_on = forms.DateField(
        label=_("Back on"), required=False, widget=DateInput, help_text=_("From this day you get new cases again.")
    )
    note = forms.CharField(label=_("Note for leads (optional)"), max_length=200, required=False)
