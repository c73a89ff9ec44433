"""Forms of exchange's pages. Values typed are kept on an error (bound forms re-render); the
services validate again and their errors land beside the field they name."""

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from medijourney.accounts.models import User
from medijourney.catalog.models import Specialty
from medijourney.core.forms import choice_field
from medijourney.quotes.models import Scope

from .models import MAX_QUESTIONS, Agreement, AttendanceStatus, Cadence, Confidence, Profession

_ZONES = sorted(available_timezones())


class _PersonChoiceField(forms.ModelChoiceField):
    """A person, shown by their full name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


class _PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Several people, each shown by their full name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


def _model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model choice field ``name`` (typed, so its queryset can be set in ``__init__``)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), name
    return field


def _questions_fields(form: forms.Form, required_first: bool = True) -> None:
    for i in range(1, MAX_QUESTIONS + 1):
        form.fields[f"question_{i}"] = forms.CharField(
            label=_("Question %(n)d") % {"n": i}, required=False, max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )  # fmt: skip


class QuestionsMixin:
    def questions(self) -> list[str]:
        data: dict[str, Any] = self.cleaned_data  # type: ignore[attr-defined]
        return [data.get(f"question_{i}", "") for i in range(1, MAX_QUESTIONS + 1)]


class PatientRequestForm(QuestionsMixin, forms.Form):
    specialty = forms.ModelChoiceField(queryset=Specialty.objects.all(), label=_("Specialty"), required=False)
    scope = forms.ChoiceField(
        label=_("What the specialist may see"), choices=Scope.choices, widget=forms.RadioSelect, required=False
    )
    agree = forms.BooleanField(label=_("I agree to the text of the option I chose above."), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _questions_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("agree"):
            self.add_error("agree", _("Tick the box to agree, or the specialist sees nothing."))
        return data


class ConsentOnlyForm(forms.Form):
    scope = forms.ChoiceField(label=_("What the specialist may see"), choices=Scope.choices, widget=forms.RadioSelect)
    agree = forms.BooleanField(label=_("I agree to the text of the option I chose above."))


class StaffRequestForm(QuestionsMixin, forms.Form):
    specialty = forms.ModelChoiceField(queryset=Specialty.objects.all(), label=_("Specialty"), required=False)
    summary = forms.CharField(
        label=_("De-identified summary the specialist reads"), widget=forms.Textarea(attrs={"rows": 8}), max_length=8000
    )
    documents = forms.MultipleChoiceField(
        label=_("Reports to share"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, documents: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _questions_fields(self)
        choice_field(self, "documents").choices = [(str(d.public_id), d.original_name) for d in documents]
        if not documents:
            del self.fields["documents"]


class AssignForm(forms.Form):
    specialist = _PersonChoiceField(queryset=User.objects.none(), label=_("Specialist"), required=False)

    def __init__(self, *args: Any, specialists: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if specialists is not None:
            _model_choice_field(self, "specialist").queryset = specialists


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer to the specialist"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ClarifyForm(forms.Form):
    question = forms.CharField(
        label=_("Ask the case manager"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class CoiForm(forms.Form):
    declared = forms.BooleanField(label=_("I declare no tie to these hospitals."), required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why you decline"), max_length=500, required=False)


class OpinionForm(forms.Form):
    understood_summary = forms.CharField(
        label=_("The case as you understood it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    agreement = forms.ChoiceField(
        label=_("The proposed treatment plan"), choices=[("", "—"), *Agreement.choices], required=False
    )
    alternatives = forms.CharField(
        label=_("Alternatives"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    further_tests = forms.CharField(
        label=_("Further tests that would help"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    confidence = forms.ChoiceField(label=_("Confidence"), choices=[("", "—"), *Confidence.choices], required=False)
    references = forms.CharField(
        label=_("References (free text or links)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    plain_summary = forms.CharField(
        label=_("In plain words, for the patient"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )

    def __init__(self, *args: Any, questions: list[str] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        fields = dict(self.fields)
        self.fields.clear()
        self.fields["understood_summary"] = fields.pop("understood_summary")
        for i, q in enumerate(questions, 1):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=_("Answer to question %(n)d: %(q)s") % {"n": i, "q": q}, required=False,
                widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
            )  # fmt: skip
        self.fields.update(fields)
        self.n_questions = len(questions)

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["answers"] = [data.pop(f"answer_{i}", "") for i in range(1, self.n_questions + 1)]
        return data


# --- Tele-mentoring ---------------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200, required=False)
    specialty = forms.ModelChoiceField(queryset=Specialty.objects.all(), label=_("Specialty"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    hub = _PeopleChoiceField(
        queryset=User.objects.none(), label=_("Hub team (specialists)"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in _ZONES], initial="UTC")
    cadence = forms.ChoiceField(label=_("Cadence"), choices=Cadence.choices)
    certificate_threshold = forms.IntegerField(
        label=_("Share of sessions needed for a certificate (%)"), initial=75, min_value=1, max_value=100
    )
    accreditation_provider = forms.CharField(label=_("CME accreditation provider (if any)"), required=False)
    accreditation_number = forms.CharField(label=_("CME accreditation number (if any)"), required=False)

    def __init__(self, *args: Any, hub: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hub is not None:
            _model_choice_field(self, "hub").queryset = hub


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses of spoke clinicians (one a line)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time (in the programme's time zone)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )  # fmt: skip
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), initial=60, required=False)
    video_link = forms.URLField(label=_("Video link (we host no video)"), required=False, assume_scheme="https")
    didactic_title = forms.CharField(label=_("Didactic title"), required=False, max_length=200)
    didactic_presenter = forms.CharField(label=_("Presenter"), required=False, max_length=200)
    slides = forms.FileField(label=_("Slides (PDF)"), required=False)


class AttendanceForm(forms.Form):
    user = _PersonChoiceField(queryset=User.objects.none(), label=_("Participant"))
    status = forms.ChoiceField(label=_("Present, late or absent"), choices=AttendanceStatus.choices)
    minutes = forms.IntegerField(label=_("Minutes attended"), min_value=0, initial=0)
    reason = forms.CharField(label=_("Reason for a change (needed when changing)"), required=False, max_length=500)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            _model_choice_field(self, "user").queryset = people


class PresentationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("The case (no name, phone, email, date of birth or other identifier)"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    question = forms.CharField(
        label=_("Your question to the hub"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_of = forms.ChoiceField(label=_("Update of an earlier presentation"), required=False)
    confirmed = forms.BooleanField(
        label=_("I confirm that the de-identified text shown is what will be shared."), required=False
    )

    def __init__(self, *args: Any, earlier: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "follow_up_of").choices = [("", _("No: a new case"))] + [
            (str(p.public_id), p.title) for p in earlier
        ]


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label=_("Recommendation of the hub"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ClinicianProfileForm(forms.Form):
    country = CountryField(blank=True).formfield(label=_("Country"), required=False)
    facility = forms.CharField(label=_("Facility"), max_length=200, required=False)
    profession = forms.ChoiceField(label=_("Profession"), choices=[("", "—"), *Profession.choices], required=False)
    licence_number = forms.CharField(
        label=_("Licence number (as declared, not verified)"), max_length=60, required=False
    )
