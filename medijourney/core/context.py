"""Per-request context (request id, client IP, acting user) kept in context variables, so the
audit log and the log formatter can read it without every caller passing the request along.
Background tasks get a fresh context with their own request id."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_ip: str | None = None
    user_public_id: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("medijourney_request_context", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def get_context() -> RequestContext | None:
    return _current.get()


def set_context(ctx: RequestContext | None) -> object:
    return _current.set(ctx)


def reset_context(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
