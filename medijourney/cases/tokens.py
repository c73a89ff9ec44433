"""The signed link that lets the owner of an existing account confirm an inquiry sent with their
address. It names the case and the account (public ids), is signed with SECRET_KEY and expires
after INQUIRY_CONFIRM_DAYS; nothing is stored, and it works once: confirming or declining moves
the case off its stand-in patient, after which the link finds nothing to do.

Kept apart from the services so that the email renderer (notifications.py) can make the link
when the email is sent."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing

_SALT = "medijourney.cases.inquiry-confirm"


def confirm_valid_for() -> timedelta:
    return timedelta(days=int(getattr(settings, "INQUIRY_CONFIRM_DAYS", 7)))


@dataclass(frozen=True)
class ConfirmClaim:
    case: UUID
    owner: UUID


def inquiry_confirm_token(*, case_public_id: UUID | str, owner_public_id: UUID | str) -> str:
    return signing.dumps({"c": str(case_public_id), "o": str(owner_public_id)}, salt=_SALT, compress=True)


def inquiry_confirm_read(token: str) -> ConfirmClaim | None:
    """The claim in a link, or None when it is forged, damaged or expired."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=confirm_valid_for())
        return ConfirmClaim(case=UUID(data["c"]), owner=UUID(data["o"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
