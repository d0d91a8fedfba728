"""A fake OpenAI-compatible chat server on 127.0.0.1, scripted per article.

Each ``Script`` matches a substring of the article (the user message) and says what to
answer: a reply (any text, so malformed JSON and schema violations too), an HTTP status with
headers (429 with Retry-After, 500), a hang until the test ends (a timeout), or a raw body.
It can refuse ``response_format`` forms the way older servers do, and it records every
request (body and headers) so tests can count requests and check what was sent.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakeserver import ThreadedFakeServer


@dataclass
class Script:
    """What to answer for articles containing ``match`` (the first script that matches wins)."""

    match: str
    content: str | None = None  # the assistant message's text
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: bytes | None = None  # a whole response body instead of a chat completion
    hang: bool = False  # never answer (until the server stops)
    usage: tuple[int, int] | None = (120, 60)  # prompt, completion tokens; None: not reported
    finish_reason: str = "stop"
    times: int | None = None  # answer this way only so many times, then fall through


@dataclass(frozen=True)
class SeenRequest:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def article(self) -> str:
        """The user message (the article block)."""
        return str(self.body["messages"][-1]["content"])

    @property
    def response_format(self) -> str | None:
        """The ``response_format`` type asked for, if any."""
        fmt = self.body.get("response_format")
        return str(fmt["type"]) if isinstance(fmt, dict) else None


def model_incident(**fields: Any) -> dict[str, Any]:
    """One incident as a model would write it; ``fields`` override the defaults."""
    base: dict[str, Any] = {
        "sub_event_type": "Attack",
        "event_quote": "",
        "place": None,
        "place_role": "at",
        "country": None,
        "date_expression": None,
        "actors": [],
        "figures": [],
        "main_event": True,
        "earlier_event": False,
    }
    base.update(fields)
    return base


def figure(
    kind: str, count: int | None, quote: str, sentence: str, **extra: Any
) -> dict[str, Any]:
    """One casualty figure as a model would write it."""
    return {
        "kind": kind,
        "count": count,
        "qualifier": extra.get("qualifier", "exact"),
        "quote": quote,
        "sentence": sentence,
    }


def reply_json(*incidents: dict[str, Any]) -> str:
    """The JSON text of a reply with these incidents."""
    return json.dumps({"incidents": list(incidents)})


class FakeLLM(ThreadedFakeServer):
    """The server; use as a context manager (it stops and releases any hanging request)."""

    poll_interval = 0.05
    stop_timeout = 10.0

    def __init__(self, *, refuse_formats: tuple[str, ...] = ()) -> None:
        """``refuse_formats``: response_format types answered with HTTP 400."""
        super().__init__()
        self.scripts: list[Script] = []
        self.requests: list[SeenRequest] = []
        self.refuse_formats = refuse_formats
        self._lock = threading.Lock()
        self._release = threading.Event()

    def script(self, match: str, content: str | None = None, **kwargs: Any) -> Script:
        """Add a script (see ``Script``) and return it."""
        item = Script(match, content, **kwargs)
        with self._lock:
            self.scripts.append(item)
        return item

    @property
    def base_url(self) -> str:
        """The ``/v1`` base URL."""
        return f"http://127.0.0.1:{self.port}/v1"

    def requests_for(self, match: str) -> list[SeenRequest]:
        """Requests whose article contains ``match``."""
        with self._lock:
            return [r for r in self.requests if match in r.article]

    def _pick(self, article: str) -> Script | None:
        with self._lock:
            for item in self.scripts:
                if item.match in article and (item.times is None or item.times > 0):
                    if item.times is not None:
                        item.times -= 1
                    return item
        return None

    def _answer(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        fmt = body.get("response_format")
        if isinstance(fmt, dict) and fmt.get("type") in self.refuse_formats:
            error = {"error": {"message": f"response_format {fmt['type']} is not supported"}}
            _send(handler, 400, json.dumps(error).encode())
            return
        article = str(body["messages"][-1]["content"])
        item = self._pick(article) or Script("", '{"incidents": []}')
        if item.hang:
            self._release.wait(timeout=120)
            return
        if item.raw_body is not None or item.status != 200:
            _send(handler, item.status, item.raw_body or b'{"error": "scripted"}', item.headers)
            return
        payload: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "model": body.get("model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": item.content},
                    "finish_reason": item.finish_reason,
                }
            ],
        }
        if item.usage is not None:
            payload["usage"] = {
                "prompt_tokens": item.usage[0],
                "completion_tokens": item.usage[1],
                "total_tokens": sum(item.usage),
            }
        _send(handler, 200, json.dumps(payload).encode(), item.headers)

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """Records each request and answers it from the scripts."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes: without this, delayed ACKs add ~40 ms.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                """Stay quiet."""

            def do_POST(self) -> None:
                """Record the request and answer from the scripts."""
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                headers = {key.lower(): value for key, value in self.headers.items()}
                with fake._lock:
                    fake.requests.append(SeenRequest(self.path, headers, body))
                if self.path != "/v1/chat/completions":
                    _send(self, 404, b'{"error": "not found"}')
                    return
                fake._answer(self, body)

        return Handler

    def release_waiters(self) -> None:
        """Release hanging requests."""
        self._release.set()


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    with contextlib.suppress(OSError):
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)
