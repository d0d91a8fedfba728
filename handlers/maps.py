"""Static incident maps: OpenStreetMap-style tiles, cached on disk, points sized by killed.

Web Mercator tile math is done here (a few lines) instead of pulling in a map library: the
kept ones fetch with their own clients (no SSRF guard, a library User-Agent) and cache nothing
or forever. Tiles come through :class:`TileCache` (7 days on disk, as the OSM tile policy
asks), which fetches through the project's :class:`SafeFetcher` with the configured
User-Agent. Drawing is Pillow's; its raqm layout shapes Arabic titles.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import io
import logging
import math
import os
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.visuals import IncidentMap, MapPoint

if TYPE_CHECKING:  # Pillow is imported on the first map: start-up does not pay for it
    from PIL import ImageDraw, ImageFont

TILE = 256
WIDTH, HEIGHT = 1024, 768
MIN_ZOOM, MAX_ZOOM, SINGLE_POINT_ZOOM = 2, 14, 11
PADDING = 70  # pixels kept free around the points, so circles are not cut
TILE_MAX_AGE = dt.timedelta(days=7)
MAX_TILES = 30
FETCH_CONCURRENCY = 4
_MAX_LAT = 85.05112878

logger = logging.getLogger(__name__)

Fetch = Callable[[str], Awaitable[bytes]]


class TileError(Exception):
    """Tiles could not be had (server down, refused, not an image); the text says which."""


def world_pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator: a coordinate as a pixel of the whole world map at ``zoom``."""
    size = TILE * 2**zoom
    lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
    x = (lon + 180.0) / 360.0 * size
    sin = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * size
    return x, y


@dataclass(frozen=True)
class View:
    """What part of the world the image shows: zoom and the world pixel of its top-left."""

    zoom: int
    left: float
    top: float
    width: int = WIDTH
    height: int = HEIGHT

    def pixel(self, lat: float, lon: float) -> tuple[float, float]:
        """Where a coordinate falls on the image."""
        x, y = world_pixel(lat, lon, self.zoom)
        return x - self.left, y - self.top

    def tiles(self) -> list[tuple[int, int]]:
        """(x, y) of every tile the image touches (x not yet wrapped round the world)."""
        first_x, last_x = math.floor(self.left / TILE), math.floor((self.left + self.width) / TILE)
        first_y = max(0, math.floor(self.top / TILE))
        last_y = min(2**self.zoom - 1, math.floor((self.top + self.height) / TILE))
        return [(x, y) for x in range(first_x, last_x + 1) for y in range(first_y, last_y + 1)]


def view_for(points: Iterable[MapPoint], width: int = WIDTH, height: int = HEIGHT) -> View:
    """The closest zoom that shows every point with some padding, centred on them."""
    spots = [(p.lat, p.lon) for p in points]
    if not spots:
        msg = "a map needs at least one point"
        raise ValueError(msg)
    zoom = SINGLE_POINT_ZOOM if len(set(spots)) == 1 else MAX_ZOOM
    while True:
        xs, ys = zip(*(world_pixel(lat, lon, zoom) for lat, lon in spots), strict=True)
        fits = (
            max(xs) - min(xs) <= width - 2 * PADDING and max(ys) - min(ys) <= height - 2 * PADDING
        )
        if fits or zoom == MIN_ZOOM:
            break
        zoom -= 1
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return View(zoom, centre_x - width / 2, centre_y - height / 2, width, height)


def tile_url(template: str, zoom: int, x: int, y: int) -> str:
    """The URL of one tile (x wrapped round the world)."""
    return template.format(z=zoom, x=x % 2**zoom, y=y)


class TileCache:
    """Tiles on disk for a week, fetched when missing or stale; one folder per tile server."""

    def __init__(
        self, template: str, fetch: Fetch, directory: Path, max_age: dt.timedelta = TILE_MAX_AGE
    ) -> None:
        """Cache the tiles of ``template`` under ``directory``; ``fetch`` gets one URL's bytes."""
        self.template = template
        self._fetch = fetch
        server = hashlib.sha256(template.encode()).hexdigest()[:12]
        self._directory = directory / server
        self._max_age = max_age.total_seconds()
        self._limit = asyncio.Semaphore(FETCH_CONCURRENCY)

    def path(self, zoom: int, x: int, y: int) -> Path:
        """Where one tile is cached."""
        return self._directory / str(zoom) / str(x % 2**zoom) / f"{y}.png"

    async def tile(self, zoom: int, x: int, y: int) -> bytes:
        """One tile's image bytes, from the cache when fresh."""
        path = self.path(zoom, x, y)
        cached = await asyncio.to_thread(self._read_fresh, path)
        if cached is not None:
            return cached
        async with self._limit:
            data = await self._fetch(tile_url(self.template, zoom, x, y))
        if not data.startswith((b"\x89PNG", b"\xff\xd8", b"RIFF")):
            raise TileError("the tile server did not send an image")
        await asyncio.to_thread(self._write, path, data)
        return data

    def _read_fresh(self, path: Path) -> bytes | None:
        try:
            if time.time() - path.stat().st_mtime > self._max_age:
                return None
            return path.read_bytes()
        except OSError:
            return None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(data)
            temporary.replace(path)  # atomic: a reader never sees half a tile
        except OSError as exc:  # a full or read-only disk costs the cache, not the map
            logger.warning("could not cache tile %s: %s", path, exc)


def radius_for(killed: int) -> float:
    """Circle radius in pixels: area grows with the killed, within readable bounds."""
    return min(50.0, 12.0 + 6.0 * math.sqrt(killed))


@cache
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (it has Arabic), as matplotlib ships it: no system font needed."""
    import matplotlib  # here, not at start-up: importing it takes seconds on a small box
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), size)


def _label_box(
    draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int, anchor: str
) -> None:
    """Text on a white, slightly transparent box (legible over any tile)."""
    font = _font(size, bold=anchor[0] in "lr" and anchor[1] == "a" and size > 20)
    box = draw.textbbox(xy, text, font=font, anchor=anchor)
    draw.rectangle((box[0] - 8, box[1] - 6, box[2] + 8, box[3] + 6), fill=(255, 255, 255, 215))
    draw.text(xy, text, font=font, fill=(20, 20, 20, 255), anchor=anchor)


def compose_map(
    incident_map: IncidentMap,
    view: View,
    tiles: dict[tuple[int, int], bytes],
    attribution: str,
    title: str,
    *,
    right_to_left: bool = False,
) -> bytes:
    """The PNG: tiles, circles sized by killed (biggest on top), title, attribution.

    A right-to-left title (Arabic) sits in the top right corner, where its reader starts.
    """
    from PIL import Image, ImageDraw, UnidentifiedImageError

    canvas = Image.new("RGBA", (view.width, view.height), (235, 235, 235, 255))
    for (x, y), data in tiles.items():
        try:
            tile = Image.open(io.BytesIO(data)).convert("RGBA")
        except (UnidentifiedImageError, OSError) as exc:
            raise TileError("a map tile could not be read") from exc
        canvas.paste(tile, (round(x * TILE - view.left), round(y * TILE - view.top)))
    overlay = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for point in incident_map.points:
        px, py = view.pixel(point.lat, point.lon)
        radius = radius_for(point.killed)
        colour = (192, 41, 43, 170) if point.killed else (31, 78, 121, 170)
        draw.ellipse(
            (px - radius, py - radius, px + radius, py + radius),
            fill=colour,
            outline=(255, 255, 255, 255),
            width=3,
        )
        if point.incidents > 1 or point.killed:
            number = str(point.killed) if point.killed else str(point.incidents)
            draw.text(
                (px, py), number, font=_font(20, bold=True), fill=(255, 255, 255, 255), anchor="mm"
            )
    if right_to_left:
        _label_box(draw, (view.width - 18, 18), title, 24, "ra")
    else:
        _label_box(draw, (18, 18), title, 24, "la")
    _label_box(draw, (view.width - 10, view.height - 8), attribution, 16, "rd")
    image = Image.alpha_composite(canvas, overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


async def render_map(
    incident_map: IncidentMap,
    tiles: TileCache,
    attribution: str,
    title: str,
    *,
    right_to_left: bool = False,
) -> bytes:
    """Fetch the tiles the map needs (TileError when any fails), then draw it in a thread."""
    view = view_for(incident_map.points)
    needed = view.tiles()[:MAX_TILES]
    results = await asyncio.gather(
        *(tiles.tile(view.zoom, x, y) for x, y in needed), return_exceptions=True
    )
    fetched: dict[tuple[int, int], bytes] = {}
    for key, result in zip(needed, results, strict=True):
        if isinstance(result, BaseException):
            raise result  # TileError: told to the user; anything else is a bug
        fetched[key] = result
    return await asyncio.to_thread(
        functools.partial(compose_map, right_to_left=right_to_left),
        incident_map,
        view,
        fetched,
        attribution,
        title,
    )
