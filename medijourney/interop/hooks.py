"""Where interop plugs into earlier apps, through the hooks they offer (nothing earlier imports
interop): the timeline labels of interop's kinds (``cases.register_event_kind``) and the links from
the case pages (``cases.register_case_link``), and the home IPS upload on the inquiry form
(``cases.register_inquiry_attachment``), and the imported home record in the de-identified summary
hospitals read for quotes when the consent includes reports (``quotes.register_summary_part``)."""

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from medijourney.cases.attachments import InquiryAttachment, register_inquiry_attachment
from medijourney.cases.models import Case
from medijourney.cases.selectors import register_case_link, register_event_kind
from medijourney.journeys.models import Journey
from medijourney.quotes.models import Scope
from medijourney.quotes.summary_parts import SummaryPart, register_summary_part

from . import permissions as perms
from .models import DoctorReply, HomeRecord
from .services import home_record_store, home_record_upload_check

register_event_kind(
    "home_record_imported",
    _("Patient summary (IPS) from the patient's home record imported"),
    patient_label=_("You added your patient summary from home"),
)
register_event_kind(
    "discharge_summary",
    _("Discharge summary from the hospital"),
    lambda d: f" (version {d.get('version')})" if d.get("version") else "",
    patient_label=_("The hospital wrote your discharge summary"),
)


def _has_journey(user: Any, case: Case) -> bool:
    journey = Journey.objects.filter(case=case).first()
    return journey is not None and perms.can_read_discharge_summary(user, journey)


register_case_link("staff", _("Discharge summary and patient summary (IPS)"), "interop:for_case", _has_journey)
register_case_link("patient", _("Your discharge summary and patient summary"), "interop:for_case", _has_journey)


def _home_records(user: Any, case: Case) -> bool:
    """The case team's link: when the patient imported a home IPS or a home doctor replied."""
    return perms.can_read_home_records(user, case) and (
        HomeRecord.objects.filter(case=case).exists() or DoctorReply.objects.filter(link__case=case).exists()
    )


def _may_import(user: Any, case: Case) -> bool:
    return perms.can_import_home_record(user, case)


register_case_link(
    "staff", _("From the patient's home: record (IPS), home doctor's reply"), "interop:home_record", _home_records
)
register_case_link("patient", _("Add your patient summary from home (IPS)"), "interop:home_record", _may_import)
register_case_link("patient", _("Share with your home doctor: encrypted links"), "interop:links", _may_import)

register_event_kind(
    "doctor_link_created", _("Link for the home doctor made"), patient_label=_("You made a link for your home doctor")
)
register_event_kind(
    "doctor_link_revoked",
    _("Link for the home doctor revoked"),
    patient_label=_("You revoked a link for your home doctor"),
)
register_event_kind("home_doctor_reply", _("Reply from the patient's home doctor (unverified)"))


def _home_ips_field() -> forms.Field:
    return forms.FileField(
        label=_("Your patient summary from home (IPS, optional)"),
        required=False,
        help_text=_(
            "A FHIR JSON file (International Patient Summary) from your home doctor's system. We keep its "
            "problems, medicines and allergies for your case manager, not the file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json,application/fhir+json"}),
    )


def _home_ips_attach(*, case: Case, checked: dict[str, Any], actor: Any) -> None:
    home_record_store(case=case, fields=checked, actor=actor)


register_inquiry_attachment(
    InquiryAttachment(
        name="home_ips",
        field=_home_ips_field,
        check=lambda upload: home_record_upload_check(upload=upload),
        attach=_home_ips_attach,
        legend=_("Your patient summary from home"),
    )
)


HOME_ITEMS_MAX = 20  # per list, in the summary a hospital reads


def _item_text(item: dict[str, str]) -> str:
    """The item's words; its code (without the code system's address) when it has no words."""
    return item.get("text") or item.get("code", "").rsplit("|", 1)[-1]


def _home_record_lines(case: Case) -> list[str]:
    """The latest imported home record's problems, medications and allergies: no author, no file,
    the date to its month (quotes de-identifies the words as it does the rest of the summary)."""
    record = HomeRecord.objects.filter(case=case).order_by("-created_at", "-id").first()
    if record is None:
        return []
    dated = date_format(record.document_date, "F Y") if record.document_date else str(_("no date given"))
    lines = [
        str(
            _(
                "From the patient's home record (International Patient Summary dated %(when)s, as imported, not checked by MediJourney):"
            )
        )
        % {"when": dated}
    ]
    for label, items in (
        (_("Problems"), record.problems),
        (_("Medications"), record.medications),
        (_("Allergies and intolerances"), record.allergies),
    ):
        texts = [t for t in (_item_text(i) for i in items[:HOME_ITEMS_MAX]) if t]
        more = len(items) - HOME_ITEMS_MAX
        tail = f" (+{more} more)" if more > 0 else ""
        lines.append(f"{label}: {'; '.join(texts) + tail if texts else _('none listed')}.")
    return lines


register_summary_part(SummaryPart(name="home_record", lines=_home_record_lines, scope=Scope.SUMMARY_WITH_REPORTS))
