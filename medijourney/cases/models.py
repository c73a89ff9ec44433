"""Cases: an inquiry becomes a case with a reference, a first-response clock, an owner, a stage,
and a timeline of everything that happens to it.

Other apps are referred to by plain values (specialty ids, procedure slugs, ISO codes) so this
app never depends on the catalogue or the network while they are built."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from medijourney.core.models import BaseModel


class Stage(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("In review")
    AWAITING_INFORMATION = "awaiting_information", _("Awaiting information")
    QUOTES_REQUESTED = "quotes_requested", _("Quotes requested")
    QUOTES_READY = "quotes_ready", _("Quotes ready")
    PLAN_ACCEPTED = "plan_accepted", _("Plan accepted")
    TRAVEL_PLANNING = "travel_planning", _("Travel planning")
    IN_TREATMENT = "in_treatment", _("In treatment")
    RECOVERING = "recovering", _("Recovering")
    RETURNED_HOME = "returned_home", _("Returned home")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


FINAL_STAGES = frozenset({Stage.CLOSED, Stage.CANCELLED})
OPEN_STAGES = tuple(s for s in Stage if s not in FINAL_STAGES)
TRAVELLED_STAGES = (Stage.IN_TREATMENT, Stage.RECOVERING, Stage.RETURNED_HOME, Stage.FOLLOW_UP)
HOME_STAGES = (Stage.RETURNED_HOME, Stage.FOLLOW_UP)


class Source(models.TextChoices):
    FORM = "form", _("Inquiry form")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class Case(BaseModel):
    """One patient's inquiry and everything that follows from it."""

    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases", verbose_name=_("patient")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("case manager"),
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    language_fallback = models.BooleanField(
        default=False, help_text=_("Assigned to a case manager who does not speak the patient's language.")
    )
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices, default=Stage.NEW, db_index=True)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)

    # What the patient told us at intake (a snapshot; the account may change later).
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = PhoneNumberField(_("phone"))
    country_of_residence = CountryField(_("country of residence"))
    passport_country = CountryField(_("passport country"))
    preferred_language = models.CharField(_("preferred language"), max_length=35, help_text=_("BCP 47 tag."))
    need = models.TextField(_("what you need help with"), max_length=5000)
    procedure_requested = models.CharField(_("procedure, if known"), max_length=200, blank=True)
    destinations = models.JSONField(
        _("preferred destinations"), default=list, blank=True, help_text=_("ISO 3166 alpha-2 codes.")
    )
    budget_amount = models.DecimalField(_("budget"), max_digits=12, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(_("budget currency"), max_length=3, blank=True, help_text=_("ISO 4217."))
    travel_earliest = models.DateField(_("travel from"), null=True, blank=True)
    travel_latest = models.DateField(_("travel until"), null=True, blank=True)
    companion = models.BooleanField(_("travelling with a companion"), default=False)

    # Routing (plain ids: no dependency on the catalogue).
    specialty_id = models.CharField(_("specialty"), max_length=40, blank=True, db_index=True)
    procedure_slug = models.SlugField(_("procedure"), max_length=100, blank=True)
    triage = models.JSONField(default=dict, blank=True, help_text=_("The triage result at intake."))
    emergency_flagged = models.BooleanField(
        _("may describe an emergency"),
        default=False,
        help_text=_("The patient's words named emergency warning signs at intake (they were told to call for help)."),
    )

    consent_version = models.CharField(max_length=40)
    consent_given_at = models.DateTimeField()

    # The 24-hour first-response clock.
    first_response_due_at = models.DateTimeField(db_index=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clock_warning_sent_at = models.DateTimeField(null=True, blank=True)
    clock_breached_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When leads were told (no one available, or the clock ran out).")
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    # Milestones: when the case first reached each later step of the journey (null until then), set
    # by the services that make the step happen (quotes: requested, received, accepted; the stage
    # change: travelled, home, follow-up done). The network's funnel counts them in one scan of
    # cases instead of joining the timeline and the quote requests.
    quotes_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    quote_received_at = models.DateTimeField(null=True, blank=True, editable=False)
    plan_accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    travelled_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("First reached in treatment or a later journey stage.")
    )
    returned_home_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_done_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("Closed after the follow-up stage.")
    )

    class Meta:
        ordering = ["first_response_due_at"]
        indexes = [
            models.Index(fields=["assigned_to", "stage"]),
            models.Index(fields=["patient", "stage"]),
            # Open load per case manager, counted at every assignment (under the assignment lock).
            models.Index(
                fields=["assigned_to"],
                condition=~Q(stage__in=["closed", "cancelled"]),
                name="cases_case_open_load_idx",
            ),
            # The network's figures (insights): cases received in a range with what the funnel and
            # the first-response figure count, read from the index alone (no table access).
            models.Index(
                fields=[
                    "created_at",
                    "id",
                    "first_responded_at",
                    "first_response_due_at",
                    "quotes_requested_at",
                    "quote_received_at",
                    "plan_accepted_at",
                    "travelled_at",
                    "returned_home_at",
                    "follow_up_done_at",
                ],
                name="cases_case_figures_idx",
            ),
            # Open cases per patient's language (insights' workload), from the index alone.
            models.Index(
                fields=["preferred_language"],
                condition=~Q(stage__in=["closed", "cancelled"]),
                name="cases_case_open_language_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="cases_case_stage_valid"),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0), name="cases_case_budget_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def specialty_name(self) -> str:
        """The routed specialty's name as triage gave it (the id when unknown)."""
        for match in (self.triage or {}).get("specialties", []):
            if match.get("id") == self.specialty_id:
                return str(match.get("name") or self.specialty_id)
        return self.specialty_id

    @property
    def emergency_signs(self) -> list[dict[str, str]]:
        """The warning signs found at intake ({id, label, evidence}), if any."""
        return list((self.triage or {}).get("emergency", {}).get("signs", []))

    @property
    def is_open(self) -> bool:
        return self.stage not in FINAL_STAGES

    @property
    def clock_running(self) -> bool:
        return self.first_responded_at is None and self.is_open


class IntakeRequest(models.Model):
    """Idempotency: one row per Idempotency-Key (API) or one-time form token, created in the
    same transaction as the case, so a retry finds the case instead of making another."""

    key = models.CharField(max_length=220, unique=True)  # "api:<Idempotency-Key>" or "form:<token>"
    request_hash = models.CharField(max_length=64)
    # Set in the same transaction, right after the key row is inserted (the key row goes first so
    # a concurrent retry waits on it instead of doing the work twice).
    case = models.OneToOneField(Case, on_delete=models.CASCADE, null=True, related_name="intake_request")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class CaseManagerAvailability(models.Model):
    """A case manager's availability for new cases, and when they last got one (for rotation).
    The rows are also the locks that serialise assignment."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_availability")
    out_of_office = models.BooleanField(_("out of office"), default=False)
    back_on = models.DateField(
        _("back on"), null=True, blank=True, help_text=_("From this day you receive new cases again.")
    )
    note = models.CharField(_("note for leads"), max_length=200, blank=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("case manager availability")

    def __str__(self) -> str:
        return f"{self.user} ({'away' if self.out_of_office else 'available'})"


class EventKind(models.TextChoices):
    INTAKE = "intake", _("Inquiry received")
    ASSIGNED = "assigned", _("Assigned")
    REASSIGNED = "reassigned", _("Reassigned")
    UNASSIGNED_ESCALATED = "unassigned_escalated", _("No case manager available: leads told")
    STAGE_CHANGED = "stage_changed", _("Stage changed")
    MESSAGE_SENT = "message_sent", _("Message sent")
    MESSAGE_FLAGGED = "message_flagged", _("Message flagged")
    FIRST_RESPONSE = "first_response", _("First response: clock stopped")
    DOCUMENT_ADDED = "document_added", _("Document added")
    DOCUMENT_SCANNED = "document_scanned", _("Document scanned")
    NOTE_ADDED = "note_added", _("Internal note added")
    TASK_ADDED = "task_added", _("Task added")
    TASK_DONE = "task_done", _("Task done")
    TASK_REOPENED = "task_reopened", _("Task reopened")
    CLOCK_WARNING = "clock_warning", _("First-response clock: 4 hours left")
    CLOCK_BREACHED = "clock_breached", _("First-response clock ran out: leads told")


class CaseEvent(models.Model):
    """The case timeline: one row for everything that happens to a case. ``data`` holds ids,
    stage names and counts, never message text or health details."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseTask(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="case_tasks"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "due_on", "created_at"]

    def __str__(self) -> str:
        return self.title


class CaseNote(BaseModel):
    """Internal note for the case team. Never shown to the patient by any route."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"), max_length=5000)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note on {self.case_id}"


class Thread(models.TextChoices):
    PATIENT = "patient", _("Patient and case team")
    PARTNER = "partner", _("Partner hospital and case team")  # used by quotes; never shown to the patient


class Message(BaseModel):
    """A message on a case. Stored as plain text and escaped on output (never rendered as HTML)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    thread = models.CharField(max_length=16, choices=Thread.choices, default=Thread.PATIENT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=20)
    from_staff = models.BooleanField(default=False)
    body = models.TextField(max_length=10000)
    flagged = models.BooleanField(default=False, help_text=_("Contains contact or bank details (partner messages)."))
    flag_reasons = models.JSONField(default=list, blank=True)
    read_at = models.DateTimeField(null=True, blank=True, help_text=_("First read by the other side."))

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message on {self.case_id}"


class ScanStatus(models.TextChoices):
    PENDING = "pending_scan", _("Waiting for virus scan")
    CLEAN = "clean", _("Clean")
    QUARANTINED = "quarantined", _("Quarantined (virus found)")


class Document(BaseModel):
    """A file on a case. The bytes live encrypted in the vault under a random key; this row keeps
    the key and what people see about the file."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    storage_key = models.CharField(max_length=80, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=120)
    kind = models.CharField(max_length=8)  # pdf | jpeg | png (sniffed)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scan_status = models.CharField(max_length=16, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    scanned_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty when scanning is off."))
    scan_signature = models.CharField(max_length=200, blank=True)
    scan_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def servable(self) -> bool:
        return self.scan_status == ScanStatus.CLEAN


class Notification(models.Model):
    """Outbox for emails: one row per email that must go out, keyed so that a retry never sends
    it twice. The body is rendered when it is sent (so no sign-in link is stored) and never holds
    health data."""

    key = models.CharField(max_length=200, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    to_email = models.EmailField()
    kind = models.CharField(max_length=32)  # which template renders the body (see cases.notifications)
    context = models.JSONField(default=dict, blank=True)  # references and public ids only
    subject = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return self.key
