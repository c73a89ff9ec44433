"""The provider network: hospitals, their accreditations, doctors and licences, offers
(hospital × procedure), partner users' hospital membership, partners' pending changes, and the
record of expiry warnings sent.

Whether a hospital is in the network (patient-visible) is never stored: it is computed by
``network.selectors.hospitals_in_network(today)`` from its status and its accreditations' dates
and verification, so an expired accreditation drops a hospital out with no manual step."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medijourney.core.models import BaseModel


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("awaiting verification")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


class AccreditationBody(models.Model):
    """An accrediting organisation. Only bodies the network admits qualify a hospital."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    website = models.URLField(blank=True)
    admits_to_network = models.BooleanField(
        default=False, help_text=_("A current, verified accreditation by this body qualifies a hospital.")
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name

    @property
    def spelled_out(self) -> str:
        """The short name with the full name in words, as shown to people: "JCI (Joint Commission
        International)", never the letters alone."""
        if self.name and self.name.strip().lower() != self.short_name.strip().lower():
            return f"{self.short_name} ({self.name})"
        return self.short_name


class Hospital(BaseModel):
    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("hospital")
        DENTAL = "dental_facility", _("dental facility")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")

    class Source(models.TextChoices):
        NABH_REGISTER = "nabh_register", _("NABH register of accredited hospitals")
        NABH_DENTAL_REGISTER = "nabh_dental_register", _("NABH register of accredited dental facilities")
        WIKIDATA = "wikidata", _("Wikidata")
        ONBOARDED = "onboarded", _("onboarded by the network")

    class LocationSource(models.TextChoices):
        NONE = "", _("unknown")
        WIKIDATA = "wikidata", _("Wikidata coordinates")
        ONBOARDED = "onboarded", _("entered by the network")

    class AirportBasis(models.TextChoices):
        NONE = "", _("unknown")
        COORDINATES = "coordinates", _("the nearest international airport to the hospital's coordinates")
        CITY_MAIN = "city_main", _("the main international airport of the hospital's city")
        CITY = "city", _("the international airport serving the hospital's city (exact location unknown)")

    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HOSPITAL)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    country = models.ForeignKey("catalog.Country", on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_source = models.CharField(max_length=20, choices=LocationSource.choices, blank=True, default="")
    nearest_airport = models.ForeignKey(
        "catalog.Airport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nearest_airport_km = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    airport_basis = models.CharField(max_length=20, choices=AirportBasis.choices, blank=True, default="")
    website = models.URLField(max_length=500, blank=True)
    about = models.TextField(blank=True)
    languages = models.JSONField(default=list, blank=True, help_text=_("Languages spoken, BCP 47 tags."))
    specialties = models.ManyToManyField("catalog.Specialty", blank=True, related_name="+")
    intl_desk_name = models.CharField(_("international patient desk contact"), max_length=200, blank=True)
    intl_desk_email = models.EmailField(_("international patient desk email"), blank=True)
    intl_desk_phone = models.CharField(_("international patient desk phone"), max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    source = models.CharField(max_length=30, choices=Source.choices, default=Source.ONBOARDED)
    source_key = models.CharField(
        max_length=60, unique=True, null=True, blank=True, help_text=_("The row's identity in its source register.")
    )
    wikidata_qid = models.CharField(max_length=20, unique=True, null=True, blank=True)
    is_demo = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["country", "status"]), models.Index(fields=["city"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Accreditation(BaseModel):
    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="accreditations")
    body = models.ForeignKey(AccreditationBody, on_delete=models.PROTECT, related_name="accreditations")
    number = models.CharField(max_length=60)
    level = models.CharField(max_length=120, blank=True, help_text=_("Programme or edition, as the body states it."))
    valid_from = models.DateField()
    valid_to = models.DateField()
    register_remark = models.CharField(max_length=255, blank=True, help_text=_("Remark in the body's register."))
    withdrawn_by_body = models.BooleanField(
        default=False, help_text=_("The body's register says the accreditation is withdrawn or suspended.")
    )
    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.PENDING, db_index=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(blank=True)
    evidence_source = models.CharField(
        max_length=300, blank=True, help_text=_("Where the facts were checked, e.g. the body's public register.")
    )
    evidence_url = models.URLField(max_length=500, blank=True)
    evidence_key = models.CharField(max_length=100, blank=True, help_text=_("Vault key of the evidence file."))
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_kind = models.CharField(max_length=10, blank=True)
    is_demo = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["-valid_to", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="network_accreditation_number_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")), name="network_accreditation_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["valid_to", "verification_status"])]

    def __str__(self) -> str:
        return f"{self.body_id} {self.number}"

    def validity_on(self, today: datetime.date | None = None) -> str:
        """'current', 'expired' or 'not_yet_valid' from the dates alone."""
        today = today or timezone.localdate()
        if today < self.valid_from:
            return "not_yet_valid"
        if today > self.valid_to:
            return "expired"
        return "current"

    @property
    def validity(self) -> str:
        return self.validity_on()

    def qualifies_on(self, today: datetime.date | None = None) -> bool:
        return (
            self.verification_status == VerificationStatus.VERIFIED
            and not self.withdrawn_by_body
            and self.body.admits_to_network
            and self.validity_on(today) == "current"
        )

    @property
    def days_left(self) -> int:
        return (self.valid_to - timezone.localdate()).days


class Doctor(BaseModel):
    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="doctors")
    full_name = models.CharField(max_length=200)
    specialties = models.ManyToManyField("catalog.Specialty", blank=True, related_name="+")
    qualifications = models.CharField(max_length=500, blank=True)
    languages = models.JSONField(default=list, blank=True, help_text=_("BCP 47 tags."))
    is_demo = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return self.full_name


class DoctorLicenceQuerySet(models.QuerySet["DoctorLicence"]):
    def verified_current(self, day: datetime.date) -> "DoctorLicenceQuerySet":
        """THE rule "a verified, current licence" in SQL (``DoctorLicence.is_verified_current``
        is the same rule on a loaded row)."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
            verification_status=VerificationStatus.VERIFIED,
        )


class DoctorLicence(BaseModel):
    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="licences")
    registry = models.CharField(max_length=200, help_text=_("The medical council or registry that issued it."))
    number = models.CharField(max_length=60)
    country = models.ForeignKey("catalog.Country", on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True, help_text=_("Empty when the registry gives no end date."))
    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.PENDING, db_index=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(blank=True)
    evidence_key = models.CharField(max_length=100, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_kind = models.CharField(max_length=10, blank=True)
    is_demo = models.BooleanField(default=False, db_index=True)

    objects = DoctorLicenceQuerySet.as_manager()

    class Meta:
        ordering = ["doctor", "-valid_to", "id"]
        constraints = [
            models.UniqueConstraint(fields=["doctor", "registry", "number"], name="network_licence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.registry} {self.number}"

    def is_verified_current(self, day: datetime.date) -> bool:
        """The rule of ``DoctorLicenceQuerySet.verified_current`` for a loaded (prefetched) row."""
        return self.verification_status == VerificationStatus.VERIFIED and self.validity_on(day) == "current"

    def validity_on(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.valid_from and today < self.valid_from:
            return "not_yet_valid"
        if self.valid_to and today > self.valid_to:
            return "expired"
        return "current"

    @property
    def validity(self) -> str:
        return self.validity_on()

    @property
    def days_left(self) -> int | None:
        return (self.valid_to - timezone.localdate()).days if self.valid_to else None


class Offer(BaseModel):
    class SourceKind(models.TextChoices):
        HOSPITAL_SUBMITTED = "hospital_submitted", _("submitted by the hospital")
        COUNTRY_ESTIMATE = "estimate_from_country_data", _("estimate from country price data")

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="offers")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    price_min = models.DecimalField(max_digits=12, decimal_places=2)
    price_max = models.DecimalField(max_digits=12, decimal_places=2)
    inclusions = models.JSONField(default=dict, blank=True, help_text=_("Standard item id → included (true/false)."))
    wait_days = models.PositiveSmallIntegerField(null=True, blank=True)
    source_kind = models.CharField(max_length=30, choices=SourceKind.choices)
    source_note = models.CharField(
        max_length=500, blank=True, help_text=_("For estimates: 'estimate from <source>, <year>'.")
    )
    as_of = models.DateField()
    is_demo = models.BooleanField(default=False, db_index=True)

    class Meta:
        ordering = ["hospital", "procedure", "id"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "procedure"], name="network_offer_unique"),
            models.CheckConstraint(
                condition=models.Q(price_max__gte=models.F("price_min")), name="network_offer_price_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hospital_id} × {self.procedure_id}"


class PartnerMembership(models.Model):
    """Which hospital a partner user works for (kept here so accounts never depends on network)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_membership")
    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} → {self.hospital_id}"


class PendingChange(BaseModel):
    """A partner's edit to its hospital's profile, a doctor or an offer, waiting for the quality
    lead. Nothing changes for patients until it is approved."""

    class Kind(models.TextChoices):
        PROFILE = "profile", _("hospital profile")
        DOCTOR = "doctor", _("doctor")
        OFFER = "offer", _("offer")

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="pending_changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target_public_id = models.UUIDField(null=True, blank=True, help_text=_("The doctor or offer edited; empty = new."))
    payload = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} change for {self.hospital_id} ({self.status})"


class ExpiryWarning(models.Model):
    """One expiry warning sent for one accreditation or licence at one threshold: the daily task
    sends each warning once."""

    class ItemType(models.TextChoices):
        ACCREDITATION = "accreditation", _("accreditation")
        LICENCE = "licence", _("doctor licence")

    item_type = models.CharField(max_length=20, choices=ItemType.choices)
    item_id = models.PositiveBigIntegerField()
    threshold_days = models.PositiveSmallIntegerField()
    valid_to = models.DateField(help_text=_("The end date warned about (a renewal is warned about afresh)."))
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_type", "item_id", "threshold_days", "valid_to"], name="network_expiry_warning_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_type} {self.item_id} ≤{self.threshold_days}d"
