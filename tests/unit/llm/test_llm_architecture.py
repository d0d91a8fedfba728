"""Where the language-model adapter may reach: HTTP yes; Telegram, storage and handlers no.

And the other way: ``bot.extract`` stays pure (it never imports the adapter), and the
services know the model only through the ``Extractor`` and ``ReportsHealth`` ports.
"""

from __future__ import annotations

from tests.test_architecture import _modules, _violations


def test_the_adapter_does_not_touch_telegram_storage_or_handlers() -> None:
    assert len(list(_modules("bot/llm"))) >= 8  # the scan sees the package
    assert _violations("bot/llm", ("telegram", "storage", "handlers", "aiosqlite")) == []


def test_extraction_and_services_do_not_import_the_adapter() -> None:
    assert _violations("bot/extract", ("bot.llm",)) == []
    assert _violations("bot/services", ("bot.llm",)) == []
    assert _violations("bot/domain", ("bot.llm",)) == []
