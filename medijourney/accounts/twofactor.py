"""Two-factor sign-in for staff: TOTP (django-otp) with single-use recovery codes.

Every staff role (case manager, partner, quality lead, specialist, admin) must pass a second
factor after the password. In demo mode the demo accounts may skip it (the banner says so).
A TOTP code is accepted once only (django-otp remembers the last time step used), and repeated
wrong codes slow the device down (django-otp's throttling)."""

import io
import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from medijourney.core.audit import DENIED, audit_record

from .permissions import role_has_perm

RECOVERY_CODE_COUNT = 10


def second_factor_required(user: Any) -> bool:
    if user is None or not user.is_authenticated or not role_has_perm(user.role, "accounts.pass_second_factor"):
        return False
    return not (settings.DEMO_MODE and user.is_demo)


def second_factor_done(user: Any) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


def has_confirmed_device(user: Any) -> bool:
    return user_has_device(user, confirmed=True)


def totp_device_start(*, user: Any) -> TOTPDevice:
    """An unconfirmed authenticator for ``user`` (replacing any earlier unconfirmed one)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    image.save(buf)
    svg = buf.getvalue().decode()
    return svg[svg.index("<svg") :]  # drop the XML declaration: this is embedded in HTML


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [
        f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_device_confirm(*, user: Any, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a first code. Returns fresh recovery codes (shown once),
    or None if the code is wrong."""
    with transaction.atomic():
        if device.user_id != user.pk or device.confirmed or not device.verify_token(_digits(token)):
            audit_record(actor=user, action="2fa.setup", outcome=DENIED, detail={"reason": "bad code"})
            return None
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="2fa.setup")
        return codes


def recovery_codes_regenerate(*, user: Any) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="2fa.recovery_codes_regenerate")
        return codes


def _digits(token: str) -> str:
    return "".join(ch for ch in token if not ch.isspace())


def second_factor_verify(*, user: Any, token: str) -> Any:
    """The confirmed device that accepts ``token`` (a TOTP code, or a recovery code, which is
    then used up), or None. Audited either way."""
    token = _digits(token).lower()
    # for_verify locks the devices (select_for_update), which needs a transaction: requests are
    # not atomic here, so the check and the throttle's counter run in one.
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_is_allowed()[0] and device.verify_token(token):
                audit_record(
                    actor=user,
                    action="2fa.verify",
                    detail={"method": "recovery" if isinstance(device, StaticDevice) else "totp"},
                )
                return device
        audit_record(actor=user, action="2fa.verify", outcome=DENIED, detail={"reason": "bad code"})
        return None


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user).count()
