"""Bad input never crashes a service: any text gives a result or a UserError."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.views import Period
from bot.services.catalog import CatalogService
from bot.services.chats import parse_clock
from bot.services.errors import UserError
from bot.services.periods import parse_period, split_trailing_period
from bot.services.queries import sanitize_search
from bot.services.subscriptions import parse_payload, split_min_killed
from tests.fakes import FakeActorRegistry, FakeGazetteer

NOW = dt.datetime(2022, 9, 2, 12, 0, tzinfo=dt.UTC)
TEXT = st.text(max_size=80) | st.from_regex(
    r"(since )?\d{1,5}[-.:/ ]?\d{0,3}[-.]?\d{0,3}(\.\.\d{4}-\d\d-\d\d)?[hdwmy]?", fullmatch=True
)
CATALOG = CatalogService(FakeGazetteer(), FakeActorRegistry())


def _period_or_error(text: str) -> Period | UserError:
    try:
        return parse_period(text, NOW, "Asia/Baghdad")
    except UserError as error:
        return error


def _clock_or_error(text: str) -> dt.time | UserError:
    try:
        return parse_clock(text)
    except UserError as error:
        return error


@given(TEXT)
def test_periods_parse_or_explain(text: str) -> None:
    result = _period_or_error(text)
    if isinstance(result, UserError):
        assert result.message
        assert result.usage
    else:
        assert result.since <= result.until
        assert result.first_day <= result.last_day


@given(TEXT)
def test_clock_times_parse_or_explain(text: str) -> None:
    result = _clock_or_error(text)
    if isinstance(result, UserError):
        assert result.usage
    else:
        assert 0 <= result.hour < 24


@given(st.text(max_size=200))
def test_splitters_and_sanitisers_never_crash(text: str) -> None:
    rest, period = split_trailing_period(text)
    assert period is None or period in text
    assert len(rest) <= len(text)
    try:
        name, threshold = split_min_killed(text)
    except UserError:
        pass
    else:
        assert threshold >= 0
        assert len(name) <= len(text)
    try:
        cleaned = sanitize_search(text)
    except UserError as exc:
        refusal: str | None = exc.message
    else:
        refusal = None
        # Only the canonical syntax survives: words, word*, and whole "phrases".
        assert sanitize_search(cleaned) == cleaned
        assert not set(cleaned) & set("()^:+-|;'")
    assert refusal is None or "Bas*" in refusal
    assert parse_payload(text) is None or text.startswith("sub_")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(st.text(max_size=300))
async def test_catalog_resolves_anything(text: str) -> None:
    place = CATALOG.resolve_place(text)
    anything = await CATALOG.resolve_any(text)
    assert len(place.matches) <= 8
    assert len(anything.matches) <= 8
    try:
        zone = CATALOG.timezone_for(text)
    except UserError:
        pass
    else:
        assert zone
