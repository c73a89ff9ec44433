"""Every write on interop: the discharge summary (versioned) and the import of the patient's home IPS. Views, the API and the demo call these."""

from .discharge import DischargeInput, discharge_summary_check, discharge_summary_save
from .home_record import home_record_check, home_record_import, home_record_store, home_record_upload_check
from .links import (
    DEFAULT_DAYS,
    MAX_DAYS,
    NewLink,
    doctor_link_create,
    doctor_link_fetch,
    doctor_link_revoke,
    doctor_reply_send,
)

__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "DischargeInput",
    "NewLink",
    "discharge_summary_check",
    "discharge_summary_save",
    "doctor_link_create",
    "doctor_link_fetch",
    "doctor_link_revoke",
    "doctor_reply_send",
    "home_record_check",
    "home_record_import",
    "home_record_store",
    "home_record_upload_check",
]
