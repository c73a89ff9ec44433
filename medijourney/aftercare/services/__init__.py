"""Every write of aftercare, by sub-domain: the schedule (build, add, move, skip, close), delivery
(send, remind, task), check-in answers, escalations, reviews and the sweep. Re-exported here."""

from .checkins import SubmitOutcome, check_in_answers_clean, check_in_submit
from .delivery import check_in_overdue, check_in_remind, check_in_send
from .escalations import escalation_acknowledge, escalation_check, escalation_open
from .reviews import ReviewInput, review_eligibility, review_redact, review_reply, review_submit
from .schedule import (
    check_in_add,
    check_in_move,
    check_in_skip,
    follow_up_close_if_done,
    follow_up_schedule,
    procedure_group,
    schedule_days,
    send_at,
)
from .sweep import follow_ups_sweep

__all__ = [
    "ReviewInput",
    "SubmitOutcome",
    "check_in_add",
    "check_in_answers_clean",
    "check_in_move",
    "check_in_overdue",
    "check_in_remind",
    "check_in_send",
    "check_in_skip",
    "check_in_submit",
    "escalation_acknowledge",
    "escalation_check",
    "escalation_open",
    "follow_up_close_if_done",
    "follow_up_schedule",
    "follow_ups_sweep",
    "procedure_group",
    "review_eligibility",
    "review_redact",
    "review_reply",
    "review_submit",
    "schedule_days",
    "send_at",
]
