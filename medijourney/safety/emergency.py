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
* Arabic, Spanish, French, Russian and Bengali: the warning-sign phrases of each sign are in
  ``FOREIGN_SIGNS`` below (see there for where they come from: they need a native clinical
  reviewer). The negation, past and risk rules above are English (plus a few negation words of each
  language), so in those languages the message shows more often, never less.
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
    lang: str = "en"  # the language of the phrase list that matched (FOREIGN_SIGNS' keys, or en)


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
    r"\b(?:no|not|never|without|none|denies|denied|dont have|doesnt have|didnt have|havent had|hasnt had|free of|ruled out|absence of"
    r"|sin|niega|nunca|pas|sans|aucun|aucune|jamais|не|нет|без|لا|ليس|لم|بدون|ما عندي|ماعندي|ما في)\b"
)
# Bengali negates after the words: "বুকে ব্যথা নেই" (no chest pain).
_POST_NEGATION = re.compile(r"^\s*(?:নেই|নাই|না)(?=\s|$|[।,.])")
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
_CLAUSE_SPLIT = re.compile(
    r"[.!?;:\n,()،؛؟।]+|\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\bpero\b|\bmais\b|\bно\b|لكن|কিন্তু"
)
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


def _sign_in(sign: Sign, clause: str) -> tuple[str, str] | None:
    """(the words that matched, the language of the phrase list) or None."""
    if sign.exclude is not None and sign.exclude.search(clause):
        return None
    foreign_exclude = _FOREIGN_EXCLUDE.get(sign.id)
    if foreign_exclude is not None and foreign_exclude.search(clause):
        return None
    for lang, pattern in (*(("en", p) for p in sign.patterns), *_FOREIGN.get(sign.id, ())):
        for m in pattern.finditer(clause):
            if not _negated(clause, m.start(), m.group(0)) and not _POST_NEGATION.match(clause[m.end() :]):
                return m.group(0), lang
    return None


# --- other languages -----------------------------------------------------------------------
# Warning-sign phrases in Arabic, Spanish, French, Russian and Bengali for the same signs as above.
# Written by the triage engineer (2026-12-01) as translations of the English lists above (NHS
# "when to call 999", BE-FAST, NHS self-harm advice) into the wording patients commonly use. The
# public-health pages that carry the same lists in each language are where a reviewer should
# check them (not checked yet, no page was consulted when writing them):
#   es: Ministerio de Sanidad / MedlinePlus en español (dolor torácico, signos de ictus);
#   fr: Ameli.fr / Santé publique France (douleur thoracique, AVC "VITE", appeler le 15);
#   ru: public pages of the Russian Ministry of Health on инсульт (УДАР) and инфаркт;
#   ar: WHO EMRO and Saudi MOH Arabic pages on الجلطة / السكتة الدماغية;
#   bn: WHO SEARO / DGHS Bangladesh Bengali health pages (স্ট্রোক, হার্ট অ্যাটাক).
# They have NOT been reviewed by a native-speaking clinician: each language needs one before this
# is relied on. Phrases are normalised like the text (accents and vowel marks off, lower case);
# Arabic and Bengali phrases match inside words too (attached prefixes such as و, ب, ال). The
# patterns are lower-cased with the text: write no upper-case regex escapes (\\S, \\W, \\D).
FOREIGN_SIGNS: dict[str, dict[str, tuple[str, ...]]] = {
    "es": {
        "chest_pain": (
            r"dolor(?: \w+){0,3} (?:en el|de|del) pecho",
            "dolor toracico",
            "opresion (?:en el|de) pecho",
            "presion en el pecho",
            "infarto",
            "ataque al corazon",
            "paro cardiaco",
        ),
        "stroke": (
            "ictus",
            "derrame cerebral",
            "cara (?:torcida|caida|paralizada)",
            "boca torcida",
            "no puede hablar",
            "habla arrastrada",
            "perdida (?:subita|repentina) de (?:la )?(?:vision|fuerza)",
            "debilidad (?:subita|repentina)",
            "el peor dolor de cabeza de mi vida",
        ),
        "breathing": (
            "no (?:puedo|puede) respirar",
            "me ahogo",
            "se ahoga",
            "dificultad (?:grave|severa) para respirar",
            "labios azules",
            "se esta asfixiando",
            "atragantad[oa]",
        ),
        "bleeding": (
            "sangrado (?:abundante|fuerte|que no para|incontrolable)",
            "sangra mucho",
            "no para de sangrar",
            "vomit(?:o|a|ando) sangre",
            "tos con sangre",
            "toso sangre",
            "embarazada.{0,40}sangr",
            "sangr.{0,40}embarazada",
        ),
        "unconscious": (
            "inconsciente",
            "perdio el conocimiento",
            "perdida de conocimiento",
            "no (?:se )?despierta",
            "convulsion(?:es)? que no para",
            "convulsionando",
        ),
        "allergy": (
            "anafilaxia",
            "reaccion alergica grave",
            "se me cierra la garganta",
            "garganta cerrada",
            "lengua hinchada",
            "labios hinchados",
        ),
        "self_harm": (
            "suicid",
            "quitarme la vida",
            "matarme",
            "no quiero vivir",
            "hacerme dano",
            "autolesi",
            "sobredosis",
        ),
        "injury": ("quemaduras? graves?", "traumatismo craneal", "atropellad[oa]", "apunalad[oa]", "herida de bala"),
    },
    "fr": {
        "chest_pain": (
            r"douleur(?: \w+){0,3} (?:thoracique|dans la poitrine|a la poitrine|au thorax)",
            "oppression (?:thoracique|dans la poitrine)",
            "serrement dans la poitrine",
            "poitrine serree",
            "crise cardiaque",
            "infarctus",
            "arret cardiaque",
        ),
        "stroke": (
            "avc",
            "accident vasculaire",
            "visage (?:paralyse|affaisse|tordu)",
            "bouche de travers",
            "ne peut plus parler",
            "difficulte (?:soudaine )?a parler",
            "faiblesse (?:soudaine|brutale)",
            "perte (?:soudaine|brutale) de la vue",
            "pire mal de tete de ma vie",
        ),
        "breathing": (
            "narrive (?:pas|plus) a respirer",
            "ne (?:peux|peut) (?:pas|plus) respirer",
            "jetouffe",
            "setouffe",
            "etouffement",
            "suffoque",
            "levres bleues",
        ),
        "bleeding": (
            "saignement (?:abondant|important|massif|qui ne sarrete pas)",
            "saigne (?:beaucoup|abondamment)",
            "vomi(?:s|t|r)? du sang",
            "vomissements de sang",
            "crache du sang",
            "tousse du sang",
            "enceinte.{0,40}saign",
            "saign.{0,40}enceinte",
        ),
        "unconscious": (
            "inconsciente?",
            "perdu connaissance",
            "perte de connaissance",
            "ne se reveille pas",
            "convulsions? qui ne sarretent? pas",
        ),
        "allergy": (
            "anaphyla",
            "reaction allergique grave",
            "gorge qui (?:se ferme|gonfle)",
            "langue (?:gonflee|qui gonfle)",
            "levres gonflees",
            "oedeme de quincke",
            "œdeme de quincke",
        ),
        "self_harm": (
            "suicid",
            "me tuer",
            "mettre fin a mes jours",
            "en finir",
            "je ne veux plus vivre",
            "envie de mourir",
            "me faire du mal",
            "automutil",
            "surdose",
            "overdose",
        ),
        "injury": (
            "brulures? graves?",
            "traumatisme cranien",
            "renversee? par une voiture",
            "poignarde",
            "blessure par balle",
        ),
    },
    "ru": {
        "chest_pain": (
            r"бол\w*(?: \w+){0,3} в груди",
            "боли в груди",
            "давит в груди",
            "жжение в груди",
            "сжимает грудь",
            "болит грудь",
            "болит сердце",
            "инфаркт",
            "сердечный приступ",
            "остановка сердца",
        ),
        "stroke": (
            "инсульт",
            "перекосило лицо",
            "лицо перекошено",
            "онемела (?:рука|половина)",
            "не может говорить",
            "невнятная речь",
            "речь невнятная",
            "внезапная слабость",
            "внезапно ослеп",
            "сильнейшая головная боль",
        ),
        "breathing": (
            "не (?:могу|может) дышать",
            "задыхаюсь",
            "задыхается",
            "удушье",
            "синие губы",
            "посинел",
            "подавился",
        ),
        "bleeding": (
            "сильное кровотечение",
            "кровотечение не останавливается",
            "кровь не останавливается",
            "рвота кровью",
            "рвет кровью",
            "кашляю кровью",
            "кашель с кровью",
            "беременн.{0,40}кровотеч",
            "кровотеч.{0,40}беременн",
        ),
        "unconscious": (
            "без сознания",
            "потерял[аи]? сознание",
            "потеря сознания",
            "не приходит в себя",
            "не просыпается",
            "судороги не прекращаются",
        ),
        "allergy": (
            "анафилак",
            "отек квинке",
            "отекает горло",
            "отек горла",
            "распух язык",
            "опухли губы",
            "тяжелая аллергическая реакция",
        ),
        "self_harm": (
            "суицид",
            "покончить с собой",
            "убить себя",
            "не хочу жить",
            "хочу умереть",
            "причинить себе вред",
            "порезать себя",
            "самоповрежд",
            "передозировк",
        ),
        "injury": (
            "сильный ожог",
            "тяжелые ожоги",
            "черепно-мозговая травма",
            "сбила машина",
            "ножевое ранение",
            "огнестрельное ранение",
        ),
    },
    "ar": {
        "chest_pain": (
            r"ألم(?: [^ ]+){0,3} (?:في |ب)(?:ال)?صدر",
            "ألم في صدري",
            "ضيق في الصدر",
            "ضغط على الصدر",
            "وجع في الصدر",
            "جلطة قلبية",
            "نوبة قلبية",
            "أزمة قلبية",
            "سكتة قلبية",
            "توقف القلب",
        ),
        "stroke": (
            "جلطة دماغية",
            "جلطة في المخ",
            "سكتة دماغية",
            "ميلان في الوجه",
            "الوجه مائل",
            "شلل نصفي",
            "لا يستطيع الكلام",
            "ثقل في اللسان",
            "ضعف مفاجئ",
            "فقدان مفاجئ للرؤية",
            "أسوأ صداع",
        ),
        "breathing": (
            "لا أستطيع التنفس",
            "لا يستطيع التنفس",
            "ما اقدر اتنفس",
            "اختناق",
            "يختنق",
            "أختنق",
            "صعوبة شديدة في التنفس",
            "ضيق تنفس شديد",
            "شفاه زرقاء",
            "ازرقاق",
        ),
        "bleeding": (
            "نزيف (?:شديد|حاد|غزير|لا يتوقف|مستمر)",
            "تقيؤ دم",
            "استفراغ دم",
            "يتقيأ دم",
            "سعال دم",
            "حامل.{0,40}نزيف",
            "نزيف.{0,40}حامل",
        ),
        "unconscious": (
            "فاقد الوعي",
            "فقد الوعي",
            "فقدان الوعي",
            "مغمى عليه",
            "لا يستيقظ",
            "لا يفيق",
            "تشنجات لا تتوقف",
        ),
        "allergy": (
            "حساسية شديدة",
            "صدمة تحسسية",
            "تورم (?:في )?(?:الحلق|اللسان|الشفاه)",
            "انتفاخ (?:الحلق|اللسان|الشفاه)",
            "الحلق يغلق",
        ),
        "self_harm": (
            "انتحار",
            "أنتحر",
            "أقتل نفسي",
            "قتل نفسي",
            "أؤذي نفسي",
            "إيذاء النفس",
            "لا أريد أن أعيش",
            "أريد أن أموت",
            "جرعة زائدة",
        ),
        "injury": (
            "حروق شديدة",
            "حرق شديد",
            "إصابة في الرأس",
            "صدمته سيارة",
            "طعنة",
            "طعن بسكين",
            "طلق ناري",
            "حادث سير",
        ),
    },
    "bn": {
        "chest_pain": (r"বুকে(?: [^ ]+){0,3} ব্যথা", "বুকের ব্যথা", "বুক ব্যথা", "বুকে চাপ", "বুক চেপে", "হার্ট অ্যাটাক", "হার্ট বন্ধ"),
        "stroke": (
            "স্ট্রোক",
            "মুখ বেঁকে",
            "মুখ বাঁকা",
            "কথা জড়িয়ে",
            "কথা বলতে পারছে না",
            "কথা বলতে পারছি না",
            "হঠাৎ দুর্বল",
            "হঠাৎ অবশ",
            "জীবনের সবচেয়ে খারাপ মাথাব্যথা",
        ),
        "breathing": ("শ্বাস নিতে পারছি না", "শ্বাস নিতে পারছে না", "দম বন্ধ", "শ্বাস বন্ধ হয়ে আসছে", "তীব্র শ্বাসকষ্ট", "ঠোঁট নীল"),
        "bleeding": ("প্রচুর রক্তপাত", "রক্তপাত থামছে না", "রক্ত থামছে না", "রক্ত বমি", "কাশির সাথে রক্ত", "গর্ভবতী.{0,40}রক্ত"),
        "unconscious": ("অজ্ঞান", "জ্ঞান হারিয়ে", "জ্ঞান ফিরছে না", "সাড়া দিচ্ছে না", "খিঁচুনি থামছে না"),
        "allergy": ("অ্যানাফাইল্যাক্সিস", "তীব্র অ্যালার্জি", "গলা ফুলে", "জিভ ফুলে", "ঠোঁট ফুলে"),
        "self_harm": ("আত্মহত্যা", "নিজেকে মেরে ফেল", "বাঁচতে চাই না", "মরে যেতে চাই", "নিজের ক্ষতি", "ওভারডোজ"),
        "injury": ("গুরুতর পোড়া", "মারাত্মক পোড়া", "মাথায় গুরুতর আঘাত", "গাড়ি চাপা", "ছুরিকাঘাত", "গুলিবিদ্ধ"),
    },
}
# In the same clause: not this sign (sleep apnoea, heavy periods), as the English ``exclude``.
FOREIGN_EXCLUDE: dict[str, tuple[str, ...]] = {
    "breathing": ("sueno", "durmiendo", "sommeil", "во сне", "храп", "النوم", "ঘুম"),
    "bleeding": ("regla", "menstrua", "regles", "месячн", "менструац", "الدورة", "الطمث", "মাসিক"),
}


def _foreign_patterns() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    out: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for lang, signs in FOREIGN_SIGNS.items():
        lead = r"\b" if lang in ("es", "fr", "ru") else ""
        for sign_id, phrases in signs.items():
            source = "|".join(_normalise(p) for p in phrases)
            out.setdefault(sign_id, []).append((lang, re.compile(lead + "(?:" + source + ")")))
    return {k: tuple(v) for k, v in out.items()}


_FOREIGN = _foreign_patterns()
_FOREIGN_EXCLUDE = {k: re.compile("|".join(_normalise(p) for p in v)) for k, v in FOREIGN_EXCLUDE.items()}


def emergency_detect(text: str) -> EmergencyText | None:
    """The emergency warning signs in ``text``, or None when there are none."""
    found: dict[str, EmergencySign] = {}
    for clause in _clauses(_normalise(text)):
        if _cleared(clause):
            continue
        for sign in SIGNS:
            if sign.id in found:
                continue
            matched = _sign_in(sign, clause)
            if matched is not None:
                found[sign.id] = EmergencySign(sign.id, str(sign.label), *matched)
    if not found:
        return None
    order = {s.id: i for i, s in enumerate(SIGNS)}
    return EmergencyText(tuple(sorted(found.values(), key=lambda s: order[s.id])))


NOT_A_DIAGNOSIS = _("We cannot tell whether it is an emergency: only a person who can assess you can.")
