"""Passports typed by the patient (sealed, shown masked) and the hospital's invitation letter with
its public verification code. Re-issuing revokes the old letter; every look-up is counted."""

import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import Stage
from medijourney.cases.services import case_event_add
from medijourney.core.dates import day_text
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import open_text, seal_text
from medijourney.quotes.models import RequestStatus

from ..models import ChecklistItem, InvitationLetter, ItemKind, ItemStatus, Journey, Passport, Person, StepKind

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
LETTER_STAGES = (Stage.PLAN_ACCEPTED, Stage.TRAVEL_PLANNING)
MAX_ATTENDANTS = 2


def letter_code_new() -> str:
    """16 random Crockford base32 characters (80 bits) in groups of four."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def letter_code_normalise(code: str) -> str:
    cleaned = (code or "").upper().replace("-", "").replace(" ", "")
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != 16 or any(c not in CODE_ALPHABET for c in cleaned):
        return ""
    return "-".join(cleaned[i : i + 4] for i in range(0, 16, 4))


def _stay_end(journey: Journey) -> datetime.date:
    return journey.steps.get(kind=StepKind.RETURN_FLIGHT).day


def _passport_context(journey: Journey, person: str) -> str:
    return f"passport:{journey.public_id}:{person}"


def passport_number(passport: Passport) -> str:
    """The clear number (for the letter's PDF only)."""
    return open_text(passport.number_sealed, context=_passport_context(passport.journey, passport.person))


def passport_save(
    *,
    journey: Journey,
    person: str,
    full_name: str,
    number: str,
    country: str,
    expires_on: datetime.date | None,
    actor: User,
) -> Passport:
    """The patient types a passport for themself or an attendant (up to two). Refuses a passport
    that expires before the end of the stay (the return flight)."""
    errors: dict[str, list[str]] = {}
    number = "".join((number or "").split()).upper()
    full_name = " ".join((full_name or "").split())
    if person not in Person.values:
        errors["person"] = [_("Choose whose passport this is.")]
    if not full_name:
        errors["full_name"] = [_("Enter the name exactly as in the passport.")]
    if not (5 <= len(number) <= 20) or not number.isalnum():
        errors["number"] = [_("Enter the passport number: 5 to 20 letters and digits.")]
    if len((country or "").strip()) != 2:
        errors["country"] = [_("Choose the country that issued the passport.")]
    if expires_on is None:
        errors["expires_on"] = [_("Enter the passport's expiry date.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        journey = Journey.objects.select_for_update().get(pk=journey.pk)
        end = _stay_end(journey)
        assert expires_on is not None
        if expires_on <= end:
            raise ValidationError(
                {
                    "expires_on": _(
                        "This passport expires on %(e)s, during the stay (the return flight is on %(r)s). "
                        "It must be valid for the whole stay; some destinations ask for a longer margin: "
                        "check with the embassy."
                    )
                    % {"e": day_text(expires_on), "r": day_text(end)}
                }
            )
        passport = Passport.objects.filter(journey=journey, person=person).first() or Passport(
            journey=journey, person=person, created_by=actor
        )
        passport.full_name = full_name[:200]
        passport.number_sealed = seal_text(number, context=_passport_context(journey, person))
        passport.last3 = number[-3:]
        passport.country = country.strip().upper()
        passport.expires_on = expires_on
        passport.full_clean()
        passport.save()
        if person == Person.PATIENT:
            ChecklistItem.objects.filter(journey=journey, kind=ItemKind.PASSPORT, status=ItemStatus.MISSING).update(
                status=ItemStatus.UPLOADED, updated_at=timezone.now()
            )
        case_event_add(case=journey.case, kind="journey_passport", actor=actor, person=person)
        audit_record(actor=actor, action="passport.save", obj=passport, patient=journey.case.patient)
    return passport


@dataclass(frozen=True)
class LetterInput:
    signatory_name: str
    signatory_title: str


def _initials(name: str) -> str:
    return "".join(part[0].upper() for part in name.split() if part[:1].isalpha())[:8]


def letter_issue(*, journey: Journey, actor: User, data: LetterInput, hospital_id: int | None) -> InvitationLetter:
    """The partner hospital issues the invitation letter (re-issuing revokes the current one).
    ``hospital_id`` is the issuing desk's hospital: it must be the journey's hospital."""
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        journey = (
            Journey.objects.select_for_update()
            .select_related("case__patient", "quote__request", "quote__doctor", "procedure", "hospital")
            .get(pk=journey.pk)
        )
        case = journey.case
        if hospital_id != journey.hospital_id:
            raise ValidationError(
                {
                    "hospital": _("A hospital issues letters only for its own patients: this journey is with %(h)s.")
                    % {"h": journey.hospital.name}
                }
            )
        if journey.quote.request.status != RequestStatus.ACCEPTED or case.stage not in LETTER_STAGES:
            raise ValidationError(
                {"plan": _("An invitation letter is issued after the patient accepts the plan and before the trip.")}
            )
        if not (data.signatory_name or "").strip():
            errors["signatory_name"] = [_("Enter who signs the letter for the hospital.")]
        if not (data.signatory_title or "").strip():
            errors["signatory_title"] = [_("Enter the signatory's title.")]
        passports = {p.person: p for p in Passport.objects.filter(journey=journey)}
        patient_passport = passports.get(Person.PATIENT)
        end = _stay_end(journey)
        if patient_passport is None:
            errors["passport"] = [_("The patient has not entered their passport yet.")]
        for p in passports.values():
            if p.expires_on <= end:
                errors.setdefault("passport", []).append(
                    _("%(who)s's passport expires on %(e)s, during the stay.")
                    % {"who": p.full_name, "e": day_text(p.expires_on)}
                )
        if errors:
            raise ValidationError(errors)
        assert patient_passport is not None
        now = timezone.now()
        current = InvitationLetter.objects.select_for_update().filter(journey=journey, revoked_at__isnull=True)
        replaced = [letter.code for letter in current]
        current.update(revoked_at=now, revoked_reason="replaced by a new letter", updated_at=now)
        admission = journey.steps.get(kind=StepKind.ADMISSION)
        arrival = journey.steps.get(kind=StepKind.ARRIVAL)
        code = letter_code_new()
        while InvitationLetter.objects.filter(code=code).exists():  # pragma: no cover - 80 bits
            code = letter_code_new()
        letter = InvitationLetter(
            journey=journey,
            code=code,
            hospital=journey.hospital,
            issued_by=actor,
            issued_at=now,
            letter_date=timezone.localdate(),
            valid_until=end,
            patient_name=patient_passport.full_name,
            patient_initials=_initials(patient_passport.full_name),
            passport_last3=patient_passport.last3,
            doctor_name=journey.quote.doctor.full_name[:200],
            procedure_words=journey.procedure.name[:300],
            admission_day=admission.day,
            stay_nights=journey.inpatient_nights,
            stay_days=(end - arrival.day).days,
            attendants=[
                {"person": p.person, "name": p.full_name} for k, p in sorted(passports.items()) if k != Person.PATIENT
            ][:MAX_ATTENDANTS],
            signatory_name=data.signatory_name.strip()[:200],
            signatory_title=data.signatory_title.strip()[:200],
            is_demo=journey.is_demo,
            created_by=actor,
        )
        letter.full_clean()
        letter.save()
        ChecklistItem.objects.filter(journey=journey, kind=ItemKind.LETTER, status=ItemStatus.MISSING).update(
            status=ItemStatus.UPLOADED, updated_at=now
        )
        for old in replaced:
            case_event_add(case=case, kind="letter_revoked", actor=actor, code=old)
        case_event_add(case=case, kind="letter_issued", actor=actor, code=letter.code)
        audit_record(actor=actor, action="letter.issue", obj=letter, patient=case.patient)
    return letter


def letter_lookup(code: str) -> InvitationLetter | None:
    """The public verification: count the look-up and return the letter (or None)."""
    normal = letter_code_normalise(code)
    if not normal:
        return None
    with transaction.atomic():
        found = InvitationLetter.objects.filter(code=normal).update(
            lookups=F("lookups") + 1, last_lookup_at=timezone.now()
        )
        if not found:
            return None
        letter = InvitationLetter.objects.select_related("hospital").get(code=normal)
        audit_record(actor=None, action="letter.verify", obj=letter, patient=None)
    return letter
