"""JSON shapes of the glossary API (component names prefixed ``Glossary`` to stay unique)."""

from typing import Literal

from ninja import Schema
from pydantic import Field

Lang = Literal["en", "ar", "es", "fr", "ru", "bn"]


class GlossaryQuery(Schema):
    q: str = Field("", max_length=100, description="Part of a term or alias, in `lang` or English.")
    lang: Lang | None = Field(None, description="Language of the texts; default: the request's language.")


class GlossaryEnglishOut(Schema):
    term: str
    explanation: str


class GlossaryEntryOut(Schema):
    id: str
    lang: str = Field(description="Language of `term` and `explanation` (English when not translated).")
    term: str
    aliases: list[str]
    explanation: str
    english: GlossaryEnglishOut
    source: Literal["cdc", "nci_cancer", "nci_genetics", "project"]
    credit: str
    url: str
    explanation_is: Literal["quoted", "adapted", "written"] = Field(
        description="How the English explanation relates to the source."
    )
    translation: Literal["original", "machine-drafted, not reviewed by a medical translator"]
    reviewed: bool = Field(description="Whether a medical reviewer has checked the entry (none has yet).")
