"""Quotes: a patient's consent to share a case with a hospital, the requests sent under it, the
hospital's answer (a treatment plan with an itemised quote, or a decline), the final bill, and
the commission agreements the network holds with hospitals.

What a partner hospital may see is never stored as a flag: ``selectors.quote_requests_visible_to``
checks on every request that the patient's consent for that hospital is still active, so a
revocation cuts access at once, links already sent included."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medijourney.core.models import BaseModel


class Scope(models.TextChoices):
    DEIDENTIFIED_SUMMARY = "deidentified_summary", _("De-identified summary")
    SUMMARY_WITH_REPORTS = "summary_with_reports", _("Summary with medical reports")


SCOPE_RANK = {Scope.DEIDENTIFIED_SUMMARY: 1, Scope.SUMMARY_WITH_REPORTS: 2}


class ShareConsent(BaseModel):
    """The patient's consent to share one case with one hospital within one scope. Rows are never
    deleted while the case exists: a revocation sets ``revoked_at`` and the history stays."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="share_consents")
    hospital = models.ForeignKey("network.Hospital", on_delete=models.CASCADE, related_name="share_consents")
    scope = models.CharField(_("what may be shared"), max_length=24, choices=Scope.choices)
    text_version = models.CharField(max_length=40, help_text=_("Version of the consent text the patient agreed to."))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "hospital"], condition=Q(revoked_at__isnull=True), name="quotes_one_active_consent"
            ),
            models.CheckConstraint(condition=Q(scope__in=Scope.values), name="quotes_consent_scope_valid"),
        ]
        indexes = [models.Index(fields=["hospital", "revoked_at"])]

    def __str__(self) -> str:
        return f"consent {self.case_id} → {self.hospital_id} ({self.scope})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def includes_reports(self) -> bool:
        return self.scope == Scope.SUMMARY_WITH_REPORTS


class ConsentAsk(BaseModel):
    """The case manager asks the patient for consent to share with a hospital (shown as a prompt
    on the patient's consent page until answered)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consent_asks")
    hospital = models.ForeignKey("network.Hospital", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=24, choices=Scope.choices)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"ask {self.case_id} → {self.hospital_id}"


class RequestStatus(models.TextChoices):
    SENT = "sent", _("Waiting for the hospital")
    QUOTED = "quoted", _("Quote received")
    DECLINED = "declined", _("Declined by the hospital")
    ACCEPTED = "accepted", _("Accepted by the patient")
    CLOSED = "closed", _("Closed (another plan chosen)")
    WITHDRAWN = "withdrawn", _("Withdrawn by the case team")


OPEN_REQUEST_STATUSES = (RequestStatus.SENT, RequestStatus.QUOTED)


class QuoteRequest(BaseModel):
    """A request for a treatment plan and a quote, sent to one hospital under the patient's
    consent. ``summary`` is the de-identified text the hospital reads; the case link and the
    patient link are never shown to the hospital."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="quote_requests"
    )
    # Kept beside the case so erasure (which runs after the cases source has removed the case)
    # still finds the patient's requests; set to NULL when the patient is erased.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hospital = models.ForeignKey("network.Hospital", on_delete=models.PROTECT, related_name="quote_requests")
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope = models.CharField(max_length=24, choices=Scope.choices, help_text=_("The consent scope when sent."))
    summary = models.TextField(_("summary for the hospital"), max_length=8000)
    documents = models.ManyToManyField("cases.Document", through="SharedDocument", related_name="+", blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(db_index=True)
    respond_by = models.DateTimeField(_("answer by"), db_index=True)
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default=RequestStatus.SENT, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True, max_length=2000)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=200, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True, help_text=_("Deadline passed: case manager told."))
    alternatives_offered_at = models.DateTimeField(
        null=True, blank=True, help_text=_("72 hours without an answer: other hospitals offered.")
    )
    erased_at = models.DateTimeField(null=True, blank=True, help_text=_("The patient's data was erased."))
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["respond_by", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "hospital"],
                condition=Q(status__in=["sent", "quoted"]),
                name="quotes_one_open_request_per_hospital",
            ),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="quotes_request_status_valid"),
        ]
        indexes = [models.Index(fields=["hospital", "status", "respond_by"])]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """What the hospital calls the request: never the case reference."""
        return f"QR-{str(self.public_id)[:8].upper()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


class SharedDocument(models.Model):
    """A document attached to a request. Served to the hospital only while the patient's consent
    for that hospital includes reports."""

    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="shared_documents")
    document = models.ForeignKey("cases.Document", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "document"], name="quotes_shared_document_once")]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.document_id}"


class Quote(BaseModel):
    """A hospital's answer: the treatment plan and the itemised quote (lines in QuoteLine)."""

    request = models.OneToOneField(QuoteRequest, on_delete=models.CASCADE, related_name="quote")
    # The treatment plan.
    clinical_summary = models.TextField(_("clinical summary"), max_length=5000)
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    doctor = models.ForeignKey("network.Doctor", on_delete=models.PROTECT, related_name="+")
    pre_op_days = models.PositiveSmallIntegerField(_("days in the country before the procedure"))
    inpatient_nights = models.PositiveSmallIntegerField(_("nights in hospital"))
    days_before_flying = models.PositiveSmallIntegerField(
        _("days after the procedure before flying home"), help_text=_("Including the nights in hospital.")
    )
    # The quote.
    currency = models.CharField(max_length=3, help_text=_("ISO 4217."))
    total = models.DecimalField(max_digits=12, decimal_places=2, help_text=_("Sum of the included lines."))
    valid_until = models.DateField(_("valid until"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField()
    # The commission agreement in force when the quote arrived (shown to the patient).
    commission_kind = models.CharField(max_length=8, blank=True)
    commission_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    commission_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    commission_currency = models.CharField(max_length=3, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="quotes_quote_total_positive"),
            models.CheckConstraint(
                condition=Q(days_before_flying__gte=models.F("inpatient_nights")),
                name="quotes_quote_fly_after_discharge",
            ),
        ]

    def __str__(self) -> str:
        return f"quote for {self.request_id}"

    @property
    def days_in_country(self) -> int:
        return int(self.pre_op_days) + int(self.days_before_flying)

    @property
    def has_commission(self) -> bool:
        return bool(self.commission_kind)


class LineStatus(models.TextChoices):
    INCLUDED = "included", _("Included")
    NOT_INCLUDED = "not_included", _("Not included")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class QuoteLine(models.Model):
    """One standard item (network.offer_items.OFFER_ITEMS) of a quote, stated for every item."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    item = models.CharField(max_length=30)
    status = models.CharField(max_length=16, choices=LineStatus.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "item"], name="quotes_line_once_per_item"),
            models.CheckConstraint(
                condition=(Q(status="included", amount__isnull=False, amount__gte=0) | ~Q(status="included")),
                name="quotes_line_included_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.status}"


class FinalBill(BaseModel):
    """What the hospital billed in the end, recorded by the case team after treatment."""

    request = models.OneToOneField(QuoteRequest, on_delete=models.CASCADE, related_name="final_bill")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="quotes_bill_positive")]

    def __str__(self) -> str:
        return f"bill for {self.request_id}"


class CommissionAgreement(BaseModel):
    """What the network earns from a hospital: a percentage of the treatment price or a fixed
    amount per patient, between two dates. Shown to the patient on every quote it applies to."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("percentage of the treatment price")
        FIXED = "fixed", _("fixed amount per patient")

    hospital = models.ForeignKey("network.Hospital", on_delete=models.CASCADE, related_name="commission_agreements")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text=_("Empty: until further notice."))
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["hospital", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="percent", percent__isnull=False, percent__gt=0, percent__lte=100)
                    | Q(kind="fixed", amount__isnull=False, amount__gt=0)
                ),
                name="quotes_commission_value_set",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="quotes_commission_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"commission {self.hospital_id} from {self.valid_from}"

    def in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def can_end_on(self, day: datetime.date) -> bool:
        """An agreement can be ended while it has not ended yet (never extended)."""
        return self.valid_to is None or self.valid_to >= day
