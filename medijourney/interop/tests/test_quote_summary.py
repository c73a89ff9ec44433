"""The patient's imported home record in the de-identified summary hospitals read for quotes
(interop registers it as a quotes summary part): a hospital whose consent includes reports reads
the problems, medications and allergies, marked as from the patient's home record with its date
(to the month), without the patient's identifiers or the record's author; a hospital with a
de-identified-summary-only consent reads the case manager's text alone."""

import datetime
import json

import pytest
from django.urls import reverse

from medijourney.cases.tests.factories import case_manager, make_case
from medijourney.interop.services import home_record_import, home_record_store
from medijourney.privacy.models import AuditEvent
from medijourney.quotes.models import QuoteRequest, Scope
from medijourney.quotes.services import quote_requests_send
from medijourney.quotes.tests.factories import SUMMARY, consent, partner_hospital

from .test_home_record import example, upload

pytestmark = pytest.mark.django_db

MARK = "From the patient's home record (International Patient Summary dated March 2026"


def home_case():
    manager = case_manager()
    case = make_case(assigned_to=manager, full_name="Amina Okafor")
    home_record_store(
        case=case,
        fields={
            "document_date": datetime.date(2026, 3, 14),
            "document_author": "Dr Hubert Homedoc, Lagos Family Practice",
            "problems": [
                {"text": "Type 2 diabetes mellitus", "code": "http://snomed.info/sct|44054006"},
                {"text": "Hypertension, noted for Amina Okafor", "code": ""},
            ],
            "medications": [{"text": "Metformin 500 mg", "code": ""}],
            "allergies": [{"text": "Penicillin", "code": ""}],
        },
        actor=case.patient,
    )
    return case, manager


def send_to_both(case, manager):
    with_reports, _p = partner_hospital(name="Reports Hospital")
    summary_only, _p = partner_hospital(name="Summary Only Hospital")
    consent(case, with_reports, Scope.SUMMARY_WITH_REPORTS)
    consent(case, summary_only, Scope.DEIDENTIFIED_SUMMARY)
    quote_requests_send(case=case, hospitals=[with_reports, summary_only], summary=SUMMARY, actor=manager)
    return (
        QuoteRequest.objects.get(case=case, hospital=with_reports),
        QuoteRequest.objects.get(case=case, hospital=summary_only),
    )


def test_a_reports_consent_carries_the_home_record_and_a_summary_only_consent_leaves_it_out():
    case, manager = home_case()
    reports, summary_only = send_to_both(case, manager)
    text = reports.summary
    assert text.startswith(SUMMARY)
    assert MARK in text
    for item in ("Type 2 diabetes mellitus", "Hypertension", "Metformin 500 mg", "Penicillin"):
        assert item in text, item
    assert summary_only.summary == SUMMARY
    assert "home record" not in summary_only.summary
    sent = AuditEvent.objects.filter(action="quote_request.send")
    assert {e.detail["records_added"] for e in sent} == {True, False}


def test_the_added_part_holds_no_identifiers():
    case, manager = home_case()
    reports, _summary_only = send_to_both(case, manager)
    text = reports.summary
    for identifier in ("Amina", "Okafor", case.email, case.reference, str(case.phone), "Homedoc", "Lagos Family"):
        assert identifier not in text, identifier
    assert "14" not in text.split(MARK)[1].split(")")[0]  # the day of the document is not given


def test_without_a_home_record_nothing_is_added():
    manager = case_manager()
    case = make_case(assigned_to=manager)
    reports, summary_only = send_to_both(case, manager)
    assert reports.summary == SUMMARY == summary_only.summary


def test_an_official_ips_import_reaches_the_reports_hospital():
    manager = case_manager()
    case = make_case(assigned_to=manager)
    record = home_record_import(case=case, upload=upload(json.dumps(example()).encode()), actor=case.patient)
    reports, summary_only = send_to_both(case, manager)
    assert "From the patient's home record" in reports.summary
    assert record.allergies[0]["text"] in reports.summary
    assert "From the patient's home record" not in summary_only.summary


def test_the_case_manager_sees_what_is_added_before_sending(client):
    case, manager = home_case()
    hospital, _p = partner_hospital(name="Reports Hospital")
    consent(case, hospital, Scope.SUMMARY_WITH_REPORTS)
    client.force_login(manager)
    body = client.get(reverse("quotes:case_quotes", args=[case.reference])).content.decode()
    addition = body.split('id="reports-addition"')[1].split("</div>\n    </div>")[0]
    assert "for hospitals whose consent includes medical reports only" in addition
    assert MARK in addition.replace("&#x27;", "'") and "Metformin 500 mg" in addition
    assert "Okafor" not in addition
