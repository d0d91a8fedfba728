"""What the fake HTTP servers (the Bot API, the language model) share: serving a handler on an
ephemeral port of 127.0.0.1 from a daemon thread, stopping, and use as a context manager."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class ThreadedFakeServer:
    """A fake server; subclasses say how a request is answered (``handler_class``) and what a
    stop must release first (``release_waiters``)."""

    poll_interval = 0.5  # seconds between the serving thread's shutdown checks
    stop_timeout = 5.0  # seconds a stop waits for the serving thread

    def __init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler, bound to this fake."""
        raise NotImplementedError

    def release_waiters(self) -> None:
        """Wake requests held open (long polls, hanging answers) so a stop does not wait."""

    @property
    def port(self) -> int:
        """The port it listens on (once started)."""
        assert self._server is not None, "server not started"
        return int(self._server.server_address[1])

    def start(self) -> Self:
        """Listen on a random port of 127.0.0.1 in a background thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self._server.daemon_threads = True
        server, interval = self._server, self.poll_interval
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=interval), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release held requests, shut the server down and wait for its thread."""
        self.release_waiters()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=self.stop_timeout)

    def __enter__(self) -> Self:
        """Start."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop."""
        self.stop()
