"""Tele-mentoring: programmes, invitations, clinician profiles, sessions (with the slides PDF
through the safe upload and the vault), attendance (later changes need a reason), de-identified
case presentations, recommendations, and the participation certificate."""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.accounts.permissions import has_perm
from medijourney.cases.notifications import absolute
from medijourney.cases.services import notification_queue
from medijourney.catalog.models import Specialty
from medijourney.core.uploads import validate_upload
from medijourney.exchange.clock import zone
from medijourney.exchange.deidentify import presentation_leftovers
from medijourney.exchange.models import (
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    Cadence,
    CasePresentation,
    ClinicianProfile,
    Invitation,
    Membership,
    Profession,
    Programme,
    Recommendation,
    Session,
)
from medijourney.exchange.permissions import can_create_programme, can_join_programme, can_present_at, can_run_programme
from medijourney.privacy.services import audit_record
from medijourney.privacy.vault import vault_delete, vault_store


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def programme_create(
    *, actor: User, title: str, specialty: Specialty | None, hub: Sequence[User], time_zone: str, cadence: str,
    description: str = "", certificate_threshold: int = 75, accreditation_provider: str = "",
    accreditation_number: str = "", is_demo: bool = False,
) -> Programme:  # fmt: skip
    if not can_create_programme(actor):
        raise ValidationError(_("Only a quality lead can create a programme."))
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the programme a topic.")]
    if specialty is None:
        errors["specialty"] = [_("Choose a specialty.")]
    if not hub:
        errors["hub"] = [_("Choose at least one specialist for the hub team.")]
    elif any(not has_perm(u, "exchange.run_sessions") for u in hub):
        errors["hub"] = [_("The hub team is made of specialists.")]
    if zone(time_zone).key != (time_zone or "UTC"):
        errors["time_zone"] = [_("Choose a time zone from the list (e.g. Europe/Istanbul).")]
    if cadence not in Cadence.values:
        errors["cadence"] = [_("Choose a cadence.")]
    if not 1 <= int(certificate_threshold or 0) <= 100:
        errors["certificate_threshold"] = [_("Give a share between 1 and 100 %.")]
    if bool(accreditation_provider.strip()) != bool(accreditation_number.strip()):
        errors["accreditation_number"] = [_("Give both the accreditation provider and its number, or neither.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        programme = Programme(
            title=title.strip(), specialty=specialty, description=description.strip(), time_zone=time_zone,
            cadence=cadence, certificate_threshold=certificate_threshold,
            accreditation_provider=accreditation_provider.strip(), accreditation_number=accreditation_number.strip(),
            created_by=actor, is_demo=is_demo,
        )  # fmt: skip
        programme.full_clean()
        programme.save()
        programme.hub.set(hub)
        audit_record(actor=actor, action="programme.create", obj=programme)
    return programme


def invitation_send(*, programme: Programme, emails: Sequence[str], actor: User) -> list[tuple[Invitation, str]]:
    """Invite spoke clinicians by email: each gets a one-time link (only its digest is stored)."""
    if not can_run_programme(actor, programme):
        raise ValidationError(_("You cannot invite people to this programme."))
    cleaned = sorted({e.strip().lower() for e in emails if e and e.strip()})
    if not cleaned:
        raise ValidationError({"emails": [_("Give at least one email address.")]})
    bad = [e for e in cleaned if "@" not in e or len(e) > 254]
    if bad:
        raise ValidationError({"emails": [_("Not an email address: %(e)s") % {"e": ", ".join(bad)}]})
    out = []
    with transaction.atomic():
        for email in cleaned:
            token = secrets.token_urlsafe(24)
            invitation = Invitation.objects.create(
                programme=programme, email=email, digest=_digest(token), invited_by=actor, created_by=actor
            )
            notification_queue(
                key=f"programme-invite:{invitation.public_id}", kind="programme_invitation", to_email=email,
                context={"audience": "clinician", "programme": programme.title,
                         "invite_url": absolute(reverse("exchange:invitation", args=[token]))},
            )  # fmt: skip
            out.append((invitation, token))
        audit_record(actor=actor, action="programme.invite", obj=programme, detail={"count": len(cleaned)})
    return out


def invitation_find(token: str) -> Invitation | None:
    return Invitation.objects.select_related("programme").filter(digest=_digest(token or "")).first()


def clinician_profile_save(
    *, user: User, country: str, facility: str, profession: str, licence_number: str = ""
) -> ClinicianProfile:
    if not can_join_programme(user):
        raise ValidationError(_("Only a spoke clinician has a clinician profile."))
    errors: dict[str, list[str]] = {}
    if not country:
        errors["country"] = [_("Choose your country.")]
    if not facility.strip():
        errors["facility"] = [_("Name the facility where you work.")]
    if profession not in Profession.values:
        errors["profession"] = [_("Choose your profession.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile = ClinicianProfile.objects.filter(user=user).first() or ClinicianProfile(user=user, created_by=user)
        profile.country, profile.facility, profile.profession = country, facility.strip(), profession
        profile.licence_number = licence_number.strip()
        profile.full_clean()
        profile.save()
    return profile


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """A signed-in clinician accepts (the invitation must be for their address, once)."""
    if not can_join_programme(user):
        raise ValidationError(_("Sign in with a spoke clinician account to accept."))
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(_("This invitation was sent to another address."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None and invitation.accepted_by_id != user.pk:
            raise ValidationError(_("This invitation was already used."))
        now = timezone.now()
        invitation.accepted_by, invitation.accepted_at = user, invitation.accepted_at or now
        invitation.save(update_fields=["accepted_by", "accepted_at", "updated_at"])
        membership, _created = Membership.objects.get_or_create(
            programme=invitation.programme, user=user, defaults={"joined_at": now}
        )
        audit_record(actor=user, action="programme.join", obj=invitation.programme)
    return membership


def session_schedule(
    *, programme: Programme, actor: User, starts_at: datetime | None, duration_minutes: int, video_link: str = "",
    didactic_title: str = "", didactic_presenter: str = "", slides: Any = None, allow_past: bool = False,
) -> Session:  # fmt: skip
    """Schedule a session (never in the past, except the demo's history). The slides PDF goes
    through the safe upload (type sniffing, active content refused) into the encrypted vault."""
    if not can_run_programme(actor, programme):
        raise ValidationError(_("You cannot schedule sessions of this programme."))
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = [_("Give the date and time.")]
    elif starts_at <= timezone.now() and not allow_past:
        errors["starts_at"] = [_("This date and time is in the past.")]
    if not 10 <= int(duration_minutes or 0) <= 480:
        errors["duration_minutes"] = [_("Between 10 and 480 minutes.")]
    clean = None
    if slides is not None:
        try:
            clean = validate_upload(slides, allowed=("pdf",))
        except ValidationError as exc:
            errors["slides"] = exc.messages
    if errors or starts_at is None:
        raise ValidationError(errors)
    key = vault_store(data=clean.data, purpose="slides") if clean is not None else ""
    try:
        with transaction.atomic():
            session = Session(
                programme=programme, starts_at=starts_at, duration_minutes=duration_minutes, video_link=video_link,
                didactic_title=didactic_title.strip(), didactic_presenter=didactic_presenter.strip(),
                slides_key=key, slides_name=clean.original_name if clean is not None else "", created_by=actor,
            )  # fmt: skip
            session.full_clean()
            session.save()
            audit_record(actor=actor, action="session.schedule", obj=session)
    except Exception:
        if key:
            vault_delete(key)
        raise
    return session


def attendance_record(
    *, session: Session, user: User, status: str, minutes: int, actor: User, reason: str = ""
) -> Attendance:
    """The hub takes attendance; a later change needs a reason and is kept with it."""
    if not can_run_programme(actor, session.programme):
        raise ValidationError(_("Only the hub takes attendance."))
    errors: dict[str, list[str]] = {}
    if status not in AttendanceStatus.values:
        errors["status"] = [_("Choose present, late or absent.")]
    if not 0 <= int(minutes) <= session.duration_minutes:
        errors["minutes"] = [_("Between 0 and %(n)d minutes.") % {"n": session.duration_minutes}]
    if status == AttendanceStatus.ABSENT and int(minutes) != 0:
        errors["minutes"] = [_("An absent participant attended 0 minutes.")]
    if session.starts_at > timezone.now():
        errors["__all__"] = [_("Attendance is taken once the session has started.")]
    if not session.programme.memberships.filter(user=user).exists():
        errors["user"] = [_("Not a participant of this programme.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = Attendance.objects.select_for_update().filter(session=session, user=user).first()
        if row is None:
            row = Attendance.objects.create(
                session=session, user=user, status=status, minutes=minutes, recorded_by=actor, created_by=actor
            )
        elif (row.status, row.minutes) != (status, int(minutes)):
            if not reason.strip():
                raise ValidationError({"reason": [_("Give the reason for changing attendance already taken.")]})
            AttendanceChange.objects.create(
                attendance=row, old_status=row.status, old_minutes=row.minutes, new_status=status,
                new_minutes=minutes, reason=reason.strip()[:500], changed_by=actor, changed_at=timezone.now(),
            )  # fmt: skip
            row.status, row.minutes, row.recorded_by = status, minutes, actor
            row.save()
        audit_record(actor=actor, action="attendance.record", obj=row, detail={"status": status})
    return row


def presentation_submit(
    *, session: Session, presenter: User, title: str, summary: str, question: str,
    follow_up_of: CasePresentation | None = None, confirmed: bool = False,
) -> CasePresentation:  # fmt: skip
    """A spoke clinician submits a case for a session. Refused while the text still holds a
    name, phone, email or date of birth; the clinician must confirm the de-identified text shown."""
    if not can_present_at(presenter, session):
        raise ValidationError(_("You are not a participant of this programme."))
    errors: dict[str, list[str]] = {}
    for name, value, limit in (("title", title, 200), ("summary", summary, 6000), ("question", question, 2000)):
        if not (value or "").strip():
            errors[name] = [_("This field is required.")]
        elif len(value) > limit:
            errors[name] = [_("Keep it under %(n)d characters.") % {"n": limit}]
        else:
            found = presentation_leftovers(value)
            if found:
                errors[name] = [
                    _("Still holds %(what)s: remove it (use the de-identified text shown).")
                    % {"what": ", ".join(found)}
                ]
    if session.starts_at + timedelta(minutes=session.duration_minutes) < timezone.now():
        errors["__all__"] = [_("This session is over: choose an upcoming one.")]
    if follow_up_of is not None and follow_up_of.presenter_id != presenter.pk:
        errors["follow_up_of"] = [_("You can only update your own earlier presentation.")]
    if not errors and not confirmed:
        errors["confirmed"] = [_("Confirm that this is what will be shared.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = CasePresentation(
            session=session, presenter=presenter, title=title.strip(), summary=summary.strip(),
            question=question.strip(), follow_up_of=follow_up_of, created_by=presenter,
        )  # fmt: skip
        item.full_clean()
        item.save()
        audit_record(actor=presenter, action="presentation.submit", obj=item)
    return item


def recommendation_add(*, presentation: CasePresentation, actor: User, text: str) -> Recommendation:
    if not can_run_programme(actor, presentation.session.programme):
        raise ValidationError(_("Only the hub records recommendations."))
    if not (text or "").strip():
        raise ValidationError({"text": [_("Write the recommendation.")]})
    if len(text) > 4000:
        raise ValidationError({"text": [_("Keep it under 4,000 characters.")]})
    with transaction.atomic():
        item = Recommendation.objects.create(
            presentation=presentation, text=text.strip(), recorded_by=actor, created_by=actor
        )
        audit_record(actor=actor, action="recommendation.add", obj=presentation)
        notification_queue(
            key=f"recommendation:{item.public_id}", kind="presentation_recommendation",
            to_email=presentation.presenter.email,
            context={"audience": "clinician", "programme": presentation.session.programme.title,
                     "invite_url": absolute(reverse("exchange:presentation", args=[presentation.public_id]))},
        )  # fmt: skip
    return item
