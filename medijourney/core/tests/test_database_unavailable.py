"""While the database is unreachable the site answers 503 with Retry-After (JSON for the API, a
plain page for people), never a 500 or a traceback, and recovers as soon as it is back. The outage
is simulated by making every query raise OperationalError, as psycopg does when PostgreSQL is down;
tests/faults/test_postgres_restart.py does it for real."""

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

INQUIRY = {
    "full_name": "Test Patient",
    "email": "patient@example.org",
    "phone": "+44 20 7946 0958",
    "country_of_residence": "GB",
    "passport_country": "GB",
    "preferred_language": "en",
    "need": "I lost two teeth and want dental implants.",
    "destinations": ["IN", "TH"],
    "budget_amount": "5000",
    "budget_currency": "USD",
    "consent": True,
}


@contextmanager
def database_down() -> Iterator[None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection failed: Connection refused")

    with (
        mock.patch.object(CursorWrapper, "execute", fail),
        mock.patch.object(CursorWrapper, "executemany", fail),
    ):
        yield


@pytest.mark.django_db
def test_api_answers_503_json_with_retry_after(client, settings):
    settings.DATABASE_RETRY_AFTER_SECONDS = 7
    with database_down():
        response = client.get("/api/v1/hospitals")
    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert "database unreachable" in body["detail"]
    assert body["errors"] == []
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_api_write_answers_503_and_leaves_nothing(client):
    with database_down():
        response = client.post(
            "/api/v1/inquiries", data=INQUIRY, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
        )
    assert response.status_code == 503
    assert response["Retry-After"]
    from medijourney.cases.models import IntakeRequest

    assert not IntakeRequest.objects.exists()


@pytest.mark.django_db
def test_page_answers_plain_503_page(client):
    with database_down():
        response = client.get("/hospitals/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "back in a moment" in text.lower()
    assert "emergency" in text  # the safety line: do not wait for this site
    assert "OperationalError" not in text and "Traceback" not in text


@pytest.mark.django_db
def test_failure_inside_a_middleware_is_a_503_too(client, make_user):
    """A signed-in person's session is read by middleware before any view runs: the error is raised
    outside the view and reaches handler500, which answers 503 as well."""
    client.force_login(make_user())
    client.raise_request_exception = False  # the error is raised, then answered by handler500
    with database_down():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "back in a moment" in response.content.decode().lower()


@pytest.mark.django_db
def test_recovers_without_a_restart(client):
    with database_down():
        assert client.get("/api/v1/hospitals").status_code == 503
        assert client.get("/healthz").status_code == 503
    assert client.get("/api/v1/hospitals").status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_other_errors_are_still_500(client):
    client.raise_request_exception = False
    with mock.patch("medijourney.network.api.hospitals_search", side_effect=RuntimeError("bug")):
        response = client.get("/api/v1/hospitals")
    assert response.status_code == 500
    assert "Retry-After" not in response
