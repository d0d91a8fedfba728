"""One-sentence incident summaries in the register of ACLED's notes.

"On 1 September 2022, Saraya al-Salam and Asaib Ahl al-Haq clashed in Basra city (Basra);
1 killed and 1 injured, according to the Iraqi Security Media Cell."
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain.enums import ActorType, CountStatus, DatePrecision, GeoPrecision, SubEventType
from bot.domain.models import ActorRef, CasualtyCount, Location

__all__ = ["describe_place", "summarize"]

S = SubEventType

# Country names for summaries when only the ISO code is known.
_COUNTRY_NAMES = {
    "IQ": "Iraq", "SY": "Syria", "IR": "Iran", "TR": "Turkey", "YE": "Yemen", "SA": "Saudi Arabia",
    "LB": "Lebanon", "JO": "Jordan", "KW": "Kuwait", "IL": "Israel", "PS": "Palestine",
    "EG": "Egypt", "LY": "Libya", "SD": "Sudan", "SS": "South Sudan", "SO": "Somalia",
    "ET": "Ethiopia", "NG": "Nigeria", "ML": "Mali", "BF": "Burkina Faso", "NE": "Niger",
    "CD": "DR Congo", "CF": "Central African Republic", "MZ": "Mozambique", "CM": "Cameroon",
    "AF": "Afghanistan", "PK": "Pakistan", "IN": "India", "MM": "Myanmar", "UA": "Ukraine",
    "RU": "Russia", "US": "United States", "GB": "United Kingdom", "FR": "France",
}  # fmt: skip


def _date_phrase(date: dt.date, precision: DatePrecision) -> str:
    if precision is DatePrecision.MONTH:
        return f"In {date:%B %Y}"
    if precision is DatePrecision.WEEK:
        return f"In the week of {date.day} {date:%B %Y}"
    return f"On {date.day} {date:%B %Y}"


def describe_place(location: Location) -> str:
    """ "in Basra city (Basra)", "near Amarah (Maysan)", "in Diyala governorate", "in Iraq"."""
    country = _COUNTRY_NAMES.get(location.country, location.country)
    if location.geo_precision is GeoPrecision.COUNTRY:
        return f"in {location.name or country}"
    if location.geo_precision is GeoPrecision.ADMIN1:
        label = "governorate" if location.country == "IQ" else "province"
        name = location.admin1 or location.name
        return f"in {name} {label} ({country})"
    name = location.name
    if location.admin1 and location.admin1.lower() == name.lower():
        name = f"{name} city"
    prep = "near" if location.geo_precision is GeoPrecision.NEAR else "in"
    admin = location.admin1 or country
    return f"{prep} {name} ({admin})"


# Generic registry actors read as common nouns in running text.
_GENERIC_NAMES = {
    "unidentified-armed-group": "an unidentified armed group",
    "security-forces": "security forces",
    "military-forces": "military forces",
    "police-forces": "police",
    "protesters": "protesters",
    "rioters": "rioters",
    "civilians": "civilians",
    "tribal-militia": "tribal gunmen",
}


def _actors_phrase(actors: Sequence[ActorRef]) -> str:
    names = [_GENERIC_NAMES.get(actor.id, actor.name) for actor in actors]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


_ACTION = {
    S.ARMED_CLASH: ("{a} clashed", "an armed clash took place"),
    S.GOVERNMENT_REGAINS_TERRITORY: ("{a} regained territory", "forces regained ground"),
    S.NON_STATE_OVERTAKES_TERRITORY: ("{a} took over territory", "an armed group took territory"),
    S.CHEMICAL_WEAPON: ("{a} used a chemical weapon", "a chemical weapon was used"),
    S.AIR_DRONE_STRIKE: ("an air/drone strike involving {a} hit targets",
                         "an air/drone strike hit targets"),
    S.SUICIDE_BOMB: ("a suicide bombing involving {a} took place", "a suicide bomber attacked"),
    S.SHELLING: ("shelling/missile attacks involving {a} hit targets",
                 "shelling/missile attacks hit targets"),
    S.REMOTE_EXPLOSIVE: ("an explosive device went off, involving {a},",
                         "an explosive device went off"),
    S.GRENADE: ("a grenade attack involving {a} took place", "a grenade attack took place"),
    S.SEXUAL_VIOLENCE: ("{a} committed sexual violence", "sexual violence was reported"),
    S.ATTACK: ("{a} attacked civilians", "civilians were attacked"),
    S.ABDUCTION: ("{a} abducted people", "people were abducted"),
    S.PEACEFUL_PROTEST: ("{a} demonstrated", "people demonstrated"),
    S.PROTEST_WITH_INTERVENTION: ("{a} demonstrated and were dispersed",
                                  "protesters were dispersed"),
    S.EXCESSIVE_FORCE: ("{a} were involved in a protest met with lethal force",
                        "security forces used lethal force against protesters"),
    S.VIOLENT_DEMONSTRATION: ("{a} rioted", "rioters clashed and damaged property"),
    S.MOB_VIOLENCE: ("{a} took part in mob violence", "a mob attacked"),
    S.AGREEMENT: ("{a} reached an agreement", "an agreement was reached"),
    S.ARRESTS: ("{a} arrested people", "people were arrested"),
    S.CHANGE_TO_GROUP: ("{a} changed their activity", "an armed group changed its activity"),
    S.DISRUPTED_WEAPONS_USE: ("{a} disrupted an attack", "an attack was foiled"),
    S.HEADQUARTERS_ESTABLISHED: ("{a} established a base", "a base was established"),
    S.LOOTING: ("{a} looted or destroyed property", "property was looted or destroyed"),
    S.NON_VIOLENT_TRANSFER: ("{a} took over territory without fighting",
                             "territory changed hands without fighting"),
    S.OTHER: ("{a} were involved in an incident", "an incident took place"),
}  # fmt: skip


def _count_phrase(count: CasualtyCount, word: str) -> str | None:
    return None if count.min is None else f"{count.display()} {word}"


def casualty_phrase(killed: CasualtyCount, injured: CasualtyCount) -> str:
    """ "1 killed and 1 injured", "at least 30 killed", "no casualties reported"."""
    parts = [p for p in (_count_phrase(killed, "killed"), _count_phrase(injured, "injured")) if p]
    if parts:
        return " and ".join(parts)
    if CountStatus.UNKNOWN in (killed.status, injured.status):
        return "casualties unknown"
    return "no casualties reported"


def summarize(
    *,
    date: dt.date,
    precision: DatePrecision,
    location: Location,
    actors: Sequence[ActorRef],
    sub_event_type: SubEventType,
    killed: CasualtyCount,
    injured: CasualtyCount,
) -> str:
    """The ACLED-style note for an incident."""
    with_actors, without = _ACTION[sub_event_type]
    names = _actors_phrase(actors)
    action = with_actors.format(a=names) if names else without
    if sub_event_type is S.ARMED_CLASH and len(actors) == 1:
        action = f"{names} engaged in an armed clash"
    if sub_event_type is S.ARRESTS and len(actors) > 1:
        state = [a for a in actors if a.type is ActorType.STATE_FORCES]
        others = [a for a in actors if a.type is not ActorType.STATE_FORCES]
        if state and others:
            action = f"{_actors_phrase(state)} arrested people linked to {_actors_phrase(others)}"
    text = f"{_date_phrase(date, precision)}, {action} {describe_place(location)}"
    text += f"; {casualty_phrase(killed, injured)}"
    source = killed.source if killed.min is not None else injured.source
    if source and (killed.min is not None or injured.min is not None):
        text += f", according to {with_article(source)}"
    return text + "."


_INSTITUTIONS = frozenset(
    {"ministry", "police", "army", "military", "government", "governor", "department",
     "directorate", "observatory", "office", "council", "cell", "agency", "authority", "mayor",
     "command", "service", "administration", "hospital", "monitor", "coalition"}
)  # fmt: skip


_ORG_WORDS = frozenset(
    {"ministry", "cell", "council", "forces", "observatory", "agency", "department", "office",
     "police", "army", "command", "committee", "commission", "directorate", "service",
     "government", "authority", "organization", "organisation", "network", "center", "centre",
     "room", "group", "unit", "mission", "coalition", "front", "movement", "news", "media",
     "hospital", "administration", "bureau", "institute", "red", "crescent", "cross",
     "nations", "monitor", "emergency"}
)  # fmt: skip


def with_article(source: str) -> str:
    """ "the Iraqi Security Media Cell", "AFP", "a security source", "medics"."""
    words = source.split()
    first = words[0]
    if first.lower() in {"the", "a", "an"} or first.isupper() or len(words) == 1:
        return source
    if first.endswith(("'s", "’s")):
        return source  # "Lebanon's health ministry"
    if all(w[:1].isupper() for w in words) and not {w.lower() for w in words} & _ORG_WORDS:
        return source  # a person's name: "Oleh Syniehubov"
    if first[:1].islower():
        if words[-1] in _INSTITUTIONS:
            return f"the {source}"  # "the health ministry"
        if first.endswith("s") or " and " in source or words[-1].endswith("s"):
            return source  # "residents and a local official", "witnesses"
        article = "an" if first[0] in "aeiou" else "a"
        return f"{article} {source}"  # "an army spokesman", "a security source"
    return f"the {source}"
