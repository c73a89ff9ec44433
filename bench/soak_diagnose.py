"""A gunicorn config file for ``bench/soak --diagnose``: where a web process's memory goes.

Loaded only by the bench (``gunicorn -c bench/soak_diagnose.py``); the application is unchanged and
nothing here runs in production. In each gunicorn worker process a daemon thread writes one JSON line
every ``SOAK_DIAG_EVERY`` seconds (a tick) to ``$SOAK_DIAG_DIR/<pid>.jsonl``: the resident set (RSS),
what glibc's malloc holds in use and free (``mallinfo2``), Python's small-object allocator (its 1 MiB
arenas, the KiB in blocks allocated and free in them), the garbage collector's collections. With
``SOAK_TRACEMALLOC=1`` it also traces Python allocations (one frame) and, at the end, writes the 15
lines whose allocations grew most since the warm-up.

Commands from the bench, by file (the thread looks every second): ``$SOAK_DIAG_DIR/mark`` (the
warm-up is over, no traffic for a moment: ``gc.collect()``, a full row, the tracemalloc baseline), ``$SOAK_DIAG_DIR/end``
(the run is over: a full row; another after ``gc.collect()``, what is still alive; then
``malloc_trim(0)`` with RSS before and after: what glibc held free but had not given back). A full row adds the object census (objects per type, the 25 most common),
the entries in every per-process cache the project keeps (``lru_cache``, the search's memos, module
dicts) and Django's template and URL caches. No health data is read or written: counts and sizes.
"""

import collections
import ctypes
import gc
import json
import os
import re
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _libc() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _Mallinfo2
        return libc
    except (OSError, AttributeError):
        return None


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _caches() -> dict[str, int]:
    """The number of entries in each per-process cache that a request can fill."""
    out: dict[str, int] = {}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("medijourney") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            info = getattr(value, "cache_info", None)
            if callable(info) and getattr(value, "__module__", None) == module_name:
                out[f"{module_name}.{attr}()"] = info().currsize
            elif isinstance(getattr(value, "_data", None), dict):  # the search's memos (discovery.search.memo)
                out[f"{module_name}.{attr}"] = len(value._data)
    try:
        from django.template import engines
        from django.urls import get_resolver

        for engine in engines.all():
            for loader in getattr(engine, "engine", engine).template_loaders:
                if hasattr(loader, "get_template_cache"):
                    out[f"templates.{engine.name}"] = len(loader.get_template_cache)
        out["urls.reverse_dict"] = len(get_resolver()._reverse_dict)
    except Exception:  # noqa: S110 - a diagnosis never breaks the process it watches
        pass
    return out


def _module_dicts() -> dict[str, int]:
    """Module-level dicts of the project (all names), by size: an unbounded one grows here."""
    out: dict[str, int] = {}
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("medijourney") and module is not None:
            for attr, value in list(vars(module).items()):
                if isinstance(value, dict) and value and not attr.startswith("__"):
                    out[f"{module_name}.{attr}"] = len(value)
    return out


_PYMALLOC = {
    "arenas allocated current": "arenas",
    "arenas highwater mark": "arenas_highwater",
    "bytes in allocated blocks": "allocated",
    "bytes in available blocks": "available",
    "unused pools": "unused_pools",
}


def _pymalloc() -> dict[str, int]:
    """Python's small-object allocator (sys._debugmallocstats, which writes to fd 2: caught here for
    the moment it takes). Arenas are 1 MiB; one is given back only when every block in it is free."""
    with tempfile.TemporaryFile() as tmp:
        saved = os.dup(2)
        try:
            os.dup2(tmp.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode(errors="replace")
    out: dict[str, int] = {}
    for line in text.splitlines():
        m = re.match(r"#\s*([a-z ]+?)\s*=\s*([\d,]+)", line)
        if m and m.group(1) in _PYMALLOC:
            value = int(m.group(2).replace(",", ""))
            out[_PYMALLOC[m.group(1)]] = value // 1024 if m.group(1).startswith("bytes") else value
    return out


def _sample(libc: Any, label: str, baseline: Any) -> dict[str, Any]:
    """One row. The object census (gc.get_objects) only when the bench says no traffic runs ("warm",
    "end"): holding references to every object can catch a tuple another thread is still building,
    and CPython then fails that thread's request (SystemError from _PyTuple_Resize; seen once)."""
    row: dict[str, Any] = {"t": time.time(), "label": label, "rss_kb": _rss_kb(), "threads": threading.active_count()}
    if libc is not None:
        m = libc.mallinfo2()
        row["malloc"] = {name: getattr(m, name) // 1024 for name, _ in _Mallinfo2._fields_}
    row["py_blocks"] = sys.getallocatedblocks()
    row["pymalloc"] = _pymalloc()
    row["gc_collections"] = [g["collections"] for g in gc.get_stats()]
    if label != "tick":
        objects = gc.get_objects()
        row["gc_objects"] = len(objects)
        row["types"] = dict(collections.Counter(type(o).__name__ for o in objects).most_common(25))
        del objects
        row["caches"] = _caches()
        row["module_dicts"] = _module_dicts()
    if tracemalloc.is_tracing():
        current, peak = tracemalloc.get_traced_memory()
        row["traced_kb"] = {"current": current // 1024, "peak": peak // 1024}
        if baseline is not None and label == "end":
            stats = tracemalloc.take_snapshot().compare_to(baseline, "lineno")
            row["grown"] = [f"{s.size_diff // 1024:+d} KiB {s.count_diff:+d} {s.traceback}" for s in stats[:15]]
    return row


def _write(out: Path, row: dict[str, Any]) -> None:
    with out.open("a") as f:
        f.write(json.dumps(row) + "\n")


def _watch(directory: Path, every: float) -> None:
    libc = _libc()
    out = directory / f"{os.getpid()}.jsonl"
    baseline = None
    marked = ended = False
    last = 0.0
    while not ended:
        time.sleep(1)
        label = "tick"
        if not marked and (directory / "mark").exists():
            marked, label = True, "warm"
            gc.collect()  # the census counts what is alive, as the "collected" row at the end does
            if tracemalloc.is_tracing():
                baseline = tracemalloc.take_snapshot()
        elif (directory / "end").exists():
            ended, label = True, "end"
        if label != "tick" or time.time() - last >= every:
            last = time.time()
            _write(out, _sample(libc, label, baseline))
    gc.collect()  # what is still alive once the cyclic garbage of the last requests is collected
    _write(out, _sample(libc, "collected", baseline))
    if libc is not None:
        before = _rss_kb()
        libc.malloc_trim(0)
        _write(out, {"t": time.time(), "label": "trim", "before_kb": before, "after_kb": _rss_kb()})


def post_fork(server: Any, worker: Any) -> None:
    """gunicorn's hook, in the worker process after the fork: start the watching thread."""
    directory = os.environ.get("SOAK_DIAG_DIR")
    if not directory:
        return
    if os.environ.get("SOAK_TRACEMALLOC") == "1":
        tracemalloc.start(1)
    every = float(os.environ.get("SOAK_DIAG_EVERY", "15"))
    threading.Thread(target=_watch, args=(Path(directory), every), daemon=True, name="soak-diagnose").start()
