"""Recognise words that may describe a medical emergency happening now.

This never diagnoses: it decides only whether to put the emergency message (call the local
emergency number now) first, before any routing. It errs on the side of showing the message.

The warning signs are those of the NHS ambulance services' "when to call 999" lists (chest pain,
breathing difficulties, loss of consciousness, fits that are not stopping, suspected stroke,
severe bleeding, severe allergic reactions, severe burns, serious head injuries, major trauma),
the stroke signs of BE-FAST (balance, eyes, face, arm, speech, time), and the NHS advice to call
999 when someone has seriously harmed themselves or cannot keep themselves safe. Sources and
dates are in ``medijourney/data/emergency_numbers/PROVENANCE.md`` and docs/safety.md.

How a text is read (one clause at a time: sentences, then commas, semicolons and "but"):

* A sign in a clause is **not** counted when a negation comes before it in the clause ("no chest
  pain", "I don't have any bleeding"), when the clause puts it clearly in the past (a week or more
  ago: "last year", "3 years ago", "in 2019", "history of", "previous", "after my stroke", "had a
  heart attack") or frames it as a risk ("risk of stroke", "to prevent a heart attack").
* Past-tense words alone do **not** clear a sign ("I had chest pain" still counts), and any
  recency word in the clause brings it back ("had a stroke this morning", "still", "now",
  "yesterday", "hours ago", "just").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["SIGNS", "EmergencySign", "EmergencyText", "emergency_detect"]


@dataclass(frozen=True)
class Sign:
    id: str
    label: str | Promise
    patterns: tuple[re.Pattern[str], ...]
    exclude: re.Pattern[str] | None = None  # in the same clause: not this sign ("heavy periods")


@dataclass(frozen=True)
class EmergencySign:
    id: str
    label: str
    evidence: str  # the words that matched, as typed (folded)


@dataclass(frozen=True)
class EmergencyText:
    signs: tuple[EmergencySign, ...]

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.signs]

    @property
    def self_harm(self) -> bool:
        return "self_harm" in self.ids


def _p(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(r"\b(?:" + p + r")\b") for p in patterns)


_CANT = r"(?:cant|cannot|can not|unable to|not able to|could not|couldnt)"
_WHO = r"(?:my|his|her|their|the|one|an?)"
SIGNS: tuple[Sign, ...] = (
    Sign(
        "chest_pain",
        pgettext_lazy("emergency sign", "chest pain or a possible heart attack"),
        _p(
            r"chest (?:pain|pains|tightness|pressure|is tight|feels tight|hurts)",
            r"(?:pain|pressure|tightness|crushing|squeezing) in (?:my|his|her|the) chest",
            r"tight chest|crushing (?:pain|chest)",
            r"heart attack|cardiac arrest|my heart (?:has )?stopped",
            r"pain (?:spreading|going|radiating) (?:down|to|into) (?:my|his|her) (?:left )?(?:arm|jaw)",
        ),
    ),
    Sign(
        "stroke",
        pgettext_lazy("emergency sign", "signs of a stroke"),
        _p(
            r"(?:having|had|think (?:i|he|she) (?:am|is|had|has)|signs of|symptoms of) (?:a )?stroke",
            r"stroke (?:right )?now|stroke symptoms",
            r"face (?:is )?(?:drooping|droops|droopy|fallen|dropped)|(?:drooping|droopy) face|face droop",
            r"one side of " + _WHO + r" (?:face|body) (?:is )?(?:numb|weak|drooping|paralysed|paralyzed)",
            r"(?:sudden|suddenly) (?:numb|weak|paralysed|paralyzed)",
            r"arm (?:is )?(?:suddenly )?(?:weak|numb|heavy|limp)|sudden (?:arm )?weakness",
            r"slurred speech|speech is (?:slurred|garbled)|slurring (?:my|his|her)? ?words",
            r"(?:sudden|suddenly) (?:cant|cannot|unable to) (?:speak|talk|see)",
            r"(?:sudden|suddenly) (?:loss of (?:vision|sight|balance)|lost (?:my|his|her) (?:vision|sight|balance)|blind)",
            r"worst headache (?:of|in) (?:my|his|her) life|thunderclap headache",
            r"(?:sudden|suddenly) (?:severe|terrible|excruciating) headache",
        ),
        exclude=re.compile(r"\b(?:heat ?stroke|stroke of luck|rehab|rehabilitation|physiotherapy)\b"),
    ),
    Sign(
        "breathing",
        pgettext_lazy("emergency sign", "severe difficulty breathing"),
        _p(
            _CANT
            + r" breathe(?! (?:through|out of|with) )|(?:struggling|fighting|gasping) (?:to breathe|for (?:air|breath))",
            r"(?:severe|extreme|sudden) (?:shortness of breath|breathlessness|difficulty breathing|trouble breathing)",
            r"(?:not breathing|stopped breathing|stops breathing)(?! (?:at night|in (?:my|his|her|their) sleep|while (?:i |he |she )?(?:sleep|sleeping|asleep)|during sleep))",
            r"choking|turning blue|(?:lips|face) (?:are |is )?(?:turning )?blue|blue lips",
        ),
        exclude=re.compile(r"\b(?:apnoea|apnea|snore|snoring|at night|in (?:my|his|her) sleep)\b"),
    ),
    Sign(
        "bleeding",
        pgettext_lazy("emergency sign", "heavy bleeding"),
        _p(
            r"(?:heavy|severe|uncontrolled|uncontrollable|profuse|massive|lots of|a lot of) bleeding",
            r"bleeding (?:heavily|badly|a lot|profusely|everywhere|and (?:it )?(?:wont|will not|does not|doesnt|cant) stop)",
            r"bleeding (?:that |which )?(?:wont|will not|does not|doesnt|cant be|cannot be) stop(?:ped)?",
            r"(?:coughing|vomiting|throwing) up blood|vomiting blood|blood (?:is )?(?:pouring|spurting|gushing)",
            r"(?:pregnant|pregnancy)\b.{0,40}\bbleeding|bleeding\b.{0,40}\b(?:pregnant|pregnancy)",
            r"bleeding after (?:giving birth|birth|delivery)",
        ),
        exclude=re.compile(r"\b(?:period|periods|menstrual|menstruation|monthly|cycle|gums?)\b"),
    ),
    Sign(
        "unconscious",
        pgettext_lazy("emergency sign", "loss of consciousness or a fit that is not stopping"),
        _p(
            r"unconscious|unresponsive(?! to)|passed out|passing out|(?:lost|losing|loss of) consciousness",
            r"(?:wont|will not|cant|cannot|not) wak(?:e|ing) (?:him |her |them )?up",
            r"collapsed(?! (?:lung|disc|vertebra|arch|veins?))",
            r"(?:fit|seizure|convulsion)s? (?:that )?(?:wont|will not|does not|doesnt|isnt|is not|are not|arent|not) stop(?:ping)?",
            r"(?:fitting|seizing|convulsing|having a (?:fit|seizure)) (?:right )?now",
            r"sudden(?:ly)? (?:very )?confus(?:ed|ion)",
        ),
    ),
    Sign(
        "allergy",
        pgettext_lazy("emergency sign", "a severe allergic reaction"),
        _p(
            r"anaphyla(?:xis|ctic)",
            r"(?:throat|tongue|lips?|face|mouth) (?:is |are )?(?:swelling|swollen|closing|swelling up)",
            r"swelling (?:of|in) (?:my|his|her|the) (?:throat|tongue|lips|face|mouth)",
            r"severe allergic reaction|allergic reaction\b.{0,40}\b(?:breath|swell|throat)",
            r"epipen|epinephrine pen|adrenaline pen",
        ),
        exclude=re.compile(r"\b(?:filler|fillers|injections? for lips|lip augmentation)\b"),
    ),
    Sign(
        "self_harm",
        pgettext_lazy("emergency sign", "thoughts of suicide or self-harm"),
        _p(
            r"(?:kill|hurt|harm|cut|cutting) (?:myself|himself|herself|themselves)",
            r"suicid(?:e|al)|end (?:my|his|her) (?:own )?life|end it all|take (?:my|his|her) (?:own )?life",
            r"(?:dont|do not) want to (?:live|be alive|be here)|want to die|better off dead|no reason to live",
            r"self[ -]?harm(?:ing)?|overdos(?:e|ed|ing)|took too many (?:pills|tablets)",
        ),
    ),
    Sign(
        "injury",
        pgettext_lazy("emergency sign", "a serious injury or burn"),
        _p(
            r"(?:severe|serious|bad|major) (?:burns?|scalds?|head injury|head injuries|injury|injuries|trauma)",
            r"hit (?:my|his|her) head\b.{0,40}\b(?:vomit|confus|drowsy|unconscious|blood)",
            r"(?:hit|run over) by a (?:car|bus|truck|lorry|motorbike)|stabbed|been shot|gunshot",
        ),
    ),
)

_NEGATION = re.compile(
    r"\b(?:no|not|never|without|none|denies|denied|dont have|doesnt have|didnt have|havent had|hasnt had|free of|ruled out|absence of)\b"
)
_UNSURE = re.compile(r"\b(?:not sure|not certain|no idea|dont know|do not know|not know|no longer)\b")
_DISTANT_PAST = re.compile(
    r"\b(?:last (?:week|month|year|winter|summer|spring|autumn|fall)|"
    r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many|some) (?:weeks?|months?|years?|decades?) (?:ago|back|before)|"
    r"(?:weeks|months|years|decades) ago|in (?:19|20)\d\d|back in|as a (?:child|kid|teenager)|when i was (?:young|a child|little)|"
    r"history of|previous|previously|prior|in the past|past (?:history|medical)|used to|recovered from|survived|"
    r"(?:after|since|following) (?:my|his|her|a|the) (?:stroke|heart attack|cardiac arrest|overdose|seizure|accident|injury)|"
    r"had (?:a|an|two|three|several) (?:stroke|strokes|heart attack|heart attacks|cardiac arrest|mini stroke|tia)|"
    r"diagnosed with|family history|since (?:birth|childhood|i was (?:born|a child|young))|all (?:my|his|her) life|"
    r"for (?:many |several |a few |\d+ |two |three |four |five )?(?:years|months))\b"
)
_RISK = re.compile(
    r"\b(?:risk of|at risk|prevent|prevention|preventing|to avoid|reduce the (?:risk|chance)|screening|check ?up)\b"
)
_RECENT = re.compile(
    r"\b(?:right now|just now|still|currently|at the moment|today|tonight|this (?:morning|afternoon|evening|week)|"
    r"just|suddenly|started|yesterday|(?:an?|one|two|few|\d+) (?:minutes?|hours?) ago|hours ago|minutes ago|"
    r"again|keeps|is happening|happening)\b"
)
_CLAUSE_SPLIT = re.compile(r"[.!?;:\n,()]+|\bbut\b|\bhowever\b|\balthough\b|\bthough\b")
_NEGATION_WINDOW = 6  # words before a sign that a negation may stand in


def _normalise(text: str) -> str:
    """Lower case, accents folded, apostrophes dropped ("can't" -> "cant"), spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text or "")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.lower().replace("\u2019", "'").replace("'", "").replace("`", "")
    return folded


def _clauses(text: str) -> list[str]:
    return [" ".join(c.split()) for c in _CLAUSE_SPLIT.split(text) if c and c.strip()]


def _negated(clause: str, start: int, matched: str) -> bool:
    before = _UNSURE.sub(" ", clause[:start]).split()[-_NEGATION_WINDOW:]
    return bool(_NEGATION.search(" ".join(before))) and not _NEGATION.match(matched)


def _cleared(clause: str) -> bool:
    """The clause puts its signs in the past or frames them as a risk, and says nothing recent."""
    return bool(_DISTANT_PAST.search(clause) or _RISK.search(clause)) and not _RECENT.search(clause)


def _sign_in(sign: Sign, clause: str) -> str | None:
    if sign.exclude is not None and sign.exclude.search(clause):
        return None
    for pattern in sign.patterns:
        for m in pattern.finditer(clause):
            if not _negated(clause, m.start(), m.group(0)):
                return m.group(0)
    return None


def emergency_detect(text: str) -> EmergencyText | None:
    """The emergency warning signs in ``text``, or None when there are none."""
    found: dict[str, EmergencySign] = {}
    for clause in _clauses(_normalise(text)):
        if _cleared(clause):
            continue
        for sign in SIGNS:
            if sign.id in found:
                continue
            evidence = _sign_in(sign, clause)
            if evidence is not None:
                found[sign.id] = EmergencySign(sign.id, str(sign.label), evidence)
    if not found:
        return None
    order = {s.id: i for i, s in enumerate(SIGNS)}
    return EmergencyText(tuple(sorted(found.values(), key=lambda s: order[s.id])))


NOT_A_DIAGNOSIS = _("We cannot tell whether it is an emergency: only a person who can assess you can.")
