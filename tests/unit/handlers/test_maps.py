"""Static maps: tile math, the tile cache on disk, fetching from a local tile server, drawing."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageStat

from bot.config import Settings
from bot.domain.views import Period
from bot.domain.visuals import IncidentMap, MapPoint
from bot.ingest.fetch import SafeFetcher
from handlers.maps import (
    HEIGHT,
    PADDING,
    SINGLE_POINT_ZOOM,
    WIDTH,
    TileCache,
    TileError,
    render_map,
    view_for,
    world_pixel,
)
from handlers.visuals import build_tiles, tile_fetcher
from tests.httpserver import LocalHTTPServer
from tests.tiles import TILE_TEMPLATE_PATH, serve_tiles_for, tile_requests

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
AGENT = "SitrepTests/1.0 (maps test; ops@example.org)"
PERIOD = Period(
    since=dt.datetime(2024, 4, 10, tzinfo=dt.UTC),
    until=dt.datetime(2024, 5, 10, tzinfo=dt.UTC),
    label="last 30 days",
    first_day=dt.date(2024, 4, 10),
    last_day=dt.date(2024, 5, 9),
)


def iraq_map() -> IncidentMap:
    points = [
        MapPoint(lat=30.508, lon=47.783, name="Basra", incidents=3, killed=9),
        MapPoint(lat=31.05, lon=46.26, name="Nasiriyah", incidents=1, killed=0),
        MapPoint(lat=30.96, lon=47.0, name="Suq al-Shuyukh", incidents=2, killed=2),
    ]
    return IncidentMap(
        title="Basra governorate", period=PERIOD, points=points, total=7, unlocated=1
    )


def settings_for(http_server: LocalHTTPServer, tmp_path: Path) -> Settings:
    values: dict[str, Any] = {
        "SITREP_DATA_DIR": str(tmp_path),
        "SITREP_TILE_URL": http_server.url(TILE_TEMPLATE_PATH),
        "SITREP_TILE_USER_AGENT": AGENT,
        "SITREP_FETCH_TIMEOUT_SECONDS": 5,
    }
    return Settings(_env_file=None, **values)


def tiles_for(http_server: LocalHTTPServer, tmp_path: Path) -> TileCache:
    """The app's own tile cache; only this server's port is let through the SSRF guard."""
    settings = settings_for(http_server, tmp_path)
    fetcher = SafeFetcher(
        settings, allowed_endpoints=[("127.0.0.1", http_server.port)], user_agent=AGENT
    )
    return build_tiles(settings, fetcher)


class TestTileMath:
    def test_world_pixel(self) -> None:
        assert world_pixel(0.0, 0.0, 0) == pytest.approx((128.0, 128.0))
        assert world_pixel(0.0, 180.0, 1)[0] == pytest.approx(512.0)
        # Further north is further up (smaller y).
        assert world_pixel(40.0, 44.0, 8)[1] < world_pixel(30.0, 44.0, 8)[1]

    def test_one_spot_is_centred_at_city_zoom(self) -> None:
        view = view_for([MapPoint(lat=30.5, lon=47.8, name="Basra")])
        assert view.zoom == SINGLE_POINT_ZOOM
        assert view.pixel(30.5, 47.8) == pytest.approx((WIDTH / 2, HEIGHT / 2))

    def test_every_point_fits_inside_the_padding(self) -> None:
        points = [*iraq_map().points, MapPoint(lat=36.34, lon=43.13, name="Mosul")]
        view = view_for(points)
        for point in points:
            x, y = view.pixel(point.lat, point.lon)
            assert PADDING - 1 <= x <= WIDTH - PADDING + 1
            assert PADDING - 1 <= y <= HEIGHT - PADDING + 1

    def test_tiles_cover_the_image(self) -> None:
        view = view_for(iraq_map().points)
        xs = {x for x, _ in view.tiles()}
        ys = {y for _, y in view.tiles()}
        assert min(xs) * 256 <= view.left < (min(xs) + 1) * 256
        assert (max(xs) + 1) * 256 >= view.left + WIDTH
        assert (max(ys) + 1) * 256 >= view.top + HEIGHT


class TestRenderFromTileServer:
    async def test_a_map_png_with_circles_and_attribution(
        self, http_server: LocalHTTPServer, tmp_path: Path
    ) -> None:
        incident_map = iraq_map()
        count = serve_tiles_for(http_server, incident_map)
        png = await render_map(incident_map, tiles_for(http_server, tmp_path), "© Test tiles", "T")
        assert png.startswith(PNG_SIGNATURE)
        image = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.size == (WIDTH, HEIGHT)
        assert max(ImageStat.Stat(image).stddev) > 15
        assert len(tile_requests(http_server)) == count
        pixels = np.asarray(image, dtype=np.int16)
        # The killed circle at Basra is red, over tiles that have no red at all.
        view = view_for(incident_map.points)
        x, y = (round(v) for v in view.pixel(30.508, 47.783))
        red, green, blue = pixels[y, x + 15]  # inside the circle, beside its white number
        assert red > 150
        assert max(green, blue) < 120
        # Attribution: a light box with dark text in the bottom-right corner.
        corner = pixels[HEIGHT - 30 : HEIGHT - 4, WIDTH - 140 : WIDTH - 12]
        assert (corner.sum(axis=2) < 200).sum() > 30  # dark text strokes
        assert (corner.min(axis=2) > 230).sum() > 300  # the white box

    async def test_the_user_agent_is_the_configured_one(
        self, http_server: LocalHTTPServer, tmp_path: Path
    ) -> None:
        incident_map = iraq_map()
        serve_tiles_for(http_server, incident_map)
        await render_map(incident_map, tiles_for(http_server, tmp_path), "©", "T")
        agents = {r.headers.get("user-agent") for r in http_server.requests}
        assert agents == {AGENT}
        assert all("no-cache" not in str(r.headers).lower() for r in http_server.requests)

    async def test_tiles_are_cached_on_disk_for_a_week(
        self, http_server: LocalHTTPServer, tmp_path: Path
    ) -> None:
        incident_map = iraq_map()
        count = serve_tiles_for(http_server, incident_map)
        await render_map(incident_map, tiles_for(http_server, tmp_path), "©", "T")
        # A new cache object (a restart) on the same folder fetches nothing.
        await render_map(incident_map, tiles_for(http_server, tmp_path), "©", "T")
        assert len(tile_requests(http_server)) == count
        # Eight days later every tile is stale and fetched again.
        old = time.time() - 8 * 24 * 3600
        for path in tmp_path.rglob("*.png"):
            os.utime(path, (old, old))
        await render_map(incident_map, tiles_for(http_server, tmp_path), "©", "T")
        assert len(tile_requests(http_server)) == 2 * count

    async def test_a_server_error_is_a_tile_error(
        self, http_server: LocalHTTPServer, tmp_path: Path
    ) -> None:
        incident_map = iraq_map()
        serve_tiles_for(http_server, incident_map, status=503)
        with pytest.raises(TileError, match="503"):
            await render_map(incident_map, tiles_for(http_server, tmp_path), "©", "T")
        assert not list(tmp_path.rglob("*.png"))  # nothing bad was cached

    async def test_a_web_page_instead_of_a_tile_is_a_tile_error(
        self, http_server: LocalHTTPServer, tmp_path: Path
    ) -> None:
        incident_map = iraq_map()
        count = serve_tiles_for(http_server, incident_map)
        view = view_for(incident_map.points)
        x, y = view.tiles()[0]
        http_server.route(
            TILE_TEMPLATE_PATH.format(z=view.zoom, x=x, y=y),
            body=b"<html>blocked</html>",
            content_type="text/html",
        )
        with pytest.raises(TileError):
            await render_map(incident_map, tiles_for(http_server, tmp_path), "©", "T")
        assert count > 1

    async def test_without_the_endpoint_allowed_the_ssrf_guard_refuses(
        self, http_server: LocalHTTPServer, tmp_path: Path
    ) -> None:
        incident_map = iraq_map()
        serve_tiles_for(http_server, incident_map)
        tiles = build_tiles(settings_for(http_server, tmp_path))  # no allowed endpoint
        with pytest.raises(TileError):
            await render_map(incident_map, tiles, "©", "T")
        assert tile_requests(http_server) == []


class TestDrawing:
    def test_text_is_laid_out_by_raqm_so_arabic_titles_are_shaped(self) -> None:
        from PIL import ImageFont

        from handlers.maps import _font

        assert _font(24).layout_engine == ImageFont.Layout.RAQM

    async def test_an_arabic_title_draws(
        self, http_server: LocalHTTPServer, tmp_path: Path
    ) -> None:
        incident_map = iraq_map()
        serve_tiles_for(http_server, incident_map)
        png = await render_map(
            incident_map,
            tiles_for(http_server, tmp_path),
            "© OpenStreetMap",
            "البصرة — آخر 30 يوما",
        )
        assert png.startswith(PNG_SIGNATURE)

    async def test_a_read_only_cache_still_draws_the_map(
        self, http_server: LocalHTTPServer, tmp_path: Path
    ) -> None:
        incident_map = iraq_map()
        serve_tiles_for(http_server, incident_map)
        blocked = tmp_path / "cache"
        blocked.write_text("a file where the cache folder should be")
        settings = settings_for(http_server, tmp_path)
        fetcher = SafeFetcher(settings, allowed_endpoints=[("127.0.0.1", http_server.port)])
        tiles = TileCache(settings.sitrep_tile_url, tile_fetcher(fetcher), blocked)
        png = await render_map(incident_map, tiles, "©", "T")
        assert png.startswith(PNG_SIGNATURE)


class TestSettings:
    @pytest.mark.parametrize(
        "url", ["ftp://tiles.example/{z}/{x}/{y}.png", "https://tiles.example/{z}/{x}.png"]
    )
    def test_tile_url_must_be_an_http_template(self, url: str) -> None:
        with pytest.raises(ValueError, match="template"):
            Settings(_env_file=None, SITREP_TILE_URL=url)

    def test_defaults_follow_the_osm_policy(self, tmp_path: Path) -> None:
        values: dict[str, Any] = {"SITREP_DATA_DIR": str(tmp_path)}
        settings = Settings(_env_file=None, **values)
        assert settings.sitrep_tile_url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        assert "OpenStreetMap" in settings.sitrep_tile_attribution
        assert settings.tile_cache_path == tmp_path / "tiles"
