"""Names and labels in the chat's language: places, factions, ACLED categories, periods.

Place names come from ``bot/data/place_names_ar.json`` (spellings checked against the
gazetteer's Arabic names), faction names from the actor registry's first Arabic-script alias.
A name without an Arabic form stays in Latin script, isolated (FSI ... PDI) in Arabic text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from bot.domain import ActorRef, ActorType, EventType, GeoPrecision, SubEventType
from bot.extract.actors import ActorRegistry
from bot.services.errors import N_
from handlers.i18n import format_day, isolate, normalize_language, t, tn

_ARABIC = re.compile(r"[\u0600-\u06ff]")

# Examples shown in several replies; translated so an Arabic reader sees Arabic names (which
# every command understands).
EXAMPLE_CITY = N_("/city Basra")
EXAMPLE_FACTION = N_("/faction AAH")
EXAMPLE_SUBSCRIBE = N_("/subscribe Basra")
EXAMPLE_SUBSCRIBE_FACTION = N_("/subscribe AAH min_killed=1")

# TRANSLATORS: ACLED's categories, in the words Arabic outlets (Al Jazeera, BBC Arabic, Asharq
# Al-Awsat) use when they report ACLED's figures.
EVENT_TYPES: dict[EventType, str] = {
    EventType.BATTLES: N_("Battles"),
    EventType.EXPLOSIONS: N_("Explosions/Remote violence"),
    EventType.VIOLENCE_AGAINST_CIVILIANS: N_("Violence against civilians"),
    EventType.PROTESTS: N_("Protests"),
    EventType.RIOTS: N_("Riots"),
    EventType.STRATEGIC_DEVELOPMENTS: N_("Strategic developments"),
}
SUB_EVENT_TYPES: dict[SubEventType, str] = {
    SubEventType.ARMED_CLASH: N_("Armed clash"),
    SubEventType.GOVERNMENT_REGAINS_TERRITORY: N_("Government regains territory"),
    SubEventType.NON_STATE_OVERTAKES_TERRITORY: N_("Non-state actor overtakes territory"),
    SubEventType.CHEMICAL_WEAPON: N_("Chemical weapon"),
    SubEventType.AIR_DRONE_STRIKE: N_("Air/drone strike"),
    SubEventType.SUICIDE_BOMB: N_("Suicide bomb"),
    SubEventType.SHELLING: N_("Shelling/artillery/missile attack"),
    SubEventType.REMOTE_EXPLOSIVE: N_("Remote explosive/landmine/IED"),
    SubEventType.GRENADE: N_("Grenade"),
    SubEventType.SEXUAL_VIOLENCE: N_("Sexual violence"),
    SubEventType.ATTACK: N_("Attack"),
    SubEventType.ABDUCTION: N_("Abduction/forced disappearance"),
    SubEventType.PEACEFUL_PROTEST: N_("Peaceful protest"),
    SubEventType.PROTEST_WITH_INTERVENTION: N_("Protest with intervention"),
    SubEventType.EXCESSIVE_FORCE: N_("Excessive force against protesters"),
    SubEventType.VIOLENT_DEMONSTRATION: N_("Violent demonstration"),
    SubEventType.MOB_VIOLENCE: N_("Mob violence"),
    SubEventType.AGREEMENT: N_("Agreement"),
    SubEventType.ARRESTS: N_("Arrests"),
    SubEventType.CHANGE_TO_GROUP: N_("Change to group/activity"),
    SubEventType.DISRUPTED_WEAPONS_USE: N_("Disrupted weapons use"),
    SubEventType.HEADQUARTERS_ESTABLISHED: N_("Headquarters or base established"),
    SubEventType.LOOTING: N_("Looting/property destruction"),
    SubEventType.NON_VIOLENT_TRANSFER: N_("Non-violent transfer of territory"),
    SubEventType.OTHER: N_("Other"),
}
ACTOR_TYPES: dict[ActorType, str] = {
    ActorType.STATE_FORCES: N_("State forces"),
    ActorType.REBEL_GROUP: N_("Rebel groups"),
    ActorType.POLITICAL_MILITIA: N_("Political militias"),
    ActorType.IDENTITY_MILITIA: N_("Identity militias"),
    ActorType.RIOTERS: N_("Rioters"),
    ActorType.PROTESTERS: N_("Protesters"),
    ActorType.CIVILIANS: N_("Civilians"),
    ActorType.EXTERNAL_FORCES: N_("External/Other forces"),
}
GEO_PRECISIONS: dict[GeoPrecision, str] = {
    GeoPrecision.POINT: N_("exact place"),
    GeoPrecision.NEAR: N_("near the place"),
    GeoPrecision.ADMIN2: N_("district only"),
    GeoPrecision.ADMIN1: N_("governorate only"),
    GeoPrecision.COUNTRY: N_("country only"),
}
_BY_VALUE: dict[str, str] = {
    **{kind.value: text for kind, text in EVENT_TYPES.items()},
    **{kind.value: text for kind, text in SUB_EVENT_TYPES.items()},
    **{kind.label: text for kind, text in ACTOR_TYPES.items()},
}


def category(language: str | None, value: str) -> str:
    """An ACLED event, sub-event or actor type (its English value) in ``language``."""
    text = _BY_VALUE.get(value)
    return t(language, text) if text is not None else isolate(language, value)


@cache
def _place_names() -> dict[str, str]:
    source = resources.files("bot.data").joinpath("place_names_ar.json")
    document = json.loads(source.read_text(encoding="utf-8"))
    return dict(document["places"])


@cache
def _actor_names() -> tuple[dict[str, str], dict[str, str]]:
    """(by id, by English name): each actor's first Arabic-script alias in the registry."""
    registry = ActorRegistry.default()
    by_id: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for actor in registry.all():
        arabic = next((a for a in registry.aliases(actor.id) if _ARABIC.search(a)), None)
        if arabic is not None:
            by_id[actor.id] = arabic
            by_name.setdefault(actor.name, arabic)
    return by_id, by_name


def _arabic(language: str | None) -> bool:
    return normalize_language(language) == "ar"


def arabic_place(name: str) -> str | None:
    """The Arabic spelling of a place's English name, when the table has one."""
    return _place_names().get(name)


def place(language: str | None, name: str) -> str:
    """A place's name as the reader should see it (plain text, not escaped)."""
    if not _arabic(language):
        return name
    return arabic_place(name) or isolate(language, name)


def actor(language: str | None, ref: ActorRef) -> str:
    """A faction's name: its Arabic form from the registry, else the Latin name."""
    if not _arabic(language):
        return ref.name
    return _actor_names()[0].get(ref.id) or isolate(language, ref.name)


def name(language: str | None, text: str) -> str:
    """Any stored name (a place or a faction by its English name) in ``language``."""
    if not _arabic(language):
        return text
    return arabic_place(text) or _actor_names()[1].get(text) or isolate(language, text)


_ADMIN1_LABEL = re.compile(r"^(?P<name>.+?) (?P<word>governorate|province)$")
_IN_PARENT = re.compile(r"^in (?P<name>.+)$")
_ADMIN1_COUNTRY = re.compile(r"^(?P<name>.+), (?P<country>[A-Z]{2})$")


def label(language: str | None, text: str) -> str:
    """A target's or subscription's label ("Basra governorate", "AAH") in ``language``."""
    if not _arabic(language):
        return text
    if match := _ADMIN1_LABEL.match(text):
        return governorate(language, match["name"], province=match["word"] == "province")
    return name(language, text)


def governorate(language: str | None, admin1: str, *, province: bool = False) -> str:
    """ "Basra governorate" / "محافظة البصرة"."""
    shown = place(language, admin1)
    if province:
        return t(language, "{name} province", name=shown)
    return t(language, "{name} governorate", name=shown)


def detail(language: str | None, text: str | None) -> str | None:
    """A target's disambiguation hint ("city in Basra governorate", "Rebel groups")."""
    if text is None or not _arabic(language):
        return text
    if text in _BY_VALUE:
        return category(language, text)
    if match := _ADMIN1_LABEL.match(text):
        return governorate(language, match["name"], province=match["word"] == "province")
    if match := _IN_PARENT.match(text):
        return t(language, "in {place}", place=place(language, match["name"]))
    if match := _ADMIN1_COUNTRY.match(text):
        head = match["name"]
        if head in ("governorate", "province"):
            word = t(language, "governorate") if head == "governorate" else t(language, "province")
            return f"{word}، {isolate(language, match['country'])}"
        return f"{place(language, head)}، {isolate(language, match['country'])}"
    return name(language, text)


# Who gave a figure, when the extractor found a plain noun ("police", "medics"); a named
# outlet or ministry stays as written.
_SOURCES = {
    "police": N_("police"),
    "medics": N_("medics"),
    "medic": N_("a medic"),
    "doctors": N_("doctors"),
    "officials": N_("officials"),
    "security sources": N_("security sources"),
    "medical sources": N_("medical sources"),
    "sources": N_("sources"),
    "witnesses": N_("witnesses"),
    "residents": N_("residents"),
    "army": N_("the army"),
    "military": N_("the military"),
    "hospital": N_("the hospital"),
    "authorities": N_("the authorities"),
    "activists": N_("activists"),
    "health officials": N_("health officials"),
    "security officials": N_("security officials"),
    "local source": N_("a local source"),
    "local sources": N_("local sources"),
    "relative": N_("a relative"),
    "relatives": N_("relatives"),
}


def source(language: str | None, text: str) -> str:
    """Who gave a figure ("police") in ``language``; a proper name stays, isolated."""
    if not _arabic(language):
        return text
    known = _SOURCES.get(text.strip().lower().removeprefix("the "))
    return t(language, known) if known else isolate(language, text)


# ---- periods (the services label them in English: "last 7 days", "in August 2022") --------
_LAST: dict[str, str] = {
    "hour": N_("last hour"),
    "day": N_("last day"),
    "week": N_("last week"),
    "month": N_("last month"),
    "year": N_("last year"),
}
_LAST_N: dict[str, Callable[[str | None, int], str]] = {
    "hour": lambda lang, n: tn(lang, "last {n} hour", "last {n} hours", n, n=n),
    "day": lambda lang, n: tn(lang, "last {n} day", "last {n} days", n, n=n),
    "week": lambda lang, n: tn(lang, "last {n} week", "last {n} weeks", n, n=n),
    "month": lambda lang, n: tn(lang, "last {n} month", "last {n} months", n, n=n),
    "year": lambda lang, n: tn(lang, "last {n} year", "last {n} years", n, n=n),
}
_BEFORE_N: dict[str, Callable[[str | None, int], str]] = {
    "hour": lambda lang, n: tn(lang, "the {n} hour before", "the {n} hours before", n, n=n),
    "day": lambda lang, n: tn(lang, "the {n} day before", "the {n} days before", n, n=n),
}
_BEFORE = re.compile(r"^the (?:(?P<n>\d+) )?(?P<unit>hour|day)s? before$")
_FIXED = {
    "today": N_("today"),
    "yesterday": N_("yesterday"),
    "this week": N_("this week"),
    "this month": N_("this month"),
    "this year": N_("this year"),
}
_LAST_PATTERN = re.compile(r"^last (?:(?P<n>\d+) )?(?P<unit>hour|day|week|month|year)s?$")
_ISO = r"\d{4}-\d{2}-\d{2}"
_DAY = re.compile(rf"^(?P<day>{_ISO})(?: \((?P<weekday>\w+)\))?$")
_RANGE = re.compile(rf"^(?P<first>{_ISO}) to (?P<last>{_ISO})$")
_SINCE = re.compile(rf"^since (?:(?P<weekday>[A-Z]\w+) )?(?P<day>{_ISO})$")
_IN_MONTH = re.compile(r"^in (?P<month>[A-Z][a-z]+) (?P<year>\d{4})$")
_IN_YEAR = re.compile(r"^in (?P<year>\d{4})$")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _iso_day(language: str | None, text: str) -> str:
    return format_day(language, dt.date.fromisoformat(text), "d MMMM y")


def period(language: str | None, text: str) -> str:
    """A period's English label in ``language`` (unknown forms stay as they are, isolated)."""
    if not _arabic(language):
        return text
    if text in _FIXED:
        return t(language, _FIXED[text])
    if match := _LAST_PATTERN.match(text):
        if match["n"] is None:
            return t(language, _LAST[match["unit"]])
        return _LAST_N[match["unit"]](language, int(match["n"]))
    if match := _BEFORE.match(text):
        if match["n"] is None:
            return t(language, "the hour before")
        return _BEFORE_N[match["unit"]](language, int(match["n"]))
    if match := _RANGE.match(text):
        first, last = _iso_day(language, match["first"]), _iso_day(language, match["last"])
        return t(language, "from {first} to {last}", first=first, last=last)
    if match := _SINCE.match(text):
        return t(language, "since {day}", day=_iso_day(language, match["day"]))
    if match := _DAY.match(text):
        return _iso_day(language, match["day"])
    if (match := _IN_MONTH.match(text)) and match["month"] in _MONTHS:
        month = dt.date(int(match["year"]), _MONTHS.index(match["month"]) + 1, 1)
        return t(language, "in {month}", month=format_day(language, month, "MMMM y"))
    if match := _IN_YEAR.match(text):
        return t(language, "in {year}", year=match["year"])
    return isolate(language, text)
