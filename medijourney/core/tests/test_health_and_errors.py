import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from pythonjsonlogger.json import JsonFormatter

from medijourney.core.logging import RequestContextFilter
from medijourney.privacy.access import require_perm
from medijourney.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("secret internals that must not be shown")


@require_perm("accounts.use_admin_site")
def operators_only(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("operators-only/", operators_only), path("", include("config.urls"))]


def test_healthz_reports_database_and_task_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["task_queue"]["status"] in {"ok", "warn"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


@pytest.mark.parametrize(
    "database_url",
    ["sqlite:////nonexistent-dir/for-sure/db.sqlite3", "postgres://postgres@127.0.0.1:1/unreachable"],
)
def test_healthz_answers_503_naming_the_database_when_unreachable(database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ALLOWED_HOSTS": "testserver",
    }
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["failing"] == ["database"]
    assert result["body"]["checks"]["database"]["status"] == "fail"


@override_settings(ROOT_URLCONF=__name__)
def test_500_page_is_styled_and_hides_the_stack_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html and "Traceback" not in html
    assert 'href="/"' in html


def test_404_and_403_pages_offer_a_way_back(client, make_user):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'href="/"' in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_403_page_is_styled_and_the_denial_audited(client, make_user):
    patient = make_user("patient")
    client.force_login(patient)
    response = client.get("/operators-only/")
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()
    assert AuditEvent.objects.filter(actor_id=patient.public_id, outcome="denied").exists()
    client.force_login(make_user("admin"))
    assert client.get("/operators-only/").status_code == 200


def test_request_id_is_returned_and_logged_without_query_or_body(client, caplog):
    formatter = JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s")
    with caplog.at_level(logging.INFO, logger="medijourney.request"):
        response = client.post(
            "/accounts/login/?q=my+knee+hurts",
            {"username": "someone@example.test", "password": "hunter2-secret-password"},
            headers={"X-Request-ID": "abcdef12-3456"},
        )
    assert response["X-Request-ID"] == "abcdef12-3456"
    lines = []
    for record in caplog.records:
        RequestContextFilter().filter(record)
        lines.append(formatter.format(record))
    joined = "\n".join(lines)
    assert "hunter2-secret-password" not in joined
    assert "knee" not in joined
    request_lines = [json.loads(line) for line in lines if '"message": "request"' in line]
    assert request_lines and request_lines[-1]["request_id"] == "abcdef12-3456"
    assert request_lines[-1]["path"] == "/accounts/login/"


def test_malformed_request_id_header_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces and <script>"})
    assert response["X-Request-ID"] != "bad id with spaces and <script>"
    assert len(response["X-Request-ID"]) == 32
