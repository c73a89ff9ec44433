"""A web process reads its search indexes when it starts (``search/warm.py``): readiness says
"warming" until then, a failed warm-up only warns, and searches give the same results either way."""

import threading
from typing import Any

import pytest
from django.db import DatabaseError

from medijourney.discovery.search import warm
from medijourney.discovery.search.index import INDEXES
from medijourney.discovery.tests.world import standard_world
from medijourney.network.models import Offer

pytestmark = pytest.mark.django_db
SEARCH = "/api/v1/search?procedure=knee-replacement&origin=GB&currency=GBP"


@pytest.fixture(autouse=True)
def _fresh_state(monkeypatch: Any) -> None:
    """Each test starts as a process that has not warmed up, and may start a warm-up."""
    monkeypatch.setattr(warm, "STATE", warm.WarmState())
    monkeypatch.setattr(warm, "_STARTED", threading.Lock())
    from medijourney.core import health

    monkeypatch.setitem(health.PROCESS_CHECKS, "search_index", lambda: warm.STATE.as_check())


def test_warm_up_reads_every_procedure_with_offers_and_results_are_unchanged(client: Any) -> None:
    standard_world()
    cold = client.get(SEARCH).json()
    INDEXES.clear()
    state = warm.warm()
    procedures = set(Offer.objects.values_list("procedure_id", flat=True))
    assert (state.state, state.done, state.total) == ("ready", len(procedures), len(procedures))
    assert {key[1] for key in INDEXES.by_key} == procedures
    generations = {key: index.version.generation for key, index in INDEXES.by_key.items()}
    warmed = client.get(SEARCH).json()
    assert warmed["items"] and warmed == cold
    # the search used the index the warm-up read (nothing changed in between: the same version)
    assert {key: index.version.generation for key, index in INDEXES.by_key.items()} == generations
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["search_index"]["status"] == "ok"
    assert body["checks"]["search_index"]["state"] == "ready"
    assert body["checks"]["search_index"]["procedures_read"] == len(procedures)


def test_readiness_is_503_warming_until_the_indexes_are_read(client: Any, monkeypatch: Any, caplog: Any) -> None:
    release, entered = threading.Event(), threading.Event()

    def slow_warm() -> warm.WarmState:
        entered.set()
        assert release.wait(10)
        warm.STATE.state = "ready"
        return warm.STATE

    monkeypatch.setattr(warm, "warm", slow_warm)
    after = threading.Event()
    thread = warm.start(then=after.set)  # config/wsgi.py passes the collector's freeze here
    assert thread is not None and warm.start() is None  # once per process
    assert entered.wait(10)
    with caplog.at_level("INFO", logger="django.request"):
        response = client.get("/readyz")
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert response.json()["status"] == "warming"
    # expected after every start: information in the log, not a server error
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged and all(r.levelname == "INFO" for r in logged)
    assert response.json()["failing"] == ["search_index"]
    assert client.get("/livez").status_code == 200  # liveness never waits
    assert not after.is_set()  # not before the indexes are read
    release.set()
    thread.join(10)
    assert after.is_set()
    assert client.get("/readyz").status_code == 200


def test_a_failed_warm_up_warns_and_searches_read_on_demand(client: Any, monkeypatch: Any) -> None:
    standard_world()
    real = INDEXES.current

    def unreachable(*args: Any) -> Any:
        raise DatabaseError("server closed the connection")

    monkeypatch.setattr(INDEXES, "current", unreachable)
    state = warm.warm()
    assert state.state == "failed" and state.error == "DatabaseError"
    body = client.get("/readyz")
    assert body.status_code == 200
    check = body.json()["checks"]["search_index"]
    assert check["status"] == "warn" and "on demand" in check["warning"]
    monkeypatch.setattr(INDEXES, "current", real)
    assert client.get(SEARCH).json()["items"]
