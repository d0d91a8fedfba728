"""A client for any OpenAI-compatible ``/v1/chat/completions`` endpoint, over plain httpx.

It asks for structured output (``response_format`` with the reply's JSON schema) and falls
back, once per client, to ``json_object`` and then to the schema in the prompt when a server
refuses the form (``SITREP_LLM_STRUCTURED_OUTPUT=auto``). Whatever the server claims, the
reply is validated here. Every failure becomes an ``LlmError`` with one ``Outcome``; a 429 is
retried after its ``Retry-After`` only if that still fits in the time limit. The API key goes
in the ``Authorization`` header and nowhere else: no error message or log line carries it.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

import httpx

from bot.llm.prompt import build_messages
from bot.llm.schema import ModelReply, ReplyError, parse_reply, reply_schema

__all__ = ["ChatClient", "Completion", "LlmError", "Outcome", "StructuredMode", "Usage"]

logger = logging.getLogger(__name__)

StructuredMode = Literal["json_schema", "json_object", "none"]
_FALLBACK: dict[StructuredMode, StructuredMode | None] = {
    "json_schema": "json_object",
    "json_object": "none",
    "none": None,
}
MAX_REPLY_BYTES = 2_000_000
MAX_COMPLETION_TOKENS = 4096


class Outcome(StrEnum):
    """What one attempt to read an article with the model came to."""

    OK = "ok"
    CACHED = "cached"  # answered from the cache, no request
    TIMEOUT = "timeout"  # no complete answer within the time limit
    RATE_LIMITED = "rate_limited"  # 429 whose Retry-After does not fit in the time limit
    SERVER_ERROR = "server_error"  # 5xx
    UNAVAILABLE = "unavailable"  # connection refused, DNS, TLS: nobody answering
    REJECTED = "rejected"  # 4xx other than 429: bad key, unknown model, bad request
    MALFORMED = "malformed"  # not JSON, or not a chat completion, or cut off
    SCHEMA_VIOLATION = "schema_violation"  # JSON that breaks the reply schema
    OVER_BUDGET = "over_budget"  # the daily request or token budget is spent
    CIRCUIT_OPEN = "circuit_open"  # recent requests failed; the model is left alone a while

    @property
    def failed(self) -> bool:
        """Whether the model gave no usable reply."""
        return self not in (Outcome.OK, Outcome.CACHED)


@dataclass(frozen=True, slots=True)
class Usage:
    """Requests made and tokens the server reported (None when it reported none)."""

    requests: int = 0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @property
    def tokens(self) -> int:
        """Prompt plus completion tokens (0 when not reported)."""
        return (self.prompt_tokens or 0) + (self.completion_tokens or 0)

    def __add__(self, other: Usage) -> Usage:
        """The sum of two usages (None stays None only when both are)."""

        def add(a: int | None, b: int | None) -> int | None:
            return None if a is None and b is None else (a or 0) + (b or 0)

        return Usage(
            self.requests + other.requests,
            add(self.prompt_tokens, other.prompt_tokens),
            add(self.completion_tokens, other.completion_tokens),
        )


class LlmError(Exception):
    """A request that gave no usable reply: the outcome, a short detail, what it cost."""

    def __init__(
        self,
        outcome: Outcome,
        detail: str,
        *,
        usage: Usage | None = None,
        retry_after: float | None = None,
    ) -> None:
        """``detail`` is for logs and /status; it never holds the key or the whole reply."""
        super().__init__(f"{outcome.value}: {detail}")
        self.outcome = outcome
        self.detail = detail
        self.usage = usage or Usage()
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Completion:
    """A validated reply and what it cost."""

    reply: ModelReply
    content: str  # the raw JSON text, for the cache
    usage: Usage
    mode: StructuredMode


class ChatClient:
    """One endpoint and model; reuses its connection pool (close it with ``aclose``)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        structured: Literal["auto", "json_schema", "json_object", "none"] = "auto",
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """``base_url`` ends before ``/chat/completions`` (``http://127.0.0.1:11434/v1``)."""
        self.model = model
        self.timeout = timeout
        self._auto = structured == "auto"
        self._mode: StructuredMode = "json_schema" if structured == "auto" else structured
        headers = {"Content-Type": "application/json", "User-Agent": "Sitrep"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._secrets = tuple(s for s in (api_key,) if s)
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=False,
        )

    @property
    def mode(self) -> StructuredMode:
        """The structured-output form in use (it may have fallen back in ``auto``)."""
        return self._mode

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def complete(self, text: str, title: str | None = None) -> Completion:
        """The model's validated reading of one article; ``LlmError`` on any failure."""
        deadline = time.monotonic() + self.timeout
        spent = Usage()
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    try:
                        return await self._attempt(text, title, spent)
                    except _Retry as retry:
                        spent = retry.usage
                        if retry.after is not None:
                            if time.monotonic() + retry.after >= deadline:
                                raise LlmError(
                                    Outcome.RATE_LIMITED,
                                    f"429; Retry-After {retry.after:g}s exceeds the time limit",
                                    usage=spent,
                                    retry_after=retry.after,
                                ) from None
                            await asyncio.sleep(retry.after)
        except TimeoutError:
            # A request was in flight: it may have reached the server, so it counts.
            raise LlmError(
                Outcome.TIMEOUT,
                f"no reply within {self.timeout:g}s",
                usage=spent + Usage(requests=1),
            ) from None

    async def _attempt(self, text: str, title: str | None, spent: Usage) -> Completion:
        """One request in the current mode; raises ``_Retry`` to go again."""
        mode = self._mode
        body = self._body(text, title, mode)
        try:
            response = await self._http.post("chat/completions", content=json.dumps(body))
        except httpx.TimeoutException:
            raise TimeoutError from None
        except httpx.HTTPError as exc:
            raise LlmError(
                Outcome.UNAVAILABLE, self._clean(f"{type(exc).__name__}: {exc}"), usage=spent
            ) from None
        spent = spent + Usage(requests=1)
        status = response.status_code
        if status == 429:
            after = _retry_after(response.headers.get("retry-after"))
            raise _Retry(spent, after if after is not None else 1.0)
        if status >= 500:
            raise LlmError(Outcome.SERVER_ERROR, f"HTTP {status}", usage=spent)
        if status >= 400:
            nxt = _FALLBACK[mode]
            reason = self._clean(_error_message(response))
            if self._auto and nxt is not None and status in (400, 422) and _about_format(reason):
                logger.info("model server refused response_format %s (HTTP %d); trying %s",
                            mode, status, nxt)  # fmt: skip
                self._mode = nxt
                raise _Retry(spent, None)
            raise LlmError(Outcome.REJECTED, f"HTTP {status}: {reason}", usage=spent)
        return self._completion(response, spent, mode)

    def _body(self, text: str, title: str | None, mode: StructuredMode) -> dict[str, Any]:
        schema = reply_schema()
        body: dict[str, Any] = {
            "model": self.model,
            "messages": build_messages(text, title, schema_in_prompt=mode != "json_schema"),
            "temperature": 0,
            "max_tokens": MAX_COMPLETION_TOKENS,
            "stream": False,
        }
        if mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "sitrep_incidents", "strict": True, "schema": schema},
            }
        elif mode == "json_object":
            # llama.cpp constrains to "schema" here; other servers ignore the extra key.
            body["response_format"] = {"type": "json_object", "schema": schema}
        return body

    def _completion(
        self, response: httpx.Response, spent: Usage, mode: StructuredMode
    ) -> Completion:
        if len(response.content) > MAX_REPLY_BYTES:
            raise LlmError(Outcome.MALFORMED, "reply too large", usage=spent)
        try:
            data = response.json()
            choice = data["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise LlmError(Outcome.MALFORMED, "not a chat completion", usage=spent) from None
        usage = spent + _usage(data)
        if not isinstance(content, str):
            raise LlmError(Outcome.MALFORMED, "the reply has no text content", usage=usage)
        if choice.get("finish_reason") == "length":
            raise LlmError(Outcome.MALFORMED, "reply cut off at the token limit", usage=usage)
        try:
            reply = parse_reply(content)
        except ReplyError as exc:
            outcome = Outcome.MALFORMED if exc.kind == "malformed" else Outcome.SCHEMA_VIOLATION
            raise LlmError(outcome, exc.detail, usage=usage) from None
        return Completion(reply, content, usage, mode)

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        return text[:300]


class _Retry(Exception):
    """Go again: after ``after`` seconds (a 429), or at once in a fallback mode (None)."""

    def __init__(self, usage: Usage, after: float | None) -> None:
        super().__init__("retry")
        self.usage = usage
        self.after = after


def _usage(data: Any) -> Usage:
    usage = data.get("usage") if isinstance(data, dict) else None
    if not isinstance(usage, dict):
        return Usage()
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return Usage(
        0,
        prompt if isinstance(prompt, int) and prompt >= 0 else None,
        completion if isinstance(completion, int) and completion >= 0 else None,
    )


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _about_format(reason: str) -> bool:
    """Whether a 4xx is about the structured-output form (not a bad key or model name)."""
    lowered = reason.lower()
    return any(word in lowered for word in ("response_format", "json_schema", "schema", "json"))


def _error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get("message", ""))[:200]
    return str(error or data)[:200]
