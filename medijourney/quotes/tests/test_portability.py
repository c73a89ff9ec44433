"""Export and erasure (contracts §8): what quotes holds about a patient, who received what,
hospitals told before erasure, personal data gone after it, quotes kept de-identified."""

import io
import json
import zipfile

import pytest
from django.core import mail

from medijourney.accounts.models import User
from medijourney.privacy.portability import patient_erase, patient_export_build
from medijourney.quotes.models import Quote, QuoteRequest, ShareConsent
from medijourney.quotes.portability import ERASED, quotes_export, quotes_recipients

from .factories import answered, case_of, shared_request

pytestmark = pytest.mark.django_db


def test_export_lists_consents_requests_answers_and_recipients():
    request = shared_request()
    answered(request)
    patient = case_of(request).patient
    data = quotes_export(patient)
    assert data["share_consents"][0]["hospital"] == request.hospital.name
    item = data["quote_requests"][0]
    assert item["request"] == request.code and item["summary_sent"] == request.summary
    assert item["documents_sent"] == ["report.pdf"] and item["answer"]["quote"]["total"] == "5100.00"
    recipients = quotes_recipients(patient)
    assert recipients == [
        {"recipient": request.hospital.name, "what": "Summary with medical reports", "when": request.sent_at.isoformat(),
         "documents": ["report.pdf"], "request": request.code}
    ]  # fmt: skip
    archive = zipfile.ZipFile(io.BytesIO(patient_export_build(patient)))
    assert "quotes.json" in archive.namelist()
    assert any(r["source"] == "quotes" for r in json.loads(archive.read("recipients.json")))


def test_erasure_tells_hospitals_then_removes_personal_data_and_keeps_quotes_deidentified(run_tasks):
    request = shared_request()
    quote = answered(request)
    patient = case_of(request).patient
    name, email = case_of(request).full_name, patient.email
    run_tasks()
    mail.outbox.clear()
    summary = patient_erase(patient)
    assert summary["quotes_notified"] == 1 and summary["quotes"]["requests"] == 1
    run_tasks()
    told = [m for m in mail.outbox if "erasure" in m.subject]
    assert len(told) == 1 and request.code in told[0].body and name not in told[0].body
    assert not User.objects.filter(email=email).exists()
    assert not ShareConsent.objects.exists()
    kept = QuoteRequest.objects.get(pk=request.pk)
    assert kept.summary == ERASED and kept.case is None and kept.patient is None and kept.erased_at
    assert not kept.shared_documents.exists()
    q = Quote.objects.get(pk=quote.pk)
    assert q.clinical_summary == ERASED and q.total == quote.total  # the scorecard figures stay
