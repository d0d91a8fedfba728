"""Sets of character spans with O(log n) overlap tests (an interval structure, not a scan).

Each annotator keeps the spans it has taken in a :class:`SpanSet`; "does this match overlap
anything already taken?" is a binary search over the merged, sorted, disjoint intervals
instead of a pass over every earlier span, so reading a text stays n log n in its length.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

__all__ = ["SpanSet"]


class SpanSet:
    """Half-open ``[start, end)`` spans kept merged and sorted for fast overlap tests."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]] = ()) -> None:
        """Start with ``spans`` (any order, may overlap)."""
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in spans:
            self.add(start, end)

    def __len__(self) -> int:
        """How many disjoint intervals the set holds after merging."""
        return len(self._starts)

    def add(self, start: int, end: int) -> None:
        """Take ``[start, end)``; overlapping or touching intervals are merged into one."""
        if end <= start:
            return
        starts, ends = self._starts, self._ends
        if not starts or start > ends[-1]:
            starts.append(start)  # the common case: spans arrive left to right
            ends.append(end)
            return
        # Intervals i..j-1 touch or overlap [start, end).
        i = bisect_left(ends, start)
        j = bisect_right(starts, end)
        if i < j:
            start = min(start, starts[i])
            end = max(end, ends[j - 1])
        starts[i:j] = [start]
        ends[i:j] = [end]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares at least one position with a taken span."""
        if end <= start:
            return self.covers(start)
        i = bisect_right(self._ends, start)
        return i < len(self._starts) and self._starts[i] < end

    def free(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps no taken span (the negation of ``overlaps``)."""
        return not self.overlaps(start, end)

    def covers(self, position: int) -> bool:
        """Whether ``position`` lies inside a taken span."""
        i = bisect_right(self._starts, position) - 1
        return i >= 0 and position < self._ends[i]
