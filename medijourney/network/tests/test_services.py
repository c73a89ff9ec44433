import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from medijourney.catalog.tests.factories import ProcedureFactory, country, specialty
from medijourney.core.uploads import validate_upload
from medijourney.network import services
from medijourney.network.models import (
    Doctor,
    ExpiryWarning,
    Hospital,
    Offer,
    PartnerMembership,
    PendingChange,
    VerificationStatus,
)
from medijourney.network.selectors import expiring_items, hospitals_in_network
from medijourney.network.tests.factories import (
    AccreditationFactory,
    DoctorFactory,
    LicenceFactory,
    OfferFactory,
    body,
    in_network_hospital,
)
from medijourney.privacy.models import AuditEvent
from medijourney.privacy.vault import vault_read
from medijourney.testing.files import pdf_bytes

pytestmark = pytest.mark.django_db
D = datetime.date


class Upload:
    def __init__(self, data: bytes, name: str = "certificate.pdf") -> None:
        self.data, self.name, self.size = data, name, len(data)

    def read(self, n: int = -1) -> bytes:
        return self.data

    def seek(self, pos: int) -> None:
        pass


def evidence():
    return validate_upload(Upload(pdf_bytes("JCI certificate")))


def test_verifying_a_submitted_accreditation_puts_the_hospital_in_and_is_audited(make_user):
    lead = make_user("quality_lead")
    partner = make_user("partner")
    hospital = in_network_hospital(acc_valid_to=D(2020, 12, 31), acc_valid_from=D(2018, 1, 1))
    assert not hospitals_in_network().filter(pk=hospital.pk).exists()
    acc = services.accreditation_submit(
        hospital=hospital,
        actor=partner,
        body=body("JCI"),
        number="JCI-123",
        valid_from=D(2025, 1, 1),
        valid_to=D(2099, 1, 1),
        evidence=evidence(),
    )
    assert acc.verification_status == "pending" and acc.evidence_kind == "pdf"
    assert vault_read(acc.evidence_key).startswith(b"%PDF")
    assert not hospitals_in_network().filter(pk=hospital.pk).exists()
    services.accreditation_decide(accreditation=acc, actor=lead, decision="verify", note="Checked on the JCI site")
    acc.refresh_from_db()
    assert (acc.verification_status, acc.verified_by, acc.verification_note) == (
        "verified",
        lead,
        "Checked on the JCI site",
    )
    assert hospitals_in_network().filter(pk=hospital.pk).exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "network.accreditation.submit" in actions and "network.accreditation.verify" in actions


def test_rejecting_needs_a_note(make_user):
    acc = AccreditationFactory(verification_status=VerificationStatus.PENDING)
    with pytest.raises(services.DecisionError, match="Say why"):
        services.accreditation_decide(accreditation=acc, actor=make_user("quality_lead"), decision="reject")
    services.accreditation_decide(accreditation=acc, actor=make_user("quality_lead"), decision="reject", note="Forged")
    acc.refresh_from_db()
    assert acc.verification_status == "rejected"


def test_submitted_dates_must_be_in_order(make_user):
    with pytest.raises(ValidationError):
        services.accreditation_submit(
            hospital=in_network_hospital(), actor=make_user("partner"), body=body("JCI"), number="X",
            valid_from=D(2026, 1, 1), valid_to=D(2025, 1, 1), evidence=evidence(),
        )  # fmt: skip


def test_suspension_hides_at_once_and_reinstatement_restores(make_user):
    lead = make_user("quality_lead")
    hospital = in_network_hospital()
    services.hospital_suspend(hospital=hospital, actor=lead, reason="Complaint under review")
    assert not hospitals_in_network().filter(pk=hospital.pk).exists()
    with pytest.raises(services.DecisionError):
        services.hospital_suspend(hospital=hospital, actor=lead, reason="again")
    services.hospital_reinstate(hospital=hospital, actor=lead)
    assert hospitals_in_network().filter(pk=hospital.pk).exists()
    assert AuditEvent.objects.filter(action="network.hospital.suspend").count() == 1
    assert AuditEvent.objects.filter(action="network.hospital.reinstate").count() == 1
    with pytest.raises(services.DecisionError, match="reason"):
        services.hospital_suspend(hospital=hospital, actor=lead, reason="  ")


def test_partner_changes_wait_for_approval(make_user):
    lead, partner = make_user("quality_lead"), make_user("partner")
    hospital = in_network_hospital(website="")
    specialty("cardiology")
    change = services.change_submit(
        hospital=hospital,
        actor=partner,
        kind="profile",
        data={"website": "https://new.example.test", "specialties": ["cardiology"], "languages": ["en", "ar"]},
    )
    hospital.refresh_from_db()
    assert hospital.website == "" and change.status == "pending"
    services.change_decide(change=change, actor=lead, decision="verify")
    hospital.refresh_from_db()
    assert hospital.website == "https://new.example.test" and hospital.languages == ["en", "ar"]
    assert list(hospital.specialties.values_list("id", flat=True)) == ["cardiology"]
    with pytest.raises(services.DecisionError, match="already"):
        services.change_decide(change=change, actor=lead, decision="verify")


def test_offer_and_doctor_changes_apply_only_when_approved(make_user):
    lead, partner = make_user("quality_lead"), make_user("partner")
    hospital = in_network_hospital()
    knee = ProcedureFactory(slug="knee-replacement")
    offer_change = services.change_submit(
        hospital=hospital,
        actor=partner,
        kind="offer",
        data={"procedure": "knee-replacement", "currency": "usd", "price_min": "5000", "price_max": "6500",
              "inclusions": {"surgeon": True, "bogus": True}, "wait_days": 10},
    )  # fmt: skip
    doctor_change = services.change_submit(
        hospital=hospital, actor=partner, kind="doctor", data={"full_name": "Dr New", "specialties": ["orthopedics"]}
    )
    assert not Offer.objects.exists() and not Doctor.objects.exists()
    services.change_decide(change=doctor_change, actor=lead, decision="reject", note="No licence yet")
    assert not Doctor.objects.exists()
    services.change_decide(change=offer_change, actor=lead, decision="verify")
    offer = Offer.objects.get()
    assert (offer.procedure, offer.currency, offer.price_min, offer.source_kind) == (
        knee,
        "USD",
        Decimal("5000.00"),
        "hospital_submitted",
    )
    assert offer.inclusions["surgeon"] is True and offer.inclusions["icu"] is False and "bogus" not in offer.inclusions
    assert offer.as_of == offer_change.created_at.date()


def test_change_validation(make_user):
    hospital = in_network_hospital()
    partner = make_user("partner")
    with pytest.raises(ValidationError) as exc:
        services.change_submit(hospital=hospital, actor=partner, kind="offer",
                               data={"procedure": "nope", "currency": "US", "price_min": "9", "price_max": "1"})  # fmt: skip
    assert {"procedure", "currency", "price_max"} <= set(exc.value.message_dict)
    other_offer = OfferFactory()
    with pytest.raises(ValidationError, match="does not belong"):
        services.change_submit(
            hospital=hospital, actor=partner, kind="offer", target_public_id=other_offer.public_id,
            data={"procedure": other_offer.procedure.slug, "currency": "USD", "price_min": "1", "price_max": "2"},
        )  # fmt: skip
    assert not PendingChange.objects.exists()


@time_machine.travel(datetime.datetime(2026, 11, 24, 6, 0, tzinfo=datetime.UTC), tick=False)
def test_expiry_queue_buckets():
    AccreditationFactory(valid_to=D(2026, 11, 24))  # today → 0
    AccreditationFactory(valid_to=D(2026, 11, 10))  # expired 14 days ago → 0
    AccreditationFactory(valid_to=D(2026, 10, 1))  # long expired → not in the queue
    AccreditationFactory(valid_to=D(2026, 12, 20))  # 26 days → 30
    AccreditationFactory(valid_to=D(2027, 1, 20))  # 57 days → 60
    AccreditationFactory(valid_to=D(2027, 6, 1))  # far → none
    AccreditationFactory(valid_to=D(2026, 12, 1), verification_status=VerificationStatus.PENDING)  # not verified
    LicenceFactory(valid_to=D(2026, 12, 4))  # 10 days → 30
    LicenceFactory(valid_to=None)
    items = expiring_items()
    assert [(i.kind, i.days_left, i.threshold) for i in items] == [
        ("accreditation", -14, 0),
        ("accreditation", 0, 0),
        ("licence", 10, 30),
        ("accreditation", 26, 30),
        ("accreditation", 57, 60),
    ]


def test_expiry_warnings_are_sent_once_per_item_and_threshold(make_user, run_tasks):
    lead = make_user("quality_lead", email="lead@example.test")
    make_user("quality_lead", email="gone@example.test", is_active=False)
    with time_machine.travel(datetime.datetime(2026, 11, 24, 6, 0, tzinfo=datetime.UTC), tick=False):
        acc = AccreditationFactory(valid_to=D(2027, 1, 20))  # 57 days
        LicenceFactory(valid_to=D(2026, 12, 4))
        assert services.expiry_warnings_send() == 2
        run_tasks()
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [lead.email]
        assert "expiring within 30 days: 1" in mail.outbox[0].body and "/network/queue/" in mail.outbox[0].body
        assert services.expiry_warnings_send() == 0  # idempotent: same day, nothing new
        run_tasks()
        assert len(mail.outbox) == 1
    with time_machine.travel(datetime.datetime(2026, 12, 25, 6, 0, tzinfo=datetime.UTC), tick=False):
        assert services.expiry_warnings_send() == 2  # the accreditation reached 30 days, the licence expired
    assert ExpiryWarning.objects.filter(item_type="accreditation", item_id=acc.pk).count() == 2


def test_the_daily_task_is_registered_and_idempotent(make_user, run_tasks):
    from medijourney.core.scheduling import registered_jobs
    from medijourney.network.tasks import send_expiry_warnings

    job = registered_jobs()["network.expiry_warnings"]
    assert job.every == datetime.timedelta(days=1) and job.task is send_expiry_warnings
    make_user("quality_lead")
    AccreditationFactory(valid_to=datetime.date.today() + datetime.timedelta(days=5))
    send_expiry_warnings.enqueue()
    send_expiry_warnings.enqueue()
    run_tasks()
    assert ExpiryWarning.objects.count() == 1 and len(mail.outbox) == 1


def test_partner_membership_only_for_partners(make_user):
    hospital = in_network_hospital()
    with pytest.raises(ValidationError):
        services.partner_membership_set(user=make_user("patient"), hospital=hospital)
    partner = make_user("partner")
    services.partner_membership_set(user=partner, hospital=hospital)
    other = Hospital.objects.create(name="Other", country=country("IN"))
    services.partner_membership_set(user=partner, hospital=other)
    assert PartnerMembership.objects.get(user=partner).hospital == other


def test_licence_submission_and_decision(make_user):
    doctor = DoctorFactory()
    lic = services.licence_submit(
        doctor=doctor, actor=make_user("partner"), registry="NMC", number="123", country=country("IN"),
        valid_from=None, valid_to=D(2030, 1, 1), evidence=evidence(),
    )  # fmt: skip
    assert lic.verification_status == "pending"
    services.licence_decide(licence=lic, actor=make_user("quality_lead"), decision="verify", evidence=evidence())
    lic.refresh_from_db()
    assert lic.verification_status == "verified" and lic.evidence_key
