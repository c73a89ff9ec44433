from .mentoring import (
    attendance,
    certificate,
    clinician_profile,
    figures,
    invitation,
    invite,
    present,
    presentation,
    programme,
    programme_new,
    programmes,
    recommend,
    session,
    session_ics_view,
    session_new,
    slides,
)
from .opinions import answer, assign, case_opinions, my_opinions, opinion, opinion_document, workspace

__all__ = [
    "answer", "assign", "attendance", "case_opinions", "certificate", "clinician_profile", "figures", "invitation",
    "invite", "my_opinions", "opinion", "opinion_document", "present", "presentation", "programme", "programme_new",
    "programmes", "recommend", "session", "session_ics_view", "session_new", "slides", "workspace",
]  # fmt: skip
