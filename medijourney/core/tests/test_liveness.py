"""/livez (liveness) touches nothing; /readyz and /healthz (readiness) query the database and the
task queue. A load balancer can poll liveness without adding load; readiness says 503 when the
database is down while liveness still answers."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
out = {}
for path in ("/livez", "/readyz", "/healthz"):
    response = client.get(path)
    out[path] = {"status": response.status_code, "body": response.json()}
print(json.dumps(out))
"""


def test_liveness_runs_no_query_at_all(client):
    """No django_db mark: any database access here would raise."""
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "check": "liveness"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_checks_database_and_queue_under_both_names(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "task_queue", "search_index"}
    # a test process never started the warm-up (config/wsgi.py does): its indexes are read on demand
    assert body["checks"]["search_index"]["status"] == "ok"
    assert body["checks"]["search_index"]["state"] in ("on demand", "ready")
    assert client.get("/healthz").json()["checks"].keys() == body["checks"].keys()


@pytest.mark.parametrize("path", ["/livez", "/readyz"])
def test_health_answers_only_get(client, path):
    assert client.post(path).status_code == 405


def test_liveness_answers_while_the_database_is_unreachable_and_readiness_does_not():
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/unreachable",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ALLOWED_HOSTS": "testserver",
    }
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["/livez"] == {"status": 200, "body": {"status": "ok", "check": "liveness"}}
    for path in ("/readyz", "/healthz"):
        assert result[path]["status"] == 503
        assert result[path]["body"]["failing"] == ["database"]
