"""cases_visible_to is the one filter; later apps widen it through its hooks (quotes: partners)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from medijourney.accounts.roles import Role
from medijourney.cases import selectors
from medijourney.cases.models import Thread
from medijourney.cases.services import documents_add, message_send, note_add
from medijourney.core.uploads import validate_upload
from medijourney.testing.files import pdf_bytes

from .factories import case_manager, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_rules(monkeypatch):
    # Only this test's rules, for partner desks; the registered ones come back afterwards.
    monkeypatch.setattr(selectors, "_EXTRA_RULES", {})
    monkeypatch.setattr(selectors, "_DOCUMENT_RULES", {})
    shared: set[int] = set()
    selectors.register_case_visibility("cases.use_partner_thread", lambda user: Q(pk__in=shared))
    selectors.register_document_visibility(
        "cases.use_partner_thread", lambda user: Q(original_name__startswith="shared-")
    )
    return shared


def upload(name):
    return validate_upload(SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf"))


def test_without_a_rule_partners_and_specialists_see_nothing(make_user):
    case_manager()
    make_case()
    for role in (Role.PARTNER, Role.SPECIALIST):
        user = make_user(role)
        assert not selectors.cases_visible_to(user).exists()
        assert not selectors.messages_visible_to(user).exists()
        assert not selectors.documents_visible_to(user).exists()


def test_a_registered_rule_widens_cases_and_narrows_documents_and_threads(make_user, partner_rules):
    manager = case_manager()
    partner = make_user(Role.PARTNER)
    shared = make_case()
    other = make_case()
    partner_rules.add(shared.pk)
    documents_add(case=shared, uploads=[upload("shared-mri.pdf"), upload("passport.pdf")], actor=shared.patient)
    message_send(case=shared, author=manager, body="To the patient")
    flagged = message_send(case=shared, author=manager, body="To the hospital: +91 98765 43210", thread=Thread.PARTNER)
    assert flagged.flagged  # the partner thread is screened for contact details
    note_add(case=shared, author=manager, body="internal")
    assert list(selectors.cases_visible_to(partner)) == [shared]
    assert other not in selectors.cases_visible_to(partner)
    assert [d.original_name for d in selectors.documents_visible_to(partner)] == ["shared-mri.pdf"]
    assert [m.body for m in selectors.messages_visible_to(partner)] == ["To the hospital: +91 98765 43210"]
    assert not selectors.notes_visible_to(partner).exists()
    # the patient never sees the partner thread
    assert [m.body for m in selectors.messages_visible_to(shared.patient)] == ["To the patient"]
