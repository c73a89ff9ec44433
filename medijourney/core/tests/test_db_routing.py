"""The read-replica router's decisions. Without a replica (the normal suite) every read goes to the
primary; tests/faults/test_replica.py runs the same rules against a real streaming replica."""

import pytest
from django.db import router, transaction
from django.test import RequestFactory

from medijourney.accounts.models import User
from medijourney.catalog.models import Procedure
from medijourney.core import db_routing
from medijourney.network.models import Hospital


def test_without_a_replica_every_read_goes_to_the_primary():
    assert not db_routing.replica_configured()
    with db_routing.replica_reads():
        assert router.db_for_read(Procedure) == "default"
        assert router.db_for_read(Hospital) == "default"
    assert router.db_for_write(Hospital) == "default"


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(db_routing, "replica_configured", lambda: True)
    monkeypatch.setattr(db_routing, "_down_until", 0.0)


@pytest.mark.django_db(transaction=True)  # no test transaction around it: the router sees none
def test_only_reference_data_in_allowed_requests_goes_to_the_replica(with_replica):
    assert router.db_for_read(Procedure) == "default"  # not in a replica request
    with db_routing.replica_reads():
        assert router.db_for_read(Procedure) == "replica"
        assert router.db_for_read(Hospital) == "replica"
        assert router.db_for_read(User) == "default"  # sessions, people, tokens: always the primary
        with transaction.atomic():
            assert router.db_for_read(Hospital) == "default"  # a read inside a write stays with it
    assert router.db_for_write(Hospital) == "default"
    assert router.allow_migrate("replica", "network") is False
    assert router.allow_migrate("default", "network") is True


def test_a_replica_marked_down_is_skipped(with_replica, monkeypatch, settings):
    settings.REPLICA_RETRY_SECONDS = 60
    monkeypatch.setattr(db_routing.time, "monotonic", lambda: 1000.0)
    monkeypatch.setattr(db_routing, "_down_until", 1060.0)  # as replica_mark_down() leaves it
    with db_routing.replica_reads():
        assert router.db_for_read(Hospital) == "default"


def test_middleware_picks_paths_methods_and_pins_after_a_write(with_replica):
    seen = []

    def view(request):
        from django.http import HttpResponse

        seen.append(db_routing.read_alias_for("network"))
        return HttpResponse("ok")

    middleware = db_routing.ReplicaRoutingMiddleware(view)
    rf = RequestFactory()
    middleware(rf.get("/search/?procedure=knee"))
    middleware(rf.get("/api/v1/hospitals"))
    middleware(rf.get("/cases/"))  # not a replica page
    middleware(rf.post("/search/"))
    pinned = rf.get("/search/")
    pinned.COOKIES[db_routing.PIN_COOKIE] = "1"
    middleware(pinned)
    assert seen == ["replica", "replica", "default", "default", "default"]
    response = middleware(rf.post("/hospitals/"))
    assert response.cookies[db_routing.PIN_COOKIE]["max-age"] == 10
    assert "mj_primary" not in middleware(rf.get("/search/")).cookies


def test_a_get_that_failed_on_an_unreachable_replica_is_answered_from_the_primary(with_replica, monkeypatch):
    from django.http import HttpResponse

    from medijourney.core.middleware import database_unavailable_response

    monkeypatch.setattr(db_routing, "_replica_broken", lambda: True)
    monkeypatch.setattr(db_routing, "replica_mark_down", lambda: monkeypatch.setattr(db_routing, "_down_until", 1e12))
    calls = []

    def view(request):
        alias = db_routing.read_alias_for("catalog")
        calls.append(alias)
        return database_unavailable_response(request) if alias == "replica" else HttpResponse("from primary")

    response = db_routing.ReplicaRoutingMiddleware(view)(RequestFactory().get("/api/v1/procedures"))
    assert calls == ["replica", "default"]
    assert response.status_code == 200
    # and the next request skips the replica until it is retried
    db_routing.ReplicaRoutingMiddleware(view)(RequestFactory().get("/api/v1/procedures"))
    assert calls[-1] == "default"
