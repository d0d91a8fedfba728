"""Generated map tiles served by tests/httpserver.py's LocalHTTPServer on 127.0.0.1."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from bot.domain.visuals import IncidentMap
from handlers.maps import view_for
from tests.httpserver import LocalHTTPServer

TILE_TEMPLATE_PATH = "/tiles/{z}/{x}/{y}.png"
_COLOURS = ((170, 211, 223), (242, 239, 233), (205, 235, 176))  # water, land, park


def tile_png(x: int, y: int) -> bytes:
    """A 256 px tile: a colour by position, grid lines, like a real tile has roads."""
    image = Image.new("RGB", (256, 256), _COLOURS[(x + y) % len(_COLOURS)])
    draw = ImageDraw.Draw(image)
    for offset in range(0, 256, 64):
        draw.line((offset, 0, offset, 255), fill=(200, 200, 200), width=2)
        draw.line((0, offset, 255, offset), fill=(200, 200, 200), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def serve_tiles_for(server: LocalHTTPServer, incident_map: IncidentMap, **route: object) -> int:
    """Route every tile the map will ask for; return how many."""
    view = view_for(incident_map.points)
    tiles = view.tiles()
    for x, y in tiles:
        path = TILE_TEMPLATE_PATH.format(z=view.zoom, x=x % 2**view.zoom, y=y)
        server.route(path, body=tile_png(x, y), content_type="image/png", **route)
    return len(tiles)


def tile_requests(server: LocalHTTPServer) -> list[str]:
    """Paths of the tile requests the server saw."""
    return [request.path for request in server.requests if request.path.startswith("/tiles/")]
