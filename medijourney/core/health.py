"""Readiness checks for /readyz (and /healthz): the database, the background task queue, and
what other apps register (discovery: this process's search indexes are read)."""

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.utils import timezone


def check_database() -> dict[str, Any]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable"
        return {"status": "fail", "error": type(exc).__name__}
    return {"status": "ok", "vendor": connections["default"].vendor}


def check_task_queue() -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult  # the queue table lives in the database backend

    try:
        ready = DBTaskResult.objects.filter(status="READY")
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        pending = ready.count()
    except Exception as exc:
        return {"status": "fail", "error": type(exc).__name__}
    result: dict[str, Any] = {"status": "ok", "pending": pending}
    if oldest is not None:
        waited = (timezone.now() - oldest).total_seconds()
        result["oldest_pending_seconds"] = int(waited)
        if waited > 600:
            result["status"] = "warn"
            result["warning"] = "tasks have waited over 10 minutes: is a worker running?"
    return result


# name -> a check returning {"status": "ok" | "warn" | "warming" | "fail", ...}; "warming" and
# "fail" hold readiness back (503).
PROCESS_CHECKS: dict[str, Callable[[], dict[str, Any]]] = {}


def register_readiness(name: str, check: Callable[[], dict[str, Any]]) -> None:
    PROCESS_CHECKS[name] = check
