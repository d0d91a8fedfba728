"""The OpenAI-compatible client against the fake server: each way a server can fail."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.llm.client import ChatClient, LlmError, Outcome
from tests.fakellm import FakeLLM, model_incident, reply_json
from tests.unit.llm.conftest import API_KEY

ARTICLE = "Gunmen opened fire on a checkpoint in Tarmiyah late on Sunday, the police said."
GOOD = reply_json(
    model_incident(
        event_quote=ARTICLE, place="Tarmiyah", date_expression="late on Sunday", actors=["Gunmen"]
    )
)


@pytest.fixture
async def client(fake_llm: FakeLLM) -> AsyncIterator[ChatClient]:
    chat = ChatClient(fake_llm.base_url, "fake-model", api_key=API_KEY, timeout=2.0)
    yield chat
    await chat.aclose()


async def _fails(client: ChatClient, text: str = ARTICLE) -> LlmError:
    with pytest.raises(LlmError) as info:
        await client.complete(text)
    return info.value


class TestRequest:
    async def test_sends_the_schema_the_model_and_the_key(
        self, client: ChatClient, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", GOOD)
        completion = await client.complete(ARTICLE, "A checkpoint attacked")
        assert completion.reply.incidents[0].place == "Tarmiyah"
        (seen,) = fake_llm.requests
        assert seen.path == "/v1/chat/completions"
        assert seen.headers["authorization"] == f"Bearer {API_KEY}"
        assert seen.body["model"] == "fake-model"
        fmt = seen.body["response_format"]
        assert fmt["type"] == "json_schema"
        assert fmt["json_schema"]["strict"] is True
        incident = fmt["json_schema"]["schema"]["$defs"]["ModelIncident"]
        assert set(incident["required"]) == set(incident["properties"])
        assert incident["additionalProperties"] is False
        assert "A checkpoint attacked" in seen.article
        assert completion.usage.requests == 1
        assert completion.usage.tokens == 180

    async def test_no_key_no_authorization_header(self, fake_llm: FakeLLM) -> None:
        chat = ChatClient(fake_llm.base_url, "m", timeout=2.0)
        try:
            await chat.complete(ARTICLE)
        finally:
            await chat.aclose()
        assert "authorization" not in fake_llm.requests[0].headers

    async def test_falls_back_when_json_schema_is_refused(self) -> None:
        with FakeLLM(refuse_formats=("json_schema",)) as server:
            server.script("Tarmiyah", GOOD)
            chat = ChatClient(server.base_url, "m", timeout=2.0)
            try:
                first = await chat.complete(ARTICLE)
                second = await chat.complete(ARTICLE)
            finally:
                await chat.aclose()
        assert first.mode == "json_object"
        assert first.usage.requests == 2
        assert second.usage.requests == 1  # the fallback is remembered
        assert [r.response_format for r in server.requests] == [
            "json_schema",
            "json_object",
            "json_object",
        ]
        # Without a schema-constrained format the schema travels in the prompt.
        assert '"ModelIncident"' in server.requests[1].body["messages"][0]["content"]

    async def test_falls_back_to_plain_prompting(self) -> None:
        with FakeLLM(refuse_formats=("json_schema", "json_object")) as server:
            server.script("Tarmiyah", "Here you go:\n```json\n" + GOOD + "\n```")
            chat = ChatClient(server.base_url, "m", timeout=2.0)
            try:
                completion = await chat.complete(ARTICLE)
            finally:
                await chat.aclose()
        assert completion.mode == "none"
        assert "response_format" not in server.requests[-1].body
        assert completion.reply.incidents[0].place == "Tarmiyah"

    async def test_pinned_mode_does_not_fall_back(self) -> None:
        with FakeLLM(refuse_formats=("json_schema",)) as server:
            chat = ChatClient(server.base_url, "m", timeout=2.0, structured="json_schema")
            try:
                error = await _fails(chat)
            finally:
                await chat.aclose()
        assert error.outcome is Outcome.REJECTED
        assert len(server.requests) == 1


class TestFailures:
    async def test_malformed_json(self, client: ChatClient, fake_llm: FakeLLM) -> None:
        fake_llm.script("Tarmiyah", '{"incidents": [{"sub_event_type": "Attack",')
        error = await _fails(client)
        assert error.outcome is Outcome.MALFORMED
        assert error.usage.requests == 1

    async def test_not_a_chat_completion(self, client: ChatClient, fake_llm: FakeLLM) -> None:
        fake_llm.script("Tarmiyah", raw_body=b"<html>proxy error</html>")
        assert (await _fails(client)).outcome is Outcome.MALFORMED

    async def test_cut_off_reply(self, client: ChatClient, fake_llm: FakeLLM) -> None:
        fake_llm.script("Tarmiyah", GOOD, finish_reason="length")
        error = await _fails(client)
        assert error.outcome is Outcome.MALFORMED
        assert "cut off" in error.detail

    async def test_schema_violation(self, client: ChatClient, fake_llm: FakeLLM) -> None:
        bad = reply_json(model_incident(sub_event_type="Massacre", invented_field=1))
        fake_llm.script("Tarmiyah", bad)
        error = await _fails(client)
        assert error.outcome is Outcome.SCHEMA_VIOLATION
        assert "sub_event_type" in error.detail

    async def test_negative_count_is_a_violation(
        self, client: ChatClient, fake_llm: FakeLLM
    ) -> None:
        fig = {"kind": "killed", "count": -3, "qualifier": "exact", "quote": "x", "sentence": "x"}
        fake_llm.script("Tarmiyah", reply_json(model_incident(event_quote="x", figures=[fig])))
        assert (await _fails(client)).outcome is Outcome.SCHEMA_VIOLATION

    async def test_server_error(self, client: ChatClient, fake_llm: FakeLLM) -> None:
        fake_llm.script("Tarmiyah", status=500)
        error = await _fails(client)
        assert error.outcome is Outcome.SERVER_ERROR
        assert len(fake_llm.requests) == 1

    async def test_bad_key_is_rejected_and_not_echoed(
        self, client: ChatClient, fake_llm: FakeLLM
    ) -> None:
        body = f'{{"error": {{"message": "invalid key {API_KEY}"}}}}'.encode()
        fake_llm.script("Tarmiyah", status=401, raw_body=body)
        error = await _fails(client)
        assert error.outcome is Outcome.REJECTED
        assert API_KEY not in str(error)
        assert "invalid key" in error.detail

    async def test_timeout_when_the_server_hangs(self, fake_llm: FakeLLM) -> None:
        fake_llm.script("Tarmiyah", hang=True)
        chat = ChatClient(fake_llm.base_url, "m", timeout=0.3)
        try:
            error = await _fails(chat)
        finally:
            await chat.aclose()
        assert error.outcome is Outcome.TIMEOUT

    async def test_nobody_listening(self) -> None:
        with FakeLLM() as server:
            url = server.base_url
        chat = ChatClient(url, "m", timeout=2.0)
        try:
            error = await _fails(chat)
        finally:
            await chat.aclose()
        assert error.outcome is Outcome.UNAVAILABLE


class TestRateLimits:
    async def test_short_retry_after_is_honoured(
        self, client: ChatClient, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", status=429, headers={"Retry-After": "0"}, times=1)
        fake_llm.script("Tarmiyah", GOOD)
        completion = await client.complete(ARTICLE)
        assert completion.usage.requests == 2
        assert completion.reply.incidents[0].place == "Tarmiyah"

    async def test_long_retry_after_gives_up_at_once(
        self, client: ChatClient, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", status=429, headers={"Retry-After": "3600"})
        error = await _fails(client)
        assert error.outcome is Outcome.RATE_LIMITED
        assert error.retry_after == 3600
        assert len(fake_llm.requests) == 1
