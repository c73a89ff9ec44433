"""The signed link that finishes a patient's sign-up (``/accounts/signup/confirm/<token>/``).

Nothing is stored before the address is confirmed: the link carries the email, name and language
typed at sign-up, signed with SECRET_KEY (``django.core.signing``, its own salt) and refused after
SIGNUP_CONFIRM_DAYS. The account is created only when the link is opened and a password chosen,
so an unconfirmed address has no account to sign in to, and the link is spent once used (the
email then belongs to an account, and the link finds nothing to do)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

_SALT = "medijourney.accounts.signup-confirm"


def signup_valid_for() -> timedelta:
    return timedelta(days=int(getattr(settings, "SIGNUP_CONFIRM_DAYS", 3)))


@dataclass(frozen=True)
class SignupClaim:
    email: str
    full_name: str
    preferred_language: str


def signup_token(claim: SignupClaim) -> str:
    data = {"e": claim.email, "n": claim.full_name, "l": claim.preferred_language}
    return signing.dumps(data, salt=_SALT, compress=True)


def signup_token_read(token: str) -> SignupClaim | None:
    """The claim in a link, or None when it is forged, damaged or expired."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=signup_valid_for())
        return SignupClaim(email=str(data["e"]), full_name=str(data["n"]), preferred_language=str(data["l"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
