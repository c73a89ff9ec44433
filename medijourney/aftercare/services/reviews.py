"""Verified reviews. Only the patient of a case that reached "returned home" with that hospital,
once per case, from ``rules.REVIEW_AFTER_DAYS`` days after discharge. Every review is published;
a quality lead may only remove personal data (names, phone numbers, email addresses), phrase by
phrase, with a recorded reason, never the review; the hospital's desk may reply once, publicly."""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.cases.models import Case
from medijourney.cases.services import case_event_add
from medijourney.core.dates import day_text
from medijourney.network.models import Hospital
from medijourney.privacy.services import audit_record

from ..models import FollowUp, Review
from ..permissions import can_redact_review, can_reply_review
from ..rules import REVIEW_AFTER_DAYS

REMOVED = "[removed]"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,20}$")
_NAME = re.compile(r"^(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s)?[A-ZÀ-Ý][\w'’-]*(?:\s[A-ZÀ-Ý][\w'’-]*){0,3}$")


@dataclass(frozen=True)
class ReviewInput:
    care: int
    communication: int
    cleanliness: int
    value: int
    would_recommend: bool
    text: str
    show_initials: bool = False


def _initials(name: str) -> str:
    return "".join(f"{part[0].upper()}." for part in name.split()[:3] if part)


def review_eligibility(*, case: Case, actor: Any, hospital: Hospital, today: datetime.date | None = None) -> FollowUp:
    """The follow-up that makes this review verified, or ValidationError naming the field."""
    today = today or timezone.localdate()
    if case.patient_id != getattr(actor, "pk", None):
        raise ValidationError({"case": _("Only the patient of this case can review it.")})
    follow_up = FollowUp.objects.filter(case=case).select_related("hospital", "procedure").first()
    if follow_up is None:
        raise ValidationError({"case": _("A review is possible once you are home from your treatment.")})
    if follow_up.hospital_id != hospital.pk:
        raise ValidationError(
            {"hospital": _("You can review only %(h)s, where this case was treated.") % {"h": follow_up.hospital.name}}
        )
    opens = follow_up.discharged_on + datetime.timedelta(days=REVIEW_AFTER_DAYS)
    if today < opens:
        raise ValidationError(
            {
                "case": _("Reviews open %(n)s days after discharge: from %(d)s.")
                % {"n": REVIEW_AFTER_DAYS, "d": day_text(opens)}
            }
        )
    if Review.objects.filter(case=case).exists():
        raise ValidationError({"case": _("This case has a review already: one review per case.")})
    return follow_up


def review_submit(*, case: Case, actor: Any, hospital: Hospital, data: ReviewInput) -> Review:
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        follow_up = review_eligibility(case=case, actor=actor, hospital=hospital)
        review = Review(
            case=case,
            hospital=hospital,
            procedure=follow_up.procedure,
            group=follow_up.group,
            month=follow_up.discharged_on.replace(day=1),
            care=data.care,
            communication=data.communication,
            cleanliness=data.cleanliness,
            value=data.value,
            would_recommend=data.would_recommend,
            text=(data.text or "").strip(),
            initials=_initials(actor.full_name) if data.show_initials else "",
            is_demo=follow_up.is_demo,
            created_by=actor,
        )
        if not review.text:
            raise ValidationError({"text": _("Write a few words about your experience.")})
        review.full_clean(exclude=["case", "hospital", "procedure"])
        try:
            review.save()
        except IntegrityError:
            raise ValidationError({"case": _("This case has a review already: one review per case.")}) from None
        case_event_add(case=case, kind="review_written", actor=actor)
        audit_record(actor=actor, action="review.write", obj=review, patient=case.patient)
    return review


def _personal(phrase: str) -> bool:
    return bool(
        _EMAIL.match(phrase) or (_PHONE.match(phrase) and sum(c.isdigit() for c in phrase) >= 7) or _NAME.match(phrase)
    )


def review_redact(*, review: Review, actor: Any, phrases: list[str], reason: str) -> Review:
    """Replace each phrase (a name, phone number or email address found in the text) by
    "[removed]"; nothing else can be changed or hidden."""
    if not can_redact_review(actor, review):
        raise ValidationError({"review": _("Only a network quality lead can redact a review.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Record why the phrase is removed.")})
    cleaned = [p.strip() for p in phrases if p and p.strip()]
    if not cleaned:
        raise ValidationError({"phrases": _("Name the personal data to remove.")})
    with transaction.atomic():
        review = Review.objects.select_for_update(of=("self",)).get(pk=review.pk)
        for phrase in cleaned:
            if phrase not in review.text:
                raise ValidationError({"phrases": _("“%(p)s” is not in the review.") % {"p": phrase}})
            if not _personal(phrase):
                raise ValidationError(
                    {
                        "phrases": _("Only names, phone numbers and email addresses can be removed, not “%(p)s”.")
                        % {"p": phrase}
                    }
                )
        text = review.text
        for phrase in cleaned:
            text = text.replace(phrase, REMOVED)
        review.text = text
        review.redacted_at = timezone.now()
        review.redacted_by = actor
        review.redaction_reason = reason[:300]
        review.save(update_fields=["text", "redacted_at", "redacted_by", "redaction_reason", "updated_at"])
        audit_record(actor=actor, action="review.redact", obj=review, detail={"phrases": len(cleaned)})
    return review


def review_reply(*, review: Review, actor: Any, text: str) -> Review:
    """The reviewed hospital's desk replies once, publicly."""
    text = (text or "").strip()
    if not can_reply_review(actor, review):
        raise ValidationError({"hospital": _("Only %(h)s can reply to this review.") % {"h": review.hospital.name}})
    if not text:
        raise ValidationError({"reply": _("Write the reply first.")})
    with transaction.atomic():
        review = Review.objects.select_for_update(of=("self",)).get(pk=review.pk)
        if review.replied_at is not None:
            raise ValidationError({"reply": _("The hospital has replied already: one reply per review.")})
        review.reply = text[:4000]
        review.replied_at = timezone.now()
        review.replied_by = actor
        review.save(update_fields=["reply", "replied_at", "replied_by", "updated_at"])
        audit_record(actor=actor, action="review.reply", obj=review)
    return review
