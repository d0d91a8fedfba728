"""The /stats chart: a real PNG, phone-sized, not blank, and Arabic shaped by matplotlib."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import numpy as np
import pytest
from matplotlib import _text_helpers, font_manager
from matplotlib.ft2font import FT2Font
from PIL import Image, ImageStat

from bot.domain.views import Period
from bot.domain.visuals import Bucket, SeriesPoint, StatsSeries
from handlers.charts import (
    CURRENT_COLOURS,
    ChartTexts,
    chart_label,
    render_stats_chart,
    shown_ticks,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _period(first: dt.date, days: int, label: str) -> Period:
    since = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    return Period(
        since=since,
        until=since + dt.timedelta(days=days),
        label=label,
        first_day=first,
        last_day=first + dt.timedelta(days=days - 1),
    )


def series(title: str = "Basra", killed: tuple[int, ...] = (0, 2, 5, 0, 1, 7, 3)) -> StatsSeries:
    start = dt.date(2024, 5, 3)
    current = [
        SeriesPoint(start=start + dt.timedelta(days=i), incidents=1 + i % 3, killed=k)
        for i, k in enumerate(killed)
    ]
    previous = [
        SeriesPoint(start=start - dt.timedelta(days=7 - i), incidents=i % 2, killed=i % 4)
        for i in range(len(killed))
    ]
    return StatsSeries(
        title=title,
        bucket=Bucket.DAY,
        period=_period(start, len(killed), "last 7 days"),
        previous_period=_period(start - dt.timedelta(days=7), 7, "the 7 days before"),
        current=current,
        previous=previous,
    )


def _image(png: bytes) -> Image.Image:
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def _pixels_near(image: Image.Image, colour: str, tolerance: int = 12) -> int:
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    pixels = np.asarray(image, dtype=np.int16)
    return int((np.abs(pixels - target) <= tolerance).all(axis=2).sum())


class TestChartImage:
    def test_png_of_phone_friendly_size_and_not_blank(self) -> None:
        image = _image(render_stats_chart(series()))
        assert image.size == (1280, 960)
        # A blank or single-colour image has (almost) no variance.
        assert max(ImageStat.Stat(image).stddev) > 20

    def test_bars_in_both_colours_when_there_are_killed(self) -> None:
        image = _image(render_stats_chart(series()))
        assert _pixels_near(image, CURRENT_COLOURS[0]) > 2000  # incident bars
        assert _pixels_near(image, CURRENT_COLOURS[1]) > 2000  # killed bars

    def test_no_killed_means_no_red_bars(self) -> None:
        # Only the legend's small swatch stays red.
        none = _pixels_near(
            _image(render_stats_chart(series(killed=(0,) * 7))), CURRENT_COLOURS[1]
        )
        some = _pixels_near(_image(render_stats_chart(series())), CURRENT_COLOURS[1])
        assert none < 2000
        assert some > 5 * none

    def test_long_periods_keep_a_readable_number_of_ticks(self) -> None:
        long = series(killed=tuple(i % 5 for i in range(31)))
        image = _image(render_stats_chart(long))
        assert image.size == (1280, 960)

    def test_mismatched_previous_series_is_aligned_not_an_error(self) -> None:
        uneven = series().model_copy(update={"previous": series().previous[:3]})
        assert render_stats_chart(uneven).startswith(PNG_SIGNATURE)


class TestRightToLeft:
    @staticmethod
    def _red_columns(texts: ChartTexts | None) -> np.ndarray:
        only_first = series(killed=(9, 0, 0, 0, 0, 0, 0))
        image = _image(render_stats_chart(only_first, texts))
        pixels = np.asarray(image, dtype=np.int16)[480:, :]  # the killed panel
        target = np.array([int(CURRENT_COLOURS[1][i : i + 2], 16) for i in (1, 3, 5)])
        red = (np.abs(pixels - target) <= 12).all(axis=2)
        # Columns of the tall bar (the legend's swatch is a few pixels high).
        return np.nonzero(red.sum(axis=0) > 100)[0]

    def test_time_runs_right_to_left_for_rtl_readers(self) -> None:
        left_to_right = self._red_columns(None)
        right_to_left = self._red_columns(ChartTexts(right_to_left=True))
        # The first day's bar: at the left for English readers, at the right for Arabic ones.
        assert left_to_right.max() < 640
        assert right_to_left.min() > 640


class TestLabels:
    def test_bidi_controls_are_removed(self) -> None:
        # RLM, FSI ... PDI help Telegram's clients; the font has no glyph for them.
        assert chart_label("\u200fالبصرة \u2068Basra\u2069") == "البصرة Basra"

    def test_dollar_signs_are_not_mathtext(self) -> None:
        assert chart_label("cost $5 or $6") == r"cost \$5 or \$6"
        assert render_stats_chart(series(title="A $1 $x^2$ title")).startswith(PNG_SIGNATURE)

    def test_arabic_title_renders_with_every_glyph(self) -> None:
        # pytest turns matplotlib's "Glyph missing" warning into an error.
        texts = ChartTexts(
            incidents="الحوادث",
            killed="القتلى",
            per=dict.fromkeys(Bucket, "يوميا"),
            previous="الفترة السابقة",
            right_to_left=True,
        )
        image = _image(render_stats_chart(series(title="البصرة"), texts))
        assert max(ImageStat.Stat(image).stddev) > 20

    @pytest.mark.parametrize("word", ["بغداد", "البصرة", "القتلى"])
    def test_matplotlib_shapes_and_orders_arabic_from_the_label(self, word: str) -> None:
        """Joined letter forms, drawn right to left: what the reader must see.

        ``_text_helpers.layout`` is what matplotlib's Agg text drawing uses (3.11+).
        """
        font = FT2Font(font_manager.findfont("DejaVu Sans"))
        label = chart_label(word)
        glyphs = list(_text_helpers.layout(label, font))
        isolated = [font.get_char_index(ord(ch)) for ch in label]
        # Shaped: contextual (initial/medial/final) glyphs replace the isolated letters.
        assert [g.glyph_index for g in glyphs] != isolated
        # Visual order: the last letter of the word is drawn first, at the left.
        assert glyphs[0].char == label[-1]


class TestTickSpacing:
    """Month labels along the x axis never crowd each other, whatever their language."""

    def test_short_labels_keep_up_to_seven_ticks(self) -> None:
        labels = [f"Mon {year}" for year in range(2000, 2060)]
        shown = shown_ticks(labels)
        assert 5 <= len(shown) <= 7
        assert shown[0] == 0

    def test_long_labels_get_fewer_ticks(self) -> None:
        labels = [f"كانون الأول {year}" for year in range(2000, 2060)]
        shown = shown_ticks(labels)
        assert 2 <= len(shown) <= 4
        spacing = {b - a for a, b in itertools.pairwise(shown)}
        assert len(spacing) == 1  # evenly spaced

    def test_few_labels_are_all_shown(self) -> None:
        assert shown_ticks(["Jan", "Feb", "Mar"]) == [0, 1, 2]
