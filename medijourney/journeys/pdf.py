"""PDFs made on the server with ReportLab: the itinerary (same content as the page, printable,
with the hospital's address and the destination's emergency numbers) and the invitation letter
(with its verification code and a QR code of the public verification address)."""

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

import qrcode
from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from medijourney.core.dates import day_text
from medijourney.safety.numbers import SOURCE as NUMBERS_SOURCE
from medijourney.safety.numbers import number_for

from .models import InvitationLetter, Journey, StepKind


def _p(text: str, style: str = "BodyText") -> Paragraph:
    return Paragraph(escape(text), getSampleStyleSheet()[style])


def _build(flow: list, title: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="MediJourney",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    doc.build(flow)
    return buffer.getvalue()


def _address(journey: Journey) -> str:
    h = journey.hospital
    parts = [h.name, h.city, h.region, h.country.name if h.country_id else ""]
    return ", ".join(p for p in parts if p)


def _table(rows: Iterable[list[str]], widths: list[float]) -> Table:
    style = getSampleStyleSheet()["BodyText"]
    data = [[Paragraph(escape(c), style) for c in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9aa7b5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def itinerary_pdf(journey: Journey, step_rows: list[tuple[str, str, str, str]], *, fit_date: str) -> bytes:
    """``step_rows``: (step, local date and time, other time zone, who books) as the page shows them."""
    h = journey.hospital
    desk = " · ".join(p for p in (h.intl_desk_name, h.intl_desk_email, h.intl_desk_phone) if p)
    flow: list = [
        _p(_("Your journey %(code)s") % {"code": journey.code}, "Title"),
        _p(_("Hospital: %(a)s") % {"a": _address(journey)}),
        *([_p(_("International patient desk: %(d)s") % {"d": desk})] if desk else []),
        _p(
            _("Times are local: each step in its own time zone (destination %(d)s, home %(h)s).")
            % {"d": journey.destination_tz, "h": journey.home_tz}
        ),
        Spacer(1, 4 * mm),
        _table(
            [[_("Step"), _("Date (local)"), _("Other time zone"), _("Who books")], *[list(r) for r in step_rows]],
            [40 * mm, 38 * mm, 38 * mm, 58 * mm],
        ),
        Spacer(1, 4 * mm),
        _p(
            _("Fit to fly: not before %(d)s. %(rule)s %(src)s")
            % {"d": fit_date, "rule": journey.fit_rule, "src": journey.fit_source_url}
        ),
    ]
    if journey.fit_override_reason:
        flow.append(
            _p(
                _("Your case manager set the return flight earlier, with this reason: %(r)s")
                % {"r": journey.fit_override_reason}
            )
        )
    flow.append(_p(_("MediJourney books nothing and takes no payment: each step says who books it.")))
    flow.append(Spacer(1, 4 * mm))
    flow.append(_p(_("Emergency numbers"), "Heading2"))
    for code in dict.fromkeys([journey.destination_country]):
        number = number_for(code)
        if number is None:
            flow.append(_p(_("No emergency number in our table for %(c)s: ask the hospital.") % {"c": code}))
            continue
        also = ", ".join(number.also)
        flow.append(
            _p(
                _("%(country)s: call %(call)s%(also)s.")
                % {"country": number.name, "call": number.call, "also": f" (also {also})" if also else ""}
            )
        )
    flow.append(_p(_("Source: %(s)s.") % {"s": NUMBERS_SOURCE}))
    return _build(flow, f"Journey {journey.code}")


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL}/verify/{code}"


def _qr(url: str) -> Image:
    img = qrcode.make(url, box_size=4, border=2)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG")
    buffer.seek(0)
    return Image(buffer, width=32 * mm, height=32 * mm)


def letter_pdf(letter: InvitationLetter, *, passports: list[tuple[str, str, str]]) -> bytes:
    """``passports``: (role, name, passport number) for the patient and the attendants."""
    journey = letter.journey
    url = verification_url(letter.code)
    flow: list = [
        _p(letter.hospital.name, "Title"),
        _p(_address(journey)),
        Spacer(1, 4 * mm),
        _p(_("Date: %(d)s") % {"d": day_text(letter.letter_date)}),
        _p(_("To the consular officer: invitation for medical treatment"), "Heading2"),
        _p(
            _(
                "We confirm that %(name)s will be treated at %(h)s by %(doctor)s for %(proc)s. Admission is planned "
                "for %(adm)s, with %(nights)d night(s) in hospital and an expected stay in the country of about "
                "%(days)d day(s)."
            )
            % {
                "name": letter.patient_name,
                "h": letter.hospital.name,
                "doctor": letter.doctor_name,
                "proc": letter.procedure_words,
                "adm": day_text(letter.admission_day),
                "nights": letter.stay_nights,
                "days": letter.stay_days,
            }
        ),
        Spacer(1, 3 * mm),
        _table(
            [[_("Traveller"), _("Name"), _("Passport")], *[list(p) for p in passports]], [40 * mm, 80 * mm, 54 * mm]
        ),
        Spacer(1, 4 * mm),
        _p(_("Valid until %(d)s.") % {"d": day_text(letter.valid_until)}),
        _p(_("Signed for the hospital: %(n)s, %(t)s") % {"n": letter.signatory_name, "t": letter.signatory_title}),
        Spacer(1, 6 * mm),
        _p(_("Verification code: %(c)s") % {"c": letter.code}, "Heading3"),
        _p(
            _(
                "Check this letter at %(u)s (shows the issuing hospital, the date, the patient's initials, the "
                "passport's last 3 characters, validity and whether it was revoked)."
            )
            % {"u": url}
        ),
        _qr(url),
    ]
    if letter.is_demo:
        flow.append(_p(_("DEMO: an invented letter from a fictional hospital, for the demonstration only.")))
    return _build(flow, f"Invitation letter {letter.code}")


def step_label(kind: str) -> str:
    return str(StepKind(kind).label)
