"""Shared pieces of the JSON API: one error shape for every failure,
``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from .context import get_context
from .ratelimit import RateLimitedError

logger = logging.getLogger(__name__)

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "data"}


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if str(p) not in _LOCATIONS]
    # ninja wraps a body schema under its parameter name; keep the field inside it.
    if len(loc) >= 2 and str(loc[0]) == "body" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail, "errors": errors or []}
    ctx = get_context()
    if status >= 500 and ctx:
        body["request_id"] = ctx.request_id
    return api.create_response(request, body, status=status)


def django_validation_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": " ".join(str(m) for e in errs for m in e.messages)}
            for field, errs in exc.error_dict.items()
        ]
    return [{"field": "__all__", "message": m} for m in exc.messages]


def install_error_handlers(api: NinjaAPI) -> None:
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "Invalid value"))} for e in exc.errors
        ]
        return error_response(api, request, 422, "The request has invalid fields.", errors)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return error_response(api, request, 422, "The request has invalid fields.", django_validation_errors(exc))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, str(exc.message))

    def on_auth(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 401, "Authentication required: sign in or send a valid bearer token.")

    def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 403, "You do not have permission to do this.")

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 404, "Not found.")

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = error_response(api, request, 429, "Too many requests; try again later.")
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    def on_rate_limited(request: HttpRequest, exc: RateLimitedError) -> HttpResponse:
        response = error_response(api, request, 429, "Too many requests; try again later.")
        response["Retry-After"] = str(exc.retry_after)
        return response

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error", extra={"path": request.path})
        return error_response(api, request, 500, "Something went wrong on our side; it has been logged.")

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(AuthorizationError, on_forbidden)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(RateLimitedError, on_rate_limited)
    api.add_exception_handler(Exception, on_exception)
