import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medijourney.core.currencies import currency_choices
from medijourney.core.forms import CountedTextarea, add_service_errors, choice_field

from . import reference
from .params import (
    DEFAULT_WEIGHTS,
    MAX_FLIGHT_HOURS,
    MIN_FLIGHT_HOURS,
    WEIGHT_MAX,
    RawSearch,
    SearchParamErrors,
    SearchQuery,
    Weights,
    resolve_search,
)
from .schemas import TRIAGE_TEXT_MAX
from .selectors import COMPARE_MAX


class TriageForm(forms.Form):
    text = forms.CharField(
        label=_("Describe your problem"),
        max_length=TRIAGE_TEXT_MAX,
        strip=True,
        help_text=_(
            "In your own words: what bothers you, where, for how long, and what a doctor has said. "
            "Do not include your name or other details that identify you."
        ),
        widget=CountedTextarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Describe the problem in a few words."),
            "max_length": _(
                "Please shorten this to %(limit_value)d characters (it has %(show_value)d); nothing was cut."
            ),
        },
    )


# --- search and compare -------------------------------------------------------------------------


class SearchForm(forms.Form):
    """The search page's form. Typed values are checked here; everything that needs the catalogue
    (countries, airports, currencies, the procedure, the travel window) is checked by
    ``params.resolve_search``, the same function the API uses, and its errors are shown beside the
    fields they name."""

    q = forms.CharField(
        label=_("Describe the problem, or name the treatment"),
        required=False,
        max_length=TRIAGE_TEXT_MAX,
        help_text=_("In your own words, e.g. “my knee is worn out”. We suggest a treatment; you can pick another."),
    )
    procedure = forms.ChoiceField(label=_("Treatment"), required=False)
    origin = forms.ChoiceField(label=_("Your country"), required=False)
    origin_city = forms.CharField(label=_("Your city"), required=False, max_length=100)
    origin_airport = forms.CharField(
        label=_("Or airport code"),
        required=False,
        max_length=4,
        help_text=_(
            "The three-letter code printed on tickets and luggage tags (the IATA code), e.g. LHR for London Heathrow."
        ),
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters", "placeholder": "LHR"}),
    )
    passport = forms.ChoiceField(
        label=_("Your passport"), required=False, help_text=_("If empty, we assume your country's passport.")
    )
    destination = forms.ChoiceField(label=_("Only in this country"), required=False)
    currency = forms.ChoiceField(label=_("Currency"), initial="USD", required=False)
    budget = forms.DecimalField(
        label=_("Budget for the whole trip"), required=False, min_value=1, max_digits=14, decimal_places=2
    )
    travel_from = forms.DateField(
        label=_("Travel from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    travel_to = forms.DateField(label=_("Travel until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=_("Preferred language"), required=False)
    accreditation = forms.MultipleChoiceField(
        label=_("Accreditation"), required=False, widget=forms.CheckboxSelectMultiple
    )
    max_flight_hours = forms.DecimalField(
        label=_("Longest flight (hours, one way)"),
        required=False,
        min_value=MIN_FLIGHT_HOURS,
        max_value=MAX_FLIGHT_HOURS,
        max_digits=4,
        decimal_places=1,
    )
    companion = forms.BooleanField(label=_("A companion travels with me"), required=False)
    w_cost = forms.IntegerField(label=_("Cost"), min_value=0, max_value=WEIGHT_MAX, required=False)
    w_wait = forms.IntegerField(label=_("Waiting time"), min_value=0, max_value=WEIGHT_MAX, required=False)
    w_travel = forms.IntegerField(label=_("Travel time"), min_value=0, max_value=WEIGHT_MAX, required=False)
    w_quality = forms.IntegerField(label=_("Quality signals"), min_value=0, max_value=WEIGHT_MAX, required=False)

    WEIGHT_FIELDS = ("w_cost", "w_wait", "w_travel", "w_quality")

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and not data.get("currency"):
            data = data.copy()
            data["currency"] = "USD"  # the default currency, shown as chosen
        super().__init__(data, *args, **kwargs)
        self.query: SearchQuery | None = None
        choices = reference.snapshot().choices()
        none = [("", "—")]
        choice_field(self, "procedure").choices = [("", _("— from my description —")), *choices["procedures"]]
        choice_field(self, "origin").choices = none + choices["countries"]
        choice_field(self, "passport").choices = none + choices["countries"]
        choice_field(self, "destination").choices = [("", _("Any destination"))] + choices["destinations"]
        choice_field(self, "currency").choices = currency_choices(set(choices["currencies"]))
        choice_field(self, "language").choices = [("", _("No preference"))] + choices["languages"]
        choice_field(self, "accreditation").choices = choices["bodies"]
        for name in self.WEIGHT_FIELDS:
            field = self.fields[name]
            field.initial = DEFAULT_WEIGHTS[name[2:]]
            field.widget = forms.NumberInput(
                attrs={"type": "range", "min": 0, "max": WEIGHT_MAX, "step": 1, "data-weight": name[2:]}
            )

    def weight_value(self, name: str) -> int:
        """The weight to show: what was typed (when valid) or the default."""
        if self.is_bound and not self.errors.get(name):
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if value is not None:
                return int(value)
        return int(DEFAULT_WEIGHTS[name[2:]])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if self.errors:
            return data
        weights = Weights(
            *(
                int(data[name]) if data.get(name) is not None else DEFAULT_WEIGHTS[name[2:]]
                for name in self.WEIGHT_FIELDS
            )
        )
        raw = RawSearch(
            procedure=data.get("procedure") or "",
            q=data.get("q") or "",
            origin=data.get("origin") or "",
            origin_city=data.get("origin_city") or "",
            origin_airport=(data.get("origin_airport") or "").upper(),
            passport=data.get("passport") or "",
            destination=data.get("destination") or "",
            currency=data.get("currency") or "USD",
            budget=data.get("budget"),
            travel_from=data.get("travel_from"),
            travel_to=data.get("travel_to"),
            language=data.get("language") or "",
            accreditation=tuple(data.get("accreditation") or ()),
            max_flight_hours=data.get("max_flight_hours"),
            companion=bool(data.get("companion")),
            weights=weights,
        )
        try:
            self.query = resolve_search(raw)
        except SearchParamErrors as exc:
            add_service_errors(self, forms.ValidationError(dict(exc.errors)))
        return data


class CompareForm(SearchForm):
    offers = forms.CharField(label=_("Results to compare"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_ids: list[uuid.UUID] = []

    def errors_by_label(self) -> list[tuple[str, str]]:
        """(field label, message) for every error, in the form's order: what a person reads, never
        the field's internal name."""
        out = [("", str(e)) for e in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name in self.fields:
                out.extend((str(self.fields[name].label or ""), str(e)) for e in errors)
        return out

    def clean_offers(self) -> str:
        values = self.data.getlist("offers") if hasattr(self.data, "getlist") else [self.data.get("offers", "")]
        ids: list[uuid.UUID] = []
        for value in values:
            for part in str(value).split(","):
                if part.strip():
                    try:
                        ids.append(uuid.UUID(part.strip()))
                    except ValueError:
                        raise forms.ValidationError(_("%(value)r is not an offer id.") % {"value": part}) from None
        ids = list(dict.fromkeys(ids))
        if not 1 <= len(ids) <= COMPARE_MAX:
            raise forms.ValidationError(_("Choose between 1 and %(n)d results to compare.") % {"n": COMPARE_MAX})
        self.offer_ids = ids
        return ",".join(str(i) for i in ids)
