"""JSON shapes of the specialist API (separate input and output schemas)."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class OpinionListItemOut(Schema):
    id: UUID
    code: str
    specialty: str
    status: str
    due_at: datetime | None
    clock_paused: bool
    answered_at: datetime | None


class OpinionDocumentOut(Schema):
    id: UUID
    name: str
    kind: str
    download_url: str


class ClarificationOut(Schema):
    question: str
    asked_at: datetime
    answer: str
    answered_at: datetime | None


class OpinionOut(Schema):
    understood_summary: str
    answers: list[str]
    agreement: str
    alternatives: str
    further_tests: str
    confidence: str
    references: str
    plain_summary: str
    submitted_at: datetime | None


class OpinionRequestOut(OpinionListItemOut):
    coi_declared: bool
    quoting_hospitals: list[str]
    summary: str | None = Field(None, description="The de-identified summary: only once the declaration is made.")
    questions: list[str] | None = None
    documents: list[OpinionDocumentOut] = []
    clarifications: list[ClarificationOut] = []
    opinion: OpinionOut | None = None


class DeclarationIn(Schema):
    declared: bool = Field(description="No tie to any hospital that quoted on the case.")


class ClarificationIn(Schema):
    question: str = Field(max_length=2000)


class OpinionIn(Schema):
    understood_summary: str = Field("", max_length=5000)
    answers: list[str] = Field(default_factory=list, max_length=5, description="One answer per question, in order.")
    agreement: str = Field("", description="agree | agree_with_changes | disagree | need_more")
    alternatives: str = Field("", max_length=4000)
    further_tests: str = Field("", max_length=4000)
    confidence: str = Field("", description="low | medium | high")
    references: str = Field("", max_length=4000)
    plain_summary: str = Field("", max_length=4000)
