from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import check_database, check_task_queue


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "core/landing.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database()}
    if checks["database"]["status"] == "ok":
        checks["task_queue"] = check_task_queue()
    else:
        checks["task_queue"] = {"status": "skipped", "reason": "the queue lives in the database"}
    failing = [name for name, c in checks.items() if c["status"] == "fail"]
    body: dict[str, Any] = {"status": "fail" if failing else "ok", "checks": checks}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
