"""Input and output schemas of the discovery API."""

from ninja import Field, Schema
from pydantic import field_validator

# A GET query string must stay well under the web server's request-line limit (gunicorn: 4094
# bytes) once URL-encoded; longer texts go through medijourney.discovery.triage.triage() directly.
TRIAGE_TEXT_MAX = 1000


class TriageIn(Schema):
    text: str = Field(
        ...,
        min_length=1,
        max_length=TRIAGE_TEXT_MAX,
        description="The problem in the person's own words (or a clinician's), at most 1000 characters.",
    )
    lang: str = Field(
        "en",
        pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description="BCP 47 language of the text. Only English is understood today; others are read as English.",
    )

    @field_validator("text")
    @classmethod
    def text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Describe the problem in a few words.")
        return value


class TriageSpecialtyOut(Schema):
    id: str = Field(..., description="Specialty id from the taxonomy.")
    name: str
    score: float = Field(..., ge=0, le=1, description="How strongly the text points here (0–1).")
    evidence: list[str] = Field(..., description="The words or phrases of the text that matched.")


class TriageProcedureOut(Schema):
    slug: str = Field(..., description="Procedure slug from the procedure dataset.")
    name: str
    score: float = Field(..., ge=0, le=1)


class TriageOut(Schema):
    specialties: list[TriageSpecialtyOut] = Field(..., description="At least 3, best first.")
    procedures: list[TriageProcedureOut] = Field(..., description="Candidate procedures, best first; may be empty.")
    notice: str = Field(..., description="Says that this routes to a specialty and is not a diagnosis.")
    confident: bool = Field(..., description="False when the text names no condition or the scores are low.")
