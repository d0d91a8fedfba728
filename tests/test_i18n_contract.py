"""Translation helpers: English passes through, placeholders fill, unknown languages fall back."""

from __future__ import annotations

from handlers.i18n import DEFAULT_LANGUAGE, normalize_language, supported_languages, t, tn


def test_english_text_passes_through_with_placeholders_filled() -> None:
    assert t("en", "No incidents in {place}.", place="Basra") == "No incidents in Basra."


def test_plural_form_follows_the_count_in_english() -> None:
    assert tn("en", "{n} incident", "{n} incidents", 1, n=1) == "1 incident"
    assert tn("en", "{n} incident", "{n} incidents", 3, n=3) == "3 incidents"


def test_unknown_or_missing_language_falls_back_to_english() -> None:
    assert normalize_language(None) == DEFAULT_LANGUAGE
    assert normalize_language("xx-YY") == DEFAULT_LANGUAGE
    assert t("xx", "Usage: {cmd}", cmd="/city") == "Usage: /city"


def test_region_tags_reduce_to_their_language() -> None:
    assert normalize_language("EN_gb") == "en"
    assert supported_languages()[0] == "en"
