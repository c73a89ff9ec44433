"""Real files for upload tests: PDFs made with reportlab and pikepdf, images with Pillow."""

import io

import pikepdf
from PIL import Image
from reportlab.pdfgen import canvas


def pdf_bytes(text: str = "Radiology report: moderate osteoarthritis of the right knee.") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_with_javascript() -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes()))
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hi')")))
    pdf.Root.OpenAction = action
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_with_embedded_file() -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes()))
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ not really an exe")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 128, 0)).save(buf, format="PNG")
    return buf.getvalue()
