"""The emergency message for a text: the signs found and the number to call, ready for a page
(``safety/partials/emergency.html``) or for JSON (``as_dict``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .emergency import EmergencySign, emergency_detect
from .local_text import LocalMessage, local_message, text_language
from .numbers import AS_OF, SOURCE, EmergencyNumber, number_for, visitor_country


@dataclass(frozen=True)
class EmergencyAnswer:
    signs: tuple[EmergencySign, ...]
    number: EmergencyNumber | None
    country_from: str  # form | browser | unknown
    text_lang: str = "en"  # the language the patient wrote in (local_text.text_language)

    @property
    def self_harm(self) -> bool:
        return any(s.id == "self_harm" for s in self.signs)

    @property
    def message(self) -> str:
        if self.number is None:
            return _(
                "This may be an emergency. Call your local emergency number now, or go to the nearest emergency department."
            )
        return _(
            "This may be an emergency. Call %(number)s now (the emergency number in %(country)s), or go to the nearest emergency department."
        ) % {"number": self.number.call, "country": self.number.name}

    @property
    def local(self) -> LocalMessage | None:
        """The message again in the language the patient wrote in, when the page speaks another."""
        return local_message(
            self.text_lang, self.number.call if self.number else None, interface_lang=get_language() or "en"
        )

    def _local_dict(self) -> dict[str, Any] | None:
        loc = self.local
        if loc is None:
            return None
        return {
            "lang": loc.lang,
            "language_name": loc.language_name,
            "message": loc.text,
            "self_harm": loc.self_harm_text if self.self_harm else "",
            "reviewed": loc.reviewed,
        }

    def as_dict(self) -> dict[str, Any]:
        n = self.number
        return {
            "detected": True,
            "message": self.message,
            "local": self._local_dict(),
            "signs": [{"id": s.id, "label": s.label, "evidence": s.evidence, "lang": s.lang} for s in self.signs],
            "number": None
            if n is None
            else {
                "country": n.country,
                "country_name": n.name,
                "call": n.call,
                "also": list(n.also),
                "unsure": n.unsure,
            },
            "country_from": self.country_from,
            "choose_country": n is None,
            "source": SOURCE,
            "as_of": AS_OF,
        }


def emergency_answer(
    text: str, *, request: HttpRequest | None = None, country: str | None = None
) -> EmergencyAnswer | None:
    """The emergency message for ``text``, or None when it names no warning sign. The number is
    for the country given (a form's country field), else the browser's language region."""
    found = emergency_detect(text)
    if found is None:
        return None
    code, how = visitor_country(request, country)
    return EmergencyAnswer(
        signs=found.signs, number=number_for(code), country_from=how, text_lang=text_language(text, found.signs)
    )


def emergency_from_signs(signs: list[dict[str, str]], *, country: str | None) -> EmergencyAnswer:
    """The message again from signs stored earlier (a case's intake), for the country given."""
    found = tuple(
        EmergencySign(s.get("id", ""), s.get("label", ""), s.get("evidence", ""), s.get("lang", "en")) for s in signs
    )
    return EmergencyAnswer(
        signs=found,
        number=number_for(country),
        country_from="form" if country else "unknown",
        text_lang=text_language("".join(s.evidence for s in found), found),
    )


def emergency_localise(answer: EmergencyAnswer | None, request: HttpRequest) -> EmergencyAnswer | None:
    """Where no form field gave the country, take it from the browser's language region."""
    if answer is None or answer.number is not None:
        return answer
    code, how = visitor_country(request)
    return replace(answer, number=number_for(code), country_from=how)
