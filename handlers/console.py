"""The console chat: the real PTB Application and handlers over an in-process fake Bot API.

``ConsoleRequest`` answers the Bot API methods the bot calls and prints what the bot sends as
plain text; the inline buttons of the latest message become numbered choices the user presses
by typing the number. ``TerminalInput`` reads the keyboard with prompt_toolkit: line editing,
history kept across sessions, Ctrl-C to drop a line (or leave, on an empty one).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.patch_stdout import patch_stdout
from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from handlers.html import to_plain

CONSOLE_CHAT_ID = 1
CONSOLE_USER_ID = 1
CONSOLE_BOT_ID = 100
CONSOLE_TOKEN = "100:console-chat-without-telegram"  # noqa: S105 - never leaves the process

MAX_BUTTON_DIGITS = 2  # "1".."99" press a button; longer numbers are ordinary text
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# /stats without a period looks past the quiet last week to the (older) demo reports.
DEMO_TOUR = ("/help", "/latest", "/city Basra", "/faction AAH", "/incident 1", "/stats")


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram attaches to a message that opens with ``/command``
    (its length counted in UTF-16 code units, as the Bot API counts)."""
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]


@dataclass
class Choice:
    """A numbered inline button the console user can press."""

    number: int
    text: str
    data: str
    message_id: int


class LocalRequest(BaseRequest):
    """A Bot API answered in this process: each call arrives as its method name and parameters.

    Subclasses answer in ``respond``; uploaded files (sendPhoto) arrive as their bytes under the
    parameter's name. The console uses it, and so does the tests' recording request.
    """

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        """No network, no timeout."""
        return None

    async def do_request(  # noqa: PLR0917 - BaseRequest's signature
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Hand one Bot API call to ``respond``."""
        api_method = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            for name, upload in (request_data.multipart_data or {}).items():
                params[name] = upload[1]
        return await self.respond(api_method, params)

    async def respond(self, api_method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        """The HTTP status and JSON body Telegram would send for this call."""
        raise NotImplementedError


class ConsoleRequest(LocalRequest):
    """A fake Bot API in the same process: prints messages, answers like Telegram would."""

    def __init__(self, write: Callable[[str], None], picture_dir: Path | None = None) -> None:
        """Print through ``write`` (click.echo in the CLI, a list in tests).

        Pictures (charts, maps) are saved under ``picture_dir`` (default: the temp folder).
        """
        self._write = write
        self._message_ids = itertools.count(1)
        self.choices: list[Choice] = []  # the buttons of the latest message only
        self.latest_message_id = 0
        self.sent = 0
        self.picture_dir = picture_dir or Path(tempfile.gettempdir()) / "sitrep-console"

    async def respond(self, api_method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        """Answer one Bot API call (and print what a person would see)."""
        result = self._answer(api_method, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": CONSOLE_BOT_ID,
            "is_bot": True,
            "first_name": "Sitrep",
            "username": "sitrep_console_bot",
        }

    def _message(self, message_id: int, chat_id: int, text: str) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "You"},
            "from": self._bot_user(),
            "text": text,
        }

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return self._bot_user()
        if method in ("sendMessage", "editMessageText"):
            edited = method == "editMessageText"
            message_id = int(params["message_id"]) if edited else next(self._message_ids)
            self._show(message_id, str(params.get("text", "")), params, edited=edited)
            return self._message(message_id, int(params.get("chat_id", CONSOLE_CHAT_ID)), "")
        if method == "sendPhoto":
            message_id = next(self._message_ids)
            path = self._save_picture(message_id, params.get("photo"))
            caption = str(params.get("caption", ""))
            self._show(message_id, f"[picture: {path}]\n{caption}", params, edited=False)
            return self._message(message_id, int(params.get("chat_id", CONSOLE_CHAT_ID)), "")
        if method == "sendVenue":
            message_id = next(self._message_ids)
            place = f"📍 {params.get('title')}, {params.get('address')}"
            where = f"({params.get('latitude')}, {params.get('longitude')})"
            self._show(message_id, f"{place} {where}", params, edited=False)
            return self._message(message_id, int(params.get("chat_id", CONSOLE_CHAT_ID)), "")
        if method == "answerCallbackQuery":
            text = params.get("text")
            if text:
                self._write(f"  [{text}]")
            return True
        if method == "getChatMember":
            user: dict[str, Any] = {"id": int(params.get("user_id", CONSOLE_USER_ID))}
            user.update(is_bot=False, first_name="You")
            return {"status": "creator", "user": user, "is_anonymous": False}
        if method == "getUpdates":
            return []
        return True

    def _save_picture(self, message_id: int, data: object) -> str:
        """Charts and maps go to files the console user can open (a terminal shows no PNG)."""
        if not isinstance(data, bytes):
            return "(no picture)"
        folder = self.picture_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"picture-{os.getpid()}-{message_id}.png"
        path.write_bytes(data)
        return str(path)

    def say(self, text: str) -> None:
        """A line from the console itself (not from the bot)."""
        self._write(f"console: {text}\n")

    def _show(self, message_id: int, text: str, params: dict[str, Any], *, edited: bool) -> None:
        self.sent += 1
        head = "bot (edited):" if edited else "bot:"
        if isinstance(params.get("reply_parameters"), dict):
            head = "bot (replying to its earlier message):"
        body = to_plain(text).strip()
        lines = [head, *("  " + line if line else "" for line in body.splitlines())]
        markup = params.get("reply_markup")
        buttons = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        flat = [button for row in buttons for button in row if "callback_data" in button]
        if not edited:
            self.latest_message_id = message_id
        if message_id == self.latest_message_id:
            # A bare number presses a button of the latest message, never of an older one.
            self.choices = [
                Choice(number, str(button["text"]), str(button["callback_data"]), message_id)
                for number, button in enumerate(flat, start=1)
            ]
        if flat:
            lines.append(
                "  "
                + "  ".join(
                    f"[{number}] {button['text']}" for number, button in enumerate(flat, start=1)
                )
            )
        self._write("\n".join(lines) + "\n")


class ConsoleChat:
    """Feeds typed lines to the Application as updates from the console user."""

    def __init__(self, application: AnyApplication, request: ConsoleRequest) -> None:
        """Drive ``application`` (built with ``request`` as its Bot API)."""
        self.application = application
        self.request = request
        self._ids = itertools.count(1)

    def _user(self) -> dict[str, Any]:
        return {"id": CONSOLE_USER_ID, "is_bot": False, "first_name": "You"}

    def _chat(self) -> dict[str, Any]:
        return {"id": CONSOLE_CHAT_ID, "type": "private", "first_name": "You"}

    def update_for(self, line: str) -> Update | None:
        """The Telegram update a typed line stands for (a message or a button press)."""
        text = line.strip()
        if not text:
            return None
        bot = self.application.bot
        if text.isdigit() and self.request.choices:
            number = int(text)
            for choice in self.request.choices:
                if choice.number == number:
                    data = {
                        "update_id": next(self._ids),
                        "callback_query": {
                            "id": str(next(self._ids)),
                            "from": self._user(),
                            "chat_instance": "console",
                            "data": choice.data,
                            "message": {
                                "message_id": choice.message_id,
                                "date": int(time.time()),
                                "chat": self._chat(),
                                "text": choice.text,
                            },
                        },
                    }
                    return Update.de_json(data, bot)
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self._chat(),
            "from": self._user(),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = command_entities(text)
        return Update.de_json({"update_id": next(self._ids), "message": message}, bot)

    async def send(self, line: str) -> None:
        """Process one typed line through the application's handlers."""
        missing = self._missing_button(line.strip())
        if missing is not None:
            self.request.say(missing)
            return
        update = self.update_for(line)
        if update is not None:
            await self.application.process_update(update)

    def _missing_button(self, text: str) -> str | None:
        """A short number is a button press; say so when that button does not exist."""
        if not (text.isdigit() and len(text) <= MAX_BUTTON_DIGITS):
            return None
        numbers = [choice.number for choice in self.request.choices]
        if int(text) in numbers:
            return None
        if not numbers:
            return "There are no buttons to press here."
        return f"There is no button {int(text)} here; press 1 to {max(numbers)}."

    async def run_lines(
        self, lines: Iterable[str], echo: Callable[[str], None], settle: float = 0.15
    ) -> None:
        """Non-interactive: send each line (echoed as the user's), then let alerts go out."""
        for line in lines:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            echo(f"you: {line.strip()}")
            await self.send(line)
            await self._settle(settle)

    async def _settle(self, quiet: float, rounds: int = 20) -> None:
        """Wait until the bot has been silent for ``quiet`` seconds (alerts go out async)."""
        for _ in range(rounds):
            seen = self.request.sent
            await asyncio.sleep(quiet)
            if self.request.sent == seen:
                return

    async def run_terminal(self, terminal: TerminalInput, echo: Callable[[str], None]) -> None:
        """Chat at a terminal: what the bot prints appears above the line being typed."""
        with patch_stdout(raw=True):
            await self.run_interactive(terminal.read_line, echo)

    async def run_interactive(
        self, read_line: Callable[[], Awaitable[str | None]], echo: Callable[[str], None]
    ) -> None:
        """Read lines until EOF, /quit or Ctrl+C."""
        echo(
            "Console chat with Sitrep. Type /help, a command, or a button's number. "
            "Arrow keys edit and recall earlier lines; Ctrl-C drops a line; /quit or Ctrl-D ends."
        )
        while True:
            line = await read_line()
            if line is None or line.strip() in ("/quit", "/exit", "quit", "exit"):
                return
            await self.send(line)


class TerminalInput:
    """Keyboard input with line editing and a history file (prompt_toolkit)."""

    def __init__(
        self,
        history: Path | None,
        *,
        input: Input | None = None,
        output: Output | None = None,
    ) -> None:
        """Keep the history in ``history`` (None: this session only)."""
        if history is not None:
            history.parent.mkdir(parents=True, exist_ok=True)
        self._session: PromptSession[str] = PromptSession(
            history=FileHistory(str(history)) if history is not None else InMemoryHistory(),
            input=input,
            output=output,
        )

    async def read_line(self) -> str | None:
        """The next line; None at Ctrl-D, or at Ctrl-C on an empty line.

        Ctrl-C with text typed drops that text and asks again, as a shell does.
        """
        while True:
            try:
                return await self._session.prompt_async("you: ")
            except EOFError:
                return None
            except KeyboardInterrupt:
                if not self._session.default_buffer.text.strip():
                    return None
