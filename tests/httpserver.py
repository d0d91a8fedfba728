"""A tiny HTTP server on 127.0.0.1 for ingestion tests: routes, 304s, redirects, slow bodies."""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds to wait before answering
    content_length: int | None = None  # announce this length instead; -1 sends no length
    drip: float = 0.0  # seconds between body pieces: a server that never stops "sending"
    pieces: int = 1  # how many pieces the body goes out in (with ``drip`` between them)


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server saw."""

    path: str
    headers: dict[str, str]


class LocalHTTPServer:
    """A threaded HTTP server with programmable routes; records every request."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._httpd = _RoutingServer(self)
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """The full URL of a path on this server (https when it serves TLS)."""
        scheme = "https" if isinstance(self._httpd.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    def route(self, path: str, **kwargs: object) -> Route:
        """Add or replace the route for ``path``."""
        route = Route(**kwargs)  # type: ignore[arg-type]
        with self._lock:
            self.routes[path] = route
        return route

    def requests_for(self, path: str) -> list[RecordedRequest]:
        """Requests seen for one path."""
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@contextmanager
def running_server(tls: ssl.SSLContext | None = None) -> Iterator[LocalHTTPServer]:
    """A started server (serving TLS with ``tls``), stopped afterwards."""
    server = LocalHTTPServer(tls)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class _RoutingServer(ThreadingHTTPServer):
    """The socket server, pointing back at the LocalHTTPServer whose routes it answers from."""

    def __init__(self, owner: LocalHTTPServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _RouteHandler)


class _RouteHandler(BaseHTTPRequestHandler):
    """Answers GETs from the owner's route table: 404, 304s, slow and dripping bodies."""

    protocol_version = "HTTP/1.1"
    server: _RoutingServer

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""

    def do_GET(self) -> None:
        """Answer from the route table."""
        owner = self.server.owner
        headers = {key.lower(): value for key, value in self.headers.items()}
        with owner._lock:
            owner.requests.append(RecordedRequest(self.path, headers))
            route = owner.routes.get(self.path)
        if route is None:
            self._send(404, b"not here", {"Content-Type": "text/plain"})
            return
        if route.delay:
            time.sleep(route.delay)
        if route.etag and headers.get("if-none-match") == route.etag:
            self._send(304, b"", {"ETag": route.etag})
            return
        if route.last_modified and headers.get("if-modified-since") == route.last_modified:
            self._send(304, b"", {"Last-Modified": route.last_modified})
            return
        extra = dict(route.headers)
        if route.content_type:
            extra["Content-Type"] = route.content_type
        if route.etag:
            extra["ETag"] = route.etag
        if route.last_modified:
            extra["Last-Modified"] = route.last_modified
        self._send(route.status, route.body, extra, route.content_length, route.drip, route.pieces)

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str],
        length: int | None = None,
        drip: float = 0.0,
        pieces: int = 1,
    ) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if length != -1:
            self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Connection", "close")
        self.end_headers()
        # The client may give up early on purpose (size caps).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            size = max(1, -(-len(body) // max(1, pieces)))
            for start in range(0, len(body), size):
                if start and drip:
                    time.sleep(drip)
                self.wfile.write(body[start : start + size])
                self.wfile.flush()
        self.close_connection = True
