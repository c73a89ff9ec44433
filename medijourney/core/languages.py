"""How each interface language's text was produced, and whether a medical translator has reviewed
it: said on the About page and in each catalogue's header (``medijourney/locale/<lang>/``). Change
``reviewed`` only when a named medical translator has checked the whole catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

StrOrPromise = str | Promise


@dataclass(frozen=True)
class LanguageNote:
    code: str
    name: str  # in its own language
    how: str
    reviewed: bool | None  # None: the original


_DRAFTED = _(
    "Drafted by an AI language model for the project from the English originals (1 December 2026), "
    "and checked by script for placeholders, markup and plural forms."
)
HOW: dict[str, tuple[StrOrPromise, bool | None]] = {
    "en": (_("The original text, written by the project's team."), None),
    "ar": (_DRAFTED, False),
    "es": (_DRAFTED, False),
    "fr": (_DRAFTED, False),
    "ru": (_DRAFTED, False),
    "bn": (_DRAFTED, False),
}


def language_notes() -> list[LanguageNote]:
    """One note per offered language, in the switcher's order."""
    return [
        LanguageNote(code, name, str(HOW[code][0]), HOW[code][1]) for code, name in settings.LANGUAGES if code in HOW
    ]
