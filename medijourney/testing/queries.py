"""Query counts that catch an N+1: measure a page with n rows, add n more, measure again and
require no growth. (A fixed ceiling hides a loop until the rows outnumber the headroom.)"""

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _shape(sql: str) -> str:
    """A query without its values, short enough to read in a failure message."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)[:160]


def queries_for(fetch: Callable[[], Any]) -> int:
    return len(captured(fetch))


def captured(fetch: Callable[[], Any]) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fetch()
    return [q["sql"] for q in ctx.captured_queries]


def assert_flat(fetch: Callable[[], Any], grow: Callable[[], Any]) -> int:
    """``fetch`` once to warm per-process caches, count it at n, ``grow`` to 2n, count again.
    Returns the count at n (for a report); fails if 2n took more queries."""
    fetch()
    at_n = captured(fetch)
    grow()
    at_2n = captured(fetch)
    before, after = Counter(map(_shape, at_n)), Counter(map(_shape, at_2n))
    extra = "\n".join(f"{after[s] - before[s]} more: {s}" for s in after if after[s] > before[s])
    assert len(at_2n) <= len(at_n), (
        f"{len(at_2n)} queries with twice the rows, {len(at_n)} before: something runs per row:\n{extra}"
    )
    return len(at_n)
