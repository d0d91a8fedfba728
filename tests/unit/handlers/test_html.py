"""Tests for handlers.html: escaping, links, the tag-safe splitter, plain text."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.html import esc, link, split_html, tg_len, to_plain

_TAG = re.compile(r"<(/?)([a-z]+)[^>]*>")


def _balanced(part: str) -> bool:
    stack: list[str] = []
    for match in _TAG.finditer(part):
        closing, name = match.group(1), match.group(2)
        if closing:
            if not stack or stack[-1] != name:
                return False
            stack.pop()
        else:
            stack.append(name)
    return not stack


def _no_cut_entity(part: str) -> bool:
    # Every '&' must start a complete entity; '<' and '>' only inside complete tags.
    stripped = re.sub(r"<[^<>]*>", "", part)
    if "<" in stripped or ">" in stripped:
        return False
    return all(
        re.match(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);", stripped[i:])
        for i in range(len(stripped))
        if stripped[i] == "&"
    )


def _visible(text: str) -> str:
    return html.unescape(re.sub(r"<[^<>]*>", "", text))


class TestEscaping:
    def test_escapes_markup_and_quotes(self) -> None:
        assert esc('<b>"x" & y</b>') == "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"

    def test_link_only_for_http_urls(self) -> None:
        assert link("https://example.org/a?b=1&c=2", "A & B") == (
            '<a href="https://example.org/a?b=1&amp;c=2">A &amp; B</a>'
        )
        assert link("javascript:alert(1)", "x") == "x"
        assert link(None, "<x>") == "&lt;x&gt;"
        assert link('https://e.org/"><script>', "x").startswith('<a href="https://e.org/&quot;')


class TestSplitHtml:
    def test_short_text_is_one_part(self) -> None:
        assert split_html("<b>hi</b>") == ["<b>hi</b>"]

    def test_empty_text_has_no_parts(self) -> None:
        assert split_html("   ") == []

    def test_prefers_line_breaks(self) -> None:
        lines = [f"line {i} " + "x" * 50 for i in range(200)]
        parts = split_html("\n".join(lines), limit=1000)
        assert len(parts) > 1
        for part in parts:
            assert tg_len(part) <= 1000
            assert part.startswith("line ")
            assert part.endswith("x")

    def test_tags_reopened_across_cut(self) -> None:
        text = "<b>" + " ".join(["word"] * 600) + "</b>"
        parts = split_html(text, limit=500)
        assert len(parts) > 1
        for part in parts:
            assert part.startswith("<b>")
            assert part.endswith("</b>")
            assert tg_len(part) <= 500

    def test_links_reopened_with_href(self) -> None:
        text = '<a href="https://e.org/x">' + "link text " * 300 + "</a>"
        parts = split_html(text, limit=300)
        assert all(part.startswith('<a href="https://e.org/x">') for part in parts)
        assert all(_balanced(part) for part in parts)

    def test_entities_not_cut(self) -> None:
        text = "&amp;&lt;&gt;&quot;" * 1000
        parts = split_html(text, limit=100)
        assert all(_no_cut_entity(part) for part in parts)
        assert "".join(_visible(part) for part in parts) == '&<>"' * 1000

    def test_long_word_cut_hard(self) -> None:
        parts = split_html("y" * 10_000, limit=4096)
        assert all(tg_len(part) <= 4096 for part in parts)
        assert "".join(parts) == "y" * 10_000

    def test_astral_characters_counted_as_two(self) -> None:
        parts = split_html("😀" * 3000, limit=4096)
        assert all(tg_len(part) <= 4096 for part in parts)
        assert "".join(parts) == "😀" * 3000

    def test_no_text_lost(self) -> None:
        words = [f"<i>w{i}</i> &amp; <b>b{i}</b>" for i in range(2000)]
        text = "\n".join(words)
        parts = split_html(text)
        assert "".join(_visible(p).replace("\n", "").replace(" ", "") for p in parts) == (
            _visible(text).replace("\n", "").replace(" ", "")
        )

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.text(alphabet="ab &<>\n😀é", max_size=40).map(esc),
                st.sampled_from(["<b>", "</b>", "<i>", "</i>", "\n"]),
                st.builds(
                    lambda inner, tag: f"<{tag}>{esc(inner)}</{tag}>",
                    st.text(max_size=60),
                    st.sampled_from(["b", "i", "u", "code", "s"]),
                ),
                st.builds(
                    lambda inner: f'<a href="https://e.org/?a=1&amp;b=2">{esc(inner)}</a>',
                    st.text(max_size=60),
                ),
            ),
            max_size=200,
        ),
        st.integers(min_value=64, max_value=400),
    )
    def test_every_part_fits_and_balances(self, chunks: list[str], limit: int) -> None:
        text = "".join(chunks)
        if not _balanced(text):
            text = re.sub(r"</?[bi]>", "", text)
        parts = split_html(text, limit=limit)
        for part in parts:
            assert tg_len(part) <= limit
            assert _balanced(part), part
            assert _no_cut_entity(part), part
        squash = re.compile(r"\s+")
        assert squash.sub("", "".join(_visible(p) for p in parts)) == squash.sub(
            "", _visible(text)
        )


class TestToPlain:
    def test_strips_tags_and_unescapes(self) -> None:
        assert to_plain("<b>A &amp; B</b> &lt;3") == "A & B <3"

    def test_shows_link_targets(self) -> None:
        assert to_plain('<a href="https://e.org/?a=1&amp;b=2">Rudaw</a>') == (
            "Rudaw (https://e.org/?a=1&b=2)"
        )
