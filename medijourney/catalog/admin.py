from django.contrib import admin

from .models import (
    Airport,
    Country,
    Currency,
    ExchangeRate,
    FitToFlyGuidance,
    ImportRun,
    Language,
    Procedure,
    ReferencePrice,
    Specialty,
    VisaRule,
)


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "numeric")
    search_fields = ("code", "name")


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "native_name")
    search_fields = ("code", "name")


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "currency", "is_destination")
    list_filter = ("is_destination",)
    search_fields = ("code", "name")


@admin.register(Airport)
class AirportAdmin(admin.ModelAdmin):
    list_display = ("ident", "iata", "name", "city", "country", "size", "is_international", "time_zone")
    list_filter = ("size", "is_international")
    search_fields = ("ident", "iata", "name", "city")
    list_select_related = ("country",)


@admin.register(VisaRule)
class VisaRuleAdmin(admin.ModelAdmin):
    list_display = ("passport", "destination", "requirement", "days_allowed", "data_date")
    list_filter = ("requirement",)
    search_fields = ("passport__code", "destination__code")
    list_select_related = ("passport", "destination")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("date", "currency", "units_per_eur", "source")
    list_filter = ("currency",)
    date_hierarchy = "date"


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "position")


@admin.register(FitToFlyGuidance)
class FitToFlyGuidanceAdmin(admin.ModelAdmin):
    list_display = ("condition", "category", "min_days_before_flying", "recommended_days_before_flying", "authority")


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "specialty", "inpatient_nights", "total_days", "min_days_before_flying")
    list_filter = ("specialty",)
    search_fields = ("slug", "name")
    list_select_related = ("specialty",)


@admin.register(ReferencePrice)
class ReferencePriceAdmin(admin.ModelAdmin):
    list_display = (
        "procedure",
        "country",
        "city",
        "currency",
        "price",
        "price_low",
        "price_high",
        "data_year",
        "dataset",
    )
    list_filter = ("dataset", "country")
    search_fields = ("procedure__slug", "source_label", "source")
    list_select_related = ("procedure", "country")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("dataset", "started_at", "status", "created", "updated", "unchanged", "skipped", "removed")
    list_filter = ("status", "dataset")
    readonly_fields = [f.name for f in ImportRun._meta.fields]
