"""Example reports for ``sitrep demo``: ten short stories about real events, written for Sitrep.

The texts in ``bot/data/demo/reports.jsonl`` are our own words (facts and figures from public
reporting). Loading them twice changes nothing: every report is deduplicated by URL.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.domain.views import IngestOutcome
from bot.services.errors import UserError

if TYPE_CHECKING:
    from bot.services import Services

DEMO_ORIGIN = "demo"


class DemoReport(BaseModel):
    """One line of the demo file."""

    model_config = ConfigDict(extra="forbid")

    url: str
    outlet: str
    title: str
    published_at: dt.datetime
    text: str

    @field_validator("published_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            msg = "published_at must include a timezone"
            raise ValueError(msg)
        return value


def demo_reports(path: Path | None = None) -> list[DemoReport]:
    """The demo reports, oldest first (a follow-up must come after the story it updates)."""
    if path is None:
        raw = resources.files("bot.data").joinpath("demo/reports.jsonl").read_text("utf-8")
    else:
        raw = path.read_text("utf-8")
    reports = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            reports.append(DemoReport.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            raise UserError(
                "demo file line {number} is not a valid report: {reason}",
                values={"number": number, "reason": exc},
            ) from None
    return sorted(reports, key=lambda report: report.published_at)


async def load_demo(services: Services, path: Path | None = None) -> list[IngestOutcome]:
    """Ingest the demo reports through the normal pipeline; return one outcome per report."""
    outcomes = []
    for report in demo_reports(path):
        outcomes.append(
            await services.ingestion.ingest_text(
                report.text,
                url=report.url,
                title=report.title,
                outlet=report.outlet,
                published_at=report.published_at,
                origin=DEMO_ORIGIN,
            )
        )
    return outcomes
