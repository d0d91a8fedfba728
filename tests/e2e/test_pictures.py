"""Charts and maps end to end: the application polling the fake Bot API, tiles on 127.0.0.1."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bot.config import Settings
from bot.domain.visuals import IncidentMap, MapPoint
from bot.services.periods import parse_period
from tests.e2e.conftest import ADMIN_ID, FIRST_REPORT, RunningBot, e2e_settings
from tests.e2e.talk import ask
from tests.fakebotapi import FakeBotAPI
from tests.httpserver import LocalHTTPServer
from tests.tiles import TILE_TEMPLATE_PATH, serve_tiles_for

USER = 502


@pytest.fixture
def settings(api: FakeBotAPI, tmp_path: Path, http_server: LocalHTTPServer) -> Settings:
    """The e2e settings plus a tile server on 127.0.0.1."""
    return e2e_settings(
        api,
        tmp_path,
        SITREP_DATA_DIR=str(tmp_path / "data"),
        SITREP_TILE_URL=http_server.url(TILE_TEMPLATE_PATH),
        SITREP_ALLOW_PRIVATE_FETCH="true",
    )


async def ingest_basra(api: FakeBotAPI, bot: RunningBot) -> IncidentMap:
    """The admin ingests a report; return the map points /map Basra will draw."""
    answer = await ask(api, f"/ingest {FIRST_REPORT}", ADMIN_ID)
    assert "New incidents: 1" in answer.text
    incident = await bot.context.storage.incidents.get(1)
    assert incident is not None
    assert incident.location.lat is not None
    assert incident.location.lon is not None
    return IncidentMap(
        title="Basra",
        period=parse_period("30d", bot.context.clock.now(), "Asia/Baghdad"),
        points=[MapPoint(lat=incident.location.lat, lon=incident.location.lon, name="Basra")],
    )


class TestPictures:
    async def test_stats_button_then_map(
        self, api: FakeBotAPI, bot: RunningBot, http_server: LocalHTTPServer
    ) -> None:
        points = await ingest_basra(api, bot)
        chooser = await ask(api, "/stats Basra 30d", USER)
        city = next(data for _, data in chooser.buttons if data.startswith("st:p:"))
        api.press(chooser, city, user_id=USER)
        await api.wait_for(lambda: len(api.photos_to(USER)) == 1, what="the stats chart")
        chart = api.photos_to(USER)[0]
        assert Image.open(io.BytesIO(chart.data)).size == (1280, 960)

        serve_tiles_for(http_server, points)
        api.send_text("/map Basra", chat_id=USER)
        await api.wait_for(lambda: len(api.photos_to(USER)) == 2, what="the map")
        drawn = api.photos_to(USER)[1]
        assert Image.open(io.BytesIO(drawn.data)).size == (1024, 768)
        assert "Basra" in drawn.caption

    async def test_a_question_and_a_tile_failure(
        self, api: FakeBotAPI, bot: RunningBot, http_server: LocalHTTPServer
    ) -> None:
        points = await ingest_basra(api, bot)
        serve_tiles_for(http_server, points, status=500)
        before = len(api.sent_to(USER))
        api.send_text("map of Basra in the past 30 days", chat_id=USER)
        messages = await api.wait_messages(USER, before + 2)
        assert messages[before].text.startswith("🔎 Showing: map of Basra")
        assert "couldn't draw the map" in messages[before + 1].text
        assert api.photos_to(USER) == []
