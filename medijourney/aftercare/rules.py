"""The follow-up rules, in one place: which procedure group a procedure belongs to, the default
check-in days per group, and the red-flag rules per group. The rules say what they check; they
do not diagnose. They are MediJourney's own plain rules, written from common discharge advice
(NHS "after surgery" pages: fever, chest pain, breathlessness, calf swelling, wound discharge,
bleeding), not a validated clinical instrument."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Group(models.TextChoices):
    JOINT = "joint_replacement", _("Joint replacement")
    CARDIAC = "cardiac", _("Heart and blood vessels")
    GENERAL = "general", _("Other procedures")


DEFAULT_DAYS: tuple[int, ...] = (2, 7, 14, 30, 90, 365)
GROUP_DAYS: dict[str, tuple[int, ...]] = {
    Group.JOINT: DEFAULT_DAYS,
    Group.CARDIAC: DEFAULT_DAYS,
    Group.GENERAL: DEFAULT_DAYS,
}
MAX_DAY = 730  # a check-in more than two years after discharge is refused

_JOINT_SLUGS = frozenset(
    {
        "knee-replacement",
        "partial-knee-replacement",
        "hip-replacement",
        "hip-resurfacing",
        "shoulder-replacement",
        "ankle-replacement",
    }
)


def group_of(*, slug: str, specialty: str) -> str:
    """The procedure's follow-up group: joint replacements, cardiology, else general."""
    if slug in _JOINT_SLUGS:
        return Group.JOINT
    if specialty == "cardiology" or slug == "heart-transplant":
        return Group.CARDIAC
    return Group.GENERAL


@dataclass(frozen=True)
class RedFlag:
    code: str
    checks: Any  # the rule in words (what it checks, not a diagnosis)
    test: Callable[[dict[str, Any]], bool]
    groups: frozenset[str]


FEVER_C = 38.5
ALL = frozenset(Group.values)

RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("fever", _("Temperature of 38.5 °C or more"), lambda a: (a.get("temperature") or 0) >= FEVER_C, ALL),
    RedFlag("chest_pain", _("Chest pain"), lambda a: bool(a.get("chest_pain")), ALL),
    RedFlag(
        "breathless_at_rest", _("Short of breath at rest"), lambda a: a.get("breathing") == "breathless_at_rest", ALL
    ),
    RedFlag(
        "calf",
        _("Calf pain or swelling after joint surgery"),
        lambda a: bool(a.get("calf_pain")),
        frozenset({Group.JOINT}),
    ),
    RedFlag(
        "wound_discharge",
        _("Wound discharge or the wound opening"),
        lambda a: a.get("wound") in {"discharge", "opening"},
        ALL,
    ),
    RedFlag("heavy_bleeding", _("Heavy bleeding"), lambda a: a.get("bleeding") == "heavy", ALL),
    RedFlag("confusion", _("New confusion or weakness"), lambda a: bool(a.get("confusion")), ALL),
    RedFlag(
        "cardiac_calf",
        _("Calf pain or swelling after heart or vessel procedures"),
        lambda a: bool(a.get("calf_pain")),
        frozenset({Group.CARDIAC}),
    ),
)


def red_flags_for(group: str, answers: dict[str, Any]) -> list[str]:
    """The codes of the red-flag rules of this group that the answers meet."""
    return [flag.code for flag in RED_FLAGS if group in flag.groups and flag.test(answers)]


def flag_text(code: str) -> str:
    for flag in RED_FLAGS:
        if flag.code == code:
            return str(flag.checks)
    return code


def rules_for(group: str) -> list[str]:
    return [str(flag.checks) for flag in RED_FLAGS if group in flag.groups]


# The escalation's acknowledgement clock.
ACK_HOURS = 1
REMIND_AFTER_HOURS = 24
TASK_AFTER_HOURS = 72
SEND_HOUR_LOCAL = 9  # check-ins are sent at 09:00 in the patient's time zone on their day
REVIEW_AFTER_DAYS = 14
RED_FLAG_WINDOW_DAYS = 30
