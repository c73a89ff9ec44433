"""Reading the search indexes when a web process starts, before anyone searches.

A process's first search for a procedure reads every offer for it (``index.py``): milliseconds on
the real network, seconds at a million offers, and every search waiting on the index lock meanwhile.
``config/wsgi.py`` starts ``start()`` in each web process (``DISCOVERY_WARM_INDEXES``, on by
default): one background thread reads the index of every procedure that has offers, the largest
first, and the readiness check (``/readyz``) answers 503 "warming" until it is done, so a load
balancer sends searches to a process only once its indexes are read. A failed warm-up (the
database away at start) is reported and leaves the indexes to be read on demand, as before.

The state is this process's: each gunicorn worker reads its own indexes."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Count
from django.utils import timezone

from medijourney.network.models import Offer

from ..reference import snapshot
from .index import INDEXES

logger = logging.getLogger(__name__)


@dataclass
class WarmState:
    state: str = "on demand"  # "on demand" (no warm-up started), "warming", "ready", "failed"
    done: int = 0
    total: int = 0
    seconds: float | None = None
    error: str = ""

    def as_check(self) -> dict[str, Any]:
        """The readiness check's entry: "warming" holds readiness back; a failure only warns."""
        check: dict[str, Any] = {"procedures_read": self.done, "procedures": self.total}
        if self.seconds is not None:
            check["seconds"] = round(self.seconds, 1)
        if self.state == "warming":
            return {"status": "warming", **check}
        if self.state == "failed":
            return {"status": "warn", "warning": f"indexes are read on demand: warm-up failed ({self.error})", **check}
        return {"status": "ok", "state": self.state, **check}


STATE = WarmState()
_STARTED = threading.Lock()


def warm() -> WarmState:
    """Read the index of every procedure with offers (the most offers first) and its facts for
    today, in the calling thread."""
    started = time.monotonic()
    STATE.state, STATE.done, STATE.error, STATE.seconds = "warming", 0, "", None
    try:
        counts = dict(Offer.objects.values("procedure_id").annotate(n=Count("id")).values_list("procedure_id", "n"))
        procedures = sorted(
            ((pk, stay) for stay, pk in snapshot().procedures.values() if pk in counts),
            key=lambda p: (-counts[p[0]], p[1].slug),
        )
        STATE.total = len(procedures)
        today = timezone.localdate()
        for pk, stay in procedures:
            index = INDEXES.current(pk, stay.specialty, tuple(n.item for n in stay.needed))
            index.version.day(today)  # and today's facts (who is in the network), as a search would
            STATE.done += 1
        STATE.state = "ready"
    except Exception as exc:  # the process still serves: every index is then read on demand
        STATE.state, STATE.error = "failed", type(exc).__name__
        logger.warning("search index warm-up failed (%s); indexes are read on demand", type(exc).__name__)
    finally:
        STATE.seconds = time.monotonic() - started
    return STATE


def _in_thread(then: Callable[[], Any] | None) -> None:
    try:
        warm()
    finally:
        connections.close_all()  # the warm-up thread's own connections
        if then is not None:
            then()


def start(then: Callable[[], Any] | None = None) -> threading.Thread | None:
    """Start ``warm`` in a daemon thread, once per process (None when already started); ``then``
    runs in that thread when it is done, whether it succeeded or not."""
    if not _STARTED.acquire(blocking=False):
        return None
    STATE.state = "warming"  # readiness holds back from the first moment, not from the thread's first step
    thread = threading.Thread(target=_in_thread, args=(then,), name="search-index-warm-up", daemon=True)
    thread.start()
    return thread
