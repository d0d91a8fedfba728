"""Gazetteer.children: a city's neighbourhoods, which the city queries include."""

from __future__ import annotations

from bot.extract.gazetteer import Gazetteer

BAGHDAD = "gn:98182"


class TestChildren:
    """Entries whose parent is the given key, from the packaged gazetteer."""

    def test_baghdad_neighbourhoods(self) -> None:
        gazetteer = Gazetteer.default()
        children = gazetteer.children(BAGHDAD)
        assert "iq:green-zone" in {entry.key for entry in children}
        assert all(entry.parent_key == BAGHDAD for entry in children)
        assert all(entry.admin1_code == "IQ-BG" for entry in children)

    def test_a_place_without_neighbourhoods(self) -> None:
        gazetteer = Gazetteer.default()
        green_zone = gazetteer.get("iq:green-zone")
        assert green_zone is not None
        assert gazetteer.children(green_zone.key) == []
        assert gazetteer.children("no-such-key") == []
