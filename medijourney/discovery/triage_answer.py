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
from dataclasses import dataclass, field, replace
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from medijourney.safety.answer import EmergencyAnswer, emergency_answer

from .triage import ProcedureMatch, SpecialtyMatch, TriageResult, specialty_procedures, triage

# Certainty, from the specialty's score (1 - exp(-raw / 3), see triage.py).
CLEAR_SCORE = 0.74  # raw >= 4: a named procedure, or two specific terms
LIKELY_SCORE = 0.487  # raw >= 2: triage's own "confident"
CLOSE_RATIO = 0.8  # a second specialty this close is named too ("Cardiology or Pulmonology")
MAX_CHOICES = 12

UNCLEAR, EMERGENCY, PROCEDURE, SPECIALTY = "unclear", "emergency", "procedure", "specialty"

# The two sentences every answer may carry, in the language the text was written in (not only the
# interface language): until the gettext catalogues of issue 17 exist, they are plain strings here.
# The English originals are marked for translation; the others were written by the triage
# engineer (2026-12-01) and have NOT been reviewed by a medical translator.
COULD_NOT_TELL = gettext_noop("We could not tell from this which kind of doctor you need — a case manager can help.")
NOT_A_DIAGNOSIS = gettext_noop(
    "This only routes your description to a medical specialty and to procedures you may want to ask "
    "about. It is not a diagnosis or medical advice: a qualified doctor must assess you."
)
LOCAL_TEXT: dict[str, dict[str, str]] = {
    "ar": {
        NOT_A_DIAGNOSIS: "هذا يوجّه وصفك فقط إلى تخصص طبي وإلى إجراءات قد ترغب في السؤال عنها. إنه ليس تشخيصًا ولا نصيحة طبية: يجب أن يفحصك طبيب مؤهل.",
        COULD_NOT_TELL: "لم نتمكن من معرفة نوع الطبيب الذي تحتاجه من هذا النص — يمكن لمدير الحالة مساعدتك.",
    },
    "es": {
        NOT_A_DIAGNOSIS: "Esto solo orienta su descripción hacia una especialidad médica y hacia procedimientos por los que quizá quiera preguntar. No es un diagnóstico ni un consejo médico: un médico cualificado debe evaluarle.",
        COULD_NOT_TELL: "Con esto no hemos podido saber qué tipo de médico necesita; un gestor de casos puede ayudarle.",
    },
    "fr": {
        NOT_A_DIAGNOSIS: "Ceci oriente seulement votre description vers une spécialité médicale et vers des interventions sur lesquelles vous pouvez vous renseigner. Ce n'est ni un diagnostic ni un avis médical : un médecin qualifié doit vous examiner.",
        COULD_NOT_TELL: "Nous n'avons pas pu déterminer, d'après ce texte, quel type de médecin il vous faut — un gestionnaire de dossier peut vous aider.",
    },
    "ru": {
        NOT_A_DIAGNOSIS: "Это лишь направляет ваше описание к медицинской специальности и к процедурам, о которых вы можете спросить. Это не диагноз и не медицинский совет: вас должен осмотреть квалифицированный врач.",
        COULD_NOT_TELL: "По этому тексту мы не смогли понять, какой врач вам нужен, — вам может помочь куратор случая.",
    },
    "bn": {
        NOT_A_DIAGNOSIS: "এটি শুধু আপনার বর্ণনাকে একটি চিকিৎসা বিভাগ এবং যেসব চিকিৎসা-প্রক্রিয়া সম্পর্কে আপনি জানতে চাইতে পারেন সেদিকে নির্দেশ করে। এটি রোগনির্ণয় বা চিকিৎসা-পরামর্শ নয়: একজন যোগ্য ডাক্তারকে অবশ্যই আপনাকে পরীক্ষা করতে হবে।",
        COULD_NOT_TELL: "এই লেখা থেকে আপনার কোন ধরনের ডাক্তার দরকার তা আমরা বুঝতে পারিনি — একজন কেস ম্যানেজার সাহায্য করতে পারেন।",
    },
}
LANGUAGE_NAMES = {"en": "English", "ar": "العربية", "es": "Español", "fr": "Français", "ru": "Русский", "bn": "বাংলা"}


def in_language(message: str, lang: str) -> str:
    """``message`` (one of the marked English originals above) in ``lang``: the table's text,
    else the gettext translation for the interface language (English by default)."""
    base = (get_language() or "en").split("-")[0]
    if lang in LOCAL_TEXT and base != lang:
        return LOCAL_TEXT[lang][message]
    return _(message)


def language_note(result: TriageResult, given: str) -> str:
    """Says how the language was chosen when it was not simply the one given."""
    name = LANGUAGE_NAMES.get(result.lang, result.lang)
    if not result.supported:
        return _("Triage does not read this language yet, so it cannot route the text.")
    if result.lang_from == "fallback":
        return _(
            "The language given (%(given)s) is not one triage reads or does not fit the text; it was read as %(name)s."
        ) % {
            "given": given,
            "name": name,
        }
    if result.lang_from == "detected":
        return _("Read as %(name)s (detected from the text).") % {"name": name}
    return ""


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
    lang_given: str = ""  # the ``lang`` the caller gave, if any

    @property
    def could_not_tell(self) -> bool:
        return self.kind == UNCLEAR

    @property
    def headline(self) -> str:
        """How sure we are, in words."""
        if self.kind == EMERGENCY:
            return _("This may be an emergency: call for help first.")
        if self.kind == UNCLEAR:
            return in_language(COULD_NOT_TELL, self.result.lang)
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
            "language": {
                "code": self.result.lang,
                "from": self.result.lang_from,
                "supported": self.result.supported,
                "note": language_note(self.result, self.lang_given),
            },
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
    lang_given: str = "",
) -> TriageAnswer:
    """The answer to ``text`` from its triage ``result``. ``known``: the procedure slugs that can be
    searched (the catalogue); None accepts every procedure of the dataset."""
    result = replace(result, notice=in_language(NOT_A_DIAGNOSIS, result.lang))
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
        lang_given=lang_given,
    )


def answer_text(
    text: str,
    *,
    request: HttpRequest | None = None,
    country: str | None = None,
    known: Container[str] | None = None,
    lang: str = "",
) -> TriageAnswer:
    """Triage ``text`` and look for emergency warning signs, then answer (see the module doc).
    ``lang``: the text's language if known; empty or unknown: detected."""
    return triage_answer(
        text,
        triage(text, lang=lang),
        emergency=emergency_answer(text, request=request, country=country),
        known=known,
        lang_given=lang,
    )
