"""The demo reports: valid, oldest first, loaded once however often ``sitrep demo`` runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import Services
from bot.services.demo import demo_reports, load_demo
from bot.services.errors import UserError
from storage.base import Storage


def test_the_packaged_file_has_eight_to_twelve_reports_oldest_first() -> None:
    reports = demo_reports()
    assert 8 <= len(reports) <= 12
    assert [r.published_at for r in reports] == sorted(r.published_at for r in reports)
    assert len({r.url for r in reports}) == len(reports)


def test_the_green_zone_follow_up_comes_after_the_first_report() -> None:
    titles = [r.title for r in demo_reports()]
    assert titles.index("Green Zone death toll rises to 30") > titles.index(
        "Deadly clashes in Baghdad's Green Zone"
    )


async def test_loading_twice_stores_each_report_once(services: Services, storage: Storage) -> None:
    first = await load_demo(services)
    second = await load_demo(services)
    assert not any(o.duplicate for o in first)
    assert all(o.duplicate for o in second)
    assert await storage.reports.count() == len(first)


def test_a_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    path.write_text('{"url": "https://example.org/x", "text": "no date"}\n', encoding="utf-8")
    with pytest.raises(UserError, match="line 1"):
        demo_reports(path)
