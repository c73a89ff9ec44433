import pytest
from django.db import connection
from django.test import RequestFactory

from medijourney.core.middleware import RequestContextMiddleware
from medijourney.privacy.models import AuditEvent, AuditImmutableError
from medijourney.privacy.services import DENIED, audit_record

pytestmark = pytest.mark.django_db


def test_audit_record_captures_actor_object_patient_and_request(make_user):
    actor = make_user("case_manager")
    patient = make_user("patient")
    seen = {}

    def view(request):
        seen["event"] = audit_record(actor=actor, action="case.view", obj=patient, patient=patient)
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().get("/x", REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="req-12345678")
    response = RequestContextMiddleware(view)(request)
    event = AuditEvent.objects.get(pk=seen["event"].pk)
    assert response["X-Request-ID"] == "req-12345678"
    assert event.actor_id == actor.public_id
    assert event.actor_role == "case_manager"
    assert event.action == "case.view"
    assert event.object_type == "accounts.user" and event.object_id == str(patient.public_id)
    assert event.patient_id == patient.public_id
    assert event.outcome == "allowed"
    assert event.request_id == "req-12345678"
    assert event.client_ip == "203.0.113.9"
    assert event.occurred_at.tzinfo is not None


def test_anonymous_denial_is_recorded():
    event = audit_record(actor=None, action="case.view", obj=("cases.case", "MJ-TEST"), outcome=DENIED)
    assert event.actor_id is None and event.actor_role == "anonymous" and event.outcome == "denied"


def test_audit_rows_cannot_be_updated_or_deleted_through_the_orm(make_user):
    event = audit_record(actor=make_user(), action="document.download", obj=("cases.document", "abc"))
    event.action = "something.else"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="edited")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.bulk_update([event], ["action"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT action FROM privacy_auditevent WHERE id = %s", [event.pk])
        assert cursor.fetchone()[0] == "document.download"


def test_audit_detail_refuses_unknown_object_types(make_user):
    with pytest.raises(TypeError):
        audit_record(actor=make_user(), action="x.y", obj=object())
