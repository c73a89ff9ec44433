"""Files exchange makes: the session invitation (.ics, a stable UID per session so a changed
session updates the invitation already in a calendar) and the participation certificate (PDF)."""

import io
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from .models import Session
from .selectors import Participation


def session_ics(session: Session) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//MediJourney//Tele-mentoring//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.starts_at + timedelta(minutes=session.duration_minutes))
    title = session.programme.title + (f": {session.didactic_title}" if session.didactic_title else "")
    event.add("summary", title)
    lines = ["MediJourney tele-mentoring session (we host no video: use the link below)."]
    if session.didactic_presenter:
        lines.append(f"Didactic by {session.didactic_presenter}.")
    if session.video_link:
        lines.append(f"Video link: {session.video_link}")
        event.add("location", session.video_link)
    event.add("description", "\n".join(lines))
    cal.add_component(event)
    return bytes(cal.to_ical())


def certificate_pdf(p: Participation, programme_title: str, accredited: tuple[str, str] | None) -> bytes:
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setTitle(f"Participation record – {programme_title}")
    width, height = A4
    y = height - 40 * mm
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(width / 2, y, "Participation record")
    y -= 15 * mm
    pdf.setFont("Helvetica", 12)
    rows = [
        f"This records that {p.user.full_name or p.user.email}",
        f"took part in the tele-mentoring programme \u201c{programme_title}\u201d:",
        f"{p.attended} of {p.held} sessions held attended ({p.share * 100:.0f}%), {p.hours:g} hours.",
        f"Issued {timezone.now():%Y-%m-%d} by {getattr(settings, 'SITE_NAME', 'MediJourney')}.",
    ]
    for row in rows:
        pdf.drawCentredString(width / 2, y, row)
        y -= 9 * mm
    y -= 8 * mm
    pdf.setFont("Helvetica-Oblique", 10)
    if accredited:
        pdf.drawCentredString(width / 2, y, f"Accredited by {accredited[0]}, accreditation number {accredited[1]}.")
    else:
        pdf.drawCentredString(
            width / 2, y, "This is a participation record, not accredited CME (continuing medical education)."
        )
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
