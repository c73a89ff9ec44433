"""An inquiry sent with the email of an existing account (issue 11, item 7): it does not appear in
that account until the owner confirms through the emailed link; it never attaches to a staff
account, and the answer to the sender does not reveal which kind of address it was; the
sender's upload token grants nothing in the owner's account."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from medijourney.accounts.roles import STAFF_ROLES, Role
from medijourney.cases.models import Case
from medijourney.privacy.models import AuditEvent
from medijourney.testing.files import pdf_bytes

from .factories import case_manager

pytestmark = pytest.mark.django_db


def inquiry(email: str, **overrides) -> dict:
    data = {
        "full_name": "Someone Else",
        "email": email,
        "phone": "+44 20 7946 0000",
        "country_of_residence": "GB",
        "passport_country": "GB",
        "preferred_language": "en",
        "need": "Please add this to their account.",
        "consent": True,
    }
    data.update(overrides)
    return data


def send(email: str, **overrides):
    response = Client().post(
        "/api/v1/inquiries", json.dumps(inquiry(email, **overrides)), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response


def upload(reference: str, token: str):
    return Client().post(
        f"/api/v1/inquiries/{reference}/documents",
        {"files": [SimpleUploadedFile("x.pdf", pdf_bytes(), content_type="application/pdf")]},
        headers={"X-Upload-Token": token},
    )


def my_references(client: Client) -> set[str]:
    return {item["reference"] for item in client.get("/api/v1/cases").json()["items"]}


def mails_to(address: str):
    return [m for m in mail.outbox if m.to == [address]]


def confirm_link(address: str) -> str:
    links = re.findall(r"https?://[^\s]+/inquiry/confirm/[^\s]+/", mails_to(address)[-1].body)
    assert len(links) == 1
    return urlsplit(links[0]).path


@pytest.fixture
def owner(make_user):
    case_manager()
    return make_user(Role.PATIENT, email="owner@example.org")


def test_an_inquiry_for_an_existing_account_stays_out_of_it_until_the_owner_confirms(owner, run_tasks):
    signed_in = Client()
    signed_in.force_login(owner)
    sent = send("OWNER@example.org").json()
    reference, token = sent["reference"], sent["documents_upload"]["token"]
    assert reference not in my_references(signed_in)
    assert reference not in signed_in.get(reverse("cases:my_cases")).content.decode()
    assert signed_in.get(reverse("cases:my_case", args=[reference])).status_code == 404
    # the sender may add files to their inquiry, which is in nobody's account
    assert upload(reference, token).status_code == 201
    run_tasks()
    [ack] = mails_to("owner@example.org")
    assert reference in ack.body and "/accounts/reset/" not in ack.body
    link = confirm_link("owner@example.org")
    page = signed_in.get(link)
    assert page.status_code == 200 and reference in page.content.decode()
    assert reference not in my_references(signed_in)  # opening the link changes nothing
    done = signed_in.post(link, {"decision": "confirm"})
    assert done.status_code == 302 and done["Location"] == reverse("cases:my_case", args=[reference])
    assert reference in my_references(signed_in)
    assert Case.objects.get(reference=reference).documents.get().uploaded_by == owner
    assert AuditEvent.objects.filter(action="case.owner_confirm", actor_id=owner.public_id).exists()
    # once it is in the owner's account, the sender's token grants nothing there
    assert upload(reference, token).status_code == 404
    assert Case.objects.get(reference=reference).documents.count() == 1


def test_the_link_works_without_signing_in_but_not_for_someone_else(owner, make_user, run_tasks):
    reference = send(owner.email).json()["reference"]
    run_tasks()
    link = confirm_link(owner.email)
    intruder = Client()
    intruder.force_login(make_user(Role.PATIENT))
    assert intruder.post(link, {"decision": "confirm"}).status_code == 403
    assert Case.objects.get(reference=reference).patient != owner
    tampered = link[:-3] + ("x" if link[-3] != "x" else "y") + link[-2:]
    assert Client().get(tampered).status_code == 404
    anonymous = Client().post(link, {"decision": "confirm"})
    assert anonymous.status_code == 200 and reverse("accounts:login") in anonymous.content.decode()
    assert Case.objects.get(reference=reference).patient == owner
    again = Client().post(link, {"decision": "confirm"})
    assert again.status_code == 200  # idempotent: already in the account


def test_the_owner_can_say_it_was_not_them(owner, run_tasks):
    reference = send(owner.email).json()["reference"]
    run_tasks()
    link = confirm_link(owner.email)
    answer = Client().post(link, {"decision": "decline"})
    assert answer.status_code == 200
    case = Case.objects.get(reference=reference)
    assert case.patient != owner and case.events.filter(kind="owner_declined").exists()
    assert Client().post(link, {"decision": "confirm"}).status_code == 404  # a declined link is spent


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_a_staff_address_never_gets_the_case_and_the_sender_cannot_tell(make_user, role, run_tasks):
    case_manager()
    staff = make_user(role, email=f"{role}@medijourney.example")
    staff_answer = send(staff.email.upper())
    stranger_answer = send("nobody-has-this@example.org")
    assert staff_answer.status_code == stranger_answer.status_code == 201
    a, b = staff_answer.json(), stranger_answer.json()
    assert set(a) == set(b) and set(a["documents_upload"]) == set(b["documents_upload"])
    assert a["message"] == b["message"] and a["status"] == b["status"]
    case = Case.objects.get(reference=a["reference"])
    assert case.patient != staff and not Case.objects.filter(patient=staff).exists()
    assert upload(a["reference"], a["documents_upload"]["token"]).status_code == 201
    run_tasks()
    [ack] = [m for m in mails_to(staff.email) if "sent with your address" in m.subject]  # (not "assigned to you")
    assert "/inquiry/confirm/" not in ack.body and "/accounts/reset/" not in ack.body
    assert a["reference"] in ack.body
    client = Client()
    client.force_login(staff)
    assert client.get("/api/v1/me").json()["role"] == role  # the account is untouched


def test_a_new_address_gets_an_account_and_the_token_stops_once_the_account_is_claimed(run_tasks):
    case_manager()
    sent = send("brand.new@example.org").json()
    case = Case.objects.get(reference=sent["reference"])
    assert case.patient.email == "brand.new@example.org" and case.patient.is_active
    assert upload(sent["reference"], sent["documents_upload"]["token"]).status_code == 201
    case.patient.set_password("a long new passphrase here")
    case.patient.save()
    assert upload(sent["reference"], sent["documents_upload"]["token"]).status_code == 404


def test_a_signed_in_patient_sending_the_form_with_their_own_address_gets_it_at_once(owner):
    client = Client()
    client.force_login(owner)
    form = client.get(reverse("cases:inquiry"))
    token = form.context["form"]["token"].value()
    data = {**inquiry(owner.email), "token": token, "consent_version": form.context["form"]["consent_version"].value()}
    data["consent"] = "on"
    response = client.post(reverse("cases:inquiry"), data)
    assert response.status_code == 302, response.content
    case = Case.objects.get()
    assert case.patient == owner and case.reference in my_references(client)


def test_the_anonymous_form_with_an_existing_address_does_not_attach_either(owner):
    client = Client()
    form = client.get(reverse("cases:inquiry"))
    data = {
        **inquiry(owner.email),
        "token": form.context["form"]["token"].value(),
        "consent_version": form.context["form"]["consent_version"].value(),
        "consent": "on",
    }
    assert client.post(reverse("cases:inquiry"), data).status_code == 302
    assert Case.objects.get().patient != owner
    signed_in = Client()
    signed_in.force_login(owner)
    assert my_references(signed_in) == set()
