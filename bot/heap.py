"""The process heap: what start-up loads is kept out of the garbage collector's way."""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    """Put what start-up loaded (gazetteer, actor registry, engine: objects that live as long as
    the process) out of the garbage collector's reach.

    A full collection walks every tracked object; with the gazetteer loaded that is a pause of
    about 100 ms, taken at random inside whatever command is running. Frozen objects are
    skipped, so later collections walk only what was allocated since (a fraction of a ms).
    Once per process: what is allocated later (a test's many contexts) is left collectable.
    """
    if not _HEAP_FROZEN:
        gc.freeze()
        _HEAP_FROZEN.append(True)


_HEAP_FROZEN: list[bool] = []  # non-empty once the start-up heap is frozen
