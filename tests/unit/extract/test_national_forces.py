"""National forces generated from the nationality table (issue 11: actors)."""

from __future__ import annotations

from bot.extract.actors import ActorRegistry


class TestForcesAbroadAreTheCountrysArmy:
    """A country the registry knows only by its forces abroad ("US forces") gets no second,
    generated "Military Forces of ..." actor: one actor, however the text names its army."""

    def test_one_actor_for_the_us_military(self, reg: ActorRegistry) -> None:
        ids = {a.id for name in ("US forces", "United States military", "US army")
               for a in reg.lookup(name)}  # fmt: skip
        assert ids == {"us-forces"}
        assert reg.lookup("Military Forces of United States")[0].id == "us-forces"

    def test_home_police_stays_apart(self, reg: ActorRegistry) -> None:
        [army] = reg.lookup("Turkish army")
        [police] = reg.lookup("Turkish police")
        assert army.id != police.id
