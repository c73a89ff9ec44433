"""Journeys: the trip that follows an accepted plan. One journey per case, built from the accepted
quote (days before treatment, nights in hospital, days before flying), the catalogue (fit-to-fly
interval with its source, airports and their time zones) and the patient's travel window.

A journey has steps (each a local date, an optional local time and the time zone it is in), the
passports the patient typed (stored encrypted, shown masked), invitation letters issued by the
hospital (each with a public verification code), a document checklist, a private calendar feed and
read-only links for a companion. Nothing here is booked or paid: steps say who books what."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from medijourney.core.models import BaseModel


class StepKind(models.TextChoices):
    OUTBOUND_FLIGHT = "outbound_flight", _("Outbound flight")
    ARRIVAL = "arrival", _("Arrival and transfer")
    PRE_OP = "pre_op", _("Pre-operative consultation and tests")
    ADMISSION = "admission", _("Admission to hospital")
    PROCEDURE = "procedure", _("Procedure")
    DISCHARGE = "discharge", _("Discharge from hospital")
    RECOVERY = "recovery", _("Recovery at the lodging")
    FIT_CHECK = "fit_check", _("Fit-to-fly check by the surgeon")
    RETURN_FLIGHT = "return_flight", _("Return flight")
    HOME_CHECKIN = "home_checkin", _("First check-in at home")


# The order of the trip; each step depends on the one before it (moving a step moves the later ones).
STEP_ORDER: tuple[str, ...] = tuple(StepKind.values)
# Steps that take place at home (their time zone is the patient's); the rest at the destination.
HOME_STEPS = frozenset({StepKind.OUTBOUND_FLIGHT, StepKind.HOME_CHECKIN})
# Dates the hospital confirms from its portal.
HOSPITAL_CONFIRMS = frozenset({StepKind.ADMISSION, StepKind.PROCEDURE})

WHO_BOOKS: dict[str, Promise] = {
    StepKind.OUTBOUND_FLIGHT: _("You book and pay for your flight. MediJourney books nothing."),
    StepKind.ARRIVAL: _("Ask the hospital's international desk whether it arranges the airport pick-up."),
    StepKind.PRE_OP: _("The hospital schedules the consultation and tests."),
    StepKind.ADMISSION: _("The hospital confirms the admission date."),
    StepKind.PROCEDURE: _("The hospital confirms the procedure date."),
    StepKind.DISCHARGE: _("The hospital records the discharge."),
    StepKind.RECOVERY: _("You book and pay for your lodging. MediJourney books nothing."),
    StepKind.FIT_CHECK: _("Your surgeon decides whether you are fit to fly."),
    StepKind.RETURN_FLIGHT: _("You book your return flight; change it only if the surgeon says so."),
    StepKind.HOME_CHECKIN: _("Your case manager checks in with you after you are home."),
}


class Journey(BaseModel):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="journey")
    quote = models.OneToOneField("quotes.Quote", on_delete=models.PROTECT, related_name="journey")
    hospital = models.ForeignKey("network.Hospital", on_delete=models.PROTECT, related_name="journeys")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    destination_country = models.CharField(max_length=2)
    destination_tz = models.CharField(_("destination time zone"), max_length=64)
    destination_airport = models.CharField(max_length=200, blank=True)
    destination_airport_basis = models.CharField(max_length=300, blank=True)
    home_tz = models.CharField(_("patient's time zone"), max_length=64)
    home_airport = models.CharField(max_length=200, blank=True)
    # The plan, as the hospital wrote it in the accepted quote.
    pre_op_days = models.PositiveSmallIntegerField()
    inpatient_nights = models.PositiveSmallIntegerField()
    days_before_flying = models.PositiveSmallIntegerField()
    # The fit-to-fly rule: the published interval (CAA) when the catalogue has one, else the plan's.
    fit_days = models.PositiveSmallIntegerField(_("days after the procedure before flying"))
    fit_published = models.BooleanField(default=False, help_text=_("True when fit_days comes from published guidance."))
    fit_rule = models.CharField(max_length=300)
    fit_authority = models.CharField(max_length=200, blank=True)
    fit_source_url = models.URLField(max_length=500, blank=True)
    fit_data_date = models.DateField(null=True, blank=True)
    travel_earliest = models.DateField(null=True, blank=True)
    travel_latest = models.DateField(null=True, blank=True)
    companion = models.BooleanField(default=False)
    fit_override_reason = models.TextField(blank=True, max_length=1000)
    fit_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fit_override_at = models.DateTimeField(null=True, blank=True)
    feed_digest = models.CharField(max_length=64, blank=True, db_index=True)
    feed_created_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"journey {self.case_id}"

    @property
    def code(self) -> str:
        return f"JR-{str(self.public_id)[:8].upper()}"


class Step(BaseModel):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    position = models.PositiveSmallIntegerField()
    day = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True)
    tz = models.CharField(_("time zone"), max_length=64)
    note = models.CharField(max_length=300, blank=True)
    revision = models.PositiveIntegerField(default=0, help_text=_("Calendar SEQUENCE: raised on every change."))
    dates_confirmed_at = models.DateTimeField(null=True, blank=True, help_text=_("The hospital confirmed the date."))
    dates_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    happened_at = models.DateTimeField(null=True, blank=True, help_text=_("Recorded as done (admitted, home...)."))
    happened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    nudged_at = models.DateTimeField(null=True, blank=True, help_text=_("Case manager told the date passed."))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "kind"], name="journeys_one_step_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=StepKind.values), name="journeys_step_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"

    @property
    def at_home(self) -> bool:
        return self.kind in HOME_STEPS

    def starts(self) -> datetime.datetime | None:
        """The aware start in the step's own time zone (None when no time is set)."""
        if self.time is None:
            return None
        return datetime.datetime.combine(self.day, self.time, tzinfo=ZoneInfo(self.tz))

    @property
    def who_books(self) -> str:
        return str(WHO_BOOKS[self.kind])


class Person(models.TextChoices):
    PATIENT = "patient", _("Patient")
    ATTENDANT_1 = "attendant_1", _("First attendant")
    ATTENDANT_2 = "attendant_2", _("Second attendant")


class Passport(BaseModel):
    """A passport typed by the patient for themself or an attendant. The number is sealed
    (privacy.vault.seal_text); only its last three characters are kept in clear."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="passports")
    person = models.CharField(max_length=12, choices=Person.choices)
    full_name = models.CharField(_("full name as in the passport"), max_length=200)
    number_sealed = models.TextField()
    last3 = models.CharField(max_length=3)
    country = models.CharField(_("issuing country"), max_length=2)
    expires_on = models.DateField(_("expiry date"))

    class Meta:
        ordering = ["person"]
        constraints = [models.UniqueConstraint(fields=["journey", "person"], name="journeys_one_passport_per_person")]

    def __str__(self) -> str:
        return f"{self.person} •••{self.last3}"

    @property
    def masked(self) -> str:
        return f"•••••{self.last3}"


class InvitationLetter(BaseModel):
    """An invitation letter for the visa, issued by the partner hospital. What it says is frozen
    when issued; re-issuing revokes the old letter. ``code`` is what a consular officer types at
    /verify/<code>, where only the issuing hospital, the letter date, the patient's initials, the
    passport's last 3 characters, validity and revocation are shown."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="letters")
    code = models.CharField(max_length=20, unique=True)
    hospital = models.ForeignKey("network.Hospital", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    issued_at = models.DateTimeField()
    letter_date = models.DateField()
    valid_until = models.DateField()
    patient_name = models.CharField(max_length=200)
    patient_initials = models.CharField(max_length=8)
    passport_last3 = models.CharField(max_length=3)
    doctor_name = models.CharField(max_length=200)
    procedure_words = models.CharField(max_length=300)
    admission_day = models.DateField()
    stay_nights = models.PositiveSmallIntegerField()
    stay_days = models.PositiveSmallIntegerField()
    attendants = models.JSONField(default=list, blank=True, help_text=_("[{person, name}] (numbers stay sealed)."))
    signatory_name = models.CharField(_("signatory"), max_length=200)
    signatory_title = models.CharField(_("signatory's title"), max_length=200)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    lookups = models.PositiveIntegerField(default=0)
    last_lookup_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey"], condition=Q(revoked_at__isnull=True), name="journeys_one_current_letter"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_current(self) -> bool:
        return self.revoked_at is None


class ItemKind(models.TextChoices):
    PASSPORT = "passport", _("Passport valid for the whole stay")
    VISA = "visa", _("Visa or e-visa")
    LETTER = "invitation_letter", _("Hospital's invitation letter")
    REPORTS = "medical_reports", _("Medical reports the hospital asked for")
    INSURANCE = "travel_insurance", _("Travel insurance")
    FIT_CERTIFICATE = "fit_certificate", _("Fit-to-fly certificate for the return")
    COMPANION = "companion_documents", _("Companion's passport and visa")


class Provider(models.TextChoices):
    PATIENT = "patient", _("You (the patient)")
    HOSPITAL = "hospital", _("The hospital")
    COMPANION = "companion", _("Your companion")


class ItemStatus(models.TextChoices):
    MISSING = "missing", _("Missing")
    UPLOADED = "uploaded", _("Uploaded")
    CHECKED = "checked", _("Checked by your case manager")


class ChecklistItem(BaseModel):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="checklist")
    kind = models.CharField(max_length=24, choices=ItemKind.choices)
    position = models.PositiveSmallIntegerField()
    provider = models.CharField(max_length=12, choices=Provider.choices)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.MISSING)
    due_on = models.DateField(null=True, blank=True)
    due_rule = models.CharField(max_length=200, blank=True)
    document = models.ForeignKey("cases.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    overdue_task = models.ForeignKey(
        "cases.CaseTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "kind"], name="journeys_one_item_per_kind"),
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values), name="journeys_item_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.status}"


class CompanionLink(BaseModel):
    """A read-only link to the itinerary (never the medical documents) for a companion. The token
    is shown once; only its SHA-256 digest is stored."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="companion_links")
    name = models.CharField(_("companion's name"), max_length=120)
    digest = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"companion link {self.name}"
