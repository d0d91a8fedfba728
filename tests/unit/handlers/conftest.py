"""A real PTB Application over a recording fake request, on real SQLite, for handler tests."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import AppContext, build_application, open_context
from bot.config import Settings
from bot.domain import (
    ActorRef,
    ActorType,
    CasualtyCount,
    CountStatus,
    GeoPrecision,
    Incident,
    Location,
    SourceRef,
    SubEventType,
)
from tests.fakerequest import RecordingRequest, Sent
from tests.fakes import MutableClock, ScriptedExtractor

ADMIN_ID = 900
START = dt.datetime(2024, 5, 10, 9, 0, tzinfo=dt.UTC)
TOKEN = "4242:AAHandlerTestsTokenNotRealAtAll_0123456789"


@dataclass
class Harness:
    """Drives the application with updates and shows what it sent."""

    app: Any
    request: RecordingRequest
    context: AppContext
    clock: MutableClock
    extractor: ScriptedExtractor
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def _chat(self, chat_id: int, chat_type: str) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Ops room"
        return chat

    async def send(
        self,
        text: str,
        *,
        chat_id: int = 1,
        user_id: int | None = None,
        chat_type: str = "private",
        extra: dict[str, Any] | None = None,
        edited: bool = False,
    ) -> list[Sent]:
        """A user types (or edits a message into) ``text``; return the bot's calls."""
        before = len(self.request.calls)
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type),
            "from": {
                "id": user_id if user_id is not None else chat_id,
                "is_bot": False,
                "first_name": "U",
            },
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message.update(extra or {})
        kind = "edited_message" if edited else "message"
        if edited:
            message["edit_date"] = int(time.time())
        update = Update.de_json({"update_id": next(self._ids), kind: message}, self.app.bot)
        await self.app.process_update(update)
        return self.request.calls[before:]

    async def press(
        self, data: str, *, chat_id: int = 1, user_id: int | None = None, message_id: int = 1
    ) -> list[Sent]:
        """A user presses a button with callback data ``data``."""
        before = len(self.request.calls)
        chat_type = "private" if chat_id > 0 else "supergroup"
        update = Update.de_json(
            {
                "update_id": next(self._ids),
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": {"id": user_id or chat_id, "is_bot": False, "first_name": "U"},
                    "chat_instance": "x",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": self._chat(chat_id, chat_type),
                        "text": "old",
                    },
                },
            },
            self.app.bot,
        )
        await self.app.process_update(update)
        return self.request.calls[before:]

    async def ingest(self, marker: str, incident: Incident) -> None:
        """Store an incident through the real ingestion service."""
        self.extractor.script(marker, [incident])
        await self.context.services.ingestion.ingest_text(
            f"Report {marker}: something happened.",
            url=f"https://news.example/{marker}",
            outlet="Example <News>",
        )


def basra_incident(
    killed: int = 3,
    *,
    summary: str = "Gunmen clashed near a checkpoint.",
    day: dt.date = dt.date(2024, 5, 9),
) -> Incident:
    """A clash in Basra city (GeoNames id of Basra)."""
    return Incident(
        date=day,
        location=Location(
            name="Basra",
            geonames_id=99532,
            admin1="Basra",
            admin1_code="IQ-BA",
            country="IQ",
            geo_precision=GeoPrecision.POINT,
        ),
        actors=[
            ActorRef(
                id="asaib-ahl-al-haq", name="Asaib Ahl al-Haq", type=ActorType.POLITICAL_MILITIA
            )
        ],
        event_type=SubEventType.ARMED_CLASH.event_type,
        sub_event_type=SubEventType.ARMED_CLASH,
        killed=CasualtyCount(min=killed, max=killed, status=CountStatus.EXACT, source="police"),
        summary=summary,
        sources=[SourceRef(url="https://news.example/a", outlet="Example <News>")],
    )


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "SITREP_DATABASE": str(tmp_path / "bot.sqlite3"),
        "SITREP_TIMEZONE": "Asia/Baghdad",
        "SITREP_ADMIN_IDS": str(ADMIN_ID),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running_harness(settings: Settings) -> AsyncIterator[Harness]:
    """The real application over a recording request (no polling, no dispatcher task)."""
    clock = MutableClock(START)
    extractor = ScriptedExtractor()
    context = await open_context(settings, clock=clock, extractor=extractor)
    request = RecordingRequest()
    app = build_application(
        settings,
        context,
        request=request,
        get_updates_request=RecordingRequest(),
        rate_limiter=False,
    )
    await app.initialize()
    try:
        yield Harness(app, request, context, clock, extractor)
    finally:
        await app.shutdown()
        await context.close()


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """The real application over a recording request, with the test settings."""
    async with running_harness(make_settings(tmp_path)) as harness:
        yield harness
