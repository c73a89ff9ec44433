"""Every network route: the permission matrix (anonymous, every role, owner / other), query
counts on list pages, and the main flows through HTTP."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from medijourney.catalog.tests.factories import ProcedureFactory, country, visa_rule
from medijourney.network.models import Accreditation, Hospital, PendingChange
from medijourney.network.services import accreditation_submit
from medijourney.network.tests.factories import (
    AccreditationFactory,
    DoctorFactory,
    HospitalFactory,
    LicenceFactory,
    OfferFactory,
    body,
    in_network_hospital,
    membership,
)
from medijourney.network.tests.test_services import evidence
from medijourney.privacy.models import AuditEvent
from medijourney.testing.files import pdf_bytes
from medijourney.testing.queries import assert_flat

pytestmark = pytest.mark.django_db
ROLES = ["patient", "case_manager", "partner", "quality_lead", "specialist", "clinician", "admin"]
EVERYONE = {"anonymous": 200, **dict.fromkeys(ROLES, 200)}
HIDDEN = {"anonymous": 404, **dict.fromkeys(ROLES, 404)}
LEAD_ONLY = {"anonymous": 302, **dict.fromkeys(ROLES, 403), "quality_lead": 200, "admin": 200}
PARTNER_ONLY = {"anonymous": 302, **dict.fromkeys(ROLES, 403), "partner:owner": 200, "partner:other": 404}
del PARTNER_ONLY["partner"]


def own(user, owner, obj_hospital):
    """Link a partner user to the object's hospital (owner) or to another hospital (other)."""
    if user is not None and str(user.role) == "partner":
        membership(user, obj_hospital if owner else HospitalFactory())


def test_public_pages_matrix(matrix):
    hospital = in_network_hospital()
    hidden = HospitalFactory()
    matrix.check(method="GET", url=lambda o: reverse("network:hospital_list"), expect=EVERYONE)
    matrix.check(method="GET", url=lambda o: reverse("network:country_list"), expect=EVERYONE)
    matrix.check(method="GET", url=lambda o: reverse("network:country_detail", args=["IN"]), expect=EVERYONE)
    matrix.check(
        method="GET", url=lambda o: reverse("network:hospital_detail", args=[hospital.public_id]), expect=EVERYONE
    )
    matrix.check(method="GET", url=lambda o: reverse("network:hospital_detail", args=[hidden.public_id]), expect=HIDDEN)
    matrix.check(method="GET", url=lambda o: "/api/v1/hospitals", expect=EVERYONE)
    matrix.check(method="GET", url=lambda o: f"/api/v1/hospitals/{hospital.public_id}", expect=EVERYONE)
    matrix.check(method="GET", url=lambda o: f"/api/v1/hospitals/{hidden.public_id}", expect=HIDDEN)


def test_quality_lead_pages_matrix(matrix):
    hospital = in_network_hospital()
    acc = AccreditationFactory(hospital=hospital)
    lic = LicenceFactory(doctor=DoctorFactory(hospital=hospital))
    change = PendingChange.objects.create(hospital=hospital, kind="profile", payload={"website": ""})
    for url in (
        reverse("network:queue"),
        reverse("network:staff_hospital_list"),
        reverse("network:staff_hospital_detail", args=[hospital.public_id]),
        reverse("network:accreditation_review", args=[acc.public_id]),
        reverse("network:licence_review", args=[lic.public_id]),
        reverse("network:change_review", args=[change.public_id]),
    ):
        matrix.check(method="GET", url=lambda o, u=url: u, expect=LEAD_ONLY)


def test_suspend_and_reinstate_matrix(matrix):
    def setup(user, owner):
        return in_network_hospital()

    expect = {**LEAD_ONLY, "quality_lead": 302, "admin": 302}
    matrix.check(
        method="POST",
        url=lambda h: reverse("network:hospital_suspend", args=[h.public_id]),
        setup=setup,
        data={"reason": "Inspection"},
        expect=expect,
    )
    matrix.check(
        method="POST",
        url=lambda h: reverse("network:hospital_reinstate", args=[h.public_id]),
        setup=lambda user, owner: in_network_hospital(status=Hospital.Status.SUSPENDED),
        expect=expect,
    )
    assert Hospital.objects.filter(status="suspended").count() >= 2


def test_partner_pages_matrix(matrix):
    def hospital_setup(user, owner):
        # Pages about "my hospital" have no object in the URL: "other" is a partner with no hospital.
        hospital = in_network_hospital()
        if user is not None and str(user.role) == "partner" and owner:
            membership(user, hospital)
        return hospital

    for name in (
        "network:my_profile_edit",
        "network:my_doctor_new",
        "network:my_offer_new",
        "network:my_accreditation_new",
    ):
        matrix.check(method="GET", url=lambda o, n=name: reverse(n), setup=hospital_setup, expect=PARTNER_ONLY)

    def doctor_setup(user, owner):
        doctor = DoctorFactory(hospital=in_network_hospital())
        own(user, owner, doctor.hospital)
        return doctor

    matrix.check(method="GET", url=lambda d: reverse("network:my_doctor_edit", args=[d.public_id]), setup=doctor_setup,
                 expect=PARTNER_ONLY)  # fmt: skip
    matrix.check(method="GET", url=lambda d: reverse("network:my_licence_new", args=[d.public_id]), setup=doctor_setup,
                 expect=PARTNER_ONLY)  # fmt: skip

    def offer_setup(user, owner):
        offer = OfferFactory(hospital=in_network_hospital())
        own(user, owner, offer.hospital)
        return offer

    matrix.check(method="GET", url=lambda o: reverse("network:my_offer_edit", args=[o.public_id]), setup=offer_setup,
                 expect=PARTNER_ONLY)  # fmt: skip
    # A partner's own hospital page: linked or not, it answers (with the hospital or a "not linked" page).
    matrix.check(
        method="GET",
        url=lambda o: reverse("network:my_hospital"),
        setup=hospital_setup,
        expect={**PARTNER_ONLY, "partner:other": 200},
    )


def test_evidence_file_matrix(matrix):
    def setup(user, owner):
        hospital = in_network_hospital()
        own(user, owner, hospital)
        return accreditation_submit(
            hospital=hospital, actor=user, body=body("JCI"),
            number=f"JCI-{Accreditation.objects.count()}", valid_from=datetime.date(2025, 1, 1),
            valid_to=datetime.date(2030, 1, 1), evidence=evidence(),
        ) if user else AccreditationFactory(hospital=hospital)  # fmt: skip

    expect = {"anonymous": 302, **dict.fromkeys(ROLES, 404), "quality_lead": 200, "admin": 200,
              "partner:owner": 200, "partner:other": 404}  # fmt: skip
    del expect["partner"]
    matrix.check(method="GET", url=lambda a: reverse("network:evidence", args=["accreditation", a.public_id]),
                 setup=setup, expect=expect)  # fmt: skip


def test_list_pages_do_not_grow_with_rows(client, make_user):
    knee = ProcedureFactory(slug="knee-replacement")

    def hospitals(n):
        for _ in range(n):
            h = in_network_hospital()
            AccreditationFactory(hospital=h, body=body("JCI"))
            OfferFactory(hospital=h, procedure=knee)

    def queue_items(n):
        for _ in range(n):
            AccreditationFactory(valid_to=datetime.date.today() + datetime.timedelta(days=20))
            PendingChange.objects.create(hospital=HospitalFactory(), kind="profile", payload={})

    def get(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200
        return response

    hospitals(3)
    public = [
        lambda: get(reverse("network:hospital_list")),
        lambda: get(reverse("network:hospital_list"), procedure="knee-replacement", body="JCI"),
        lambda: get("/api/v1/hospitals", limit=20),
        lambda: get(reverse("network:country_detail", args=["IN"])),
    ]
    for fetch in public:
        assert_flat(fetch, lambda: hospitals(3))
    body_json = get("/api/v1/hospitals", limit=20).json()
    assert body_json["count"] == 15 and len(body_json["items"]) == 15
    assert {a["body"] for a in body_json["items"][0]["accreditations"]} == {"NABH", "JCI"}
    client.force_login(make_user("quality_lead"))
    assert_flat(lambda: get(reverse("network:staff_hospital_list")), lambda: hospitals(3))
    queue_items(3)
    assert_flat(lambda: get(reverse("network:queue")), lambda: queue_items(3))


def test_hospital_list_is_paged(client):
    knee = ProcedureFactory(slug="knee-replacement")
    for i in range(25):
        h = in_network_hospital(name=f"Hospital {i:02d}")
        OfferFactory(hospital=h, procedure=knee)
    response = client.get(reverse("network:hospital_list"))
    assert response.status_code == 200 and "25 hospitals" in response.content.decode()
    assert "Page 1 of 2" in response.content.decode()


def test_hospital_page_shows_sources_dates_and_demo_flags(client):
    hospital = in_network_hospital(name="Demo Clinic", is_demo=True, acc_is_demo=True, acc_body=body("JCI"))
    OfferFactory(
        hospital=hospital,
        procedure=ProcedureFactory(slug="cabg", name="CABG"),
        source_kind="estimate_from_country_data",
        source_note="estimate from HighYa, 2011",
        as_of=datetime.date(2026, 11, 24),
        is_demo=True,
    )
    doctor = DoctorFactory(hospital=hospital, is_demo=True)
    LicenceFactory(doctor=doctor)
    html = client.get(reverse("network:hospital_detail", args=[hospital.public_id])).content.decode()
    assert html.count("Demo data") >= 4
    assert "estimate from HighYa, 2011" in html and "as of 24 Nov 2026" in html
    assert "licence verified" in html and "USD 5,000 – 7,000" in html
    api = client.get(f"/api/v1/hospitals/{hospital.public_id}").json()
    assert api["is_demo"] and api["offers"][0]["is_demo"] and api["doctors"][0]["is_demo"]
    assert api["offers"][0]["source"] == "estimate from HighYa, 2011" and api["offers"][0]["as_of"] == "2026-11-24"
    assert api["accreditations"][0]["is_demo"] and api["doctors"][0]["licence_verified"]


def test_nabh_register_verification_is_said_on_the_page(client):
    hospital = in_network_hospital(acc_verified_by=None, acc_evidence_url="https://portal.nabh.co/")
    html = client.get(reverse("network:hospital_detail", args=[hospital.public_id])).content.decode()
    assert "Verified against the public NABH register" in html


def test_country_page_remembers_the_passport(client):
    visa_rule("GB", "TH", "visa_free", 30)
    country("TH")
    url = reverse("network:country_detail", args=["TH"])
    html = client.get(url, {"passport": "GB"}).content.decode()
    assert "Visa free" in html and "up to 30 days" in html and "12 Jan 2025" in html
    assert "Visa free" in client.get(url).content.decode()  # remembered in the session
    assert "Choose your passport to see the rule" in client.get(url, {"passport": ""}).content.decode()
    assert client.get(reverse("network:country_detail", args=["ZZ"])).status_code == 404


def test_quality_lead_verifies_with_evidence_and_suspends_through_http(client, make_user):
    lead = make_user("quality_lead")
    client.force_login(lead)
    acc = AccreditationFactory(verification_status="pending", body=body("JCI"))
    url = reverse("network:accreditation_review", args=[acc.public_id])
    bad = client.post(url, {"decision": "verify", "evidence": SimpleUploadedFile("x.pdf", b"MZ not a pdf")})
    assert bad.status_code == 200 and "not" in bad.content.decode()
    acc.refresh_from_db()
    assert acc.verification_status == "pending"
    assert client.post(url, {"decision": "reject"}).status_code == 200  # note required
    response = client.post(
        url, {"decision": "verify", "note": "OK", "evidence": SimpleUploadedFile("c.pdf", pdf_bytes("cert"))}
    )
    assert response.status_code == 302
    acc.refresh_from_db()
    assert acc.verification_status == "verified" and acc.evidence_kind == "pdf"
    hospital = acc.hospital
    public = reverse("network:hospital_detail", args=[hospital.public_id])
    assert client.get(public).status_code == 200
    client.post(reverse("network:hospital_suspend", args=[hospital.public_id]), {"reason": "Complaint"})
    assert client.get(public).status_code == 404
    assert AuditEvent.objects.filter(action="network.hospital.suspend", actor_id=lead.public_id).exists()


def test_partner_edit_becomes_a_pending_change(client, make_user):
    partner = make_user("partner")
    hospital = in_network_hospital(website="https://old.example.test")
    membership(partner, hospital)
    client.force_login(partner)
    response = client.post(reverse("network:my_profile_edit"), {"website": "https://new.example.test", "about": "Hi"})
    assert response.status_code == 302
    hospital.refresh_from_db()
    assert hospital.website == "https://old.example.test"
    change = PendingChange.objects.get()
    assert change.payload["website"] == "https://new.example.test" and change.submitted_by == partner
    offer = client.post(
        reverse("network:my_offer_new"), {"procedure": "", "currency": "US", "price_min": "5", "price_max": "1"}
    )
    assert offer.status_code == 200 and PendingChange.objects.count() == 1
    page = client.get(reverse("network:my_hospital")).content.decode()
    assert "awaiting review" in page


def test_the_hospital_page_says_when_a_price_excludes_what_the_procedure_needs(client):
    hospital = in_network_hospital()
    knee = ProcedureFactory(slug="knee-replacement", name="Total knee replacement")
    OfferFactory(hospital=hospital, procedure=knee, inclusions={"surgeon": True, "physiotherapy": True})
    OfferFactory(hospital=hospital, procedure=ProcedureFactory(slug="lasik", name="LASIK"), inclusions={})
    html = client.get(reverse("network:hospital_detail", args=[hospital.public_id])).content.decode()
    assert html.count("incomplete price") == 1  # the knee price only: nothing is listed for LASIK
    assert "Excludes the implant (knee prosthesis) — ask the hospital." in html
    assert "Definition of the procedure" in html  # the reason's source is shown
