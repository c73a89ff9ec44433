import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from medijourney.privacy.chain import audit_seal, audit_verify
from medijourney.privacy.models import AuditEvent
from medijourney.privacy.services import audit_record

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def sealed_log(make_user):
    actor = make_user("case_manager")
    with time_machine.travel(T0, tick=False) as clock:
        for i in range(6):
            audit_record(actor=actor, action="case.view", obj=("cases.case", f"MJ-{i}"), detail={"n": i})
            clock.shift(dt.timedelta(seconds=1))
        clock.shift(dt.timedelta(minutes=1))
        assert audit_seal() == 6
    return list(AuditEvent.objects.order_by("seq"))


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_output() -> tuple[int | str | None, str]:
    out = io.StringIO()
    code: int | str | None
    try:
        call_command("verify_audit", stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_an_untouched_chain_verifies(sealed_log):
    assert [e.seq for e in sealed_log] == [1, 2, 3, 4, 5, 6]
    assert sealed_log[1].prev_hash == sealed_log[0].hash
    code, out = verify_output()
    assert code == 0 and "audit chain intact: checked 6" in out


def test_an_edited_row_is_reported(sealed_log):
    raw("UPDATE privacy_auditevent SET outcome = 'allowed', action = 'case.list' WHERE seq = %s", [3])
    report = audit_verify()
    assert report.problems == [f"row 3 (id {sealed_log[2].pk}) was changed after it was sealed"]
    code, out = verify_output()
    assert code == 1 and "PROBLEM: row 3" in out


def test_a_deleted_row_is_reported(sealed_log):
    raw("DELETE FROM privacy_auditevent WHERE seq = %s", [4])
    assert any("4–4 are missing" in p for p in audit_verify().problems)


def test_removing_the_newest_rows_is_reported(sealed_log):
    raw("DELETE FROM privacy_auditevent WHERE seq >= %s", [5])
    assert any("sealed up to row 6" in p for p in audit_verify().problems)


def test_recent_rows_wait_to_be_sealed_and_sealing_is_idempotent(make_user):
    with time_machine.travel(T0, tick=False) as clock:
        audit_record(actor=make_user(), action="document.download")
        assert audit_seal() == 0  # too recent: a slower transaction might still commit a lower id
        clock.shift(dt.timedelta(seconds=10))
        assert audit_seal() == 1
        assert audit_seal() == 0
    assert audit_verify().ok


def test_sealing_does_not_open_a_door_to_edits(sealed_log):
    event = sealed_log[0]
    AuditEvent.objects.seal_row(event.pk, seq=999, prev_hash="", hash="x")  # already sealed: no effect
    event.refresh_from_db()
    assert event.seq == 1 and audit_verify().ok
