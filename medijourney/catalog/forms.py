from django import forms
from django.utils.translation import gettext_lazy as _

from medijourney.core.forms import choice_field

from .selectors import passport_countries, specialties_all


class ProcedureFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choice_field(self, "specialty").choices = [("", _("All specialties"))] + [
            (s.id, s.name) for s in specialties_all()
        ]


class PassportForm(forms.Form):
    passport = forms.ChoiceField(label=_("Your passport"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choice_field(self, "passport").choices = [("", _("Choose your passport"))] + [
            (c.code, c.name) for c in passport_countries()
        ]
