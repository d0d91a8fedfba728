"""Review requests that arrive at once go out as one message; alerts keep their own groups."""

from __future__ import annotations

import pytest

from bot.domain import (
    AlertPayload,
    Chat,
    Incident,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    ReviewPayload,
)
from tests.fakes import VirtualTime
from tests.unit.services.delivery_doubles import (
    NOW,
    MemoryStorage,
    ScriptedNotifier,
    alert,
    incident_json,
    make_dispatcher,
    notice,
    queue,
    statuses,
)


@pytest.fixture
def memory() -> MemoryStorage:
    """Two private chats."""
    return MemoryStorage(Chat(id=1), Chat(id=2))


def review(chat_id: int, incident_id: int) -> OutboxMessage:
    return OutboxMessage(
        chat_id=chat_id,
        kind=OutboxKind.NOTICE,
        idempotency_key=f"review:{chat_id}:{incident_id}:t",
        payload=ReviewPayload(
            incident=Incident.model_validate(incident_json(incident_id)), reason="unconfirmed"
        ),
        next_attempt_at=NOW,
        incident_id=incident_id,
    )


async def test_reviews_arriving_at_once_are_one_message(
    memory: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
) -> None:
    await queue(memory, review(1, 11), review(1, 12), review(1, 13), review(2, 14))
    await make_dispatcher(memory, notifier, vtime).run_once()
    by_chat = {message.chat_id: message for _, message, _ in notifier.sent}
    assert len(notifier.sent) == 2
    grouped = by_chat[1].payload
    assert isinstance(grouped, ReviewPayload)
    assert [grouped.incident.id, *(i.id for i in grouped.more)] == [11, 12, 13]
    alone = by_chat[2].payload
    assert isinstance(alone, ReviewPayload)
    assert alone.more == []
    assert statuses(memory) == [OutboxStatus.SENT] * 4


async def test_reviews_and_alerts_do_not_mix(
    memory: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
) -> None:
    await queue(memory, alert(1, 1), review(1, 2), review(1, 3), alert(1, 4), notice(1, 5))
    await make_dispatcher(memory, notifier, vtime).run_once()
    kinds = [type(message.payload).__name__ for _, message, _ in notifier.sent]
    assert kinds == ["AlertPayload", "ReviewPayload", "AlertPayload", "TextPayload"]
    first_alert, reviews = notifier.sent[0][1].payload, notifier.sent[1][1].payload
    assert isinstance(first_alert, AlertPayload)
    assert isinstance(reviews, ReviewPayload)
    assert [i.id for i in reviews.more] == [3]
