"""The extraction vocabulary loads from bot/data into one frozen lexicon."""

from __future__ import annotations

import dataclasses

import pytest

from bot.extract.lexicon import LexiconError, default_lexicon, parse_demonyms, parse_word_list
from bot.extract.normalize import strip_article


class TestPackagedLexicon:
    def test_loaded_once(self) -> None:
        assert default_lexicon() is default_lexicon()

    def test_arabic_articles_keep_their_file_order(self) -> None:
        articles = default_lexicon().arabic_articles
        assert articles[:2] == ("al", "el")
        assert {"ash", "adh", "az"} <= set(articles)

    def test_demonyms_name_countries(self) -> None:
        demonyms = default_lexicon().demonyms
        assert demonyms["iraqi"] == "IQ"
        assert demonyms["south sudanese"] == "SS"

    def test_every_nationality_adjective_names_its_country(self) -> None:
        # The countries table gives the adjectives the hand list lacks; the hand list wins.
        demonyms = default_lexicon().demonyms
        assert demonyms["philippine"] == "PH"
        assert demonyms["thai"] == "TH"
        assert demonyms["ugandan"] == "UG"
        assert demonyms["kurdish"] == "IQ"

    def test_frozen(self) -> None:
        lexicon = default_lexicon()
        with pytest.raises(dataclasses.FrozenInstanceError):
            lexicon.arabic_articles = ()  # type: ignore[misc]
        with pytest.raises(TypeError):
            lexicon.demonyms["atlantean"] = "XX"  # type: ignore[index]

    def test_articles_from_the_file_are_stripped(self) -> None:
        assert strip_article("ash-Shura") == "Shura"
        assert strip_article("adh-Dhuluiya") == "Dhuluiya"


class TestParsing:
    def test_comments_and_blank_lines_are_skipped(self) -> None:
        assert parse_word_list("# header\n\nal\n  el  # Egyptian spelling\n") == ["al", "el"]

    def test_demonym_lines(self) -> None:
        assert parse_demonyms("Iraqi\tIQ\nsouth sudanese\tSS\n") == {
            "iraqi": "IQ",
            "south sudanese": "SS",
        }

    @pytest.mark.parametrize("line", ["iraqi IQ", "iraqi\tIraq", "\tIQ", "iraqi\tiq"])
    def test_a_malformed_demonym_line_is_refused_with_its_number(self, line: str) -> None:
        with pytest.raises(LexiconError, match="entry 2"):
            parse_demonyms(f"syrian\tSY\n{line}\n")
