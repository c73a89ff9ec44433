from django import forms
from django.utils.translation import gettext_lazy as _

from .schemas import TRIAGE_TEXT_MAX


class TriageForm(forms.Form):
    text = forms.CharField(
        label=_("Describe your problem"),
        max_length=TRIAGE_TEXT_MAX,
        strip=True,
        help_text=_(
            "In your own words: what bothers you, where, for how long, and what a doctor has said. "
            "Do not include your name or other details that identify you."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TRIAGE_TEXT_MAX}),
        error_messages={"required": _("Describe the problem in a few words.")},
    )
