"""The emergency message in the language the patient wrote in, shown beside the interface's own.

A patient who writes "ألم شديد في الصدر" on an English page must be able to read what to do. Until
the gettext catalogues of issue 17 exist, the sentences are plain strings here, keyed by language.
They were written by the project's engineers (2026-12-01) and have NOT been reviewed by a medical
translator or a native-speaking clinician; `REVIEWED` says so, and the page shows it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .emergency import EmergencySign

REVIEWED = False
LANGUAGE_NAMES = {"ar": "العربية", "es": "Español", "fr": "Français", "ru": "Русский", "bn": "বাংলা"}
RTL = {"ar"}

# with_number takes {number}; without_number is for when the country (so the number) is unknown.
_TEXT: dict[str, dict[str, str]] = {
    "ar": {
        "with_number": "قد تكون هذه حالة طارئة. اتصل الآن بالرقم {number}، أو توجّه إلى أقرب قسم طوارئ. لا تنتظر ردًّا منا.",
        "without_number": "قد تكون هذه حالة طارئة. اتصل الآن برقم الطوارئ المحلي، أو توجّه إلى أقرب قسم طوارئ. لا تنتظر ردًّا منا.",
        "self_harm": "إذا كنت تفكر في إنهاء حياتك أو إيذاء نفسك، فأنت لست وحدك. اتصل الآن، أو اطلب من شخص قريب منك أن يتصل، وأخبره بما تشعر به.",
    },
    "es": {
        "with_number": "Esto puede ser una urgencia. Llame ahora al {number} o vaya al servicio de urgencias más cercano. No espere nuestra respuesta.",
        "without_number": "Esto puede ser una urgencia. Llame ahora a su número local de emergencias o vaya al servicio de urgencias más cercano. No espere nuestra respuesta.",
        "self_harm": "Si está pensando en quitarse la vida o en hacerse daño, no está solo. Llame ahora, o pida a alguien cercano que llame, y cuéntele cómo se siente.",
    },
    "fr": {
        "with_number": "Il peut s'agir d'une urgence. Appelez maintenant le {number} ou rendez-vous aux urgences les plus proches. N'attendez pas notre réponse.",
        "without_number": "Il peut s'agir d'une urgence. Appelez maintenant le numéro d'urgence local ou rendez-vous aux urgences les plus proches. N'attendez pas notre réponse.",
        "self_harm": "Si vous pensez à mettre fin à vos jours ou à vous faire du mal, vous n'êtes pas seul. Appelez maintenant, ou demandez à quelqu'un près de vous d'appeler, et dites-lui ce que vous ressentez.",
    },
    "ru": {
        "with_number": "Это может быть неотложное состояние. Позвоните сейчас по номеру {number} или обратитесь в ближайшее отделение неотложной помощи. Не ждите нашего ответа.",
        "without_number": "Это может быть неотложное состояние. Позвоните сейчас по местному номеру экстренных служб или обратитесь в ближайшее отделение неотложной помощи. Не ждите нашего ответа.",
        "self_harm": "Если вы думаете о том, чтобы покончить с собой или причинить себе вред, вы не одни. Позвоните сейчас или попросите кого-нибудь рядом позвонить и расскажите, что вы чувствуете.",
    },
    "bn": {
        "with_number": "এটি জরুরি অবস্থা হতে পারে। এখনই {number} নম্বরে ফোন করুন, অথবা নিকটতম জরুরি বিভাগে যান। আমাদের উত্তরের জন্য অপেক্ষা করবেন না।",
        "without_number": "এটি জরুরি অবস্থা হতে পারে। এখনই আপনার স্থানীয় জরুরি নম্বরে ফোন করুন, অথবা নিকটতম জরুরি বিভাগে যান। আমাদের উত্তরের জন্য অপেক্ষা করবেন না।",
        "self_harm": "আপনি যদি নিজের জীবন শেষ করার বা নিজের ক্ষতি করার কথা ভাবেন, আপনি একা নন। এখনই ফোন করুন, অথবা কাছের কাউকে ফোন করতে বলুন, এবং আপনি কেমন অনুভব করছেন তা তাঁকে বলুন।",
    },
}
_SCRIPTS = {"ARABIC": "ar", "CYRILLIC": "ru", "BENGALI": "bn"}


@dataclass(frozen=True)
class LocalMessage:
    lang: str
    language_name: str
    text: str
    self_harm_text: str
    reviewed: bool = REVIEWED

    @property
    def dir(self) -> str:
        return "rtl" if self.lang in RTL else "ltr"


def text_language(text: str, signs: tuple[EmergencySign, ...]) -> str:
    """The language the patient wrote in: the first sign found through another language's phrase
    list, else the script most of the letters are in (Arabic, Cyrillic, Bengali), else English.
    English medical words inside Arabic text ("chest pain" in an Arabic sentence) still count as Arabic."""
    for sign in signs:
        if sign.lang != "en":
            return sign.lang
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = unicodedata.name(ch, "").split(" ")[0]
            key = _SCRIPTS.get(script, "en")
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return "en"
    return max(counts, key=lambda k: counts[k])


def local_message(lang: str, number: str | None, *, interface_lang: str) -> LocalMessage | None:
    """The message in ``lang``, or None when it is English or already the interface's language."""
    if lang not in _TEXT or lang == interface_lang.split("-")[0]:
        return None
    table = _TEXT[lang]
    text = table["with_number"].format(number=number) if number else table["without_number"]
    return LocalMessage(lang=lang, language_name=LANGUAGE_NAMES[lang], text=text, self_harm_text=table["self_harm"])
