"""Draw a /stats chart as a PNG: incidents and killed per bucket, this period against the last.

matplotlib's object API with the Agg canvas (no pyplot: it keeps every figure alive in a
server). 1280x960 pixels, large type: Telegram shows photos at most 1280 px wide and a phone
shrinks them to about 400, where this stays legible. Every piece of text goes through
:func:`chart_label`; matplotlib 3.11+ shapes Arabic and orders right-to-left runs itself
(libraqm), so the label function must *not* reshape it again (that garbles it), only clean it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.domain.visuals import Bucket, SeriesPoint, StatsSeries
from bot.services.errors import N_
from handlers import names
from handlers.html import esc
from handlers.i18n import format_day, is_rtl, t

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 6.0, 160
FONT = "DejaVu Sans"  # bundled with matplotlib; has Arabic glyphs
CURRENT_COLOURS = ("#1f4e79", "#b03a2e")  # incidents, killed
PREVIOUS_COLOUR = "#c8c8c8"
_MAX_TICKS = 7
_AXIS_CHARACTERS = 72  # characters of tick labels the x axis holds at its label size
# Bidi controls that help Telegram's clients but have no glyph in the font (LRM/RLM, embeddings,
# isolates); matplotlib works out the direction itself.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


def chart_label(text: str) -> str:
    """Any text before it is drawn: NFC, no bidi control marks, no mathtext ("$" escaped).

    Arabic is passed through as logical-order text: matplotlib >= 3.11 shapes and orders it.
    """
    cleaned = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))
    return cleaned.replace("$", r"\$")


def _day_month(day: dt.date) -> str:
    return f"{day:%d %b}".lstrip("0")


def _month_year(day: dt.date) -> str:
    return f"{day:%b %Y}"


@dataclass(frozen=True)
class ChartTexts:
    """The words on a chart; the English defaults are replaced by a translation later."""

    incidents: str = "Incidents"
    killed: str = "Killed"
    per: dict[Bucket, str] = field(
        default_factory=lambda: {
            Bucket.DAY: "per day",
            Bucket.WEEK: "per week",
            Bucket.MONTH: "per month",
        }
    )
    previous: str = "previous period"
    date: Callable[[dt.date], str] = _day_month
    month: Callable[[dt.date], str] = _month_year
    right_to_left: bool = False  # time runs right to left, the value axis on the right
    title: str | None = None  # the series' title and period in the chat's language
    period: str | None = None


def chart_caption(series: StatsSeries, lang: str | None = None) -> str:
    """The HTML caption under a chart (the picture says the rest)."""
    per = {
        Bucket.DAY: N_(
            "📊 {title}: incidents and killed per day, {period} (colour) "
            "against the period before (grey)."
        ),
        Bucket.WEEK: N_(
            "📊 {title}: incidents and killed per week, {period} (colour) "
            "against the period before (grey)."
        ),
        Bucket.MONTH: N_(
            "📊 {title}: incidents and killed per month, {period} (colour) "
            "against the period before (grey)."
        ),
    }[series.bucket]
    return t(
        lang,
        per,
        title=esc(names.label(lang, series.title)),
        period=esc(names.period(lang, series.period.label)),
    )


def chart_texts(lang: str | None) -> ChartTexts:
    """The words on a /stats chart in ``lang`` (Arabic: time runs right to left)."""
    return ChartTexts(
        incidents=t(lang, "Incidents"),
        killed=t(lang, "Killed"),
        per={
            Bucket.DAY: t(lang, "per day"),
            Bucket.WEEK: t(lang, "per week"),
            Bucket.MONTH: t(lang, "per month"),
        },
        previous=t(lang, "previous period"),
        date=lambda day: format_day(lang, day, "d MMM"),
        month=lambda day: format_day(lang, day, "MMM y"),
        right_to_left=is_rtl(lang),
        title=None,
    )


def stats_chart_texts(series: StatsSeries, lang: str | None) -> ChartTexts:
    """The chart's words with its title and period in ``lang``."""
    texts = chart_texts(lang)
    return dataclasses.replace(
        texts,
        title=names.label(lang, series.title),
        period=names.period(lang, series.period.label),
    )


def shown_ticks(labels: Sequence[str]) -> list[int]:
    """Which labels the x axis shows: evenly spaced, fewer when they are long
    ("كانون الأول 2021"), so neighbours never overlap."""
    longest = max((len(label) for label in labels), default=1)
    most = max(2, min(_MAX_TICKS, _AXIS_CHARACTERS // (longest + 2)))
    step = max(1, -(-len(labels) // most))
    return list(range(0, len(labels), step))


def _tick_labels(points: Sequence[SeriesPoint], bucket: Bucket, texts: ChartTexts) -> list[str]:
    if bucket is Bucket.MONTH:
        return [texts.month(point.start) for point in points]
    return [texts.date(point.start) for point in points]


def _panel(
    ax: Axes,
    *,
    current: list[int],
    previous: list[int],
    colour: str,
    name: str,
    texts: ChartTexts,
    labels: tuple[str, str],
) -> None:
    positions = list(range(len(current)))
    # Aligned at the end (the services do this; a shorter list must not break the drawing).
    previous = ([0] * len(current) + list(previous))[-len(current) :] if current else []
    ax.bar(
        positions,
        previous,
        width=0.9,
        color=PREVIOUS_COLOUR,
        label=chart_label(f"{labels[1]}: {sum(previous)}"),
        zorder=1,
    )
    ax.bar(
        positions,
        current,
        width=0.55,
        color=colour,
        label=chart_label(f"{labels[0]}: {sum(current)}"),
        zorder=2,
    )
    from matplotlib.ticker import MaxNLocator

    ax.set_ylabel(chart_label(name), fontsize=15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.grid(axis="y", color="#e5e5e5", zorder=0)
    ax.tick_params(labelsize=13)
    # Above the panel, in one row: never over a bar.
    ax.legend(
        fontsize=12,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=2,
        frameon=False,
        borderaxespad=0.1,
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if texts.right_to_left:
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")


def render_stats_chart(series: StatsSeries, texts: ChartTexts | None = None) -> bytes:
    """The PNG of a series: two panels (incidents, killed), current bars over previous ones.

    CPU-bound: call it in a thread. matplotlib is imported here, on the first chart, so that
    starting the bot does not pay for it (seconds on a small machine).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    words = texts or ChartTexts()
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(
        chart_label(f"{words.title or series.title} — {words.period or series.period.label}"),
        fontsize=18,
        fontweight="bold",
        fontfamily=FONT,
    )
    top, bottom = figure.subplots(2, 1, sharex=True)
    labels = (words.period or series.period.label, words.previous)
    panels: tuple[tuple[Axes, str, Callable[[SeriesPoint], int]], ...] = (
        (top, words.incidents, lambda point: point.incidents),
        (bottom, words.killed, lambda point: point.killed),
    )
    for (axes, word, measure), colour in zip(panels, CURRENT_COLOURS, strict=True):
        _panel(
            axes,
            current=[measure(p) for p in series.current],
            previous=[measure(p) for p in series.previous],
            colour=colour,
            name=f"{word} {words.per[series.bucket]}",
            texts=words,
            labels=labels,
        )
    if words.right_to_left:
        bottom.invert_xaxis()  # once: the two panels share the x axis
    ticks = _tick_labels(series.current, series.bucket, words)
    shown = shown_ticks(ticks)
    bottom.set_xticks(shown, [chart_label(ticks[i]) for i in shown])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
