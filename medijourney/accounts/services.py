"""Writes for accounts: people, API tokens and the demo accounts."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from medijourney.core.audit import DENIED, audit_record
from medijourney.core.tasks import send_email

from .lockout import login_normalize
from .models import ApiToken, User
from .permissions import role_has_perm
from .roles import Role
from .tokens import SignupClaim, signup_token, signup_valid_for

DEMO_PASSWORD = "medijourney-demo"  # noqa: S105 - published on purpose; demo accounts exist only in DEMO_MODE
DEMO_DOMAIN = "demo.medijourney.test"


class DemoRefusedError(Exception):
    """Demo accounts are refused outside demo mode and under production settings."""


def user_create(
    *,
    email: str,
    password: str | None = None,
    role: Role | str = Role.PATIENT,
    full_name: str = "",
    preferred_language: str = "en",
    spoken_languages: list[str] | None = None,
) -> User:
    with transaction.atomic():
        return User.objects.create_user(
            email=email,
            password=password,
            role=str(role),
            full_name=full_name,
            preferred_language=preferred_language,
            spoken_languages=spoken_languages or [preferred_language],
            is_staff=role_has_perm(role, "accounts.use_admin_site"),
            is_superuser=role_has_perm(role, "accounts.use_admin_site"),
        )


# Addresses under the reserved .invalid TLD (RFC 6761) can never receive mail: they mark the
# stand-in patient of an inquiry whose email belongs to an account that has not confirmed it.
PLACEHOLDER_DOMAIN = "unconfirmed.invalid"


def user_language_set(*, user: User, language: str) -> None:
    """Remember the interface language the person chose (also the language of their emails)."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def is_placeholder(user: User) -> bool:
    """The stand-in patient of an unconfirmed inquiry (see ``placeholder_patient_create``)."""
    return not user.is_active and user.email.endswith(f"@{PLACEHOLDER_DOMAIN}")


def placeholder_patient_create(*, full_name: str, preferred_language: str) -> User:
    """A stand-in patient for an inquiry sent with the email of an existing account: inactive,
    no password, an address that receives nothing. The case stays on it, in nobody's account,
    until the account's owner confirms (cases.services.inquiry_owner_confirm)."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=f"pending-{secrets.token_hex(12)}@{PLACEHOLDER_DOMAIN}",
            password=None,
            role=str(Role.PATIENT),
            full_name=full_name,
            preferred_language=preferred_language,
            spoken_languages=[preferred_language],
            is_active=False,
        )
        return user


# --- Patient sign-up without an inquiry (email confirmation) ----------------------------------


def signup_request(*, email: str, full_name: str, preferred_language: str) -> None:
    """Someone asks for a patient account. Nothing is created yet: the address gets a signed link
    (accounts.tokens) to finish, or, when an account already uses it, a note saying so with the
    way to sign in or reset the password. Either way one email is queued and the caller shows
    the same answer, so the page never reveals whether an address has an account."""
    email = login_normalize(email)
    existing = User.objects.filter(email__iexact=email).exists()
    with transaction.atomic(), translation.override(preferred_language or "en"):
        if existing:
            body = render_to_string(
                "accounts/email/signup_existing.txt",
                {"login_url": settings.SITE_URL + reverse("accounts:login"),
                 "reset_url": settings.SITE_URL + reverse("accounts:password_reset")},
            )  # fmt: skip
            subject = _("MediJourney: you already have an account")
        else:
            claim = SignupClaim(email=email, full_name=full_name.strip(), preferred_language=preferred_language)
            # In the query string, which the request log leaves out: the token carries the address.
            link = (
                f"{settings.SITE_URL}{reverse('accounts:signup_confirm')}?{urlencode({'token': signup_token(claim)})}"
            )
            days = signup_valid_for().days
            body = render_to_string("accounts/email/signup_confirm.txt", {"link": link, "days": days})
            subject = _("MediJourney: confirm your email address")
        send_email.enqueue(to=[email], subject=subject, body=body)
        audit_record(actor=None, action="auth.signup.request")


def signup_complete(*, claim: SignupClaim, password: str) -> User:
    """The owner of the address opened the link and chose a password: the patient account is
    created now, active. Raises ValidationError (``email``) when the address has an account by
    then (the link was used already, or the address signed up another way)."""
    spent = ValidationError({"email": _("This link has been used already. Sign in with your email and password.")})
    if User.objects.filter(email__iexact=claim.email).exists():
        audit_record(actor=None, action="auth.signup.confirm", outcome=DENIED, detail={"reason": "link spent"})
        raise spent
    try:
        with transaction.atomic():
            user = user_create(
                email=claim.email,
                password=password,
                role=Role.PATIENT,
                full_name=claim.full_name,
                preferred_language=claim.preferred_language,
            )
            audit_record(actor=user, action="auth.signup.confirm", obj=user)
    except IntegrityError:  # two tabs confirming at once: the unique email decides
        raise spent from None
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once; only the digest is stored


def api_token_issue(*, user: User, name: str, expires_at: datetime | None = None) -> IssuedToken:
    raw = ApiToken.generate_raw()
    with transaction.atomic():
        token = ApiToken(user=user, name=name, digest=ApiToken.digest_for(raw), hint=raw[:8], expires_at=expires_at)
        token.full_clean()
        token.save()
        audit_record(actor=user, action="api_token.issue", obj=token)
    return IssuedToken(token=token, raw=raw)


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="api_token.revoke", obj=token)
    return token


def demo_accounts_allowed() -> bool:
    return bool(settings.DEMO_MODE) and not settings.IS_PRODUCTION


DEMO_PEOPLE: dict[str, tuple[str, list[str]]] = {
    # Names only: pages add the role where it matters ("Carlos Demo (case team)"), so a role in
    # the name would show twice.
    Role.PATIENT: ("Amina Demo", ["en", "ar"]),
    Role.CASE_MANAGER: ("Carlos Demo", ["en", "es", "ar"]),
    Role.PARTNER: ("Priya Demo", ["en", "hi"]),
    Role.QUALITY_LEAD: ("Quinn Demo", ["en"]),
    Role.SPECIALIST: ("Sofia Demo", ["en", "pt"]),
    Role.CLINICIAN: ("Kwame Demo", ["en"]),
    Role.ADMIN: ("Ada Demo", ["en"]),
}


def demo_email(role: Role | str) -> str:
    return f"{role}@{DEMO_DOMAIN}"


def demo_accounts_ensure() -> list[User]:
    """Create the missing demo accounts, one per role. Refused unless demo mode is on. Existing
    accounts are kept as they are (a second `make run` must be quick)."""
    if not demo_accounts_allowed():
        raise DemoRefusedError("Demo accounts are refused: DEMO_MODE is off or production settings are in use.")
    users = []
    with transaction.atomic():
        for role in Role:
            name, languages = DEMO_PEOPLE[role]
            user = User.objects.filter(email__iexact=demo_email(role)).first()
            if user is None:
                user = user_create(
                    email=demo_email(role),
                    password=DEMO_PASSWORD,
                    role=role,
                    full_name=name,
                    spoken_languages=languages,
                )
            user.is_demo = True
            user.full_name = name  # an older install's "Carlos Demo (case manager)" loses its doubled role
            user.set_password(DEMO_PASSWORD)
            user.save()
            users.append(user)
    return users
