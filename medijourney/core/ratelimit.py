"""Rate limits for login, intake, uploads, messaging and export.

Counters live in the database (one row per key and fixed window, incremented with a single
atomic upsert), so the limit holds across every web process on SQLite and on PostgreSQL alike.
django-ratelimit was considered: it needs a cache with atomic increments (Redis or Memcached),
which the one-laptop SQLite install does not have.

Limits are set in settings.RATE_LIMITS as ``{"scope": (count, period_seconds)}``. Exceeding one
raises ``RateLimitedError``; pages answer 429 with Retry-After (RateLimitMiddleware), the API
answers 429 JSON with Retry-After (core.api)."""

import hashlib
import time
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from .http import client_ip
from .models import RateLimitCounter


class RateLimitedError(Exception):
    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"rate limit '{scope}' exceeded")
        self.scope = scope
        self.retry_after = retry_after


def _increment(key: str, window: int, expires: int) -> int:
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", "window", "count", "expires") VALUES (%s, %s, 1, %s) '  # noqa: S608  # nosec B608 - constant table name
            f'ON CONFLICT ("key", "window") DO UPDATE SET "count" = {table}."count" + 1 RETURNING "count"',
            [key, window, expires],
        )
        return int(cursor.fetchone()[0])


def rate_limit_hit(*, scope: str, identity: str, now: float | None = None) -> None:
    """Count one request of ``identity`` (an IP or user id) against ``scope``; raise when over."""
    if not getattr(settings, "RATE_LIMITS_ENABLED", True):
        return
    limit, period = settings.RATE_LIMITS[scope]
    now = time.time() if now is None else now
    window = int(now // period)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]  # no raw IPs or ids in the table
    if _increment(f"{scope}:{digest}", window, (window + 1) * period) > limit:
        raise RateLimitedError(scope, retry_after=max(1, int((window + 1) * period - now)))


def request_identity(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request) or 'unknown'}"


def rate_limited(
    scope: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """View decorator (pages and django-ninja endpoints): count requests with these methods."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                rate_limit_hit(scope=scope, identity=request_identity(request))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def purge_old_counters(*, now: float | None = None) -> int:
    """Delete counters whose window ended over an hour ago (a recurring job)."""
    cutoff = int((time.time() if now is None else now) - 3600)
    return RateLimitCounter.objects.filter(expires__lt=cutoff).delete()[0]


def _decrement(key: str, window: int) -> None:
    RateLimitCounter.objects.filter(key=key, window=window, count__gt=0).update(count=F("count") - 1)


def rate_limit_reserve(*, scope: str, identities: Sequence[str], now: float | None = None) -> Callable[[], None]:
    """Count one *accepted* action against every identity (e.g. the client address and the email
    typed) and return a function that gives the counts back, for when the action is not accepted
    after all (bad input, a replay). Raises RateLimitedError, with nothing counted, when any
    identity is over the limit. Unlike :func:`rate_limit_hit`, failed attempts cost nothing."""
    if not getattr(settings, "RATE_LIMITS_ENABLED", True):
        return lambda: None
    limit, period = settings.RATE_LIMITS[scope]
    now = time.time() if now is None else now
    window = int(now // period)
    keys = [f"{scope}:{hashlib.sha256(i.encode()).hexdigest()[:32]}" for i in dict.fromkeys(identities)]
    counted: list[str] = []

    def release() -> None:
        for key in counted:
            _decrement(key, window)
        counted.clear()

    for key in keys:
        count = _increment(key, window, (window + 1) * period)
        counted.append(key)
        if count > limit:
            release()
            raise RateLimitedError(scope, retry_after=max(1, int((window + 1) * period - now)))
    return release
