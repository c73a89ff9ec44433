from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from medijourney.core.text import name_matches

from .models import (
    Accreditation,
    AccreditationBody,
    Doctor,
    DoctorLicence,
    ExpiryWarning,
    Hospital,
    Offer,
    PartnerMembership,
    PendingChange,
)


@admin.register(AccreditationBody)
class AccreditationBodyAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name", "name", "admits_to_network")


class AccreditationInline(admin.TabularInline):
    model = Accreditation
    extra = 0
    fields = ("body", "number", "valid_from", "valid_to", "verification_status", "withdrawn_by_body", "is_demo")
    show_change_link = True


@admin.register(Hospital)
class HospitalAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "country", "status", "source", "is_demo")
    list_filter = ("status", "source", "kind", "is_demo", "country")
    search_fields = ("name", "city", "source_key", "wikidata_qid")
    readonly_fields = (
        "public_id",
        "created_at",
        "updated_at",
        "nearest_airport",
        "nearest_airport_km",
        "airport_basis",
    )
    raw_id_fields = ("country",)
    filter_horizontal = ("specialties",)
    inlines = [AccreditationInline]
    list_select_related = ("country",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Hospital], search_term: str
    ) -> tuple[QuerySet[Hospital], bool]:
        """The admin's search also ignores accents in names and cities ("Charite" finds Charité)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = found | queryset.filter(name_matches(search_term, "name", "city"))
        return found, may_have_duplicates


@admin.register(Accreditation)
class AccreditationAdmin(admin.ModelAdmin):
    list_display = (
        "hospital",
        "body",
        "number",
        "valid_from",
        "valid_to",
        "verification_status",
        "withdrawn_by_body",
        "is_demo",
    )
    list_filter = ("body", "verification_status", "withdrawn_by_body", "is_demo")
    search_fields = ("number", "hospital__name")
    raw_id_fields = ("hospital", "verified_by")
    readonly_fields = ("public_id", "evidence_key", "evidence_name", "evidence_kind")
    list_select_related = ("hospital", "body")


class LicenceInline(admin.TabularInline):
    model = DoctorLicence
    extra = 0
    fields = ("registry", "number", "country", "valid_from", "valid_to", "verification_status", "is_demo")
    raw_id_fields = ("country",)


@admin.register(Doctor)
class DoctorAdmin(admin.ModelAdmin):
    list_display = ("full_name", "hospital", "is_demo")
    list_filter = ("is_demo",)
    search_fields = ("full_name", "hospital__name")
    raw_id_fields = ("hospital",)
    filter_horizontal = ("specialties",)
    inlines = [LicenceInline]


@admin.register(DoctorLicence)
class DoctorLicenceAdmin(admin.ModelAdmin):
    list_display = ("doctor", "registry", "number", "country", "valid_to", "verification_status", "is_demo")
    list_filter = ("verification_status", "is_demo")
    raw_id_fields = ("doctor", "country", "verified_by")
    readonly_fields = ("public_id", "evidence_key", "evidence_name", "evidence_kind")


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("hospital", "procedure", "currency", "price_min", "price_max", "source_kind", "as_of", "is_demo")
    list_filter = ("source_kind", "is_demo", "currency")
    search_fields = ("hospital__name", "procedure__slug")
    raw_id_fields = ("hospital", "procedure")


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "hospital", "created_at")
    raw_id_fields = ("user", "hospital")


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    list_display = ("hospital", "kind", "status", "submitted_by", "created_at", "decided_by")
    list_filter = ("kind", "status")
    raw_id_fields = ("hospital", "submitted_by", "decided_by")


@admin.register(ExpiryWarning)
class ExpiryWarningAdmin(admin.ModelAdmin):
    list_display = ("item_type", "item_id", "threshold_days", "valid_to", "sent_at")
    list_filter = ("item_type", "threshold_days")
