"""The pacer's overall window counts each send when Telegram may have counted it: its answer."""

from __future__ import annotations

from dataclasses import replace

from bot.services.delivery import DeliveryLimits, Pacer
from tests.fakes import VirtualTime

LIMITS = DeliveryLimits(overall_per_second=3, per_chat_interval=0.0, pace_margin=1.0)


def _pacer(time: VirtualTime, limits: DeliveryLimits = LIMITS) -> Pacer:
    return Pacer(limits, monotonic=time.monotonic, sleep=time.sleep)


class TestOverallWindow:
    """At most N sends in any second, measured from answers when they come late."""

    async def test_quick_answers_keep_the_full_rate(self) -> None:
        time = VirtualTime()
        pacer = _pacer(time)
        granted = []
        for chat_id in range(7):
            assert await pacer.wait_turn(chat_id, is_group=False)
            pacer.finished(chat_id)
            granted.append(round(time.now, 6))
        assert granted == [0.0, 0.333333, 0.666667, 1.0, 1.333333, 1.666667, 2.0]

    async def test_a_late_answer_delays_the_send_a_second_after_it(self) -> None:
        time = VirtualTime()
        pacer = _pacer(time)
        for chat_id in range(3):
            assert await pacer.wait_turn(chat_id, is_group=False)
            if chat_id == 0:
                time.now += 0.2  # the first answer comes back 0.2 s after it left
            pacer.finished(chat_id)
        assert await pacer.wait_turn(3, is_group=False)
        # Telegram may have stamped the first send as late as its answer (0.2 s).
        assert round(time.now, 6) == 1.2

    async def test_an_unanswered_send_counts_until_its_stamp_bound(self) -> None:
        time = VirtualTime()
        pacer = _pacer(time, replace(LIMITS, in_flight_stamp=0.25))
        for chat_id in range(3):
            assert await pacer.wait_turn(chat_id, is_group=False)
        pacer.finished(1)
        pacer.finished(2)
        assert await pacer.wait_turn(3, is_group=False)
        # Chat 0 never answered: it is taken as counted 0.25 s after it left.
        assert round(time.now, 6) == 1.25


class TestPerChat:
    """Two sends to one chat are at least the interval apart, plus the margin."""

    async def test_margin_on_the_per_chat_interval(self) -> None:
        time = VirtualTime()
        limits = DeliveryLimits(overall_per_second=30, per_chat_interval=1.0, pace_margin=0.96)
        pacer = _pacer(time, limits)
        assert await pacer.wait_turn(7, is_group=False)
        pacer.finished(7)
        assert await pacer.wait_turn(7, is_group=False)
        assert round(time.now, 6) == round(1.0 / 0.96, 6)
