"""Every write on interop: the discharge summary (versioned). Views, the API and the demo call these."""

from .discharge import DischargeInput, discharge_summary_check, discharge_summary_save

__all__ = ["DischargeInput", "discharge_summary_check", "discharge_summary_save"]
