"""The dashboard's date range and filters: one form for the page, the charts, the CSVs and the
JSON API, so a bad range or an unknown value is refused the same way everywhere (by field)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from medijourney.cases.models import Case
from medijourney.catalog.models import Country, Specialty
from medijourney.network.models import Hospital
from medijourney.quotes.models import QuoteRequest

from .models import Team, TeamMembership

MAX_RANGE_DAYS = 5 * 366  # "longer than 5 years" is refused
DEFAULT_RANGE_DAYS = 365
FILTER_FIELDS = ("destination", "specialty", "hospital", "team", "origin")


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date
    destination: str = ""  # ISO 3166 alpha-2 of a hospital's country
    specialty: str = ""  # catalogue specialty id
    hospital: str = ""  # hospital public id
    team: str = ""  # team slug
    origin: str = ""  # patient's country of residence

    def as_params(self) -> dict[str, str]:
        out = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        out.update({name: getattr(self, name) for name in FILTER_FIELDS if getattr(self, name)})
        return out

    @property
    def active(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FILTER_FIELDS if getattr(self, name)}


def default_filters(today: datetime.date | None = None) -> Filters:
    today = today or timezone.localdate()
    return Filters(start=today - datetime.timedelta(days=DEFAULT_RANGE_DAYS - 1), end=today)


def _hospitals_with_requests() -> QuerySet[Hospital]:
    return Hospital.objects.filter(Exists(QuoteRequest.objects.filter(hospital=OuterRef("pk")))).order_by("name")


class FilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    destination = forms.ChoiceField(
        label=_("Destination country"),
        required=False,
        help_text=_("Cases with a quote request to a hospital in this country."),
    )
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)
    hospital = forms.ChoiceField(
        label=_("Hospital"), required=False, help_text=_("Cases with a quote request to this hospital.")
    )
    team = forms.ChoiceField(label=_("Case manager's team"), required=False)
    origin = forms.ChoiceField(label=_("Patient's country"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anyone = [("", _("All"))]
        hospital_countries = Country.objects.filter(code__in=Hospital.objects.values("country_id").distinct()).order_by(
            "name"
        )
        self._set("destination", anyone + [(c.code, c.name) for c in hospital_countries])
        self._set("specialty", anyone + [(s.id, s.name) for s in Specialty.objects.order_by("position", "name")])
        self._set("hospital", anyone + [(str(h.public_id), h.name) for h in _hospitals_with_requests()])
        self._set("team", anyone + [(t.slug, t.name) for t in Team.objects.all()])
        self._set("origin", anyone + [(str(code), str(name)) for code, name in countries])

    def _set(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        defaults = default_filters()
        start = data.get("start") or (None if "start" in self.errors else defaults.start)
        end = data.get("end") or (None if "end" in self.errors else defaults.end)
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the range is before its start."))
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("start", _("The range is longer than 5 years: choose a shorter one."))
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        """The valid form's values (call after ``is_valid()``)."""
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            **{name: data.get(name) or "" for name in FILTER_FIELDS},
        )


def parse_filters(params: Any) -> tuple[FilterForm, Filters | None]:
    """Bind GET parameters; the filters when valid, else None (errors on the form, by field)."""
    form = FilterForm(params)
    return form, (form.filters() if form.is_valid() else None)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_cases(f: Filters, *, dated: bool = True) -> QuerySet[Case]:
    """Cases received in the range (``dated``) matching every filter: the base of each figure."""
    qs = Case.objects.all()
    if dated:
        qs = qs.filter(
            created_at__gte=_day_start(f.start), created_at__lt=_day_start(f.end + datetime.timedelta(days=1))
        )
    return qs.filter(_case_filter(f))


def _case_filter(f: Filters) -> Q:
    q = Q()
    if f.specialty:
        q &= Q(specialty_id=f.specialty)
    if f.origin:
        q &= Q(country_of_residence=f.origin)
    if f.team:
        q &= Q(assigned_to__in=TeamMembership.objects.filter(team__slug=f.team).values("user_id"))
    if f.destination or f.hospital:
        requests = QuoteRequest.objects.filter(case=OuterRef("pk"))
        if f.destination:
            requests = requests.filter(hospital__country_id=f.destination)
        if f.hospital:
            requests = requests.filter(hospital__public_id=f.hospital)
        q &= Q(Exists(requests))
    return q
