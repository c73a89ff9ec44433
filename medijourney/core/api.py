"""Shared pieces of the JSON API:

* one error shape for every failure, ``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``,
  malformed requests included (a multipart body without a boundary, a body that is not JSON: 400
  naming ``Content-Type`` or ``body``);
* the bounds of every paged list, in one place (``PAGE_MAX_LIMIT``, ``PAGE_MAX_OFFSET``): ninja's
  ``@paginate(Paged)`` and hand-written lists (``PageLimit``, ``PageOffset``) use the same;
* ``MediJourneyAPI``, whose OpenAPI document lists the error answers every operation can give
  (400, 401, 403, 404, 414, 422, 429), so the document and the API agree (checked by the
  schemathesis run in ``make test``)."""

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, TypeVar, cast

import pydantic
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import LimitOffsetPagination

from .context import get_context
from .ratelimit import RateLimitedError
from .uploads import StorageFullError

E = TypeVar("E", bound=Exception)

logger = logging.getLogger(__name__)

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "data"}


class Document(pydantic.BaseModel):
    """A JSON document the code builds from its own typed objects (``SomeOut.of(...)``) and writes
    with ``as_response``. Plain pydantic, validated and written by pydantic-core: ninja's ``Schema``
    runs a Python validator per model (for its resolvers), which cost about 5 ms for one page of ten
    search results; these documents do not use resolvers. django-ninja documents them in the OpenAPI
    like any schema (``response={200: SearchOut}``)."""

    model_config = pydantic.ConfigDict(from_attributes=True)

    def as_response(self, status: int = 200) -> HttpResponse:
        return HttpResponse(self.model_dump_json(), content_type="application/json", status=status)


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


# --- Paging: the bounds of every paged list ------------------------------------------------------

PAGE_DEFAULT_LIMIT = 20
PAGE_MAX_LIMIT = 100
# Deep enough for any real list (narrow the filter to go further), small enough that the database
# never sees an offset beyond a 64-bit integer or scans millions of rows to skip them.
PAGE_MAX_OFFSET = 100_000

PageLimit = Annotated[int, Query(ge=1, le=PAGE_MAX_LIMIT, description=f"Items per page, 1–{PAGE_MAX_LIMIT}.")]
PageOffset = Annotated[int, Query(ge=0, le=PAGE_MAX_OFFSET, description=f"Items to skip, 0–{PAGE_MAX_OFFSET}.")]


class PageIn(Schema):
    limit: int = Field(PAGE_DEFAULT_LIMIT, ge=1, le=PAGE_MAX_LIMIT, description=f"Items per page, 1–{PAGE_MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=PAGE_MAX_OFFSET, description=f"Items to skip, 0–{PAGE_MAX_OFFSET}.")


class Paged(LimitOffsetPagination):
    """``@paginate(Paged)``: ninja's limit/offset paging with this API's bounds."""

    Input = PageIn  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=PAGE_MAX_LIMIT, **kwargs)


def decimal_limits(max_digits: int, decimal_places: int) -> Callable[[dict[str, Any]], None]:
    """``json_schema_extra`` for a Decimal input: pydantic checks ``max_digits`` and
    ``decimal_places`` but leaves them out of the JSON schema; this writes them in (the largest
    number, and a pattern for the string form)."""
    whole = max_digits - decimal_places
    largest = float(Decimal(10) ** whole - Decimal(1).scaleb(-decimal_places))
    pattern = rf"^\d{{1,{whole}}}(\.\d{{1,{decimal_places}}})?$"
    note = f"At most {max_digits} digits, {decimal_places} after the decimal point."

    def extra(schema: dict[str, Any]) -> None:
        for branch in schema.get("anyOf", [schema]):
            if branch.get("type") == "number":
                branch["maximum"] = min(branch.get("maximum", largest), largest)
            elif branch.get("type") == "string":
                branch["pattern"] = pattern
        schema["description"] = f"{schema.get('description', '')} {note}".strip()

    return extra


# --- Errors ----------------------------------------------------------------------------------


def django_validation_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": " ".join(str(m) for e in errs for m in e.messages)}
            for field, errs in exc.error_dict.items()
        ]
    return [{"field": "__all__", "message": m} for m in exc.messages]


def _unparsable_body_errors(request: HttpRequest) -> list[dict[str, str]]:
    if "json" not in (request.content_type or ""):
        return [{"field": "Content-Type", "message": "Send the body as application/json."}]
    return [{"field": "body", "message": "The body is not valid JSON."}]


class _ErrorHandlers:
    """The API's answers to each kind of error, as JSON naming the field where there is one."""

    def __init__(self, api: NinjaAPI) -> None:
        self.api = api

    def on_validation(self, request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", "Invalid value"))} for e in exc.errors
        ]
        return error_response(self.api, request, 422, "The request has invalid fields.", errors)

    def on_django_validation(self, request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return error_response(self.api, request, 422, "The request has invalid fields.", django_validation_errors(exc))

    def on_http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's only 400 is a body it cannot parse: name the field like every other error.
        errors = _unparsable_body_errors(request) if exc.status_code == 400 else None
        return error_response(self.api, request, exc.status_code, str(exc.message), errors)

    def on_malformed(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        # Raised while reading the body (the CSRF check of a signed-in write reads it first): a
        # multipart body without a usable boundary, a body larger than allowed, too many fields.
        field = "Content-Type" if isinstance(exc, MultiPartParserError) else "body"
        message = (
            "multipart/form-data needs a boundary that matches the body."
            if field == "Content-Type"
            else "The body could not be read."
        )
        return error_response(
            self.api, request, 400, "The request body is malformed.", [{"field": field, "message": message}]
        )

    def on_auth(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(self.api, request, 401, "Authentication required: sign in or send a valid bearer token.")

    def on_forbidden(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(self.api, request, 403, "You do not have permission to do this.")

    def on_not_found(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(self.api, request, 404, "Not found.")

    def on_throttled(self, request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = error_response(self.api, request, 429, "Too many requests; try again later.")
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    def on_rate_limited(self, request: HttpRequest, exc: RateLimitedError) -> HttpResponse:
        response = error_response(self.api, request, 429, "Too many requests; try again later.")
        response["Retry-After"] = str(exc.retry_after)
        return response

    def on_database_unavailable(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        from .middleware import database_unavailable_response

        return database_unavailable_response(request)

    def on_storage_full(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("document storage full", extra={"path": request.path})
        message = StorageFullError.message
        return error_response(self.api, request, 507, message, [{"field": "files", "message": message}])

    def on_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return self.on_database_unavailable(request, exc)
        logger.exception("unhandled API error", extra={"path": request.path})
        return error_response(self.api, request, 500, "Something went wrong on our side; it has been logged.")


def _on(api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja's stub types the handler's second argument as "E | type[E]"; it is always an instance.
    api.add_exception_handler(exc_class, cast(Any, handler))


def install_error_handlers(api: NinjaAPI) -> None:
    h = _ErrorHandlers(api)
    _on(api, StorageFullError, h.on_storage_full)
    _on(api, OperationalError, h.on_database_unavailable)
    _on(api, InterfaceError, h.on_database_unavailable)
    _on(api, ValidationError, h.on_validation)
    _on(api, DjangoValidationError, h.on_django_validation)
    _on(api, HttpError, h.on_http_error)
    for malformed in (MultiPartParserError, UnreadablePostError, SuspiciousOperation, BadRequest):
        _on(api, malformed, h.on_malformed)
    _on(api, AuthenticationError, h.on_auth)
    _on(api, AuthorizationError, h.on_forbidden)
    _on(api, PermissionDenied, h.on_forbidden)
    _on(api, Http404, h.on_not_found)
    _on(api, Throttled, h.on_throttled)
    _on(api, RateLimitedError, h.on_rate_limited)
    _on(api, Exception, h.on_exception)


# --- The OpenAPI document lists every answer -------------------------------------------------

_ERROR_SCHEMA = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
_STANDARD_ANSWERS = {
    400: "Malformed request: a body that is not JSON, or multipart without a boundary (the field is named).",
    401: "Authentication required: sign in or send a valid bearer token.",
    403: "Your role may not do this, or your session has not passed two-step verification.",
    404: "Not found, or not visible to you.",
    422: "Invalid fields; each error names its field.",
    429: "Too many requests; see the Retry-After header.",
}
_URL_TOO_LONG = {"description": "URL too long: answered by the web server before the API (not JSON)."}


def _standard_answers(path: str, method: str, operation: dict[str, Any]) -> dict[int, dict[str, Any]]:
    codes = set()
    if operation.get("requestBody"):
        codes |= {400, 422}
    if operation.get("parameters"):
        codes.add(422)
    if "{" in path:
        codes.add(404)
    if operation.get("security"):
        codes |= {401, 403}
    if method == "post":
        codes.add(429)
    answers: dict[int, dict[str, Any]] = {
        code: {"description": _STANDARD_ANSWERS[code], "content": _ERROR_SCHEMA} for code in sorted(codes)
    }
    answers[414] = _URL_TOO_LONG
    if 429 in answers:
        answers[429]["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
    return answers


class MediJourneyAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also lists the error answers every operation can give."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for code, answer in _standard_answers(path, method, operation).items():
                    if code not in responses and str(code) not in responses:
                        responses[code] = answer
        return schema
