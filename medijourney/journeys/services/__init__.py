"""Every write on journeys, split by sub-domain: the itinerary (built from the accepted plan,
moved, confirmed), progress through the stages, passports and invitation letters, the checklist,
the calendar feed and companion links. Views, the API, tasks and the demo call these."""

from .documents import (
    checklist_check,
    checklist_overdue_run,
    checklist_upload,
    companion_link_create,
    companion_link_revoke,
    feed_create,
    feed_revoke,
    token_digest,
)
from .itinerary import (
    MovePlan,
    fit_date,
    journey_build,
    planning_start,
    step_confirm_dates,
    step_move,
    step_move_check,
    step_move_do,
)
from .letters import (
    LetterInput,
    letter_code_normalise,
    letter_issue,
    letter_lookup,
    passport_number,
    passport_save,
)
from .progress import STAGE_STEPS, journey_nudges_run, step_record_happened

__all__ = [
    "STAGE_STEPS",
    "LetterInput",
    "MovePlan",
    "checklist_check",
    "checklist_overdue_run",
    "checklist_upload",
    "companion_link_create",
    "companion_link_revoke",
    "feed_create",
    "feed_revoke",
    "fit_date",
    "journey_build",
    "journey_nudges_run",
    "letter_code_normalise",
    "letter_issue",
    "letter_lookup",
    "passport_number",
    "passport_save",
    "planning_start",
    "step_confirm_dates",
    "step_move",
    "step_move_check",
    "step_move_do",
    "step_record_happened",
    "token_digest",
]
