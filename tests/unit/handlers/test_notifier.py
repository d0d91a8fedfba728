"""TelegramNotifier against the fake Bot API server: rendering, splitting, error mapping."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.domain import OutboxKind, OutboxMessage
from bot.domain.views import Digest, DigestCity, DigestGroup
from bot.ports import SendStatus
from handlers.notifier import TelegramNotifier
from handlers.redaction import RedactingFilter, install_redaction, redact
from tests.fakebotapi import TOKEN, FakeBotAPI, Fault
from tests.unit.handlers.conftest import basra_incident

NOW = dt.datetime(2024, 5, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def notifier(
    api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[TelegramNotifier]:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as bot.app sets it
    request = HTTPXRequest(read_timeout=0.5, connect_timeout=0.5)
    bot = Bot(TOKEN, base_url=api.base_url, request=request)
    async with bot:
        yield TelegramNotifier(bot, secrets=(TOKEN,), sleep=_no_sleep)


async def _no_sleep(seconds: float) -> None:
    return None


def message(payload: dict[str, Any], kind: OutboxKind = OutboxKind.ALERT) -> OutboxMessage:
    """A message read from a plain dict payload, as rows queued by earlier versions are."""
    fields = {"id": 1, "chat_id": 77, "kind": kind, "idempotency_key": "k", "payload": payload}
    return OutboxMessage.model_validate({**fields, "next_attempt_at": NOW})


def alert_payload(**extra: Any) -> dict[str, Any]:
    incident = basra_incident().model_copy(update={"id": 5})
    return {"incident": incident.model_dump(mode="json"), "note": None, **extra}


class TestSending:
    async def test_alert_is_rendered_html(
        self, api: FakeBotAPI, notifier: TelegramNotifier
    ) -> None:
        result = await notifier.send(message(alert_payload()), None)
        assert result.status is SendStatus.SENT
        sent = api.sent_to(77)
        assert len(sent) == 1
        assert result.message_id == sent[0].message_id
        assert "New incident" in sent[0].text
        assert "/incident 5" in sent[0].text
        assert sent[0].params["parse_mode"] == "HTML"
        assert not sent[0].silent

    async def test_update_replies_and_respects_silence(
        self, api: FakeBotAPI, notifier: TelegramNotifier
    ) -> None:
        payload = alert_payload(note="death toll rose from 3 to 5", disable_notification=True)
        result = await notifier.send(message(payload, OutboxKind.UPDATE), 1234)
        assert result.status is SendStatus.SENT
        sent = api.sent_to(77)[0]
        assert sent.reply_to == 1234
        assert sent.silent
        assert "death toll rose from 3 to 5" in sent.text

    async def test_long_digest_split_without_previews(
        self, api: FakeBotAPI, notifier: TelegramNotifier
    ) -> None:
        incidents = [
            basra_incident(summary="x").model_copy(update={"id": n}) for n in range(1, 121)
        ]
        digest = Digest(
            chat_id=77,
            local_date=dt.date(2024, 5, 10),
            timezone="Asia/Baghdad",
            window_start=NOW - dt.timedelta(days=1),
            window_end=NOW,
            total=120,
            killed=360,
            groups=[
                DigestGroup(
                    governorate="Basra",
                    total=120,
                    killed=360,
                    cities=[DigestCity(name="Basra", incidents=incidents, killed=360)],
                )
            ],
        )
        payload = {"digest": digest.model_dump(mode="json")}
        result = await notifier.send(message(payload, OutboxKind.DIGEST), 99)
        sent = api.sent_to(77)
        assert result.status is SendStatus.SENT
        assert len(sent) >= 2
        assert result.message_ids == tuple(m.message_id for m in sent)
        assert all(len(m.text) <= 4096 for m in sent)
        assert sent[0].reply_to == 99
        assert all(m.reply_to is None for m in sent[1:])
        assert all(m.params["link_preview_options"] == {"is_disabled": True} for m in sent)
        joined = "".join(m.text for m in sent)
        assert all(f"/incident {n}" in joined for n in (1, 60, 120))

    async def test_later_part_failing_is_finished_not_duplicated(
        self, api: FakeBotAPI, notifier: TelegramNotifier
    ) -> None:
        text = "\n".join(f"line {n} " + "y" * 80 for n in range(120))
        first = await notifier.send(message({"text": text}), None)
        parts = len(api.sent_to(77))
        assert parts >= 2
        api.faults.append(Fault("500", count=1))  # hits the first part of the next message
        failed = await notifier.send(message({"text": text}), None)
        assert failed.status is SendStatus.TRANSIENT
        assert len(api.sent_to(77)) == parts  # nothing of it went out
        assert first.status is SendStatus.SENT


class TestErrorMapping:
    @pytest.mark.parametrize(
        ("fault", "status"),
        [
            (Fault("429", retry_after=7), SendStatus.RETRY_AFTER),
            (Fault("500"), SendStatus.TRANSIENT),
            (Fault("reset"), SendStatus.TRANSIENT),
            (Fault("slow", delay=1.5), SendStatus.TRANSIENT),
            (Fault("403"), SendStatus.BLOCKED),
            (Fault("400", description="Bad Request: chat not found"), SendStatus.BLOCKED),
            (Fault("400", description="Bad Request: can't parse entities"), SendStatus.PERMANENT),
        ],
    )
    async def test_status(
        self, api: FakeBotAPI, notifier: TelegramNotifier, fault: Fault, status: SendStatus
    ) -> None:
        api.faults.append(fault)
        result = await notifier.send(message({"text": "hello"}), None)
        assert result.status is status
        assert result.error
        assert TOKEN not in result.error
        if status is SendStatus.RETRY_AFTER:
            assert result.retry_after == 7

    async def test_migration(self, api: FakeBotAPI, notifier: TelegramNotifier) -> None:
        api.migrated[77] = -100777
        result = await notifier.send(message({"text": "hello"}), None)
        assert result.status is SendStatus.MIGRATED
        assert result.new_chat_id == -100777

    async def test_unrenderable_payload_is_permanent(self, notifier: TelegramNotifier) -> None:
        result = await notifier.send(message({"nonsense": 1}), None)
        assert result.status is SendStatus.PERMANENT


class TestRedaction:
    def test_redact_known_and_token_shaped(self) -> None:
        text = f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed"
        assert TOKEN not in redact(text, (TOKEN,))
        assert TOKEN not in redact(text)

    def test_filter_cleans_messages_args_and_tracebacks(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        logger = logging.getLogger("tests.redaction")
        caplog.handler.addFilter(RedactingFilter((TOKEN,)))
        try:
            logger.warning("url %s", f"https://x/bot{TOKEN}/getMe")
            try:
                raise RuntimeError(f"boom {TOKEN}")
            except RuntimeError:
                logger.exception("failed")
        finally:
            caplog.handler.filters.clear()
        assert TOKEN not in caplog.text
        assert "<redacted-token>" in caplog.text

    def test_install_quiets_httpx(self) -> None:
        install_redaction(TOKEN)
        assert logging.getLogger("httpx").level == logging.WARNING
        root_filters = [f for h in logging.getLogger().handlers for f in h.filters]
        assert any(isinstance(f, RedactingFilter) for f in root_filters)
        for handler in logging.getLogger().handlers:
            handler.filters = [f for f in handler.filters if not isinstance(f, RedactingFilter)]

    def test_install_redacts_the_model_api_key_too(self) -> None:
        key = "sk-live-abcdefghijklmnop"
        log_filter = install_redaction(TOKEN, key, None)
        try:
            record = logging.LogRecord(
                "bot.llm", logging.WARNING, __file__, 1, "rejected: key %s", (key,), None
            )
            log_filter.filter(record)
            assert key not in record.getMessage()
            assert "<redacted-token>" in record.getMessage()
        finally:
            for handler in logging.getLogger().handlers:
                handler.filters = [f for f in handler.filters if f is not log_filter]


class TestChartPayload:
    """The week's chart under a digest: drawn by the notifier, sent as a silent photo."""

    @staticmethod
    def chart_payload() -> dict[str, Any]:
        from tests.unit.handlers.test_charts import series

        return {"chart": series().model_dump(mode="json"), "disable_notification": True}

    async def test_sent_as_a_photo_with_a_caption(
        self, api: FakeBotAPI, notifier: TelegramNotifier
    ) -> None:
        result = await notifier.send(message(self.chart_payload(), OutboxKind.DIGEST), None)
        assert result.status is SendStatus.SENT
        [photo] = api.photos_to(77)
        assert photo.data.startswith(b"\x89PNG\r\n\x1a\n")
        assert "Basra" in photo.caption
        assert str(photo.params.get("disable_notification")).lower() == "true"
        assert result.message_id == photo.message_id

    async def test_an_undrawable_payload_is_a_permanent_failure(
        self, api: FakeBotAPI, notifier: TelegramNotifier
    ) -> None:
        result = await notifier.send(message({"chart": {"title": "x"}}, OutboxKind.DIGEST), None)
        assert result.status is SendStatus.PERMANENT
        assert api.photos_to(77) == []

    async def test_a_blocked_chat_is_reported(
        self, api: FakeBotAPI, notifier: TelegramNotifier
    ) -> None:
        api.faults.append(Fault("403", method="sendPhoto"))
        result = await notifier.send(message(self.chart_payload(), OutboxKind.DIGEST), None)
        assert result.status is SendStatus.BLOCKED


class TestInTheChatsLanguage:
    """Alerts, updates and the digest chart go out in each chat's language."""

    @pytest.fixture
    async def arabic(self, api: FakeBotAPI) -> AsyncIterator[TelegramNotifier]:
        async def language_of(chat_id: int) -> str:
            return "ar" if chat_id == 77 else "en"

        bot = Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest(read_timeout=0.5))
        async with bot:
            yield TelegramNotifier(bot, secrets=(TOKEN,), sleep=_no_sleep, language_of=language_of)

    async def test_an_alert_in_arabic(self, api: FakeBotAPI, arabic: TelegramNotifier) -> None:
        # A first alert after a rise carries the services' English note: not shown in Arabic
        # (the card gives the figures as they are now).
        await arabic.send(message(alert_payload(note="death toll rose from 1 to 3")), None)
        [sent] = api.sent_to(77)
        assert "🚨 حادثة جديدة" in sent.text
        assert "البصرة" in sent.text
        assert "New incident" not in sent.text
        assert "death toll" not in sent.text

    async def test_an_update_says_what_changed_in_arabic(
        self, api: FakeBotAPI, arabic: TelegramNotifier
    ) -> None:
        payload = alert_payload(
            note="death toll rose from 3 to 5 (police)",
            changes={"killed": {"old": "3", "new": "at least 5"}},
        )
        await arabic.send(message(payload, OutboxKind.UPDATE), 1234)
        [sent] = api.sent_to(77)
        assert "🔄 تحديث" in sent.text
        assert "حصيلة القتلى الآن 5 على الأقل (كانت 3)" in sent.text
        assert "death toll" not in sent.text

    async def test_the_digest_chart_caption_in_arabic(
        self, api: FakeBotAPI, arabic: TelegramNotifier
    ) -> None:
        payload = TestChartPayload.chart_payload()
        result = await arabic.send(message(payload, OutboxKind.DIGEST), None)
        assert result.status is SendStatus.SENT
        [photo] = api.photos_to(77)
        assert photo.data.startswith(b"\x89PNG\r\n\x1a\n")
        assert "الحوادث والقتلى" in photo.caption

    async def test_a_failing_language_lookup_sends_in_english(self, api: FakeBotAPI) -> None:
        async def broken(chat_id: int) -> str:
            raise OSError("database is locked")

        bot = Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest(read_timeout=0.5))
        async with bot:
            notifier = TelegramNotifier(bot, sleep=_no_sleep, language_of=broken)
            result = await notifier.send(message(alert_payload()), None)
        assert result.status is SendStatus.SENT
        assert "New incident" in api.sent_to(77)[0].text
