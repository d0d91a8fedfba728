"""A user's side of an end-to-end conversation over the fake Bot API: say something, press a
button, answer one of the bot's questions, each waiting for what the bot does in return."""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.conftest import ADMIN_ID
from tests.fakebotapi import BOT_ID, FakeBotAPI, SentMessage


async def ask(api: FakeBotAPI, text: str, chat_id: int, **kwargs: Any) -> SentMessage:
    """Send ``text`` as a user and wait for the bot's next message in that chat (``kwargs``:
    the sender, e.g. ``user_id`` or ``language_code``)."""
    before = len(api.sent_to(chat_id))
    api.send_text(text, chat_id=chat_id, **kwargs)
    return await api.wait_reply(chat_id, before)


async def ask_in_group(api: FakeBotAPI, command: str, group: int, user_id: int) -> SentMessage:
    """``user_id`` sends ``command`` in a supergroup, addressed to the bot as group members
    do (``/language@sitrep_test_bot ar``); the bot's reply."""
    name, _, rest = command.partition(" ")
    text = f"{name}@sitrep_test_bot {rest}".rstrip()
    return await ask(api, text, group, user_id=user_id, chat_type="supergroup")


async def press(
    api: FakeBotAPI,
    message: SentMessage,
    data: str,
    user_id: int | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Press a button as ``user_id`` (default: the chat's user) and wait until the bot has
    answered the callback query; the params of that answer."""
    answered = len(api.calls_of("answerCallbackQuery"))
    api.press(message, data, user_id=user_id, **kwargs)
    await api.wait_for(
        lambda: len(api.calls_of("answerCallbackQuery")) > answered, what="callback answered"
    )
    return api.calls_of("answerCallbackQuery")[answered].params


async def reply_to_pressing(
    api: FakeBotAPI, message: SentMessage, data: str, **kwargs: Any
) -> SentMessage:
    """Press a button under ``message``; the bot's next message in that chat."""
    before = len(api.sent_to(message.chat_id))
    await press(api, message, data, **kwargs)
    return await api.wait_reply(message.chat_id, before)


async def subscribe(api: FakeBotAPI, chat_id: int, place: str, **kwargs: Any) -> SentMessage:
    """Subscribe ``chat_id`` to ``place`` through /subscribe and, where several places have
    that name, the first one's button (waiting for the chooser to be edited); the reply."""
    choice = await ask(api, f"/subscribe {place}", chat_id, **kwargs)
    places = [data for _, data in choice.buttons if data.startswith("sub:place:")]
    if places:
        await press(api, choice, places[0], chat_id, **kwargs)
        await api.wait_for(lambda: bool(choice.edits), what=f"subscribed to {place}")
    return choice


async def wait_text(api: FakeBotAPI, chat_id: int, text: str) -> SentMessage:
    """Wait for the first message to ``chat_id`` containing ``text``; that message."""
    await api.wait_for(lambda: any(text in m.text for m in api.sent_to(chat_id)), what=text)
    return next(m for m in api.sent_to(chat_id) if text in m.text)


async def question(api: FakeBotAPI, before: int) -> SentMessage:
    """The reviewer's question (✏️) sent after the first ``before`` admin messages."""
    await api.wait_for(
        lambda: any(m.text.startswith("✏️") for m in api.sent_to(ADMIN_ID)[before:]),
        what="a question",
    )
    return next(m for m in api.sent_to(ADMIN_ID)[before:] if m.text.startswith("✏️"))


async def reply_to(
    api: FakeBotAPI,
    asked: SentMessage,
    text: str | None,
    *,
    user_id: int = ADMIN_ID,
    location: tuple[float, float] | None = None,
    language_code: str | None = None,
) -> SentMessage:
    """Answer one of the bot's questions by replying to it (with ``text`` or a shared
    ``location``); wait for the bot's next message."""
    chat_id = asked.chat_id
    update = api.message_update(
        text or "x", chat_id=chat_id, user_id=user_id, language_code=language_code
    )
    message = update["message"]
    message["reply_to_message"] = {
        "message_id": asked.message_id,
        "date": int(time.time()),
        "chat": message["chat"],
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Sitrep"},
        "text": asked.text,
    }
    if location is not None:
        message.pop("text")
        message["location"] = {"latitude": location[0], "longitude": location[1]}
    before = len(api.sent_to(chat_id))
    api.push_update(update)
    return await api.wait_reply(chat_id, before)
