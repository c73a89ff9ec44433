"""The check-in questionnaire: MediJourney's own plain check-in (not a validated score), kept as a
FHIR R4 ``Questionnaire`` and each answer set as a FHIR R4 ``QuestionnaireResponse`` so the home
doctor and the export can use them. Shapes are validated with ``fhir.resources`` (its R4B models;
Questionnaire and QuestionnaireResponse are unchanged from R4). Answers are checked first by
``CheckInAnswers`` (pydantic), whose errors name the field."""

from datetime import datetime
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

CANONICAL = "https://medijourney.example/fhir/Questionnaire/medijourney-check-in"
VERSION = "1"
NOT_VALIDATED = _(
    "This is MediJourney's own plain check-in. It is not a validated score or a clinical instrument, "
    "and it does not diagnose anything."
)

Wound = Literal["dry", "red", "discharge", "opening"]
Breathing = Literal["normal", "breathless_on_effort", "breathless_at_rest"]
Bleeding = Literal["none", "light", "heavy"]
Activities = Literal["better", "same", "worse"]


class CheckInAnswers(BaseModel):
    """One check-in's answers. Temperature in °C (34–43: a number outside is a typing mistake)."""

    model_config = ConfigDict(extra="forbid")

    pain: int = Field(ge=0, le=10)
    temperature: float | None = Field(default=None, ge=34.0, le=43.0)
    wound: Wound
    breathing: Breathing
    chest_pain: bool = False
    calf_pain: bool = False
    bleeding: Bleeding = "none"
    confusion: bool = False
    readmitted: bool = False
    activities: Activities
    satisfaction: int = Field(ge=1, le=5)
    free_text: str = Field(default="", max_length=2000)


# (linkId, text, FHIR item type, answer options or None)
ITEMS: tuple[tuple[str, Any, str, tuple[str, ...] | None], ...] = (
    ("pain", _("Pain now, from 0 (none) to 10 (worst imaginable)"), "integer", None),
    ("temperature", _("Temperature in °C, if you measured it"), "decimal", None),
    ("wound", _("Your wound"), "choice", ("dry", "red", "discharge", "opening")),
    ("breathing", _("Your breathing"), "choice", ("normal", "breathless_on_effort", "breathless_at_rest")),
    ("chest_pain", _("Chest pain"), "boolean", None),
    ("calf_pain", _("Pain or swelling in a calf"), "boolean", None),
    ("bleeding", _("Bleeding"), "choice", ("none", "light", "heavy")),
    ("confusion", _("New confusion or weakness"), "boolean", None),
    ("readmitted", _("Back in hospital unplanned since the last check-in"), "boolean", None),
    ("activities", _("Daily activities compared with before the treatment"), "choice", ("better", "same", "worse")),
    ("satisfaction", _("Satisfaction so far, from 1 (very unhappy) to 5 (very happy)"), "integer", None),
    ("free_text", _("Anything else you want to tell us"), "text", None),
)
REQUIRED = frozenset({"pain", "wound", "breathing", "activities", "satisfaction"})


def questionnaire_resource() -> dict[str, Any]:
    """The check-in as a FHIR R4 Questionnaire (validated)."""
    items = []
    for link_id, text, kind, options in ITEMS:
        item: dict[str, Any] = {"linkId": link_id, "text": str(text), "type": kind, "required": link_id in REQUIRED}
        if options:
            item["answerOption"] = [{"valueCoding": {"code": o, "display": o.replace("_", " ")}} for o in options]
        items.append(item)
    data = {
        "resourceType": "Questionnaire",
        "url": CANONICAL,
        "version": VERSION,
        "name": "MediJourneyCheckIn",
        "title": "MediJourney follow-up check-in",
        "status": "active",
        "description": str(NOT_VALIDATED),
        "item": items,
    }
    return Questionnaire.model_validate(data).model_dump(mode="json", exclude_none=True)


def _answer(kind: str, value: Any) -> dict[str, Any]:
    if kind == "integer":
        return {"valueInteger": int(value)}
    if kind == "decimal":
        return {"valueDecimal": float(value)}
    if kind == "boolean":
        return {"valueBoolean": bool(value)}
    if kind == "choice":
        return {"valueCoding": {"code": str(value)}}
    return {"valueString": str(value)}


def response_resource(answers: CheckInAnswers, *, authored: datetime, questionnaire: str = CANONICAL) -> dict[str, Any]:
    """The answers as a FHIR R4 QuestionnaireResponse (validated). No subject: the export adds
    the patient; the stored row never names them."""
    values = answers.model_dump()
    items = []
    for link_id, text, kind, _options in ITEMS:
        value = values.get(link_id)
        if value is None or value == "":
            continue
        items.append({"linkId": link_id, "text": str(text), "answer": [_answer(kind, value)]})
    data = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{questionnaire}|{VERSION}",
        "status": "completed",
        "authored": authored.isoformat(),
        "item": items,
    }
    return QuestionnaireResponse.model_validate(data).model_dump(mode="json", exclude_none=True)


def answers_from_response(resource: dict[str, Any]) -> dict[str, Any]:
    """linkId -> the plain value, from a stored QuestionnaireResponse."""
    out: dict[str, Any] = {}
    for item in resource.get("item", []):
        for answer in item.get("answer", [])[:1]:
            for key, value in answer.items():
                if key.startswith("value"):
                    out[item["linkId"]] = value["code"] if key == "valueCoding" else value
    return out


def answer_errors(exc: ValidationError) -> dict[str, str]:
    """pydantic's errors as {field: message}."""
    out: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "answers"
        out.setdefault(field, str(error["msg"]))
    return out


def validate_loaded(resource: dict[str, Any]) -> Questionnaire:
    """A licensed instrument an operator loads through the admin: must be a valid FHIR
    Questionnaire (raises pydantic's ValidationError otherwise)."""
    return Questionnaire.model_validate(resource)


def labelled(answers: dict[str, Any]) -> list[tuple[str, Any]]:
    """(question, answer) in the questionnaire's order, for pages."""
    return [(str(text), answers[link_id]) for link_id, text, _kind, _options in ITEMS if link_id in answers]
