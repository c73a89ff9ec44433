"""Password checks beyond Django's (length, similarity, the 20,000 most common passwords from
breach corpora, all-numeric): an optional online check against Have I Been Pwned."""

import hashlib
import logging
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class BreachedPasswordValidator:
    """Refuses a password found in known breaches, using the k-anonymity range API (only the
    first five characters of the password's SHA-1 are sent). Enabled by PWNED_PASSWORDS_URL
    (e.g. https://api.pwnedpasswords.com/range/). If the service cannot be reached the password
    is judged by the offline validators alone, and a warning is logged (never the password)."""

    def validate(self, password: str, user: Any = None) -> None:
        base = getattr(settings, "PWNED_PASSWORDS_URL", "")
        if not base:
            return
        digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
        prefix, suffix = digest[:5], digest[5:]
        if not base.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            return
        try:
            headers = {"Add-Padding": "true", "User-Agent": "MediJourney"}
            request = urllib.request.Request(base + prefix, headers=headers)  # noqa: S310 - scheme checked above
            with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310  # nosec B310 - scheme checked above
                body = response.read().decode()
        except OSError:
            logger.warning("breached-password check unavailable")
            return
        for line in body.splitlines():
            candidate, _sep, count = line.partition(":")
            if candidate.strip() == suffix and count.strip() not in ("", "0"):
                raise ValidationError(
                    _("This password has appeared in a data breach, so attackers try it first. Please choose another."),
                    code="password_breached",
                )

    def get_help_text(self) -> str:
        return _("Your password must not be one that has appeared in a data breach.")
