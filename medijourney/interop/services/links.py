"""Links for the patient's home doctor, in the style of SMART Health Links (HL7 "SMART Health Cards
and Links"): what the link serves (the IPS Bundle and a readable summary of it) is encrypted with
AES-256-GCM under a fresh 256-bit key that goes into the link's fragment (``#key``), which browsers
never send to the server; the server keeps the ciphertext, the SHA-256 of the link's token and the
passcode's hash (Django's password hasher), never the key. The viewer page decrypts in the browser
(WebCrypto, ``static/interop/viewer.js``). When the patient chooses, the payload also carries the
discharge summary as a PDF (``pdf.py``), offered as a download after decryption.

Every fetch is recorded (served, or refused: revoked, expired, wrong passcode, locked after
``MAX_FAILED`` wrong passcodes) for the patient's access list. Revoking takes effect on the next
fetch. The doctor may send one reply (name, registration number as typed, marked unverified), which
goes on the case timeline for the case team."""

import base64
import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medijourney.accounts.models import User
from medijourney.cases.models import Case
from medijourney.cases.services import case_event_add
from medijourney.privacy.services import audit_record

from ..ips import IpsSource, ips_bundle
from ..models import DoctorLink, DoctorLinkAccess, DoctorReply, LinkOutcome
from ..pdf import discharge_summary_pdf

DEFAULT_DAYS = 30
MAX_DAYS = 365
MAX_FAILED = 5
PASSCODE_MIN = 6


def link_digest(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def readable(source: IpsSource) -> dict[str, Any]:
    """What the viewer shows, in plain words (built from the same source as the Bundle)."""
    s = source.summary
    out: dict[str, Any] = {"case": source.case.reference, "hospital": source.hospital_name, "summary": None}
    if s is None:
        return out
    out["summary"] = {
        "version": s.version,
        "procedure": "; ".join(f"{p['text']}, {s.procedure_day(p)}" for p in s.procedures),
        "surgeon": s.surgeon,
        "problems": [
            d["text"] + (f" ({d['system'].upper()} {d['code']})" if d.get("code") else "") for d in s.diagnoses
        ],
        "medications": [
            ", ".join(x for x in (m["name"], m.get("dose"), m.get("frequency")) if x)
            + (f", until {m['until']}" if m.get("until") else "")
            for m in s.medications
        ],
        "devices": [
            ", ".join(x for x in (d["type"], d.get("manufacturer"), d.get("model")) if x)
            + "".join(f", {k} {d[k]}" for k in ("lot", "serial") if d.get(k))
            for d in s.devices
        ],
        "allergies": [a["substance"] + (f" ({a['reaction']})" if a.get("reaction") else "") for a in s.allergies],
        "complications": s.complications,
        "instructions": s.instructions,
        "follow_up": s.follow_up,
        "fit_to_fly": s.fit_to_fly_date.isoformat(),
    }
    return out


@dataclass(frozen=True)
class NewLink:
    link: DoctorLink
    token: str
    key: str  # base64url, shown once in the link's fragment and never stored

    @property
    def path_and_fragment(self) -> str:
        return f"/h/{self.token}/#{self.key}"


def _check(label: str, days: int | None, passcode: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not label.strip():
        errors["label"] = [_("Give the link a name, such as your doctor's name.")]
    elif len(label.strip()) > 80:
        errors["label"] = [_("At most 80 characters.")]
    if days is None or not 1 <= days <= MAX_DAYS:
        errors["days"] = [_("A link lasts from 1 day to %(n)d days (one year).") % {"n": MAX_DAYS}]
    if passcode and len(passcode) < PASSCODE_MIN:
        errors["passcode"] = [_("A passcode has at least %(n)d characters (or leave it empty).") % {"n": PASSCODE_MIN}]
    return errors


def _pdf_payload(source: IpsSource) -> dict[str, str]:
    """The discharge summary PDF, base64, for the link's encrypted payload."""
    assert source.summary is not None
    pdf = discharge_summary_pdf(
        source.summary, hospital_name=source.hospital_name, case_reference=source.case.reference
    )
    return {"pdf": base64.b64encode(pdf).decode(), "pdf_name": f"discharge-summary-v{source.summary.version}.pdf"}


def doctor_link_create(
    *,
    case: Case,
    source: IpsSource,
    label: str,
    days: int | None,
    passcode: str,
    actor: User,
    with_pdf: bool = False,
) -> NewLink:
    """``with_pdf``: the link also carries the discharge summary as a PDF (encrypted with the rest)."""
    errors = _check(label or "", days, passcode or "")
    if with_pdf and source.summary is None:
        errors["with_pdf"] = [_("The hospital has not written the discharge summary yet: there is no PDF to add.")]
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(12)
    payload = {
        "label": label.strip(),
        "created": timezone.now().isoformat(),
        "readable": readable(source),
        "ips": json.loads(ips_bundle(source).model_dump_json(exclude_none=True)),
        **(_pdf_payload(source) if with_pdf else {}),
    }
    ciphertext = AESGCM(key).encrypt(nonce, json.dumps(payload).encode(), token.encode())
    with transaction.atomic():
        link = DoctorLink(
            case=case,
            label=label.strip(),
            token_digest=link_digest(token),
            ciphertext=ciphertext,
            nonce=nonce,
            expires_at=timezone.now() + datetime.timedelta(days=int(days or DEFAULT_DAYS)),
            passcode_hash=make_password(passcode) if passcode else "",
            with_pdf=with_pdf,
            created_by=actor,
            is_demo=bool(getattr(actor, "is_demo", False)),
        )
        link.full_clean()
        link.save()
        case_event_add(case=case, kind="doctor_link_created", actor=actor)
        audit_record(actor=actor, action="doctor_link.create", obj=link, patient=case.patient)
    return NewLink(link=link, token=token, key=b64url(key))


def doctor_link_revoke(*, link: DoctorLink, actor: User) -> DoctorLink:
    with transaction.atomic():
        link = DoctorLink.objects.select_for_update().select_related("case__patient").get(pk=link.pk)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at", "updated_at"])
            case_event_add(case=link.case, kind="doctor_link_revoked", actor=actor)
            audit_record(actor=actor, action="doctor_link.revoke", obj=link, patient=link.case.patient)
    return link


REFUSALS = {
    LinkOutcome.REVOKED: _("The patient has revoked this link."),
    LinkOutcome.EXPIRED: _("This link has expired. Ask the patient for a new one."),
    LinkOutcome.LOCKED: _("Too many wrong passcodes: this link is locked. Ask the patient for a new one."),
    LinkOutcome.WRONG_PASSCODE: _("Wrong passcode."),
}


def _state(link: DoctorLink, passcode: str) -> str:
    if link.revoked_at is not None:
        return LinkOutcome.REVOKED
    if link.expires_at <= timezone.now():
        return LinkOutcome.EXPIRED
    if link.failed_attempts >= MAX_FAILED:
        return LinkOutcome.LOCKED
    if link.passcode_hash and not check_password(passcode or "", link.passcode_hash):
        return LinkOutcome.WRONG_PASSCODE
    return LinkOutcome.SERVED


def doctor_link_fetch(*, token: str, passcode: str = "") -> tuple[DoctorLink | None, str]:
    """(the link, the outcome). An unknown token is (None, ""); anything else is recorded."""
    with transaction.atomic():
        link = DoctorLink.objects.select_for_update().filter(token_digest=link_digest(token)).first()
        if link is None:
            return None, ""
        outcome = _state(link, passcode)
        if outcome == LinkOutcome.WRONG_PASSCODE:
            link.failed_attempts += 1
            link.save(update_fields=["failed_attempts", "updated_at"])
        DoctorLinkAccess.objects.create(link=link, outcome=outcome)
        audit_record(
            actor=None,
            action="doctor_link.fetch",
            obj=link,
            patient=link.case.patient,
            outcome="allowed" if outcome == LinkOutcome.SERVED else "denied",
            detail={"outcome": outcome},
        )
    return link, outcome


def doctor_reply_send(
    *, token: str, passcode: str, doctor_name: str, registration_number: str, message: str
) -> DoctorReply:
    errors: dict[str, list[str]] = {}
    for name, value, limit in (
        ("doctor_name", doctor_name, 200),
        ("registration_number", registration_number, 100),
        ("message", message, 3000),
    ):
        if not (value or "").strip():
            errors[name] = [_("This field is required.")]
        elif len(value) > limit:
            errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        link = DoctorLink.objects.select_for_update().filter(token_digest=link_digest(token)).first()
        if link is None:
            raise ValidationError({"link": _("This link does not exist.")})
        outcome = _state(link, passcode)
        if outcome != LinkOutcome.SERVED:
            raise ValidationError({"link": str(REFUSALS[LinkOutcome(outcome)])})
        if link.reply_received:
            raise ValidationError({"link": _("A reply has already been sent through this link.")})
        reply = DoctorReply.objects.create(
            link=link,
            doctor_name=doctor_name.strip(),
            registration_number=registration_number.strip(),
            message=message.strip(),
        )
        link.reply_received = True
        link.save(update_fields=["reply_received", "updated_at"])
        case_event_add(case=link.case, kind="home_doctor_reply", actor=None, link=str(link.public_id))
        audit_record(actor=None, action="doctor_reply.send", obj=reply, patient=link.case.patient)
    return reply
