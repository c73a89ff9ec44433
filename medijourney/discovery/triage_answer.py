"""What the patient is told about their words: one answer for the triage page, the triage API
and search's free text, so they never disagree.

* An emergency text gets the emergency message first and no treatment at all (no procedure is
  proposed or searched).
* No evidence ("hello", "asdfgh", an emoji): "we could not tell from this — a case manager can
  help", with the inquiry form.
* A procedure is proposed (and searched) only when the words name it; otherwise the specialty's
  procedures are offered as a list to choose from, those the words point to first.
* How sure we are is said in words, never as a number; every answer ends in a next step.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from medijourney.safety.answer import EmergencyAnswer, emergency_answer

from .triage import ProcedureMatch, SpecialtyMatch, TriageResult, specialty_procedures, triage

# Certainty, from the specialty's score (1 - exp(-raw / 3), see triage.py).
CLEAR_SCORE = 0.74  # raw >= 4: a named procedure, or two specific terms
LIKELY_SCORE = 0.487  # raw >= 2: triage's own "confident"
CLOSE_RATIO = 0.8  # a second specialty this close is named too ("Cardiology or Pulmonology")
MAX_CHOICES = 12

UNCLEAR, EMERGENCY, PROCEDURE, SPECIALTY = "unclear", "emergency", "procedure", "specialty"


@dataclass(frozen=True)
class Choice:
    slug: str
    name: str
    pointed: bool  # the words point to it (a condition it treats), not only its specialty


@dataclass(frozen=True)
class TriageAnswer:
    text: str
    kind: str  # emergency | unclear | procedure | specialty
    certainty: str  # none | low | likely | clear
    specialties: tuple[SpecialtyMatch, ...]  # with evidence only, best first (at most 2 named)
    procedure: ProcedureMatch | None  # named by the words and in the catalogue
    choices: tuple[Choice, ...]  # procedures to choose from (catalogued), pointed-to first
    emergency: EmergencyAnswer | None
    notice: str
    result: TriageResult = field(repr=False)

    @property
    def could_not_tell(self) -> bool:
        return self.kind == UNCLEAR

    @property
    def headline(self) -> str:
        """How sure we are, in words."""
        if self.kind == EMERGENCY:
            return _("This may be an emergency: call for help first.")
        if self.kind == UNCLEAR:
            return _("We could not tell from this which kind of doctor you need — a case manager can help.")
        names = _(" or ").join(s.name for s in self.specialties)
        if self.kind == PROCEDURE and self.procedure is not None:
            return _("You named %(procedure)s, which %(specialty)s treats.") % {
                "procedure": self.procedure.name,
                "specialty": self.specialties[0].name if self.specialties else _("a specialist"),
            }
        if self.certainty == "clear":
            return _("Your words point clearly to %(names)s.") % {"names": names}
        if self.certainty == "likely":
            return _("Your words most likely point to %(names)s.") % {"names": names}
        return _("We are not sure: your words might point to %(names)s.") % {"names": names}

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "certainty": self.certainty,
            "headline": self.headline,
            "could_not_tell": self.could_not_tell,
            "specialties": [{"id": s.id, "name": s.name, "evidence": list(s.evidence)} for s in self.specialties],
            "procedure": None if self.procedure is None else {"slug": self.procedure.slug, "name": self.procedure.name},
            "choices": [{"slug": c.slug, "name": c.name, "pointed": c.pointed} for c in self.choices],
            "emergency": self.emergency.as_dict() if self.emergency else {"detected": False},
        }


def _certainty(top: SpecialtyMatch | None, named: ProcedureMatch | None) -> str:
    if top is None or top.score <= 0:
        return "none"
    if named is not None or top.score >= CLEAR_SCORE:
        return "clear"
    if top.score >= LIKELY_SCORE:
        return "likely"
    return "low"


def _shown_specialties(result: TriageResult) -> tuple[SpecialtyMatch, ...]:
    positive = [s for s in result.specialties if s.score > 0 and s.evidence]
    if not positive:
        return ()
    best = positive[0]
    close = [s for s in positive[1:2] if s.score >= CLOSE_RATIO * best.score]
    return (best, *close)


def _choices(
    result: TriageResult, specialties: tuple[SpecialtyMatch, ...], known: Container[str] | None
) -> tuple[Choice, ...]:
    out: dict[str, Choice] = {}
    for p in result.procedures:
        if known is None or p.slug in known:
            out.setdefault(p.slug, Choice(p.slug, p.name, pointed=True))
    for spec in specialties:
        for slug, name in specialty_procedures(spec.id):
            if known is None or slug in known:
                out.setdefault(slug, Choice(slug, name, pointed=False))
    return tuple(list(out.values())[:MAX_CHOICES])


def triage_answer(
    text: str,
    result: TriageResult,
    *,
    emergency: EmergencyAnswer | None,
    known: Container[str] | None = None,
) -> TriageAnswer:
    """The answer to ``text`` from its triage ``result``. ``known``: the procedure slugs that can be
    searched (the catalogue); None accepts every procedure of the dataset."""
    specialties = _shown_specialties(result)
    named = next((p for p in result.procedures if p.named and (known is None or p.slug in known)), None)
    top = specialties[0] if specialties else None
    choices: tuple[Choice, ...] = ()
    if emergency is not None:
        kind, certainty, procedure = EMERGENCY, _certainty(top, None), None
    elif top is None:
        kind, certainty, procedure = UNCLEAR, "none", None
    else:
        kind, certainty, procedure = (PROCEDURE if named else SPECIALTY), _certainty(top, named), named
        choices = tuple(c for c in _choices(result, specialties, known) if named is None or c.slug != named.slug)
    return TriageAnswer(
        text=text,
        kind=kind,
        certainty=certainty,
        specialties=specialties if kind != UNCLEAR else (),
        procedure=procedure,
        choices=choices,
        emergency=emergency,
        notice=result.notice,
        result=result,
    )


def answer_text(
    text: str,
    *,
    request: HttpRequest | None = None,
    country: str | None = None,
    known: Container[str] | None = None,
    lang: str = "en",
) -> TriageAnswer:
    """Triage ``text`` and look for emergency warning signs, then answer (see the module doc)."""
    return triage_answer(
        text,
        triage(text, lang=lang),
        emergency=emergency_answer(text, request=request, country=country),
        known=known,
    )
