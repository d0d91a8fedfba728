"""Telegram-HTML helpers: escaping, a tag-safe splitter below 4096 characters, plain text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_MESSAGE_LENGTH = 4096

# One atomic unit of Telegram HTML: a tag, a character entity, a newline, a run of spaces,
# or a run of other text. The splitter never cuts inside a unit (except over-long words).
_UNIT = re.compile(
    r"<[^<>]*>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{1,31});|\n|[ \t]+|[^<&\s]+|."
)
_TAG = re.compile(r"<\s*(/)?\s*([A-Za-z][A-Za-z0-9-]*)[^>]*>")
_SAFE_SCHEMES = ("http://", "https://", "tg://")


def esc(value: object) -> str:
    """Escape any external value for Telegram HTML (double quotes too: safe in attributes)."""
    return html.escape(str(value), quote=False).replace('"', "&quot;")


def link(url: str | None, text: str) -> str:
    """An ``<a>`` link when the URL is a plain http(s) URL, else just the escaped text."""
    if (
        url
        and url.startswith(_SAFE_SCHEMES)
        and len(url) <= 1024
        and not any(ch in url for ch in "\n\r\t ")
    ):
        return f'<a href="{esc(url)}">{esc(text)}</a>'
    return esc(text)


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class _Open:
    name: str
    tag: str  # the full opening tag, re-emitted at the start of the next part

    @property
    def closer(self) -> str:
        return f"</{self.name}>"


def _units(text: str, max_unit: int) -> list[str]:
    units: list[str] = []
    for match in _UNIT.finditer(text):
        unit = match.group(0)
        if unit.startswith(("<", "&")) or tg_len(unit) <= max_unit:
            units.append(unit)
            continue
        # A word longer than a part: cut it hard, on code points (never between surrogates).
        piece = ""
        for char in unit:
            if tg_len(piece + char) > max_unit:
                units.append(piece)
                piece = ""
            piece += char
        if piece:
            units.append(piece)
    return units


def _apply(stack: list[_Open], unit: str) -> None:
    match = _TAG.fullmatch(unit)
    if match is None:
        return
    closing, name = match.group(1), match.group(2).lower()
    if closing:
        for index in range(len(stack) - 1, -1, -1):
            if stack[index].name == name:
                del stack[index:]
                break
    elif not unit.rstrip().endswith("/>"):
        stack.append(_Open(name, unit))


def split_html(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split Telegram HTML into parts of at most ``limit`` UTF-16 units, tags balanced in each.

    Cuts preferably at a line break, then at a space, never inside a tag or an entity; tags
    open at a cut are closed at the end of the part and reopened at the start of the next.
    """
    if tg_len(text) <= limit:
        return [text] if text.strip() else []
    if limit < 64:
        msg = "limit too small to split HTML safely"
        raise ValueError(msg)
    units = _units(text, max(1, limit // 4))
    parts: list[str] = []
    stack: list[_Open] = []
    start = 0
    while start < len(units):
        # Skip line breaks and spaces at the start of a part.
        while start < len(units) and units[start].isspace():
            start += 1
        if start >= len(units):
            break
        prefix = "".join(item.tag for item in stack)
        work = list(stack)
        used = tg_len(prefix)
        best_newline: tuple[int, list[_Open]] | None = None
        best_space: tuple[int, list[_Open]] | None = None
        end = start
        while end < len(units):
            unit = units[end]
            trial = list(work)
            _apply(trial, unit)
            closers = sum(tg_len(item.closer) for item in trial)
            if used + tg_len(unit) + closers > limit:
                break
            used += tg_len(unit)
            work = trial
            end += 1
            if unit == "\n":
                best_newline = (end, list(work))
            elif unit.isspace():
                best_space = (end, list(work))
        if end >= len(units):
            cut, cut_stack = end, work
        elif best_newline is not None and best_newline[0] - start > (end - start) // 3:
            cut, cut_stack = best_newline
        elif best_space is not None:
            cut, cut_stack = best_space
        elif end > start:
            cut, cut_stack = end, work
        else:  # pathological: the reopened tags alone fill the part; drop the formatting
            cut, cut_stack = start + 1, []
            prefix = ""
        body = "".join(units[start:cut]).rstrip()
        closers_text = "".join(item.closer for item in reversed(cut_stack))
        part = prefix + body + closers_text
        if _visible(part).strip():
            parts.append(part)
        stack = cut_stack
        start = cut
    return parts


def _visible(text: str) -> str:
    return html.unescape(re.sub(r"<[^<>]*>", "", text))


_LINK = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.DOTALL)


def to_plain(text: str) -> str:
    """Telegram HTML -> plain text for the console: tags removed, links shown, entities decoded."""

    def _link(match: re.Match[str]) -> str:
        url = html.unescape(match.group(1))
        label = match.group(2)
        visible = _visible(label)
        return label if visible == url else f"{label} ({esc(url)})"

    text = _LINK.sub(_link, text)
    return _visible(text)
