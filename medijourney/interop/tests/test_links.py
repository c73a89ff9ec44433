"""Links for the home doctor: the server keeps only ciphertext (the key is the fragment, never
stored; a scan of the link rows finds none of the summary's words), the content decrypts with the
link's key and fails when tampered, passcode attempts are limited and counted, expired and revoked
links are refused at once and every refusal is on the patient's access list; one reply reaches the
case team, marked unverified."""

import base64
import datetime
import io
import json
from pathlib import Path

import pikepdf
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from medijourney.cases.models import CaseEvent
from medijourney.interop.models import DoctorLink, DoctorLinkAccess, DoctorReply, LinkOutcome
from medijourney.interop.selectors import ips_source, link_rows
from medijourney.interop.services import doctor_link_create, doctor_link_fetch, doctor_link_revoke, doctor_reply_send
from medijourney.journeys.tests.factories import accepted_journey

from .factories import with_summary

pytestmark = pytest.mark.django_db

PLAIN = ("Enoxaparin", "SN-000123", "Knee joint prosthesis", "Penicillin", "osteoarthritis")


def made(passcode: str = "", days: int = 30, with_pdf: bool = False):
    journey, manager, partner = accepted_journey()
    with_summary(journey, partner)
    case = journey.case
    new = doctor_link_create(
        case=case,
        source=ips_source(case),
        label="Dr Home",
        days=days,
        passcode=passcode,
        actor=case.patient,
        with_pdf=with_pdf,
    )
    return new, case, manager


def unb64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def decrypt(new, ciphertext: bytes, nonce: bytes) -> dict:
    return json.loads(AESGCM(unb64(new.key)).decrypt(nonce, ciphertext, new.token.encode()))


def test_the_content_decrypts_with_the_links_key_only():
    new, _case, _m = made()
    link = DoctorLink.objects.get()
    payload = decrypt(new, bytes(link.ciphertext), bytes(link.nonce))
    assert payload["readable"]["summary"]["medications"][0].startswith("Paracetamol")
    assert payload["ips"]["entry"][0]["resource"]["type"]["coding"][0]["code"] == "60591-5"
    assert len(unb64(new.key)) == 32  # a 256-bit key
    with pytest.raises(InvalidTag):
        AESGCM(AESGCM.generate_key(bit_length=256)).decrypt(
            bytes(link.nonce), bytes(link.ciphertext), new.token.encode()
        )
    tampered = bytearray(link.ciphertext)
    tampered[10] ^= 1
    with pytest.raises(InvalidTag):
        decrypt(new, bytes(tampered), bytes(link.nonce))


def test_stored_link_rows_hold_no_plaintext_of_the_summary_nor_the_key_or_token():
    new, case, _m = made(passcode="tulip-42")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {DoctorLink._meta.db_table}")  # noqa: S608 - a model's own table name
        rows = cursor.fetchall()
    dump = repr(rows).encode() + b"".join(bytes(v) for row in rows for v in row if isinstance(v, bytes | memoryview))
    for word in (*PLAIN, case.full_name, case.reference, "tulip-42", new.key, new.token):
        assert word.encode() not in dump, word
        assert word.lower().encode() not in dump.lower(), word


def pdf_text(pdf: bytes) -> bytes:
    """The PDF's page content, decompressed (ReportLab compresses it), so the words can be seen."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return b"".join(page.Contents.read_bytes() for page in doc.pages)


def stored_files() -> list[bytes]:
    roots = {Path(settings.PRIVATE_MEDIA_ROOT), Path(settings.MEDIA_ROOT)}
    return [p.read_bytes() for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


def test_the_discharge_summary_pdf_travels_encrypted_and_is_nowhere_in_plain_form():
    new, _case, _m = made(passcode="tulip-42", with_pdf=True)
    link = DoctorLink.objects.get()
    assert link.with_pdf
    payload = decrypt(new, bytes(link.ciphertext), bytes(link.nonce))
    pdf = base64.b64decode(payload["pdf"])
    assert pdf.startswith(b"%PDF-") and payload["pdf_name"] == "discharge-summary-v1.pdf"
    text = pdf_text(pdf)
    for word in (b"Enoxaparin", b"SN-000123", b"Knee joint prosthesis", b"Total knee replacement"):
        assert word in text, word  # the scan below could see these if they were stored in plain form
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {DoctorLink._meta.db_table}")  # noqa: S608 - a model's own table name
        rows = cursor.fetchall()
    dump = repr(rows).encode() + b"".join(bytes(v) for row in rows for v in row if isinstance(v, bytes | memoryview))
    middle = pdf[len(pdf) // 2 : len(pdf) // 2 + 48]
    secrets_ = [b"%PDF", b"JVBERi0", middle, base64.b64encode(middle), payload["pdf"][:64].encode()]
    secrets_ += [word.encode() for word in PLAIN]
    blobs = stored_files()  # the case's own encrypted files (the link itself stores none)
    for secret in secrets_:
        assert secret not in dump, secret
        assert not any(secret in blob for blob in blobs), secret


def test_a_pdf_without_a_discharge_summary_is_refused_and_nothing_is_stored():
    journey, _manager, _partner = accepted_journey()
    case = journey.case
    with pytest.raises(ValidationError) as err:
        doctor_link_create(
            case=case, source=ips_source(case), label="Dr Home", days=30, passcode="", actor=case.patient, with_pdf=True
        )
    assert "with_pdf" in err.value.error_dict
    assert not DoctorLink.objects.exists()


def test_the_links_page_offers_the_pdf_once_there_is_a_summary(client):
    journey, _manager, partner = accepted_journey()
    case = journey.case
    client.force_login(case.patient)
    url = reverse("interop:links", args=[case.reference])
    assert 'name="with_pdf"' not in client.get(url).content.decode()
    with_summary(journey, partner)
    assert 'name="with_pdf"' in client.get(url).content.decode()
    response = client.post(url, {"label": "Dr Home", "days": "30", "passcode": "", "with_pdf": "on"})
    assert response.status_code == 201
    assert "With the discharge summary PDF." in response.content.decode()
    assert DoctorLink.objects.get(case=case).with_pdf


def test_passcode_attempts_are_limited_and_counted():
    new, case, _m = made(passcode="tulip-42")
    for _ in range(5):
        assert doctor_link_fetch(token=new.token, passcode="wrong")[1] == LinkOutcome.WRONG_PASSCODE
    assert doctor_link_fetch(token=new.token, passcode="tulip-42")[1] == LinkOutcome.LOCKED
    row = link_rows(case)[0]
    assert row.opened == 0 and row.refused == 6
    assert row.status.startswith("locked")


def test_expired_and_revoked_links_are_refused_at_once_and_counted():
    new, case, _m = made()
    assert doctor_link_fetch(token=new.token)[1] == LinkOutcome.SERVED
    doctor_link_revoke(link=new.link, actor=case.patient)
    assert doctor_link_fetch(token=new.token)[1] == LinkOutcome.REVOKED
    other, _case2, _m = made()
    DoctorLink.objects.filter(pk=other.link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert doctor_link_fetch(token=other.token)[1] == LinkOutcome.EXPIRED
    assert doctor_link_fetch(token="nope") == (None, "")
    assert link_rows(case)[0].opened == 1 and link_rows(case)[0].refused == 1
    assert DoctorLinkAccess.objects.filter(outcome=LinkOutcome.EXPIRED).count() == 1


@pytest.mark.parametrize(
    ("days", "passcode", "field"),
    [(0, "", "days"), (366, "", "days"), (None, "", "days"), (30, "abc", "passcode")],
)
def test_bad_link_settings_are_named(days, passcode, field):
    journey, _m, _p = accepted_journey()
    case = journey.case
    with pytest.raises(ValidationError) as err:
        doctor_link_create(
            case=case, source=ips_source(case), label="x", days=days, passcode=passcode, actor=case.patient
        )
    assert field in err.value.error_dict
    assert not DoctorLink.objects.exists()


def test_content_endpoint_answers_by_outcome(client):
    new, case, _m = made(passcode="tulip-42")
    url = reverse("interop:viewer_content", args=[new.token])
    assert client.get(reverse("interop:viewer", args=[new.token])).status_code == 200
    wrong = client.post(url, json.dumps({"passcode": "nope"}), content_type="application/json")
    assert wrong.status_code == 401 and wrong.json()["errors"][0]["field"] == "passcode"
    ok = client.post(url, json.dumps({"passcode": "tulip-42"}), content_type="application/json")
    assert ok.status_code == 200
    assert decrypt(new, unb64(ok.json()["ciphertext"]), unb64(ok.json()["nonce"]))["label"] == "Dr Home"
    doctor_link_revoke(link=new.link, actor=case.patient)
    gone = client.post(url, json.dumps({"passcode": "tulip-42"}), content_type="application/json")
    assert gone.status_code == 410
    assert (
        client.post(
            reverse("interop:viewer_content", args=["x" * 43]), "{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_one_reply_reaches_the_case_team_marked_unverified(client):
    new, case, manager = made(passcode="tulip-42")
    with pytest.raises(ValidationError):
        doctor_reply_send(token=new.token, passcode="bad", doctor_name="Dr A", registration_number="1", message="Hi")
    doctor_reply_send(
        token=new.token,
        passcode="tulip-42",
        doctor_name="Dr Ana Home",
        registration_number="GMC 1234567",
        message="Is the wound check at 2 weeks?",
    )
    with pytest.raises(ValidationError) as err:
        doctor_reply_send(
            token=new.token, passcode="tulip-42", doctor_name="Dr B", registration_number="2", message="again"
        )
    assert "already" in str(err.value)
    assert DoctorReply.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind="home_doctor_reply").exists()
    client.force_login(manager)
    body = client.get(reverse("interop:home_record", args=[case.reference])).content.decode()
    assert "Dr Ana Home" in body and "GMC 1234567" in body and "unverified" in body


def test_patient_page_makes_shows_and_revokes(client):
    journey, _m, partner = accepted_journey()
    with_summary(journey, partner)
    case = journey.case
    client.force_login(case.patient)
    url = reverse("interop:links", args=[case.reference])
    bad = client.post(url, {"label": "Dr Home", "days": "400", "passcode": ""})
    assert bad.status_code == 422 and 'value="Dr Home"' in bad.content.decode()
    response = client.post(url, {"label": "Dr Home", "days": "30", "passcode": "tulip-42"})
    assert response.status_code == 201
    body = response.content.decode()
    assert "/h/" in body and "#" in body
    link = DoctorLink.objects.get()
    assert link.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    revoke = client.post(reverse("interop:link_revoke", args=[case.reference, link.public_id]))
    assert revoke.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert "revoked" in client.get(url).content.decode()
