import datetime
from uuid import UUID

from ninja import Field, Schema


class StepOut(Schema):
    id: UUID
    kind: str
    label: str
    day: datetime.date
    time: datetime.time | None
    time_zone: str
    starts_at_utc: datetime.datetime | None = Field(description="The step's start in UTC, when a time is set.")
    who_books: str
    dates_confirmed: bool
    done_at: datetime.datetime | None


class ChecklistItemOut(Schema):
    id: UUID
    kind: str
    label: str
    provider: str
    status: str
    due_on: datetime.date | None
    due_rule: str


class LetterOut(Schema):
    code: str
    letter_date: datetime.date
    valid_until: datetime.date
    revoked: bool
    lookups: int
    verify_url: str


class JourneyFitToFlyOut(Schema):
    days: int
    published: bool
    rule: str
    source_url: str
    first_day: datetime.date
    override_reason: str


class JourneyListItemOut(Schema):
    id: UUID
    code: str
    stage: str
    hospital: str
    procedure: str
    departure: datetime.date


class JourneyListOut(Schema):
    items: list[JourneyListItemOut]
    count: int


class JourneyOut(JourneyListItemOut):
    destination_time_zone: str
    home_time_zone: str
    fit_to_fly: JourneyFitToFlyOut
    steps: list[StepOut]
    checklist: list[ChecklistItemOut] | None = Field(description="Not shown to the hospital.")
    letter: LetterOut | None


class StepMoveIn(Schema):
    day: datetime.date
    time: datetime.time | None = None
    override_reason: str = Field("", max_length=1000)
