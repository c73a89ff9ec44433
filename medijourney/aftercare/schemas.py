import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from .questionnaire import CheckInAnswers

CheckInAnswersIn = CheckInAnswers  # the same pydantic model as the page's service check


class CheckInOut(Schema):
    id: UUID
    case: str
    day: int = Field(description="Days after discharge.")
    due_on: datetime.date
    status: str
    answered_at: datetime.datetime | None
    red_flags: list[str]
    response: dict[str, Any] | None = Field(description="FHIR R4 QuestionnaireResponse, once answered.")


class CheckInListOut(Schema):
    items: list[CheckInOut]
    count: int


class UrgentCareNumberOut(Schema):
    country: str
    name: str
    call: str
    also: list[str]
    source: str
    as_of: str


class SubmitOut(Schema):
    check_in: CheckInOut
    red_flags: list[str]
    rules_met: list[str] = Field(description="What the red-flag rules checked, in words (not a diagnosis).")
    urgent_message: str | None
    emergency_number: UrgentCareNumberOut | None
    escalation: UUID | None


class EscalationOut(Schema):
    id: UUID
    case: str | None = Field(description="The case reference (the case team only; null for a hospital desk).")
    hospital: str
    day: int
    flags: list[str]
    opened_at: datetime.datetime
    due_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    leads_told_at: datetime.datetime | None


class EscalationListOut(Schema):
    items: list[EscalationOut]
    count: int


class ReviewOut(Schema):
    id: UUID
    procedure: str
    month: str = Field(description="YYYY-MM of discharge.")
    care: int
    communication: int
    cleanliness: int
    value: int
    would_recommend: bool
    text: str
    initials: str
    redaction_reason: str
    reply: str
    is_demo: bool


class ReviewListOut(Schema):
    items: list[ReviewOut]
    count: int


class FigureOut(Schema):
    k: int
    n: int
    share: float | None = Field(description="k ÷ n; null below n = 10 (not enough data yet).")
    ci95_low: float | None = Field(description="Wilson score interval, 95 %.")
    ci95_high: float | None
    enough: bool


class MedianOut(Schema):
    n: int
    median: float | None = Field(description="Median pain 0–10 at the day-30 check-in; null below n = 10.")
    enough: bool


class OutcomeOut(Schema):
    group: str
    is_demo: bool
    follow_up_completion: FigureOut
    red_flag_30d: FigureOut
    readmitted: FigureOut
    would_recommend: FigureOut
    pain_day30: MedianOut


class OutcomeListOut(Schema):
    hospital: UUID
    items: list[OutcomeOut]
    source: str
