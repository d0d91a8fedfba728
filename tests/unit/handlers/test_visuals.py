"""Pictures and questions through the real application: /stats chart, /map, venues, questions."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from bot.domain import Incident
from bot.domain.views import Period
from bot.domain.visuals import IncidentMap, MapPoint
from bot.services.periods import parse_period
from tests.fakerequest import Sent
from tests.httpserver import LocalHTTPServer
from tests.tiles import TILE_TEMPLATE_PATH, serve_tiles_for, tile_requests
from tests.unit.handlers.conftest import (
    START,
    Harness,
    basra_incident,
    make_settings,
    running_harness,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BASRA = (30.50852, 47.7804)


def located(killed: int = 3, day: dt.date = dt.date(2024, 5, 9)) -> Incident:
    incident = basra_incident(killed, day=day)
    incident.location = incident.location.model_copy(update={"lat": BASRA[0], "lon": BASRA[1]})
    return incident


@pytest.fixture
async def bot(tmp_path: Path, http_server: LocalHTTPServer) -> AsyncIterator[Harness]:
    """The application with its tile server on 127.0.0.1 (private fetching allowed)."""
    settings = make_settings(
        tmp_path,
        SITREP_TILE_URL=http_server.url(TILE_TEMPLATE_PATH),
        SITREP_ALLOW_PRIVATE_FETCH="true",
        SITREP_DATA_DIR=str(tmp_path / "data"),
    )
    async with running_harness(settings) as harness:
        yield harness


def photos(calls: list[Sent]) -> list[Sent]:
    return [call for call in calls if call.method == "sendPhoto"]


def texts(calls: list[Sent]) -> list[str]:
    return [call.text for call in calls if call.method == "sendMessage"]


def assert_real_png(data: object, size: tuple[int, int]) -> None:
    assert isinstance(data, bytes)
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == size
    assert max(ImageStat.Stat(image).stddev) > 15


def basra_map_points() -> IncidentMap:
    """The points /map Basra draws for the incidents these tests store (one spot)."""
    return IncidentMap(
        title="Basra",
        period=located_period(),
        points=[MapPoint(lat=BASRA[0], lon=BASRA[1], name="Basra")],
    )


def located_period() -> Period:
    return parse_period("30d", START, "Asia/Baghdad")


class TestStatsChart:
    async def test_stats_sends_numbers_then_a_chart(self, bot: Harness) -> None:
        await bot.ingest("A", located(3))
        await bot.ingest("B", located(2, day=dt.date(2024, 5, 6)))
        chooser = await bot.send("/stats Basra 7d")  # the city or the governorate?
        city = next(data for _, data in chooser[0].buttons if data.startswith("st:p:"))
        calls = await bot.press(city)
        calls = [call for call in calls if call.method != "answerCallbackQuery"]
        assert [call.method for call in calls] == ["sendMessage", "sendPhoto"]
        assert "5" in calls[0].text  # killed in the period
        assert_real_png(calls[1].params["photo"], (1280, 960))
        assert "per day" in str(calls[1].params["caption"])

    async def test_the_stats_button_also_sends_the_chart(self, bot: Harness) -> None:
        await bot.ingest("A", located(3))
        calls = await bot.send("/city Basra 30d")
        stats = next(data for _, data in calls[-1].buttons if data.startswith("st:"))
        pressed = await bot.press(stats)
        assert len(photos(pressed)) == 1

    async def test_nothing_to_draw_sends_only_the_numbers(self, bot: Harness) -> None:
        calls = await bot.send("/stats Basra 7d")
        assert photos(calls) == []
        assert texts(calls)


class TestIncidentLocation:
    async def test_the_place_is_offered_and_sent_as_a_venue(self, bot: Harness) -> None:
        await bot.ingest("A", located())
        calls = await bot.send("/incident 1")
        assert ("📍 Show on the map", "loc:1") in calls[0].buttons
        pressed = await bot.press("loc:1")
        venue = next(call for call in pressed if call.method == "sendVenue")
        assert float(venue.params["latitude"]) == pytest.approx(BASRA[0])
        assert float(venue.params["longitude"]) == pytest.approx(BASRA[1])
        assert "Basra" in str(venue.params["title"])

    async def test_no_coordinates_no_button(self, bot: Harness) -> None:
        await bot.ingest("A", basra_incident())
        calls = await bot.send("/incident 1")
        assert not any(data.startswith("loc:") for _, data in calls[0].buttons)


class TestMapCommand:
    async def test_map_of_a_city_is_a_photo_from_the_tile_server(
        self, bot: Harness, http_server: LocalHTTPServer
    ) -> None:
        await bot.ingest("A", located(4))
        count = serve_tiles_for(http_server, basra_map_points())
        calls = await bot.send("/map Basra")
        [photo] = photos(calls)
        assert_real_png(photo.params["photo"], (1024, 768))
        caption = str(photo.params["caption"])
        assert "Basra" in caption
        assert "4 killed" in caption
        assert len(tile_requests(http_server)) == count

    async def test_tiles_that_cannot_be_fetched_give_a_text_answer(
        self, bot: Harness, http_server: LocalHTTPServer
    ) -> None:
        await bot.ingest("A", located(4))
        serve_tiles_for(http_server, basra_map_points(), status=503)
        calls = await bot.send("/map Basra")
        assert photos(calls) == []
        [text] = texts(calls)
        assert "couldn't draw the map" in text
        assert "503" in text
        assert "Basra" in text
        assert "/incident 1" in text

    async def test_nothing_located_is_said_plainly(self, bot: Harness) -> None:
        await bot.ingest("A", basra_incident())
        calls = await bot.send("/map Basra")
        assert photos(calls) == []
        assert "1 without coordinates" in texts(calls)[0]

    async def test_an_unknown_place_gets_suggestions_that_draw_maps(self, bot: Harness) -> None:
        calls = await bot.send("/map Nasiryya 7d")
        assert any(data.startswith("mp:p:7d:") for _, data in calls[0].buttons)


class TestQuestions:
    async def test_what_happened_in_basra_yesterday(self, bot: Harness) -> None:
        await bot.ingest("A", located(3))
        calls = await bot.send("what happened in Basra yesterday?")
        shown = texts(calls)
        assert shown[0] == "🔎 Showing: Basra, yesterday"
        assert "Armed clash" in shown[1]

    async def test_the_arabic_question(self, bot: Harness) -> None:
        await bot.ingest("A", located(3))
        calls = await bot.send("ماذا حدث في البصرة أمس")
        assert texts(calls)[0] == "🔎 Showing: Basra, yesterday"
        assert "Armed clash" in texts(calls)[1]

    async def test_a_numbers_question_gets_the_chart_too(self, bot: Harness) -> None:
        await bot.ingest("A", located(3))
        calls = await bot.send("how many killed in Basra this week?")
        assert texts(calls)[0] == "🔎 Showing: numbers for Basra, this week"
        assert len(photos(calls)) == 1

    async def test_event_words_are_acknowledged(self, bot: Harness) -> None:
        calls = await bot.send("clashes in Basra this week")
        assert "not only “clashes”" in texts(calls)[0]

    async def test_a_misspelt_unknown_name_gets_did_you_mean_buttons(self, bot: Harness) -> None:
        calls = await bot.send("Nasiryya last week")
        assert "Did you mean" in calls[0].text
        assert any(data.startswith("ls:p:1:last_week:") for _, data in calls[0].buttons)

    async def test_nonsense_gets_examples_and_buttons_not_a_dead_end(self, bot: Harness) -> None:
        calls = await bot.send("qwxz zzkv")
        [reply] = calls
        assert "Ask me like this" in reply.text
        assert ("🗞 Latest incidents", "m:latest") in reply.buttons

    async def test_a_period_in_the_future_is_explained(self, bot: Harness) -> None:
        calls = await bot.send("Basra in 2031")
        assert "has not begun" in calls[0].text

    async def test_an_incident_number(self, bot: Harness) -> None:
        await bot.ingest("A", located(3))
        calls = await bot.send("incident 1")
        assert texts(calls)[0] == "🔎 Showing: incident #1"
        assert ("📍 Show on the map", "loc:1") in calls[1].buttons

    async def test_an_unknown_incident_number_is_a_polite_error(self, bot: Harness) -> None:
        calls = await bot.send("#99")
        assert "There is no incident #99" in calls[-1].text

    async def test_questions_in_groups_are_left_alone(self, bot: Harness) -> None:
        calls = await bot.send("Basra", chat_id=-100, chat_type="supergroup")
        assert calls == []


class TestDigestChartSetting:
    async def test_switched_on_and_off_and_shown_in_settings(self, bot: Harness) -> None:
        calls = await bot.send("/digest_chart on")
        assert "Week's chart under the digest: <b>on</b>" in calls[0].text
        chat = await bot.context.storage.chats.get(1)
        assert chat is not None
        assert chat.digest_chart is True
        calls = await bot.send("/digest_chart off")
        assert "Week's chart under the digest: <b>off</b>" in calls[0].text

    async def test_a_group_member_cannot_change_it(self, bot: Harness) -> None:
        calls = await bot.send("/digest_chart on", chat_id=-100, user_id=5, chat_type="supergroup")
        assert "administrators" in calls[-1].text
        chat = await bot.context.storage.chats.get(-100)
        assert chat is not None
        assert chat.digest_chart is False


ARABIC_USER = {"from": {"id": 1, "is_bot": False, "first_name": "U", "language_code": "ar"}}


class TestPicturesInArabic:
    async def test_the_map_caption_is_arabic(
        self, bot: Harness, http_server: LocalHTTPServer
    ) -> None:
        await bot.ingest("A", located(4))
        serve_tiles_for(http_server, basra_map_points())
        calls = await bot.send("/map Basra", extra=ARABIC_USER)
        [photo] = photos(calls)
        assert_real_png(photo.params["photo"], (1024, 768))
        caption = str(photo.params["caption"])
        assert "البصرة" in caption
        assert "قتلى: 4" in caption
        assert "killed" not in caption

    async def test_without_tiles_the_places_are_listed_in_arabic(
        self, bot: Harness, http_server: LocalHTTPServer
    ) -> None:
        await bot.ingest("A", located(4))
        serve_tiles_for(http_server, basra_map_points(), status=503)
        calls = await bot.send("/map Basra", extra=ARABIC_USER)
        [text] = texts(calls)
        assert "تعذّر رسم الخريطة" in text
        assert "/incident 1" in text

    async def test_the_stats_chart_is_drawn_with_arabic_words(self, bot: Harness) -> None:
        await bot.ingest("A", located(4, day=START.date()))
        calls = await bot.send("/stats", extra=ARABIC_USER)
        [photo] = photos(calls)
        assert_real_png(photo.params["photo"], (1280, 960))
        assert "الحوادث والقتلى" in str(photo.params["caption"])
