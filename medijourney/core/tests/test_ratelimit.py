import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from ninja import NinjaAPI

from medijourney.core.api import install_error_handlers
from medijourney.core.models import RateLimitCounter
from medijourney.core.ratelimit import RateLimitedError, purge_old_counters, rate_limit_hit, rate_limited

pytestmark = pytest.mark.django_db
LIMITS = {"intake": (2, 3600), "login": (30, 300), "upload": (60, 3600), "message": (120, 3600), "export": (10, 3600)}


@rate_limited("intake")
def page(request):
    return HttpResponse("ok")


api = NinjaAPI(urls_namespace="ratelimit-test")
install_error_handlers(api)


@api.post("/thing")
@rate_limited("intake")
def thing(request):
    return {"ok": True}


urlpatterns = [path("page/", page), path("api/", api.urls), path("", include("config.urls"))]


@override_settings(ROOT_URLCONF=__name__, RATE_LIMITS=LIMITS)
def test_pages_answer_429_with_retry_after():
    client = Client()
    assert [client.post("/page/").status_code for _ in range(2)] == [200, 200]
    blocked = client.post("/page/")
    assert blocked.status_code == 429 and 0 < int(blocked["Retry-After"]) <= 3600
    assert "Please wait a moment" in blocked.content.decode()
    assert client.get("/page/").status_code == 200  # only POSTs count


@override_settings(ROOT_URLCONF=__name__, RATE_LIMITS=LIMITS)
def test_api_answers_429_json_with_retry_after():
    client = Client()
    for _ in range(2):
        assert client.post("/api/thing").status_code == 200
    blocked = client.post("/api/thing")
    assert blocked.status_code == 429 and blocked["Retry-After"]
    assert blocked.json()["detail"].startswith("Too many requests")


@override_settings(RATE_LIMITS=LIMITS)
def test_limits_are_per_identity_and_per_window_and_store_no_raw_ip():
    rate_limit_hit(scope="intake", identity="ip:203.0.113.7", now=1000.0)
    rate_limit_hit(scope="intake", identity="ip:203.0.113.7", now=1001.0)
    with pytest.raises(RateLimitedError) as err:
        rate_limit_hit(scope="intake", identity="ip:203.0.113.7", now=1002.0)
    assert err.value.retry_after == 3600 - 1002
    rate_limit_hit(scope="intake", identity="ip:198.51.100.1", now=1002.0)  # someone else
    rate_limit_hit(scope="intake", identity="ip:203.0.113.7", now=3601.0)  # next window
    assert not RateLimitCounter.objects.filter(key__contains="203.0.113.7").exists()


@override_settings(RATE_LIMITS=LIMITS)
def test_old_counters_are_purged():
    rate_limit_hit(scope="intake", identity="a", now=1000.0)
    rate_limit_hit(scope="intake", identity="b", now=10**9)
    assert purge_old_counters(now=10**9) == 1
    assert RateLimitCounter.objects.count() == 1
