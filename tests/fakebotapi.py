"""A fake Telegram Bot API HTTP server on 127.0.0.1 for handler and end-to-end tests.

It answers the methods Sitrep uses, records every call, feeds scripted updates to getUpdates
(long polling), and injects faults: 429 with retry_after, 500s, dropped connections, slow
answers, 403 for blocked chats, ``migrate_to_chat_id`` for upgraded groups, and (optionally)
Telegram's flood limits: one message per second per chat, thirty per second overall.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from tests.fakeserver import ThreadedFakeServer
from tests.fakeupdates import (
    BOT_ID,
    UpdateScript,
    admin_member_json,
    chat_json,
    inline_buttons,
    user_json,
)

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "TOKEN",
    "Call",
    "FakeBotAPI",
    "Fault",
    "SentMessage",
    "SentPhoto",
    "running",
]

BOT_USERNAME = "sitrep_test_bot"
TOKEN = "7000001:AAFakeTokenForTestsOnly_abcdefghijklmnop"


@dataclass
class Call:
    """One Bot API request the server saw."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


@dataclass
class SentMessage:
    """A message the bot sent (or edited) as the server stored it."""

    message_id: int
    chat_id: int
    text: str
    params: dict[str, Any]
    edits: list[str] = field(default_factory=list)

    @property
    def reply_to(self) -> int | None:
        """The message id this one replies to, if any."""
        reply = self.params.get("reply_parameters")
        if isinstance(reply, dict):
            value = reply.get("message_id")
            return int(value) if value is not None else None
        value = self.params.get("reply_to_message_id")
        return int(value) if value is not None else None

    @property
    def silent(self) -> bool:
        """True when sent with disable_notification."""
        return str(self.params.get("disable_notification", "")).lower() in ("true", "1")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback_data) of every inline button (a link button: its URL)."""
        return inline_buttons(self.params)


@dataclass
class SentPhoto:
    """A photo the bot uploaded (sendPhoto), with its bytes and caption."""

    message_id: int
    chat_id: int
    data: bytes
    caption: str
    params: dict[str, Any]


@dataclass
class Fault:
    """A planned failure for the next matching calls."""

    kind: str  # "429", "500", "reset", "slow", "403", "400"
    method: str | None = "sendMessage"
    chat_id: int | None = None
    count: int = 1
    retry_after: int = 1
    delay: float = 0.0
    description: str = ""


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Fields of a multipart/form-data body: text as str, uploaded files as bytes."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        fields[name] = data if part.get_filename() else data.decode("utf-8")
    return fields


class FakeBotAPI(UpdateScript, ThreadedFakeServer):
    """The server and its state; use as a context manager or call start()/stop()."""

    def __init__(self, *, enforce_limits: bool = False, per_chat_interval: float = 1.0) -> None:
        """Build the server; ``enforce_limits`` answers 429 when the bot floods."""
        super().__init__()
        self.enforce_limits = enforce_limits
        self.per_chat_interval = per_chat_interval
        self.overall_per_second = 30
        self.calls: list[Call] = []
        self.messages: list[SentMessage] = []
        self.photos: list[SentPhoto] = []
        self.venues: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.blocked_chats: set[int] = set()
        self.migrated: dict[int, int] = {}
        self.admins: dict[int, set[int]] = {}  # chat -> admin user ids
        self.limit_violations = 0
        self.webhook: dict[str, Any] | None = None  # what setWebhook stored, None = polling
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._incoming_ids = itertools.count(1)
        self._last_sent: dict[int, float] = {}
        self._recent: list[float] = []
        self._lock = threading.Condition()
        self._in_flight = 0  # requests being answered right now (guarded by _lock)

    # ---- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What to put in TELEGRAM_API_BASE_URL (the token is appended by PTB)."""
        return f"http://127.0.0.1:{self.port}/bot"

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """Answers Bot API calls from this fake's state."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                """Stay quiet."""

            def do_POST(self) -> None:
                """Answer one Bot API call."""
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server._lock:
                    server._in_flight += 1
                try:
                    server._handle(self, body)
                finally:
                    with server._lock:
                        server._in_flight -= 1
                        server._lock.notify_all()

            do_GET = do_POST

        return Handler

    def release_waiters(self) -> None:
        """Wake any long poll."""
        with self._lock:
            self._lock.notify_all()

    # ---- inspection ------------------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Messages sent to one chat, in order."""
        with self._lock:
            return [message for message in self.messages if message.chat_id == chat_id]

    def calls_of(self, method: str) -> list[Call]:
        """Recorded calls of one method."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    @property
    def pending_updates(self) -> int:
        """Updates not yet fetched by the bot."""
        with self._lock:
            return len(self._updates)

    async def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 30.0, what: str = "condition"
    ) -> None:
        """Wait (without blocking the event loop) until ``predicate()`` holds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                msg = f"timed out waiting for {what}"
                raise AssertionError(msg)
            await asyncio.sleep(0.02)

    async def wait_requests_answered(self, timeout: float = 30.0) -> None:
        """Wait until no request is being answered (late "slow" sends have been recorded)."""
        await self.wait_for(lambda: self._in_flight == 0, timeout, "the server to go idle")

    async def wait_messages(
        self, chat_id: int, count: int, timeout: float = 30.0
    ) -> list[SentMessage]:
        """Wait until ``chat_id`` has received at least ``count`` messages; return them."""
        await self.wait_for(
            lambda: len(self.sent_to(chat_id)) >= count, timeout, f"{count} messages to {chat_id}"
        )
        return self.sent_to(chat_id)

    async def wait_reply(self, chat_id: int, before: int, timeout: float = 30.0) -> SentMessage:
        """Wait for the next message after the first ``before`` ones to a chat."""
        messages = await self.wait_messages(chat_id, before + 1, timeout)
        return messages[before]

    async def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until every queued update has been fetched."""
        await self.wait_for(lambda: self.pending_updates == 0, timeout, "updates fetched")

    # ---- the HTTP side ---------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        path = handler.path.split("?", 1)[0]
        method = path.rsplit("/", 1)[-1]
        params = self._params(handler, body)
        fault = self._take_fault(method, params)
        if fault is not None and fault.kind == "reset":
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(2)
            self._record(method, params, 0)
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        status, payload = (
            self._fault_answer(fault)
            if fault and fault.kind != "slow"
            else self._answer(method, params)
        )
        self._record(method, params, status)
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        with contextlib.suppress(OSError):
            handler.wfile.write(data)

    def _record(self, method: str, params: dict[str, Any], status: int) -> None:
        with self._lock:
            self.calls.append(Call(method, params, time.monotonic(), status))

    @staticmethod
    def _params(handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
        content_type = handler.headers.get("Content-Type", "")
        raw: dict[str, Any] = {}
        if "json" in content_type and body:
            raw = json.loads(body)
        elif content_type.startswith("multipart/form-data") and body:
            raw = _multipart(content_type, body)
        elif body:
            raw = {key: values[-1] for key, values in parse_qs(body.decode()).items()}
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, str) and value[:1] in "[{":
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
        return params

    def _take_fault(
        self, method: str, params: dict[str, Any], kinds: tuple[str, ...] | None = None
    ) -> Fault | None:
        """Take the first fault matching the call (and one of ``kinds`` when given)."""
        with self._lock:
            chat = params.get("chat_id")
            for fault in self.faults:
                if kinds is not None and fault.kind not in kinds:
                    continue
                if fault.method is not None and fault.method != method:
                    continue
                if fault.chat_id is not None and str(fault.chat_id) != str(chat):
                    continue
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    @staticmethod
    def _fault_answer(fault: Fault) -> tuple[int, dict[str, Any]]:
        if fault.kind == "429":
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {fault.retry_after}",
                "parameters": {"retry_after": fault.retry_after},
            }
        if fault.kind == "403":
            text = fault.description or "Forbidden: bot was blocked by the user"
            return 403, {"ok": False, "error_code": 403, "description": text}
        if fault.kind == "400":
            text = fault.description or "Bad Request: can't parse entities"
            return 400, {"ok": False, "error_code": 400, "description": text}
        return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            if method.startswith(("set", "delete")):
                return 200, {"ok": True, "result": True}
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        return handler(params)  # type: ignore[no-any-return]

    def _ok(self, result: Any) -> tuple[int, dict[str, Any]]:
        return 200, {"ok": True, "result": result}

    def _api_getMe(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._ok(
            {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Sitrep",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )

    def _api_getUpdates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        with self._lock:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._lock.wait(timeout=max(0.0, deadline - time.monotonic()))
            batch = list(self._updates[:100])
        return self._ok(batch)

    def _api_setMyCommands(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.commands.append(params)
        return self._ok(True)

    def _api_setWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.webhook = dict(params)
        return self._ok(True)

    def _api_deleteWebhook(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.webhook = None
            if str(params.get("drop_pending_updates", "")).lower() in ("true", "1"):
                self._updates.clear()
        return self._ok(True)

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            webhook = dict(self.webhook or {})
            pending = len(self._updates)
        info: dict[str, Any] = {
            "url": str(webhook.get("url", "")),
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }
        if webhook:
            info["max_connections"] = int(webhook.get("max_connections") or 40)
            if webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = webhook["allowed_updates"]
            if webhook.get("last_error_message"):
                info["last_error_date"] = int(time.time()) - 60
                info["last_error_message"] = webhook["last_error_message"]
        return self._ok(info)

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._ok(True)

    def _flood_check(self, chat_id: int) -> tuple[int, dict[str, Any]] | None:
        if not self.enforce_limits:
            return None
        now = time.monotonic()
        with self._lock:
            self._recent = [t for t in self._recent if t > now - 1.0]
            last = self._last_sent.get(chat_id)
            # 5% tolerance for clock granularity between client and server.
            too_fast = last is not None and now - last < self.per_chat_interval * 0.95
            if too_fast or len(self._recent) >= self.overall_per_second:
                self.limit_violations += 1
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                }
            self._last_sent[chat_id] = now
            self._recent.append(now)
        return None

    def _api_sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        if chat_id in self.migrated:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": self.migrated[chat_id]},
            }
        if chat_id in self.blocked_chats:
            return 403, {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            }
        text = str(params.get("text", ""))
        if not text.strip():
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: text empty"}
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message is too long",
            }
        flood = self._flood_check(chat_id)
        if flood is not None:
            return flood
        with self._lock:
            message = SentMessage(next(self._message_ids), chat_id, text, params)
            self.messages.append(message)
        return self._ok(self._message_json(message))

    def _api_sendPhoto(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        data = params.get("photo")
        if not isinstance(data, bytes) or not data:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: no photo"}
        caption = str(params.get("caption", ""))
        if len(caption) > 1024:
            return 400, {"ok": False, "error_code": 400, "description": "caption is too long"}
        with self._lock:
            photo = SentPhoto(next(self._message_ids), chat_id, data, caption, params)
            self.photos.append(photo)
        result = self._message_json(SentMessage(photo.message_id, chat_id, caption, params))
        result.pop("text")
        result["caption"] = caption
        result["photo"] = [
            {"file_id": f"photo{photo.message_id}", "file_unique_id": "u", "width": 1, "height": 1}
        ]
        return self._ok(result)

    def _api_sendVenue(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        for key in ("latitude", "longitude", "title", "address"):
            if key not in params:
                return 400, {"ok": False, "error_code": 400, "description": f"{key} missing"}
        with self._lock:
            self.venues.append(params)
            message_id = next(self._message_ids)
        result = self._message_json(SentMessage(message_id, chat_id, "", params))
        result.pop("text")
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        result["venue"] = {
            "location": location,
            "title": params["title"],
            "address": params["address"],
        }
        result["location"] = location
        return self._ok(result)

    def photos_to(self, chat_id: int) -> list[SentPhoto]:
        """Photos sent to one chat, in order."""
        with self._lock:
            return [photo for photo in self.photos if photo.chat_id == chat_id]

    def _message_json(self, message: SentMessage) -> dict[str, Any]:
        chat_type = "private" if message.chat_id > 0 else "supergroup"
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": chat_json(message.chat_id, chat_type),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Sitrep"},
            "text": message.edits[-1] if message.edits else message.text,
        }
        return result

    def _api_editMessageText(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        message_id = int(params["message_id"])
        with self._lock:
            for message in self.messages:
                if message.chat_id == chat_id and message.message_id == message_id:
                    message.edits.append(str(params.get("text", "")))
                    if "reply_markup" in params:
                        message.params["reply_markup"] = params["reply_markup"]
                    else:
                        message.params.pop("reply_markup", None)
                    return self._ok(self._message_json(message))
        return 400, {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message to edit not found",
        }

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        message_id = int(params["message_id"])
        with self._lock:
            for message in self.messages:
                if message.chat_id == chat_id and message.message_id == message_id:
                    message.params["reply_markup"] = params.get("reply_markup")
                    return self._ok(self._message_json(message))
        return 400, {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message to edit not found",
        }

    def _api_getChatMember(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        user_id = int(params["user_id"])
        user = user_json(user_id)
        if user_id in self.admins.get(chat_id, set()):
            return self._ok(admin_member_json(user))
        return self._ok({"status": "member", "user": user})

    def _api_getChat(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = int(params["chat_id"])
        chat = chat_json(chat_id, "private" if chat_id > 0 else "supergroup")
        chat["accent_color_id"] = 0
        chat["max_reaction_count"] = 11
        return self._ok(chat)


@contextlib.contextmanager
def running(**kwargs: Any) -> Iterator[FakeBotAPI]:
    """A started FakeBotAPI, stopped on exit."""
    with FakeBotAPI(**kwargs) as server:
        yield server
