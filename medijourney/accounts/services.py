"""Writes for accounts: people, API tokens and the demo accounts."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from medijourney.core.audit import audit_record

from .models import ApiToken, User
from .permissions import role_has_perm
from .roles import Role

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
    Role.PATIENT: ("Amina Demo (patient)", ["en", "ar"]),
    Role.CASE_MANAGER: ("Carlos Demo (case manager)", ["en", "es", "ar"]),
    Role.PARTNER: ("Priya Demo (partner hospital desk)", ["en", "hi"]),
    Role.QUALITY_LEAD: ("Quinn Demo (quality lead)", ["en"]),
    Role.SPECIALIST: ("Sofia Demo (specialist)", ["en", "pt"]),
    Role.CLINICIAN: ("Kwame Demo (spoke clinician)", ["en"]),
    Role.ADMIN: ("Ada Demo (operator)", ["en"]),
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
            user.set_password(DEMO_PASSWORD)
            user.save()
            users.append(user)
    return users
