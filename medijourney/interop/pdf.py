"""The discharge summary as a PDF (ReportLab, as the journey PDFs are made), for the home doctor's
link when the patient chooses it: the same content as the summary page, in the hospital's words."""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from medijourney.core.dates import day_text

from .models import DischargeSummary


def _p(text: str, style: str = "BodyText") -> Paragraph:
    return Paragraph(escape(text), getSampleStyleSheet()[style])


def _items(title: str, texts: list[str], empty: str) -> list[Paragraph]:
    return [_p(title, "Heading2"), *([_p(f"• {t}") for t in texts] or [_p(empty)])]


def _procedure_texts(summary: DischargeSummary) -> list[str]:
    return [
        p["text"] + (f" ({p['system'].upper()} {p['code']})" if p.get("code") else "") + f", {summary.procedure_day(p)}"
        for p in summary.procedures
    ]


def _medication_texts(summary: DischargeSummary) -> list[str]:
    return [
        ", ".join(x for x in (m["name"], m.get("dose"), m.get("frequency")) if x)
        + (f", {_('until')} {m['until']}" if m.get("until") else "")
        for m in summary.medications
    ]


def _device_texts(summary: DischargeSummary) -> list[str]:
    keys = (("manufacturer", ""), ("model", _("model")), ("lot", _("lot")), ("serial", _("serial")))
    return [
        d["type"] + "".join(f", {label + ' ' if label else ''}{d[k]}" for k, label in keys if d.get(k))
        for d in summary.devices
    ]


def discharge_summary_pdf(summary: DischargeSummary, *, hospital_name: str, case_reference: str) -> bytes:
    flow: list = [
        _p(_("Discharge summary"), "Title"),
        _p(
            _("%(hospital)s · version %(v)d, written %(when)s · MediJourney case %(ref)s")
            % {
                "hospital": hospital_name,
                "v": summary.version,
                "when": day_text(summary.created_at.date()),
                "ref": case_reference,
            }
        ),
    ]
    if summary.correction_reason:
        flow.append(_p(_("Correction: %(r)s") % {"r": summary.correction_reason}))
    if summary.is_demo:
        flow.append(_p(_("DEMO: an invented summary from a fictional hospital, for the demonstration only.")))
    flow.append(Spacer(1, 3 * mm))
    flow += _items(_("Procedures performed"), _procedure_texts(summary), _("None recorded."))
    flow.append(_p(_("Surgeon: %(s)s") % {"s": summary.surgeon}))
    diagnoses = [
        d["text"] + (f" ({d['system'].upper()} {d['code']})" if d.get("code") else "") for d in summary.diagnoses
    ]
    flow += _items(_("Diagnoses"), diagnoses, _("None recorded."))
    flow += [_p(_("Complications"), "Heading2"), _p(summary.complications or _("None recorded by the hospital."))]
    flow += _items(_("Medications at discharge"), _medication_texts(summary), _("No medicines listed at discharge."))
    flow += _items(_("Implants and devices"), _device_texts(summary), _("No implants or devices listed."))
    allergies = [a["substance"] + (f" ({a['reaction']})" if a.get("reaction") else "") for a in summary.allergies]
    flow += _items(_("Allergies found"), allergies, _("No allergies recorded by the hospital."))
    flow += [
        _p(_("Instructions"), "Heading2"),
        _p(summary.instructions),
        _p(_("Follow-up plan"), "Heading2"),
        _p(summary.follow_up),
        _p(_("Fit to fly from %(d)s (confirmed by the surgeon).") % {"d": day_text(summary.fit_to_fly_date)}),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("Discharge summary"),
        author=hospital_name,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    doc.build(flow)
    return buffer.getvalue()
