"""glibc's allocator, set for a threaded web process (``config/wsgi.py`` calls ``tune_malloc`` first).

Two of glibc's defaults cost a gunicorn gthread worker memory it never gives back:

- **An arena per thread** (up to 8 per core). Each of a worker's threads allocates in its own
  arena, and each arena keeps what its searches freed. ``M_ARENA_MAX`` = 2 shares two.
- **A sliding mmap threshold.** A block over 128 KiB is mapped on its own and returned to the
  system when freed; but glibc raises the threshold to the size of each such block freed (up to
  32 MiB), after which a search's temporary numpy columns (0.7 MiB at 91,317 offers) come from the
  heap and stay there. Setting ``M_MMAP_THRESHOLD`` fixes it at 128 KiB (mallopt(3): a set value is
  never adjusted).

Freed memory under a live block stays the process's too: glibc trims only the top of its heap.
``release_free_memory`` (``malloc_trim``) gives those pages back; the search index calls it after
each reading, when a worker has just dropped a procedure's rows and an old version's columns.

At 1,000,000 offers, one process with every search index read, after 480 mixed searches on four
threads (a script calling the WSGI app, as ``bench/search`` asks): 531 MB with glibc's defaults,
471 MB with both settings, 323 MB with both and the release after each reading.

Only glibc has ``mallopt``; elsewhere (musl, macOS) nothing is done. An operator's own
``MALLOC_ARENA_MAX`` / ``MALLOC_MMAP_THRESHOLD_`` environment variables win: glibc read them when the
process started, and that setting is left alone."""

import ctypes
import gc
import os
import sys
from typing import Any

M_MMAP_THRESHOLD = -3  # <malloc.h>
M_ARENA_MAX = -8
ARENA_MAX = 2
MMAP_THRESHOLD = 128 * 1024  # bytes: glibc's own starting value, kept from sliding

_SETTINGS = {"MALLOC_ARENA_MAX": (M_ARENA_MAX, ARENA_MAX), "MALLOC_MMAP_THRESHOLD_": (M_MMAP_THRESHOLD, MMAP_THRESHOLD)}


def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
        libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    except (OSError, AttributeError):  # not glibc
        return None
    return libc


_LIBC = _libc()


def release_free_memory() -> bool:
    """Give the system back the pages malloc holds free (glibc's ``malloc_trim``; about 20 ms when
    there is much to give, under 1 ms otherwise). Called after a search index reading
    (``search/index.py``), the one moment a worker frees many megabytes at once. True if any was given."""
    return bool(_LIBC is not None and _LIBC.malloc_trim(0) == 1)


def freeze_long_lived() -> int:
    """Move every object the process holds now into the garbage collector's permanent generation
    (``gc.freeze``), after collecting what the start left as garbage; returns how many were frozen.

    A web process holds some 250,000 tracked objects once its search indexes are read (Django, the
    apps, the reference data, the indexes' dictionaries). A full collection walks every one of them:
    about 200 ms at 10x the real network, with every thread of the worker stopped. In one process,
    5,000 mixed searches made 3 such collections (596 ms in all, the longest 215 ms): a worker's
    requests in flight all waited, which is a p99 of its own. Frozen, they are no longer walked (a
    full collection then takes under 1 ms); objects made later are collected as usual. A frozen
    object is still freed when nothing refers to it (reference counting is unchanged); only a cycle
    of frozen objects would stay. ``config/wsgi.py`` calls it once the start-up reading is done."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def tune_malloc(environ: dict[str, str] | None = None) -> list[str]:
    """Set the allocator as the module says; the names of the settings applied (empty: none)."""
    env = os.environ if environ is None else environ
    if _LIBC is None:
        return []
    applied = []
    for name, (param, value) in _SETTINGS.items():
        if name not in env and _LIBC.mallopt(param, value) == 1:  # mallopt answers 1 on success
            applied.append(name)
    return applied
