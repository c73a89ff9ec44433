"""Read replica routing.

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database alias and this router sends
some reads there. A read goes to the replica only when all of these hold:

* the request is a GET or HEAD to a path in ``REPLICA_READ_PATHS`` (search, compare, catalogue and
  hospital pages, their JSON twins): read-only pages whose data may lag a second or two;
* the model belongs to an app in ``REPLICA_APPS`` (catalogue, network, discovery): reference data
  that people do not write and read back in the same breath. Sessions, users, sign-in lockouts,
  rate-limit counters, one-time form tokens, tasks, cases and the audit log are always read from
  the primary, on every page;
* the browser did not write anything in the last ``REPLICA_PIN_SECONDS``: any POST/PUT/PATCH/DELETE
  sets a short-lived cookie that pins the next requests of that browser to the primary, so a
  partner who just edited an offer sees the edit on the public page;
* no transaction is open on the primary (a read inside a write stays with the write);
* the replica is not marked down: a GET that got the database-unavailable answer while the
  replica is unreachable is run again on the primary, and the replica is skipped for
  ``REPLICA_RETRY_SECONDS`` before it is tried again.

Without a replica alias every read goes to the primary, as on one machine.
"""

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "mj_primary"
_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)
_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_mark_down() -> None:
    global _down_until
    _down_until = time.monotonic() + float(getattr(settings, "REPLICA_RETRY_SECONDS", 5.0))
    connections[REPLICA].close_if_unusable_or_obsolete()


def replica_usable() -> bool:
    return replica_configured() and time.monotonic() >= _down_until


@contextmanager
def replica_reads(allowed: bool = True) -> Iterator[None]:
    """Let the reads inside the block go to the replica (when one is configured and up)."""
    token = _replica_allowed.set(allowed)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def read_alias_for(app_label: str) -> str:
    """The database a read of this app's rows goes to right now."""
    if not _replica_allowed.get() or not replica_usable():
        return DEFAULT_DB_ALIAS
    if app_label not in getattr(settings, "REPLICA_APPS", ()):
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class ReplicaRouter:
    """Writes, migrations and most reads on the primary; see the module docstring for the rest."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias_for(model._meta.app_label)

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaRoutingMiddleware:
    """Decides, per request, whether the router may use the replica, and pins a browser that
    just wrote to the primary for a few seconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths = [re.compile(p) for p in getattr(settings, "REPLICA_READ_PATHS", ())]

    def eligible(self, request: HttpRequest) -> bool:
        return (
            replica_configured()
            and request.method in ("GET", "HEAD")
            and PIN_COOKIE not in request.COOKIES
            and any(p.match(request.path_info) for p in self.paths)
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        eligible = self.eligible(request)
        with replica_reads(eligible):
            response = self.get_response(request)
        if eligible and getattr(response, "database_unavailable", False) and _replica_broken():
            # The replica, not the primary, is unreachable: mark it down and answer this GET again
            # from the primary (safe: a GET writes nothing that a second run would repeat).
            logger.warning("read replica unreachable; reading from the primary")
            replica_mark_down()
            with replica_reads(False):
                response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            seconds = int(getattr(settings, "REPLICA_PIN_SECONDS", 10))
            response.set_cookie(
                PIN_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax", secure=request.is_secure()
            )
        return response


def _replica_broken() -> bool:
    connections[REPLICA].close()
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return True
    return False
