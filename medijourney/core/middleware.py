import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .context import RequestContext, get_context, new_request_id, reset_context, set_context
from .http import client_ip
from .ratelimit import RateLimitedError

logger = logging.getLogger("medijourney.request")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestContextMiddleware:
    """Gives every request an id (kept from a well-formed X-Request-ID header), logs one safe
    line per request (method, path without query string, status, duration) and returns the id
    in the X-Request-ID response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_context(RequestContext(request_id=request_id, client_ip=client_ip(request)))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            ctx = get_context()
            reset_context(token)
        response["X-Request-ID"] = request_id
        logger.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": ctx.user_public_id if ctx else None,
            },
        )
        return response


class UserContextMiddleware:
    """After authentication, records the acting user's public id in the request context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = get_context()
        user = getattr(request, "user", None)
        if ctx and user is not None and user.is_authenticated:
            set_context(RequestContext(ctx.request_id, ctx.client_ip, str(user.public_id)))
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Pages for a signed-in person, and answers to any form or API write, may hold health data:
    no shared or browser cache may keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.method not in ("GET", "HEAD"):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


class RateLimitMiddleware:
    """Turns a RateLimitedError raised by a page into 429 with Retry-After."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimitedError):
            return None
        response = render(request, "429.html", {"retry_after": exception.retry_after}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response


DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON naming the cause for the API, a plain page for people. Renders
    without the request context (which would read the session from the unreachable database)."""
    retry_after = int(getattr(settings, "DATABASE_RETRY_AFTER_SECONDS", 5))
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": f"The service is briefly unavailable (database unreachable). Retry in {retry_after} s.",
                "errors": [],
            },
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": retry_after}), status=503, content_type="text/html"
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    response.database_unavailable = True  # type: ignore[attr-defined]  # read by ReplicaRoutingMiddleware
    return response


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is unreachable (restarting, failing over) every request gets a 503 with
    Retry-After instead of a 500 and a logged traceback; the next request after it comes back is
    served normally (connections are health-checked at the start of each request). Errors raised
    inside other middleware reach ``core.views.server_error`` (handler500), which answers the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DATABASE_DOWN_ERRORS:
            return self.unavailable(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            return self.unavailable(request)
        return None

    @staticmethod
    def unavailable(request: HttpRequest) -> HttpResponse:
        logger.warning("database unavailable", extra={"path": request.path})
        return database_unavailable_response(request)
