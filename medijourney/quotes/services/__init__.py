"""Every write on quotes, split by sub-domain: consents, requests to hospitals and their clock, the
hospitals' answers, acceptance and final bills, commission agreements, and the emails they send.
Views, the partner API, tasks and the demo call these; everything public is re-exported here."""

from .acceptance import BILLABLE_STAGES, final_bill_record, quote_accept, register_on_accept
from .answers import LineInput, PlanInput, quote_request_decline, quote_submit
from .audit import request_read_audit, requests_list_audit
from .clock import (
    default_response_hours,
    reminder_before,
    request_clock_check,
    request_clock_schedule,
    request_clocks_sweep,
)
from .commissions import commission_agreement_add, commission_agreement_end
from .consents import consent_ask, consent_grant, consent_revoke
from .notify import case_team, case_team_notify, erasure_notify_hospitals, hospital_notify, patient_notify
from .requests import (
    MAX_HOSPITALS,
    SENDABLE_STAGES,
    SendPlan,
    quote_request_withdraw,
    quote_requests_check,
    quote_requests_do,
    quote_requests_send,
)

__all__ = [
    "BILLABLE_STAGES",
    "MAX_HOSPITALS",
    "SENDABLE_STAGES",
    "LineInput",
    "PlanInput",
    "SendPlan",
    "case_team",
    "case_team_notify",
    "commission_agreement_add",
    "commission_agreement_end",
    "consent_ask",
    "consent_grant",
    "consent_revoke",
    "default_response_hours",
    "erasure_notify_hospitals",
    "final_bill_record",
    "hospital_notify",
    "patient_notify",
    "quote_accept",
    "quote_request_decline",
    "quote_request_withdraw",
    "quote_requests_check",
    "quote_requests_do",
    "quote_requests_send",
    "quote_submit",
    "register_on_accept",
    "reminder_before",
    "request_clock_check",
    "request_clock_schedule",
    "request_clocks_sweep",
    "request_read_audit",
    "requests_list_audit",
]
