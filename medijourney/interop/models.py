"""Interop: the partner hospital's discharge summary (versioned: a correction is a new version, the
old ones stay readable) and what the International Patient Summary export is built from.

A summary belongs to a journey (the trip after an accepted plan) and so to one case and one
hospital. Lists (diagnoses, medications, devices, allergies) are small JSON lists, checked by the
service (``services.discharge``) item by item; each version is written once and never edited."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medijourney.core.models import BaseModel


class DischargeSummary(BaseModel):
    journey = models.ForeignKey("journeys.Journey", on_delete=models.CASCADE, related_name="discharge_summaries")
    version = models.PositiveIntegerField()
    # [{"text", "system" ("icd10" | "snomed" | ""), "code"}], as the hospital entered them: we ship no code system.
    diagnoses = models.JSONField(default=list)
    # The procedures performed, one or more: [{"text", "system", "code", "date" (ISO date, or "" for
    # the day of ``procedure_date``)}], codes as the hospital entered them.
    procedures = models.JSONField(default=list)
    procedure_date = models.DateField(_("date of the (first) procedure"))
    surgeon = models.CharField(_("surgeon"), max_length=200)
    # [{"type", "manufacturer", "model", "lot", "serial"}]
    devices = models.JSONField(default=list, blank=True)
    complications = models.TextField(_("complications"), max_length=3000, blank=True)
    # [{"name", "dose", "frequency", "until" (ISO date or "")}]
    medications = models.JSONField(default=list, blank=True)
    # [{"substance", "reaction"}]
    allergies = models.JSONField(default=list, blank=True)
    instructions = models.TextField(_("instructions for the patient"), max_length=5000)
    follow_up = models.TextField(_("follow-up plan"), max_length=3000)
    fit_to_fly_date = models.DateField(_("fit to fly from"))
    correction_reason = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["journey", "-version"]
        constraints = [models.UniqueConstraint(fields=["journey", "version"], name="interop_summary_version_unique")]

    def __str__(self) -> str:
        return f"discharge summary v{self.version} of journey {self.journey_id}"

    @property
    def code(self) -> str:
        return f"DS-{str(self.public_id)[:8].upper()}"

    def procedure_day(self, item: dict[str, str]) -> str:
        """A procedure's date (ISO): its own, or the summary's procedure date."""
        return item.get("date") or self.procedure_date.isoformat()


class HomeRecord(BaseModel):
    """What a patient's home system's IPS says, as imported: the problems, medications and allergies
    (display text, with the code where one is given) and the document's date and author. The uploaded
    file is not kept; a rejected file leaves nothing behind."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="home_records")
    document_date = models.DateField(null=True, blank=True)
    document_author = models.CharField(max_length=300, blank=True)
    # [{"text", "code"}]: "code" is "system|code" as the file gives it, or "".
    problems = models.JSONField(default=list, blank=True)
    medications = models.JSONField(default=list, blank=True)
    allergies = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"home record of case {self.case_id}"


class DoctorLink(BaseModel):
    """A link for the patient's home doctor, in the style of SMART Health Links: the server keeps only
    the ciphertext of what it serves (AES-256-GCM under a fresh key that travels in the link's
    fragment and is never stored), the SHA-256 of the link's token, and the passcode's hash."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="doctor_links")
    label = models.CharField(max_length=80)
    token_digest = models.CharField(max_length=64, unique=True)
    ciphertext = models.BinaryField()
    nonce = models.BinaryField(max_length=12)
    expires_at = models.DateTimeField()
    passcode_hash = models.CharField(max_length=200, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    # Whether the encrypted payload also carries the discharge summary as a PDF (the patient's choice).
    with_pdf = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    reply_received = models.BooleanField(default=False)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"doctor link {self.public_id}"


class LinkOutcome(models.TextChoices):
    SERVED = "served", _("opened")
    WRONG_PASSCODE = "wrong_passcode", _("refused: wrong passcode")
    LOCKED = "locked", _("refused: too many wrong passcodes")
    EXPIRED = "expired", _("refused: expired")
    REVOKED = "revoked", _("refused: revoked")


class DoctorLinkAccess(models.Model):
    """Each fetch of a link's content, served or refused (time and outcome only)."""

    link = models.ForeignKey(DoctorLink, on_delete=models.CASCADE, related_name="accesses")
    at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, choices=LinkOutcome.choices)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.outcome} at {self.at}"


class DoctorReply(BaseModel):
    """The home doctor's one reply through a link: name and registration number as typed (not verified)."""

    link = models.OneToOneField(DoctorLink, on_delete=models.CASCADE, related_name="reply")
    doctor_name = models.CharField(max_length=200)
    registration_number = models.CharField(max_length=100)
    message = models.TextField(max_length=3000)

    def __str__(self) -> str:
        return f"reply through {self.link_id}"
