"""Leadership: the leader's duties start when this process leads, stop when it no longer does."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from bot.leader import Leadership
from storage.base import Backend


class _Votes:
    """A backend whose leadership answers are scripted."""

    def __init__(self, *answers: bool | Exception) -> None:
        self.answers = list(answers)
        self.released = 0

    async def try_lead(self) -> bool:
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def release_leadership(self) -> None:
        self.released += 1


def _leadership(votes: _Votes, log: list[str]) -> Leadership:
    async def start() -> None:
        log.append("start")

    async def stop() -> None:
        log.append("stop")

    return Leadership(cast(Backend, cast(Any, votes)), start, stop, interval=0.01)


class TestLeadership:
    async def test_duties_follow_the_lock(self) -> None:
        log: list[str] = []
        leadership = _leadership(_Votes(False, True, True, False, True), log)
        results = [await leadership.check() for _ in range(5)]
        assert results == [False, True, True, False, True]
        assert log == ["start", "stop", "start"]

    async def test_a_failing_check_counts_as_not_leading(self) -> None:
        log: list[str] = []
        leadership = _leadership(_Votes(True, RuntimeError("database gone"), True), log)
        assert await leadership.check() is True
        assert await leadership.check() is False
        assert await leadership.check() is True
        assert log == ["start", "stop", "start"]

    async def test_resign_stops_duties_and_gives_the_lock_back(self) -> None:
        log: list[str] = []
        votes = _Votes(True)
        leadership = _leadership(votes, log)
        await leadership.check()
        await leadership.resign()
        assert log == ["start", "stop"]
        assert votes.released == 1
        assert leadership.leading is False

    async def test_run_checks_until_stopped(self) -> None:
        log: list[str] = []
        leadership = _leadership(_Votes(False, False, True), log)
        stop = asyncio.Event()
        task = asyncio.create_task(leadership.run(stop))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not leadership.leading:
            assert loop.time() < deadline
            await asyncio.sleep(0.01)
        stop.set()
        await task
        assert log == ["start"]
