"""A photo caption's place and day never become the event's (issue 11, mechanism 6)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.extract.pipeline import RulesExtractor
from bot.extract.text import prepare

PUBLISHED = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "caption",
    [
        "In this file photo, soldiers patrol a street in Mosul, Iraq, on June 3, 2019.",
        "In this image made from video, a burned car stands outside a school in Kherson.",
        "A photo released by the ministry shows damage at a port in Odesa on Sunday, May 5.",
        "Mourners gather at a funeral in Kabul, Afghanistan, on Jan. 3, 2022. (AP photo)",
        "Smoke rises over a village near Goma on Tuesday. (Photo: Reuters)",
    ],
)
def test_captions_are_not_read(caption: str) -> None:
    article = prepare(caption + "\nGunmen killed two guards in Kano on Monday.\n")
    assert [s.text for s in article.sentences] == ["Gunmen killed two guards in Kano on Monday."]


def test_a_file_photo_does_not_date_or_place_the_event(engine: RulesExtractor) -> None:
    text = (
        "In this file photo, police guard the site of a bombing in Kabul on 3 June 2019.\n"
        "A bomb exploded at a market in Kandahar on Monday, killing four people, police said."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.name == "Kandahar"
    assert incident.date == dt.date(2024, 3, 4)
