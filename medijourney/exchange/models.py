"""Knowledge exchange: second opinions across countries and tele-mentoring programmes in the
Project ECHO style (a hub of specialists, spoke clinicians presenting de-identified cases).

Second opinions hang on a case (cascade: erasing the case erases them). Tele-mentoring never
links to a patient record: a case presentation is free text from a clinician, de-identified
before it is saved, with no foreign key to cases."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from medijourney.core.models import BaseModel
from medijourney.quotes.models import Scope

MAX_QUESTIONS = 5
MAX_CLARIFICATIONS = 3


class SpecialistProfile(BaseModel):
    """A specialist user's link to a doctor record of the network (whose licences the quality
    lead verifies) and the time zone their working days are counted in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="specialist_profile")
    doctor = models.ForeignKey("network.Doctor", on_delete=models.PROTECT, related_name="specialist_profiles")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", help_text=_("IANA name."))
    accepting = models.BooleanField(_("accepting second opinions"), default=True)

    def __str__(self) -> str:
        return f"specialist {self.user_id} → doctor {self.doctor_id}"


class OpinionConsent(BaseModel):
    """The patient's consent to share a case with a specialist for a second opinion, recorded the
    way quotes records consents to share with a hospital (scope, text version, time, revocation)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="opinion_consents")
    scope = models.CharField(_("what may be shared"), max_length=24, choices=Scope.choices)
    text_version = models.CharField(max_length=40)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(revoked_at__isnull=True), name="exchange_one_active_opinion_consent"
            )
        ]

    def __str__(self) -> str:
        return f"opinion consent {self.case_id} ({self.scope})"

    @property
    def includes_reports(self) -> bool:
        return self.scope == Scope.SUMMARY_WITH_REPORTS


class OpinionStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a specialist to be chosen")
    ASSIGNED = "assigned", _("With the specialist")
    CLARIFYING = "clarifying", _("Specialist asked a question (clock paused)")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_OPINION_STATUSES = (OpinionStatus.REQUESTED, OpinionStatus.ASSIGNED, OpinionStatus.CLARIFYING)


class OpinionRequest(BaseModel):
    """A request for a second opinion on one case in one specialty, with 1–5 questions."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="opinion_requests")
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    consent = models.ForeignKey(OpinionConsent, on_delete=models.CASCADE, related_name="requests")
    specialty = models.ForeignKey("catalog.Specialty", on_delete=models.PROTECT, related_name="+")
    questions = models.JSONField(default=list, help_text=_("1 to 5 questions, in order."))
    summary = models.TextField(_("de-identified summary for the specialist"), max_length=8000)
    documents = models.ManyToManyField("cases.Document", related_name="+", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=OpinionStatus.choices, default=OpinionStatus.REQUESTED, db_index=True
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="opinions_assigned"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    coi_declared_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The specialist declared no tie to any hospital that quoted on the case.")
    )
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(null=True, blank=True, help_text=_("Clock paused while a question waits."))
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reassign_offered_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OpinionStatus.values), name="exchange_opinion_status_valid"),
        ]
        indexes = [models.Index(fields=["specialist", "status", "due_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """What the specialist calls the request: never the case reference."""
        return f"SO-{str(self.public_id)[:8].upper()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_OPINION_STATUSES


class Clarification(BaseModel):
    """A clarifying question from the specialist to the case manager (at most 3 per request)."""

    request = models.ForeignKey(OpinionRequest, on_delete=models.CASCADE, related_name="clarifications")
    question = models.TextField(max_length=2000)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    asked_at = models.DateTimeField()
    answer = models.TextField(max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"clarification {self.request_id}"


class Agreement(models.TextChoices):
    AGREE = "agree", _("Agree with the proposed treatment plan")
    AGREE_WITH_CHANGES = "agree_with_changes", _("Agree, with changes")
    DISAGREE = "disagree", _("Disagree")
    NEED_MORE = "need_more", _("Can't say without more information")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Opinion(BaseModel):
    """The specialist's structured opinion; a draft until submitted."""

    request = models.OneToOneField(OpinionRequest, on_delete=models.CASCADE, related_name="opinion")
    understood_summary = models.TextField(_("the case as you understand it"), max_length=5000, blank=True)
    answers = models.JSONField(default=list, blank=True, help_text=_("One answer per question, in order."))
    agreement = models.CharField(_("the proposed treatment plan"), max_length=20, choices=Agreement.choices, blank=True)
    alternatives = models.TextField(_("alternatives"), max_length=4000, blank=True)
    further_tests = models.TextField(_("further tests that would help"), max_length=4000, blank=True)
    confidence = models.CharField(_("confidence"), max_length=8, choices=Confidence.choices, blank=True)
    references = models.TextField(_("references"), max_length=4000, blank=True)
    plain_summary = models.TextField(_("in plain words, for the patient"), max_length=4000, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"opinion {self.request_id}"

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None


# --- Tele-mentoring ---------------------------------------------------------------------------------


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class Profession(models.TextChoices):
    DOCTOR = "doctor", _("Doctor")
    NURSE = "nurse", _("Nurse")
    OTHER = "other", _("Other health professional")


class ClinicianProfile(BaseModel):
    """A spoke clinician: as declared by them (the licence number is not verified)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician_profile")
    country = CountryField(_("country"))
    facility = models.CharField(_("facility"), max_length=200)
    profession = models.CharField(_("profession"), max_length=10, choices=Profession.choices)
    licence_number = models.CharField(_("licence number (as declared)"), max_length=60, blank=True)

    def __str__(self) -> str:
        return f"clinician {self.user_id}"


class Programme(BaseModel):
    title = models.CharField(_("topic"), max_length=200)
    specialty = models.ForeignKey("catalog.Specialty", on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("description"), max_length=4000, blank=True)
    hub = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="hub_programmes", verbose_name=_("hub team"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    cadence = models.CharField(_("cadence"), max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    certificate_threshold = models.PositiveSmallIntegerField(
        _("share of sessions needed for a certificate (%)"), default=75
    )
    accreditation_provider = models.CharField(_("CME accreditation provider"), max_length=200, blank=True)
    accreditation_number = models.CharField(_("CME accreditation number"), max_length=100, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certificate_threshold__gte=1, certificate_threshold__lte=100),
                name="exchange_programme_threshold_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def accredited(self) -> bool:
        return bool(self.accreditation_provider and self.accreditation_number)


class Invitation(BaseModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"invitation {self.programme_id}"


class Membership(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spoke_memberships")
    joined_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="exchange_membership_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.programme_id}"


class Session(BaseModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    video_link = models.URLField(_("video link"), blank=True, help_text=_("We host no video: the meeting's own link."))
    didactic_title = models.CharField(_("didactic title"), max_length=200, blank=True)
    didactic_presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    slides_key = models.CharField(max_length=100, blank=True)
    slides_name = models.CharField(max_length=200, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text=_("iCalendar SEQUENCE: raised at each change."))

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=10, duration_minutes__lte=480), name="exchange_session_duration"
            )
        ]

    def __str__(self) -> str:
        return f"session {self.programme_id} {self.starts_at:%Y-%m-%d}"

    @property
    def uid(self) -> str:
        """The stable iCalendar UID: the same invitation updates, never duplicates."""
        return f"session-{self.public_id}@medijourney"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")


class Attendance(BaseModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=AttendanceStatus.choices)
    minutes = models.PositiveSmallIntegerField(default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="exchange_attendance_once")]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.session_id}: {self.status}"


class AttendanceChange(models.Model):
    """Every change to an attendance row after it was first taken, with its reason."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="changes")
    old_status = models.CharField(max_length=8)
    old_minutes = models.PositiveSmallIntegerField()
    new_status = models.CharField(max_length=8)
    new_minutes = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=500)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"change {self.attendance_id}"


class CasePresentation(BaseModel):
    """A de-identified case a spoke clinician presents at a session. Never linked to a patient
    record of MediJourney: there is no foreign key to cases, on purpose."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="presentations")
    presenter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("the case, de-identified"), max_length=6000)
    question = models.TextField(_("your question to the hub"), max_length=2000)
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups",
        verbose_name=_("update of an earlier presentation"),
    )  # fmt: skip

    class Meta:
        ordering = ["session__starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class Recommendation(BaseModel):
    presentation = models.ForeignKey(CasePresentation, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"recommendation {self.presentation_id}"
