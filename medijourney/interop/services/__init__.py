"""Every write on interop: the discharge summary (versioned) and the import of the patient's home IPS. Views, the API and the demo call these."""

from .discharge import DischargeInput, discharge_summary_check, discharge_summary_save
from .home_record import home_record_check, home_record_import

__all__ = [
    "DischargeInput",
    "discharge_summary_check",
    "discharge_summary_save",
    "home_record_check",
    "home_record_import",
]
