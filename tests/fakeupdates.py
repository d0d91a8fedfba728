"""Updates a test scripts for the fake Bot API: messages, button presses, membership changes.

Mixed into ``tests.fakebotapi.FakeBotAPI``, whose getUpdates hands them to the bot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from handlers.console import command_entities

if TYPE_CHECKING:
    from tests.fakebotapi import SentMessage

BOT_ID = 7_000_001


def user_json(
    user_id: int,
    first_name: str = "Test",
    username: str | None = None,
    language_code: str | None = None,
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def inline_buttons(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, callback data or URL) of every inline button in a sent message's params."""
    markup = params.get("reply_markup")
    if not isinstance(markup, dict):
        return []
    return [
        (str(button.get("text")), str(button.get("callback_data", button.get("url", ""))))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]


def chat_json(chat_id: int, chat_type: str, title: str | None = None) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = "Test"
    else:
        chat["title"] = title or f"Group {chat_id}"
    return chat


def admin_member_json(user: dict[str, Any]) -> dict[str, Any]:
    rights = [
        "can_be_edited",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
    ]
    member: dict[str, Any] = {"status": "administrator", "user": user, "is_anonymous": False}
    member.update(dict.fromkeys(rights, False))
    member["can_manage_chat"] = True
    return member


class UpdateScript:
    """Builds updates as Telegram would send them and queues them for getUpdates."""

    _lock: threading.Condition
    _updates: list[dict[str, Any]]
    _update_ids: Iterator[int]
    _incoming_ids: Iterator[int]

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update for getUpdates; return its update_id."""
        with self._lock:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self._lock.notify_all()
        return update_id

    def message_update(
        self,
        text: str,
        *,
        chat_id: int,
        user_id: int | None = None,
        chat_type: str = "private",
        forward_from_chat: dict[str, Any] | None = None,
        sender_chat_id: int | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """A message update (commands get a bot_command entity, like real clients send);
        ``language_code`` is the sender's Telegram interface language."""
        user_id = chat_id if user_id is None else user_id
        message: dict[str, Any] = {
            "message_id": next(self._incoming_ids),
            "date": int(time.time()),
            "chat": chat_json(chat_id, chat_type),
            "text": text,
        }
        if sender_chat_id is not None:
            message["sender_chat"] = chat_json(sender_chat_id, chat_type)
            message["from"] = {"id": 1087968824, "is_bot": True, "first_name": "Group"}
        else:
            message["from"] = user_json(user_id, language_code=language_code)
        if text.startswith("/"):
            message["entities"] = command_entities(text)
        if forward_from_chat is not None:
            message["forward_origin"] = {
                "type": "channel",
                "chat": forward_from_chat,
                "message_id": 1,
                "date": int(time.time()) - 60,
            }
        return {"message": message}

    def send_text(self, text: str, *, chat_id: int, **kwargs: Any) -> int:
        """A user types ``text`` in ``chat_id``."""
        return self.push_update(self.message_update(text, chat_id=chat_id, **kwargs))

    def press(
        self,
        message: SentMessage,
        data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = None,
    ) -> int:
        """A user presses the inline button with ``data`` under one of the bot's messages."""
        user_id = message.chat_id if user_id is None else user_id
        chat_type = "private" if message.chat_id > 0 else "supergroup"
        return self.push_update(
            {
                "callback_query": {
                    "id": str(next(self._incoming_ids)),
                    "from": user_json(user_id, language_code=language_code),
                    "chat_instance": str(message.chat_id),
                    "data": data,
                    "message": {
                        "message_id": message.message_id,
                        "date": int(time.time()),
                        "chat": chat_json(message.chat_id, chat_type),
                        "text": message.text,
                        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Sitrep"},
                    },
                }
            }
        )

    def member_update(
        self, *, chat_id: int, new_status: str, old_status: str, chat_type: str = "private"
    ) -> int:
        """The bot's own membership changed (blocked, kicked, added back)."""

        def member(status: str) -> dict[str, Any]:
            bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Sitrep"}
            if status == "kicked":
                return {"status": "kicked", "user": bot_user, "until_date": 0}
            return {"status": status, "user": bot_user}

        return self.push_update(
            {
                "my_chat_member": {
                    "chat": chat_json(chat_id, chat_type),
                    "from": user_json(abs(chat_id)),
                    "date": int(time.time()),
                    "old_chat_member": member(old_status),
                    "new_chat_member": member(new_status),
                }
            }
        )
