"""Aftercare: the follow-up after the patient is home (schedule, check-ins with their FHIR
QuestionnaireResponse, red-flag escalations), verified reviews and licensed questionnaires an
operator loads. Outcome figures are computed from these rows (selectors), never stored.

Erasure keeps what the figures need, de-identified: a follow-up's and a review's link to the case
is set to NULL and the free text blanked, so counts stay true (docs/architecture.md, "Aftercare")."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from medijourney.core.models import BaseModel

from .rules import MAX_DAY, Group


class ScheduleOverride(BaseModel):
    """A procedure's own check-in days (instead of its group's)."""

    procedure = models.OneToOneField("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    days = models.JSONField(help_text=_("Days after discharge, e.g. [2, 7, 14, 30, 90, 365]."))

    def __str__(self) -> str:
        return f"{self.procedure_id}: {self.days}"


class LoadedQuestionnaire(BaseModel):
    """A licensed instrument (e.g. KOOS, PROMIS) loaded by an operator who holds its licence, as a
    FHIR Questionnaire JSON. None is shipped (../shared/data/questionnaires/PROVENANCE.md)."""

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)
    licence = models.TextField(help_text=_("Who granted the licence, for what use, until when."))
    resource = models.JSONField()

    def __str__(self) -> str:
        return self.name


class FollowUp(BaseModel):
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_up"
    )
    hospital = models.ForeignKey("network.Hospital", on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=24, choices=Group.choices)
    discharged_on = models.DateField()
    home_tz = models.CharField(max_length=64, default="UTC")
    closed_at = models.DateTimeField(null=True, blank=True)
    erased = models.BooleanField(default=False, help_text=_("The patient was erased; counts kept de-identified."))
    is_demo = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"follow-up {self.public_id}"


class Status(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Waiting for your answer")
    ANSWERED = "answered", _("Answered")
    SKIPPED = "skipped", _("Skipped")


OPEN_STATUSES = (Status.SCHEDULED, Status.SENT)


class CheckIn(BaseModel):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="check_ins")
    day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_DAY)])
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    task_at = models.DateTimeField(null=True, blank=True, help_text=_("The case manager was given a task."))
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    skip_reason = models.CharField(max_length=300, blank=True)
    response = models.JSONField(null=True, blank=True, help_text=_("FHIR R4 QuestionnaireResponse."))
    red_flags = models.JSONField(default=list, blank=True)
    flagged = models.BooleanField(default=False, help_text=_("A red-flag rule was met at submission."))
    # Kept apart from the response for the figures (and kept after erasure).
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    readmitted = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "day"]
        constraints = [models.UniqueConstraint(fields=["follow_up", "day"], name="aftercare_checkin_one_per_day")]

    def __str__(self) -> str:
        return f"day {self.day}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Escalation(BaseModel):
    """A red flag at submission: the case manager and the hospital's partner desk must acknowledge
    within ``rules.ACK_HOURS``, else the leads are told."""

    check_in = models.OneToOneField(CheckIn, on_delete=models.CASCADE, related_name="escalation")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    hospital = models.ForeignKey("network.Hospital", on_delete=models.PROTECT, related_name="+")
    flags = models.JSONField(default=list)
    due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leads_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"escalation {self.public_id}"


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Review(BaseModel):
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="review")
    hospital = models.ForeignKey("network.Hospital", on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=24, choices=Group.choices)
    month = models.DateField(help_text=_("The first day of the month of discharge (shown, never the date)."))
    care = models.PositiveSmallIntegerField(validators=RATING)
    communication = models.PositiveSmallIntegerField(validators=RATING)
    cleanliness = models.PositiveSmallIntegerField(validators=RATING)
    value = models.PositiveSmallIntegerField(validators=RATING)
    would_recommend = models.BooleanField()
    text = models.TextField(max_length=4000)
    initials = models.CharField(max_length=8, blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    redaction_reason = models.CharField(max_length=300, blank=True)
    reply = models.TextField(max_length=4000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"review {self.public_id}"
