"""The bot token never appears in a log line or an error message, in-process, at DEBUG level:
start-up, an exception raised inside a handler whose text carries the token (as a URL would),
network errors on replies, and the admin's error notice. caplog sees every record.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.services.admin import META_LAST_ERROR
from handlers.redaction import install_redaction
from tests.fault.conftest import (
    ADMIN_ID,
    SECRET_TOKEN,
    Fault,
    FaultyBotAPI,
    app_settings,
    running_app,
)

SECRET_PART = SECRET_TOKEN.split(":", 1)[1]
USER = 5150


def leaked(text: str) -> bool:
    return SECRET_PART in text


@pytest.mark.slow
class TestTokenInLogs:
    async def test_handler_exception_and_network_errors_are_redacted(
        self,
        api: FaultyBotAPI,
        tmp_path: Path,
        caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        install_redaction(SECRET_TOKEN)  # what `sitrep run` does first
        settings = app_settings(api, tmp_path / "token.sqlite3")
        async with running_app(settings) as context:

            async def broken(*args: object, **kwargs: object) -> object:
                raise RuntimeError(
                    f"upstream failed: POST {api.base_url}{SECRET_TOKEN}/sendMessage"
                )

            monkeypatch.setattr(context.services.queries, "latest", broken)
            before_user = len(api.sent_to(USER))
            before_admin = len(api.sent_to(ADMIN_ID))
            api.send_text("/latest", chat_id=USER)
            await api.wait_messages(USER, before_user + 1)  # the apology
            await api.wait_messages(ADMIN_ID, before_admin + 1)  # the admin's notice
            # A reply whose connection is reset, and one answered with a 500.
            api.faults.extend([Fault("reset", count=1), Fault("500", count=1)])
            api.send_text("/help", chat_id=USER)
            api.send_text("/help", chat_id=USER + 1)
            await api.wait_for(lambda: not api.faults, what="faults hit")
            await api.wait_messages(USER + 1, 1)
            recorded = await context.storage.meta.get(META_LAST_ERROR)

        assert any("RuntimeError" in r.getMessage() or r.exc_text for r in caplog.records)
        assert any(r.levelno == logging.DEBUG for r in caplog.records)
        for record in caplog.records:
            assert not leaked(record.getMessage()), record.name
            assert not leaked(record.exc_text or ""), record.name
        assert not leaked(caplog.text)
        for message in api.messages:
            assert not leaked(message.text), message.chat_id
        notices = [m.text for m in api.sent_to(ADMIN_ID)]
        assert any("RuntimeError" in text and "upstream failed" in text for text in notices)
        assert recorded is not None  # the last error, as /status shows it
        assert not leaked(recorded)
