"""Services: consent, sending within consent, answers, acceptance, bills, commissions, clock."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from medijourney.cases.models import Stage
from medijourney.cases.services import case_transition
from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.network.tests.factories import DoctorFactory, LicenceFactory
from medijourney.privacy.models import AuditEvent
from medijourney.quotes.models import CommissionAgreement, ConsentAsk, QuoteRequest, RequestStatus, Scope
from medijourney.quotes.selectors import commission_in_force, summary_draft
from medijourney.quotes.services import (
    LineInput,
    commission_agreement_add,
    commission_agreement_end,
    consent_ask,
    consent_grant,
    consent_revoke,
    final_bill_record,
    quote_accept,
    quote_request_decline,
    quote_request_withdraw,
    quote_requests_check,
    quote_requests_do,
    quote_requests_send,
    quote_submit,
    request_clock_check,
)

from .factories import (
    SUMMARY,
    add_report,
    answered,
    case_of,
    consent,
    manager_of,
    partner_hospital,
    plan,
    shared_request,
)

pytestmark = pytest.mark.django_db


def test_consent_grant_is_audited_on_the_timeline_and_a_new_scope_replaces_the_old(make_user):
    hospital, _p = partner_hospital()
    case = make_case(assigned_to=case_manager())
    first = consent_grant(case=case, hospital=hospital, scope=Scope.DEIDENTIFIED_SUMMARY, actor=case.patient)
    again = consent_grant(case=case, hospital=hospital, scope=Scope.DEIDENTIFIED_SUMMARY, actor=case.patient)
    assert again.pk == first.pk
    second = consent_grant(case=case, hospital=hospital, scope=Scope.SUMMARY_WITH_REPORTS, actor=case.patient)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.active and second.text_version
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count("consent_granted") == 2 and kinds.count("consent_revoked") == 1
    assert AuditEvent.objects.filter(action="share_consent.grant", patient_id=case.patient.public_id).count() == 2
    with pytest.raises(ValidationError):
        consent_grant(case=case, hospital=hospital, scope=Scope.DEIDENTIFIED_SUMMARY, actor=manager_of(case))


def test_send_needs_consent_partner_account_and_reports_scope(run_tasks):
    hospital, _p = partner_hospital()
    other, _p2 = partner_hospital()
    case = make_case(assigned_to=case_manager())
    report = add_report(case)
    manager = manager_of(case)
    with pytest.raises(ValidationError) as exc:
        quote_requests_send(case=case, hospitals=[hospital], summary=SUMMARY, actor=manager)
    assert "consented" in str(exc.value.message_dict["hospitals"])
    consent(case, hospital, Scope.DEIDENTIFIED_SUMMARY)
    with pytest.raises(ValidationError) as exc:
        quote_requests_send(case=case, hospitals=[hospital], summary=SUMMARY, documents=[report], actor=manager)
    assert "de-identified summary only" in str(exc.value.message_dict["documents"])
    with pytest.raises(ValidationError) as exc:
        quote_requests_send(case=case, hospitals=[hospital], summary=f"{case.full_name} needs a knee", actor=manager)
    assert "name" in str(exc.value.message_dict["summary"])
    with pytest.raises(ValidationError):
        quote_requests_send(case=case, hospitals=[], summary=SUMMARY, actor=manager)
    consent(case, other)
    sent = quote_requests_send(case=case, hospitals=[hospital, other], summary=SUMMARY, actor=manager)
    assert [r.scope for r in sent] == [Scope.DEIDENTIFIED_SUMMARY, Scope.SUMMARY_WITH_REPORTS]
    case.refresh_from_db()
    assert case.stage == Stage.QUOTES_REQUESTED  # new → in review → quotes requested
    with pytest.raises(ValidationError) as exc:
        quote_requests_send(case=case, hospitals=[hospital], summary=SUMMARY, actor=manager)
    assert "already has an open request" in str(exc.value)
    run_tasks()
    hospital_mail = [m for m in mail.outbox if "quote request" in m.subject.lower()]
    assert len(hospital_mail) == 2
    for m in hospital_mail:
        assert case.reference not in m.body and case.full_name not in m.body and case.email not in m.body


def test_hospital_without_partner_account_cannot_receive():
    from medijourney.network.tests.factories import in_network_hospital

    bare = in_network_hospital()
    case = make_case(assigned_to=case_manager())
    consent(case, bare)
    with pytest.raises(ValidationError) as exc:
        quote_requests_send(case=case, hospitals=[bare], summary=SUMMARY, actor=manager_of(case))
    assert "no partner account" in str(exc.value)


def test_summary_draft_is_deidentified():
    case = make_case(
        assigned_to=case_manager(),
        need="I am Amina Okafor, email me at amina@example.test or +234 803 123 4567. X-ray on 12 March 2024.",
    )
    draft = summary_draft(case)
    assert "Amina" not in draft and "Okafor" not in draft and "amina@example.test" not in draft
    assert "803 123 4567" not in draft and "12 March" not in draft and "March 2024" in draft
    assert case.reference not in draft


def test_quote_submit_states_every_item_and_moves_the_case_to_quotes_ready(run_tasks):
    request = shared_request()
    partner = request.hospital.memberships.get().user
    bad = plan(request.hospital, lines={"surgeon": LineInput("included")})
    with pytest.raises(ValidationError) as exc:
        quote_submit(request=request, actor=partner, plan=bad)
    errors = exc.value.message_dict
    assert "lines.surgeon" in errors and "lines.anaesthesia" in errors
    unverified = DoctorFactory(hospital=request.hospital)
    LicenceFactory(doctor=unverified, verification_status="pending")
    with pytest.raises(ValidationError) as exc:
        quote_submit(request=request, actor=partner, plan=plan(request.hospital, doctor=unverified))
    assert "doctor" in exc.value.message_dict
    with pytest.raises(ValidationError):
        quote_submit(request=request, actor=partner, plan=plan(request.hospital, days_before_flying=1))
    quote = answered(request)
    assert quote.total == Decimal("5100.00") and quote.lines.count() == 12 and not quote.has_commission
    request.refresh_from_db()
    assert request.status == RequestStatus.QUOTED and request.responded_at
    case_of(request).refresh_from_db()
    assert case_of(request).stage == Stage.QUOTES_READY
    with pytest.raises(ValidationError):
        answered(request)  # answered once


def test_other_hospitals_partner_cannot_answer():
    request = shared_request()
    _h, stranger = partner_hospital()
    with pytest.raises(ValidationError):
        quote_submit(request=request, actor=stranger, plan=plan(request.hospital))
    with pytest.raises(ValidationError):
        quote_request_decline(request=request, actor=stranger, reason="no")


def test_revoked_consent_blocks_an_answer():
    request = shared_request()
    active = case_of(request).share_consents.get(revoked_at__isnull=True)
    consent_revoke(consent=active, actor=case_of(request).patient)
    with pytest.raises(ValidationError):
        answered(request)


def test_commission_in_force_is_recorded_on_the_quote(make_user):
    lead = make_user("quality_lead")
    request = shared_request()
    commission_agreement_add(
        hospital=request.hospital, kind="percent", percent=Decimal("8"), valid_from=timezone.localdate(), actor=lead
    )
    with pytest.raises(ValidationError):  # overlapping period
        commission_agreement_add(
            hospital=request.hospital, kind="fixed", amount=Decimal("300"), currency="USD",
            valid_from=timezone.localdate() + datetime.timedelta(days=10), actor=lead,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        commission_agreement_add(
            hospital=request.hospital, kind="percent", percent=Decimal("8"), valid_from=timezone.localdate(),
            actor=manager_of(case_of(request)),
        )  # fmt: skip
    quote = answered(request)
    assert quote.commission_kind == CommissionAgreement.Kind.PERCENT
    assert quote.commission_amount == Decimal("408.00") and quote.commission_currency == "USD"


def test_accept_closes_the_others_politely_and_moves_the_case(run_tasks):
    case = make_case(assigned_to=case_manager())
    a, b, c = (partner_hospital()[0] for _ in range(3))
    for h in (a, b, c):
        consent(case, h, Scope.DEIDENTIFIED_SUMMARY)
    ra, rb, _rc = quote_requests_send(case=case, hospitals=[a, b, c], summary=SUMMARY, actor=manager_of(case))
    qa, qb = answered(ra), answered(rb)
    with pytest.raises(ValidationError):
        quote_accept(quote=qa, actor=manager_of(case))
    run_tasks()
    mail.outbox.clear()
    quote_accept(quote=qb, actor=case.patient)
    statuses = dict(QuoteRequest.objects.filter(case=case).values_list("hospital_id", "status"))
    assert statuses == {a.pk: "closed", b.pk: "accepted", c.pk: "closed"}
    case.refresh_from_db()
    assert case.stage == Stage.PLAN_ACCEPTED
    run_tasks()
    closed = [m for m in mail.outbox if "closed" in m.subject]
    assert len(closed) == 2 and all("chosen another plan" in " ".join(m.body.split()) for m in closed)
    assert any("accepted" in m.subject for m in mail.outbox)
    kinds = list(case.events.values_list("kind", flat=True))
    assert "quote_accepted" in kinds and kinds.count("quote_closed") == 2
    with pytest.raises(ValidationError):
        quote_accept(quote=qa, actor=case.patient)


def test_expired_quote_cannot_be_accepted():
    request = shared_request()
    quote = answered(request)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40)), pytest.raises(ValidationError):
        quote_accept(quote=quote, actor=case_of(request).patient)


def test_final_bill_only_after_treatment_in_the_quote_currency():
    request = shared_request()
    quote = answered(request)
    case = case_of(request)
    quote_accept(quote=quote, actor=case.patient)
    manager = manager_of(case)
    with pytest.raises(ValidationError):
        final_bill_record(request=request, amount=Decimal("5200"), currency="USD", actor=manager)
    case_transition(case=case, to=Stage.TRAVEL_PLANNING, actor=manager)
    case_transition(case=case, to=Stage.IN_TREATMENT, actor=manager)
    with pytest.raises(ValidationError) as exc:
        final_bill_record(request=request, amount=Decimal("5200"), currency="EUR", actor=manager)
    assert "currency" in exc.value.message_dict
    bill = final_bill_record(request=request, amount=Decimal("5202"), currency="USD", actor=manager)
    assert bill.amount == Decimal("5202")
    assert case.events.filter(kind="final_bill", data__ratio="1.020").exists()


def test_decline_and_withdraw():
    request = shared_request()
    partner = request.hospital.memberships.get().user
    with pytest.raises(ValidationError):
        quote_request_decline(request=request, actor=partner, reason=" ")
    quote_request_decline(request=request, actor=partner, reason="We do not perform this procedure.")
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    other = shared_request()
    quote_request_withdraw(request=other, actor=manager_of(case_of(other)))
    other.refresh_from_db()
    assert other.status == RequestStatus.WITHDRAWN


def test_clock_reminds_escalates_and_offers_alternatives_once_each(run_tasks):
    request = shared_request()
    sent = request.sent_at
    assert request_clock_check(request_id=request.pk, now=sent + datetime.timedelta(hours=1)) == []
    assert request_clock_check(request_id=request.pk, now=sent + datetime.timedelta(hours=40)) == ["reminded"]
    assert request_clock_check(request_id=request.pk, now=sent + datetime.timedelta(hours=41)) == []
    assert request_clock_check(request_id=request.pk, now=sent + datetime.timedelta(hours=48)) == ["escalated"]
    assert request_clock_check(request_id=request.pk, now=sent + datetime.timedelta(hours=72)) == ["alternatives"]
    assert request_clock_check(request_id=request.pk, now=sent + datetime.timedelta(hours=90)) == []
    kinds = list(case_of(request).events.values_list("kind", flat=True))
    assert kinds.count("quote_overdue") == 1 and kinds.count("quote_alternatives") == 1


def test_clock_tasks_run_at_their_times(run_tasks):
    request = shared_request()
    run_tasks()  # nothing due yet: delayed tasks wait
    request.refresh_from_db()
    assert request.reminder_sent_at is None
    with time_machine.travel(request.sent_at + datetime.timedelta(hours=73)):
        run_tasks()
    request.refresh_from_db()
    assert request.escalated_at and request.alternatives_offered_at


def test_clock_stops_once_answered():
    request = shared_request()
    answered(request)
    assert request_clock_check(request_id=request.pk, now=request.sent_at + datetime.timedelta(hours=80)) == []


def test_consent_ask_messages_the_patient_and_prompts_on_the_consent_page():
    hospital, _p = partner_hospital()
    case = make_case(assigned_to=case_manager())
    consent_ask(case=case, hospitals=[hospital], scope=Scope.SUMMARY_WITH_REPORTS, actor=manager_of(case))
    assert ConsentAsk.objects.filter(case=case, answered_at__isnull=True).count() == 1
    assert hospital.name in case.messages.get().body
    consent(case, hospital)
    assert ConsentAsk.objects.filter(case=case, answered_at__isnull=True).count() == 0


def test_ending_an_agreement_lets_the_next_one_start_and_never_extends_it(make_user):
    lead = make_user("quality_lead")
    hospital = partner_hospital()[0]
    start = datetime.date(2026, 1, 1)
    first = commission_agreement_add(
        hospital=hospital, kind="percent", percent=Decimal("8"), valid_from=start, actor=lead
    )
    with pytest.raises(ValidationError) as before_start:
        commission_agreement_end(agreement=first, on=start - datetime.timedelta(days=1), actor=lead)
    assert "valid_to" in before_start.value.error_dict
    with pytest.raises(ValidationError):
        commission_agreement_end(agreement=first, on=datetime.date(2026, 3, 31), actor=make_user("case_manager"))
    commission_agreement_end(agreement=first, on=datetime.date(2026, 3, 31), actor=lead)
    first.refresh_from_db()
    assert first.valid_to == datetime.date(2026, 3, 31)
    with pytest.raises(ValidationError) as extend:
        commission_agreement_end(agreement=first, on=datetime.date(2026, 6, 30), actor=lead)
    assert "valid_to" in extend.value.error_dict
    second = commission_agreement_add(
        hospital=hospital, kind="percent", percent=Decimal("6"), valid_from=datetime.date(2026, 4, 1), actor=lead
    )
    assert commission_in_force(hospital, datetime.date(2026, 4, 2)) == second
    assert commission_in_force(hospital, datetime.date(2026, 3, 2)) == first


def test_check_returns_a_plan_or_errors_by_field_and_writes_nothing():
    case = make_case(assigned_to=case_manager())
    consented, _p = partner_hospital(name="Consented Hospital")
    other, _q = partner_hospital(name="Other Hospital")
    consent(case, consented, scope=Scope.DEIDENTIFIED_SUMMARY)
    with pytest.raises(ValidationError) as refused:
        quote_requests_check(case=case, hospitals=[consented, other], summary=case.full_name)
    errors = refused.value.message_dict
    assert set(errors) == {"summary", "hospitals"}
    assert any("Other Hospital" in m for m in errors["hospitals"])
    assert not any("Consented Hospital" in m for m in errors["hospitals"])
    plan = quote_requests_check(case=case, hospitals=[consented, consented], summary=SUMMARY)
    assert plan.hospitals == [consented] and plan.consents[consented.pk].scope == Scope.DEIDENTIFIED_SUMMARY
    assert not QuoteRequest.objects.filter(case=case).exists()  # checking writes nothing
    sent = quote_requests_do(plan=plan, actor=manager_of(case))
    assert [r.hospital for r in sent] == [consented] and QuoteRequest.objects.filter(case=case).count() == 1
