"""Every write on cases, split by sub-domain: the outbox and timeline, intake, assignment, the
first-response clock, stages with notes and tasks, messages, documents. Background tasks (tasks.py),
views, the API and the demo call these functions; everything public is re-exported here so callers
import ``medijourney.cases.services``."""

from medijourney.cases.selectors import clock_warning_before, first_response_window

from .assignment import availability_update, case_assign_auto, case_reassign, cases_assign_waiting
from .audit import case_read_audit, cases_list_audit
from .clock import case_clock_check, case_clocks_sweep
from .documents import (
    UPLOAD_TOKEN_VALID,
    document_create,
    document_scan,
    documents_add,
    documents_rescan_pending,
    upload_token_for,
    upload_token_valid,
    uploads_store,
)
from .intake import (
    IdempotencyConflictError,
    InquiryData,
    IntakeOutcome,
    OwnerConfirmError,
    inquiry_clean,
    inquiry_hash,
    inquiry_owner_confirm,
    inquiry_owner_decline,
    inquiry_submit,
    triage_summary,
)
from .messages import message_send, messages_mark_read
from .outbox import (
    MAX_EMAIL_ATTEMPTS,
    case_event_add,
    leads_active,
    notification_deliver,
    notification_queue,
    staff_notify,
)
from .workflow import (
    TransitionError,
    case_milestone_mark,
    case_transition,
    note_add,
    register_on_stage,
    task_add,
    task_set_done,
)

__all__ = [
    "MAX_EMAIL_ATTEMPTS",
    "UPLOAD_TOKEN_VALID",
    "IdempotencyConflictError",
    "InquiryData",
    "IntakeOutcome",
    "OwnerConfirmError",
    "TransitionError",
    "availability_update",
    "case_assign_auto",
    "case_clock_check",
    "case_clocks_sweep",
    "case_event_add",
    "case_milestone_mark",
    "case_read_audit",
    "case_reassign",
    "case_transition",
    "cases_assign_waiting",
    "cases_list_audit",
    "clock_warning_before",
    "document_create",
    "document_scan",
    "documents_add",
    "documents_rescan_pending",
    "first_response_window",
    "inquiry_clean",
    "inquiry_hash",
    "inquiry_owner_confirm",
    "inquiry_owner_decline",
    "inquiry_submit",
    "leads_active",
    "message_send",
    "messages_mark_read",
    "note_add",
    "notification_deliver",
    "notification_queue",
    "register_on_stage",
    "staff_notify",
    "task_add",
    "task_set_done",
    "triage_summary",
    "upload_token_for",
    "upload_token_valid",
    "uploads_store",
]
