"""Reference data: countries, currencies, languages, airports, visa rules, exchange rates,
specialties, fit-to-fly guidance, procedures and reference prices, and the record of imports.

These tables are loaded from the files in ``medijourney/data/`` (each with its PROVENANCE.md) by
``manage.py import_reference_data``. They use natural keys (ISO codes, slugs) as their public
identifiers, so they do not extend ``core.BaseModel``: nobody creates them by hand and the codes
are what other apps and the API refer to. Every fact that is shown to people carries its source
and date on the row."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.Model):
    code = models.CharField(_("ISO 4217 code"), max_length=3, primary_key=True)
    name = models.CharField(max_length=100)
    numeric = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("currencies")

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class Language(models.Model):
    code = models.CharField(_("BCP 47 tag"), max_length=35, primary_key=True)
    name = models.CharField(max_length=100)
    native_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    code = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, primary_key=True)
    name = models.CharField(max_length=100)
    alpha3 = models.CharField(max_length=3, blank=True)
    currency = models.ForeignKey(Currency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    languages = models.JSONField(default=list, blank=True, help_text=_("Official languages, BCP 47 tags."))
    is_destination = models.BooleanField(
        default=False, help_text=_("One of the main medical-travel destinations the catalogue covers.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class Airport(models.Model):
    class Size(models.TextChoices):
        LARGE = "large_airport", _("large")
        MEDIUM = "medium_airport", _("medium")

    ident = models.CharField(_("OurAirports ident"), max_length=16, primary_key=True)
    iata = models.CharField(_("IATA code"), max_length=3, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="airports")
    latitude = models.FloatField()
    longitude = models.FloatField()
    size = models.CharField(max_length=20, choices=Size.choices)
    is_international = models.BooleanField(
        default=False, help_text=_("Proxy: a large airport, or 'International' in its name.")
    )
    time_zone = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["ident"]
        indexes = [models.Index(fields=["latitude"]), models.Index(fields=["country", "is_international"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.iata or self.ident})"

    @property
    def code(self) -> str:
        return self.iata or self.ident


class VisaRule(models.Model):
    class Requirement(models.TextChoices):
        VISA_FREE = "visa_free", _("visa free")
        VISA_ON_ARRIVAL = "visa_on_arrival", _("visa on arrival")
        E_VISA = "e_visa", _("e-visa")
        ETA = "eta", _("electronic travel authorisation (ETA)")
        VISA_REQUIRED = "visa_required", _("visa required")
        NO_ADMISSION = "no_admission", _("no admission")
        SAME_COUNTRY = "same_country", _("same country (no visa needed)")

    passport = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    destination = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    requirement = models.CharField(max_length=20, choices=Requirement.choices)
    days_allowed = models.PositiveSmallIntegerField(null=True, blank=True)
    raw_value = models.CharField(max_length=30, help_text=_("The value exactly as in the source file."))
    data_date = models.DateField()
    source = models.CharField(max_length=200)
    source_url = models.URLField(blank=True)

    class Meta:
        ordering = ["passport", "destination"]
        constraints = [models.UniqueConstraint(fields=["passport", "destination"], name="catalog_visa_pair_unique")]

    def __str__(self) -> str:
        return f"{self.passport_id} → {self.destination_id}: {self.requirement}"


class ExchangeRate(models.Model):
    """Units of ``currency`` per 1 EUR on ``date`` (ECB reference rate)."""

    currency = models.CharField(max_length=3)
    date = models.DateField()
    units_per_eur = models.DecimalField(max_digits=20, decimal_places=6)
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["-date", "currency"]
        constraints = [models.UniqueConstraint(fields=["currency", "date"], name="catalog_fx_currency_date_unique")]

    def __str__(self) -> str:
        return f"{self.date} EUR/{self.currency} {self.units_per_eur}"


class Specialty(models.Model):
    id = models.CharField(max_length=40, primary_key=True)
    name = models.CharField(max_length=100)
    definition = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return self.name


class FitToFlyGuidance(models.Model):
    condition = models.CharField(max_length=200, unique=True)
    category = models.CharField(max_length=50, blank=True)
    min_days_before_flying = models.PositiveSmallIntegerField(null=True, blank=True)
    recommended_days_before_flying = models.PositiveSmallIntegerField(null=True, blank=True)
    guidance = models.TextField(blank=True)
    authority = models.CharField(max_length=200)
    source_url = models.URLField(max_length=500)
    secondary_source_url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    data_date = models.DateField(null=True, blank=True, help_text=_("When the row was compiled from its sources."))

    class Meta:
        ordering = ["condition"]
        verbose_name = _("fit-to-fly guidance")
        verbose_name_plural = _("fit-to-fly guidance")

    def __str__(self) -> str:
        return self.condition


class Procedure(models.Model):
    EDITORIAL_ESTIMATE = "editorial estimate"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="procedures")
    synonyms = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True)
    inpatient_nights = models.PositiveSmallIntegerField(null=True, blank=True)
    total_days = models.PositiveSmallIntegerField(null=True, blank=True)
    stay_source = models.CharField(max_length=100, default=EDITORIAL_ESTIMATE)
    data_date = models.DateField(null=True, blank=True, help_text=_("When the procedure dataset was written."))
    fit_to_fly = models.ForeignKey(
        FitToFlyGuidance, null=True, blank=True, on_delete=models.SET_NULL, related_name="procedures"
    )
    min_days_before_flying = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("From the fit-to-fly guidance row; empty means unknown.")
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferencePrice(models.Model):
    """One cited price point for a procedure in a country (or a city)."""

    class Dataset(models.TextChoices):
        CITED = "cited", _("Cited medical-travel price point")
        CGHS = "cghs", _("CGHS government ceiling package rate (India)")
        US_COSMETIC = "us_cosmetic", _("US cosmetic procedure cost by city")
        NHS_NCC = "nhs_ncc", _("NHS National Cost Collection (average NHS cost per case, England)")
        CMS_DRG = "cms_drg", _("CMS Medicare average payment per MS-DRG (USA)")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="reference_prices")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    city = models.CharField(max_length=100, blank=True)
    dataset = models.CharField(max_length=20, choices=Dataset.choices)
    source_key = models.CharField(max_length=255, help_text=_("Identifies the source row within its dataset."))
    source_label = models.CharField(max_length=255, help_text=_("The procedure as named by the source."))
    currency = models.CharField(max_length=3)
    price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    price_low = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    price_high = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    price_type = models.CharField(max_length=200, help_text=_("What kind of figure it is, as published."))
    data_year = models.CharField(max_length=60, help_text=_("The year of the figure as the source states it."))
    source = models.CharField(max_length=500)
    source_url = models.URLField(max_length=500, blank=True)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["country", "dataset", "city", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "source_key", "procedure"], name="catalog_refprice_unique")
        ]
        indexes = [models.Index(fields=["procedure", "country"])]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.country_id} {self.currency} {self.price or self.price_low}"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        OK = "ok", _("succeeded")
        FAILED = "failed", _("failed")

    dataset = models.CharField(max_length=60, db_index=True)
    checksum = models.CharField(max_length=64, help_text=_("SHA-256 of the inputs and the importer version."))
    sources = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text=_("Bad rows (file:line: reason), first 200."))
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dataset} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
