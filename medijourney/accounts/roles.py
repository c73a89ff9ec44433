from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CASE_MANAGER = "case_manager", _("Case manager")
    PARTNER = "partner", _("Partner hospital")
    QUALITY_LEAD = "quality_lead", _("Network quality lead")
    SPECIALIST = "specialist", _("Specialist / mentor")
    # A doctor or nurse elsewhere who joins tele-mentoring programmes (exchange app).
    CLINICIAN = "clinician", _("Spoke clinician")
    ADMIN = "admin", _("Operator / admin")


STAFF_ROLES = frozenset({Role.CASE_MANAGER, Role.PARTNER, Role.QUALITY_LEAD, Role.SPECIALIST, Role.ADMIN})
# Leads oversee every case and receive escalations.
LEAD_ROLES = frozenset({Role.QUALITY_LEAD, Role.ADMIN})
