"""The start-up heap is frozen out of the garbage collector's reach, once per process."""

from __future__ import annotations

import gc

from bot.heap import freeze_startup_heap


def test_objects_loaded_before_are_frozen_and_later_ones_are_not() -> None:
    loaded = [object() for _ in range(10)]
    freeze_startup_heap()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    later: list[list[int]] = [[] for _ in range(1000)]  # lists are tracked by the collector
    freeze_startup_heap()
    assert gc.get_freeze_count() == frozen  # the second call changes nothing
    assert len(loaded) + len(later) == 1010
