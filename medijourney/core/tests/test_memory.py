"""The allocator settings of a web process (core/memory.py)."""

import platform
import subprocess
import sys
import textwrap

import pytest

from medijourney.core.memory import tune_malloc

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt and malloc_trim are glibc's")


@glibc
def test_both_settings_are_applied_unless_the_operator_set_them():
    assert tune_malloc({}) == ["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"]
    assert tune_malloc({"MALLOC_ARENA_MAX": "4"}) == ["MALLOC_MMAP_THRESHOLD_"]
    assert tune_malloc({"MALLOC_ARENA_MAX": "4", "MALLOC_MMAP_THRESHOLD_": "65536"}) == []


@glibc
def test_freed_memory_pinned_below_a_live_block_goes_back_to_the_system():
    """What a search index reading leaves: many freed blocks under a live one, which glibc keeps
    (it trims only the top of the heap) until ``release_free_memory``."""
    script = textwrap.dedent(
        """
        from medijourney.core.memory import release_free_memory, tune_malloc
        tune_malloc()
        def rss():
            return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) // 1024
        blocks = [bytes([i % 256]) * 2000 for i in range(60_000)]  # about 120 MB, malloc'd
        pins = blocks[::100]  # every hundredth stays live: the heap cannot shrink from its top
        del blocks
        before = rss()
        released = release_free_memory()
        print(before, rss(), released, len(pins))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    before, after, released = int(out[0]), int(out[1]), out[2]
    assert released == "True"
    assert before - after > 60, (before, after)  # MB


def test_what_start_up_made_is_frozen_and_later_garbage_is_still_collected():
    """``freeze_long_lived`` (in a child process: freezing is for the process's life)."""
    script = textwrap.dedent(
        """
        import gc, weakref
        from medijourney.core.memory import freeze_long_lived

        class Node:
            pass

        kept = [[i] for i in range(50_000)]  # what start-up keeps (lists are always tracked)
        garbage = Node(); garbage.me = garbage  # a cycle start-up dropped
        dropped = weakref.ref(garbage); del garbage
        frozen = freeze_long_lived()
        young = len(gc.get_objects())  # the generations a collection walks
        later = Node(); later.me = later  # a cycle made after
        made_later = weakref.ref(later); del later
        gc.collect()
        print(frozen, young, dropped() is None, made_later() is None, len(kept))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    frozen, young = int(out[0]), int(out[1])
    assert frozen >= 50_000  # the kept objects left the collector's generations
    assert young < 1_000  # what a full collection still walks
    assert out[2:4] == ["True", "True"]  # garbage from before the freeze, and after it, both collected
