"""Structured logging helpers. The filter adds the request id to every record; the formatter
(python-json-logger) turns records into JSON lines. Nothing here ever adds request bodies."""

import logging

from .context import get_context


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            ctx = get_context()
            record.request_id = ctx.request_id if ctx else None
        # Django's request logger attaches the request object; drop it so it is never serialised.
        if hasattr(record, "request"):
            record.request = None
        return True
