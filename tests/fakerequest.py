"""The one fake Bot API request: a real PTB ``Bot`` talks to it in-process and it records.

Handler tests drive a real Application over it (``tests/unit/handlers/conftest.py``); tests that
need real HTTP, faults or timing use the fake server in ``tests/fakebotapi.py`` instead.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

from handlers.console import LocalRequest
from tests.fakeupdates import inline_buttons

BOT_ID = 4242
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Sitrep", "username": "sitrep_bot"}


@dataclass
class Sent:
    """One call the bot made."""

    method: str
    params: dict[str, Any]
    message_id: int | None = None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data) of every inline button (a link button: its URL)."""
        return inline_buttons(self.params)


class RecordingRequest(LocalRequest):
    """Answers the Bot API like Telegram would and records every call."""

    def __init__(self) -> None:
        self.calls: list[Sent] = []
        self.members: dict[tuple[int, int], str] = {}
        self.fail_edits = False
        self._ids = itertools.count(1)

    async def respond(self, api: str, params: dict[str, Any]) -> tuple[int, bytes]:
        sent = Sent(api, params)
        self.calls.append(sent)
        result: Any = True
        if api == "editMessageText" and self.fail_edits:
            body = {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message can't be edited",
            }
            return 400, json.dumps(body).encode()
        if api == "getMe":
            result = BOT_USER
        elif api in ("sendMessage", "editMessageText"):
            sent.message_id = (
                int(params["message_id"]) if api == "editMessageText" else next(self._ids)
            )
            chat_id = int(params["chat_id"])
            result = {
                "message_id": sent.message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "text": params.get("text", ""),
            }
        elif api in ("sendPhoto", "sendVenue"):
            sent.message_id = next(self._ids)
            result = {
                "message_id": sent.message_id,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
            }
        elif api == "getChatMember":
            key = (int(params["chat_id"]), int(params["user_id"]))
            status = self.members.get(key, "member")
            user = {"id": key[1], "is_bot": False, "first_name": "U"}
            if status == "creator":
                result = {"status": "creator", "user": user, "is_anonymous": False}
            else:
                result = {"status": "member", "user": user}
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [
            call.text
            for call in self.calls
            if call.method in ("sendMessage", "editMessageText")
            and (chat_id is None or int(call.params["chat_id"]) == chat_id)
        ]

    def sent(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call to one Bot API method, in order."""
        return [call.params for call in self.calls if call.method == method]
