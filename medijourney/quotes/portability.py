"""What quotes holds about a patient, for their export and for erasure (privacy.portability).

* Export: the patient's consents (grants and revocations with dates and text versions), the
  requests sent (to which hospital, in which scope, when, the summary the hospital read and
  which documents), the plans and quotes received, the final bills.
* Recipients: which hospital received which scope, when, and which documents.
* Notify (runs before erasure): every hospital that received data is told, by request code only,
  that the patient asked for erasure and that it should delete what it holds.
* Erase (runs after the cases source, which deletes the cases, consents and shared-document
  links with them): the requests' summaries are blanked and their link to the patient removed.
  The hospitals' quotes are KEPT de-identified: procedure, doctor, days, amounts and dates stay
  so hospital scorecards (response time, quote accuracy) remain true, while the clinical summary
  a hospital wrote about the patient is blanked. Nothing kept links back to the person."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from medijourney.accounts.models import User
from medijourney.privacy.portability import DataSource, register_data_source

from .models import Quote, QuoteRequest, RequestStatus, ShareConsent
from .services import erasure_notify_hospitals

ERASED = "[erased at the patient's request]"


def _requests(patient: User) -> QuerySet[QuoteRequest]:
    return (
        QuoteRequest.objects.filter(patient=patient)
        .select_related("hospital", "hospital__country", "procedure", "case", "final_bill")
        .select_related("quote", "quote__doctor", "quote__procedure")
        .prefetch_related("shared_documents__document", "quote__lines")
        .order_by("sent_at", "id")
    )


def _quote(request: QuoteRequest) -> dict[str, Any] | None:
    try:
        quote = request.quote
    except Quote.DoesNotExist:
        return None
    return {
        "plan": {
            "clinical_summary": quote.clinical_summary,
            "procedure": quote.procedure.name,
            "doctor": quote.doctor.full_name,
            "days_in_country_before_procedure": quote.pre_op_days,
            "nights_in_hospital": quote.inpatient_nights,
            "days_after_procedure_before_flying": quote.days_before_flying,
        },
        "quote": {
            "currency": quote.currency,
            "total": str(quote.total),
            "valid_until": quote.valid_until,
            "submitted_at": quote.submitted_at,
            "lines": [
                {
                    "item": ln.item,
                    "status": ln.status,
                    "amount": str(ln.amount) if ln.amount is not None else None,
                    "note": ln.note,
                }
                for ln in quote.lines.all()
            ],
            "commission": (
                {
                    "kind": quote.commission_kind,
                    "percent": str(quote.commission_percent or ""),
                    "amount": str(quote.commission_amount or ""),
                    "currency": quote.commission_currency,
                }
                if quote.has_commission
                else None
            ),
        },
    }


def quotes_export(patient: User) -> dict[str, Any]:
    consents = (
        ShareConsent.objects.filter(case__patient=patient).select_related("case", "hospital").order_by("granted_at")
    )
    requests = []
    for r in _requests(patient):
        bill = getattr(r, "final_bill", None) if hasattr(r, "final_bill") else None
        requests.append(
            {
                "request": r.code,
                "case": r.case.reference if r.case else None,
                "hospital": r.hospital.name,
                "scope": r.scope,
                "sent_at": r.sent_at,
                "answer_by": r.respond_by,
                "status": r.status,
                "summary_sent": r.summary,
                "documents_sent": [s.document.original_name for s in r.shared_documents.all()],
                "answered_at": r.responded_at,
                "decline_reason": r.decline_reason or None,
                "answer": _quote(r),
                "final_bill": (
                    {"amount": str(bill.amount), "currency": bill.currency, "recorded_at": bill.recorded_at}
                    if bill
                    else None
                ),
            }
        )
    return {
        "share_consents": [
            {
                "case": c.case.reference,
                "hospital": c.hospital.name,
                "scope": c.scope,
                "text_version": c.text_version,
                "granted_at": c.granted_at,
                "revoked_at": c.revoked_at,
            }
            for c in consents
        ],
        "quote_requests": requests,
    }


def quotes_recipients(patient: User) -> list[dict[str, Any]]:
    return [
        {
            "recipient": r.hospital.name,
            "what": r.get_scope_display(),
            "when": r.sent_at.isoformat(),
            "documents": [s.document.original_name for s in r.shared_documents.all()],
            "request": r.code,
        }
        for r in _requests(patient)
    ]


def quotes_notify(patient: User) -> int:
    return erasure_notify_hospitals(patient=patient)


def quotes_erase(patient: User) -> dict[str, int]:
    now = timezone.now()
    requests = QuoteRequest.objects.filter(patient=patient)
    ids = list(requests.values_list("pk", flat=True))
    counts = {
        "requests": len(ids),
        "quotes_kept_deidentified": Quote.objects.filter(request_id__in=ids).count(),
        "consents": ShareConsent.objects.filter(case__patient=patient).delete()[0],
    }
    Quote.objects.filter(request_id__in=ids).update(clinical_summary=ERASED)
    QuoteRequest.objects.filter(pk__in=ids).update(
        summary=ERASED, decline_reason="", patient=None, case=None, erased_at=now
    )
    QuoteRequest.objects.filter(pk__in=ids, status__in=[RequestStatus.SENT, RequestStatus.QUOTED]).update(
        status=RequestStatus.CLOSED, closed_at=now, close_reason="patient data erased"
    )
    return counts


register_data_source(
    DataSource(
        name="quotes", export=quotes_export, recipients=quotes_recipients, erase=quotes_erase, notify=quotes_notify
    )
)
