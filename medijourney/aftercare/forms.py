"""Forms for aftercare's pages. Ranges are checked by the service (``CheckInAnswers``) so the page
and the API say the same thing, beside the field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medijourney.core.forms import CountedTextarea

YES_NO = [(False, _("No")), (True, _("Yes"))]


def _yes_no(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda v: v in (True, "True"), widget=forms.RadioSelect, initial=False
    )


class CheckInForm(forms.Form):
    pain = forms.IntegerField(label=_("Pain now, from 0 (none) to 10 (worst imaginable)"))
    temperature = forms.FloatField(
        label=_("Temperature in °C, if you measured it"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )
    wound = forms.ChoiceField(
        label=_("Your wound"),
        choices=[
            ("dry", _("Dry and closed")),
            ("red", _("Red around it")),
            ("discharge", _("Fluid or pus coming out")),
            ("opening", _("Opening up")),
        ],
        widget=forms.RadioSelect,
    )
    breathing = forms.ChoiceField(
        label=_("Your breathing"),
        choices=[
            ("normal", _("As usual")),
            ("breathless_on_effort", _("Short of breath when I walk or climb stairs")),
            ("breathless_at_rest", _("Short of breath even at rest")),
        ],
        widget=forms.RadioSelect,
    )
    chest_pain = _yes_no(_("Chest pain"))
    calf_pain = _yes_no(_("Pain or swelling in a calf"))
    bleeding = forms.ChoiceField(
        label=_("Bleeding"),
        choices=[("none", _("None")), ("light", _("A little, it stops")), ("heavy", _("Heavy or it does not stop"))],
        widget=forms.RadioSelect,
        initial="none",
    )
    confusion = _yes_no(_("New confusion or weakness"))
    readmitted = _yes_no(_("Back in hospital unplanned since the last check-in"))
    activities = forms.ChoiceField(
        label=_("Daily activities compared with before the treatment"),
        choices=[("better", _("Better")), ("same", _("About the same")), ("worse", _("Worse"))],
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction so far"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = very unhappy, 5 = very happy"),
    )
    free_text = forms.CharField(
        label=_("Anything else you want to tell us"), required=False, max_length=2000, widget=CountedTextarea
    )

    def answers(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        if data.get("temperature") is None:
            data.pop("temperature", None)
        return data


class DayForm(forms.Form):
    day = forms.IntegerField(label=_("Day after discharge"))


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why is it skipped?"), max_length=300)


RATING = [(i, str(i)) for i in range(1, 6)]


def _rating(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=RATING, coerce=int, widget=forms.RadioSelect)


class ReviewForm(forms.Form):
    care = _rating(_("Medical care"))
    communication = _rating(_("Communication"))
    cleanliness = _rating(_("Cleanliness"))
    value = _rating(_("Value for money"))
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend this hospital?"),
        choices=[(True, _("Yes")), (False, _("No"))],
        coerce=lambda v: v in (True, "True"),
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Your review"), max_length=4000, widget=CountedTextarea)
    show_initials = forms.BooleanField(
        label=_("Show my initials (otherwise no name is shown)"), required=False, initial=False
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("The hospital's public reply (one per review)"), max_length=4000, widget=CountedTextarea
    )


class RedactForm(forms.Form):
    phrases = forms.CharField(
        label=_("Personal data to remove (one name, phone number or email address per line)"), widget=forms.Textarea
    )
    reason = forms.CharField(label=_("Reason (recorded)"), max_length=300)

    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["phrases"].splitlines() if line.strip()]
