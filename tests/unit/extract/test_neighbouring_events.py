"""Events told side by side (issue 11; texts written for these tests): a strike on a nearby
town with its own toll, a second target the attackers "also" hit, a campaign "across" a
region, the history in a relative clause, and "a district of" a city."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import Incident
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2024, 7, 25, 15, 0, tzinfo=dt.UTC)  # a Thursday


def _live(incidents: list[Incident]) -> dict[str, Incident]:
    return {i.location.name: i for i in incidents if not i.is_background}


def test_a_strike_on_a_nearby_town_with_its_own_toll_is_another_incident(
    engine: RulesExtractor,
) -> None:
    text = (
        "Israeli strike on Bureij home kills 11, medics say\n\n"
        "At least 11 people were killed early on Thursday when an Israeli air strike hit a "
        "house in the Bureij camp, medics said. The wounded were taken to hospital.\n\n"
        "In Khan Younis, three people were killed in a drone strike on a car, the civil "
        "defence said."
    )
    incidents = _live(engine.pipeline.extract_text(text, PUBLISHED))
    assert incidents["Bureij"].killed.max == 11
    other = incidents["Khan Younis"]
    assert (other.killed.min, other.date) == (3, dt.date(2024, 7, 25))


def test_a_neighbourhood_of_the_city_stays_in_its_incident(engine: RulesExtractor) -> None:
    text = (
        "Shelling killed six people in Khartoum on Thursday, medics said. In Khartoum North, "
        "across the river, the same barrage killed two more."
    )
    incidents = [i for i in engine.pipeline.extract_text(text, PUBLISHED) if i.killed.min]
    assert len(incidents) == 1


def test_the_air_force_also_struck_another_town(engine: RulesExtractor) -> None:
    text = (
        "Helicopters dropped barrel bombs on a rebel-held district of Aleppo on Thursday, "
        "killing 14 people, a monitor said. The air force also struck the town of Al-Bab, "
        "northeast of Aleppo, where four people were killed."
    )
    incidents = _live(engine.pipeline.extract_text(text, PUBLISHED))
    aleppo, al_bab = incidents["Aleppo"], incidents["Al-Bab"]
    assert aleppo.location.geo_precision.value == "point"  # the city, not the governorate
    assert (aleppo.killed.min, al_bab.killed.min) == (14, 4)
    assert al_bab.date == dt.date(2024, 7, 25)
    assert al_bab.sub_event_type is not None
    assert "Air" in al_bab.sub_event_type.value


def test_a_campaign_across_a_region_places_nothing(engine: RulesExtractor) -> None:
    text = (
        "Strike on Nuseirat home kills nine\n\n"
        "Rescuers dig through rubble as the army presses attacks across central and southern "
        "Gaza.\n\n"
        "Nine people were killed when an air strike hit a house in the Nuseirat camp in "
        "central Gaza on Thursday, medics said."
    )
    incidents = _live(engine.pipeline.extract_text(text, PUBLISHED))
    assert list(incidents) == ["Nuseirat"]


def test_the_history_in_a_relative_clause_does_not_date_the_attack(
    engine: RulesExtractor,
) -> None:
    text = (
        "Fighting broke out before dawn on Thursday when militants attacked an army base "
        "outside Afgooye. The insurgents, who were pushed out of the town by troops last "
        "month, launched the assault from the river side. An officer said four soldiers died "
        "and six wounded in the fighting."
    )
    incidents = engine.pipeline.extract_text(text, PUBLISHED)
    dated = {(i.date, i.killed.min, i.injured.min) for i in incidents}
    assert (dt.date(2024, 7, 25), 4, 6) in dated
    assert not any(i.date and i.date.month == 6 for i in incidents)


def test_what_the_next_day_adds_to_an_attack_stays_one_incident(engine: RulesExtractor) -> None:
    text = (
        "At least seven passengers were killed after armed men stopped vehicles on the "
        "highway in Kalat late on Tuesday, officials said. A first police report said five "
        "bodies had been found by the road on Wednesday morning. Two more bodies were "
        "recovered later in the day, taking the toll to seven. The attackers also burned a "
        "lorry before fleeing."
    )
    incidents = [i for i in engine.pipeline.extract_text(text, PUBLISHED) if not i.is_background]
    assert len(incidents) == 1
    assert (incidents[0].date, incidents[0].killed.max) == (dt.date(2024, 7, 23), 7)


def test_another_kind_of_attack_there_the_next_day_stays_apart(engine: RulesExtractor) -> None:
    text = (
        "Gunmen shot dead six passengers on a bus near Kalat on Tuesday, police said. On "
        "Wednesday, a roadside bomb exploded in Kalat, killing two soldiers."
    )
    incidents = [i for i in engine.pipeline.extract_text(text, PUBLISHED) if not i.is_background]
    assert sorted(i.killed.min or 0 for i in incidents) == [2, 6]


def test_an_attack_earlier_in_the_week_is_news_and_older_history_is_not(
    engine: RulesExtractor,
) -> None:
    text = (
        "Jihadists ambushed a convoy near Djibo on Wednesday, killing nine soldiers, the army "
        "said. On Sunday, gunmen raided a camp near Arbinda and killed six herders, residents "
        "said. In May, an attack on the same camp near Arbinda had killed 30 people."
    )
    by_toll = {i.killed.min: i for i in engine.pipeline.extract_text(text, PUBLISHED)}
    assert not by_toll[9].is_background
    assert not by_toll[6].is_background  # three days before the lead: this week's news
    assert by_toll[30].is_background


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "Insurgents overran a base in Gajiram on Sunday. The army said in a statement "
            "from its headquarters in Abuja on Monday that four soldiers had been killed.",
            "Gajiram",
        ),
        ("Gunmen stormed the police headquarters in Kandahar on Monday, killing five officers.",
         "Kandahar"),
    ],
)  # fmt: skip
def test_a_headquarters_is_a_speakers_seat_unless_it_is_attacked(
    engine: RulesExtractor, text: str, place: str
) -> None:
    incidents = engine.pipeline.extract_text(text, PUBLISHED)
    assert [i.location.name for i in incidents if i.killed.min] == [place]


def test_the_people_named_place_a_small_town_in_their_country(engine: RulesExtractor) -> None:
    # The settlers' adjective names Israel; the victims, Palestinians, name the territory.
    text = "Israeli settlers attacked Palestinians in Huwara on Monday, wounding four."
    [incident] = engine.pipeline.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.location.country) == ("Huwara", "PS")


def test_a_weekday_and_a_day_without_a_year_date_the_year_they_agree_with(
    engine: RulesExtractor,
) -> None:
    # Read in July 2024 with no publication date: 3 March was a Thursday in 2022, not 2024.
    text = "A drone killed two fighters near Qamishli in Syria on Thursday, March 3, the SDF said."
    [incident] = engine.pipeline.extract_text(text, PUBLISHED)
    assert incident.date == dt.date(2022, 3, 3)


def test_a_toll_told_of_the_aside_by_its_kind_stays_with_the_aside(engine: RulesExtractor) -> None:
    # The shelling is the news; the ambush the day before is an aside, and "killed in the
    # ambush" is its toll, not the shelling's.
    text = (
        "Troops shelled a market in Kunduz on Wednesday, killing six people. The shelling came "
        "a day after Taliban fighters ambushed an army convoy near Aliabad. A Taliban spokesman "
        "said 14 soldiers were killed in the ambush."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    shelling = next(i for i in incidents if i.location.name == "Kunduz")
    assert (shelling.killed.min, shelling.killed.max) == (6, 6)
    ambush = next(i for i in incidents if i is not shelling)
    assert ambush.killed.min == 14
