"""Shared test fakes (append yours; do not rewrite others'). Fakes over mocks."""

from __future__ import annotations

import asyncio
import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import (
    ActorRef,
    ActorType,
    Incident,
    Report,
    SubscriptionKind,
)
from bot.domain.views import Target

# -- clocks (services helper) ---------------------------------------------------------------


class FixedClock:
    """A clock that always says the same aware time."""

    def __init__(self, now: dt.datetime) -> None:
        if now.tzinfo is None:
            msg = "FixedClock needs an aware datetime"
            raise ValueError(msg)
        self._now = now

    def now(self) -> dt.datetime:
        """The fixed time."""
        return self._now


class MutableClock(FixedClock):
    """A clock tests move by hand."""

    def set(self, now: dt.datetime) -> None:
        """Jump to a time."""
        if now.tzinfo is None:
            msg = "MutableClock needs an aware datetime"
            raise ValueError(msg)
        self._now = now

    def advance(self, delta: dt.timedelta | None = None, **kwargs: float) -> dt.datetime:
        """Move forward by ``delta`` or by timedelta keyword arguments; return the new time."""
        self._now = self._now + (delta if delta is not None else dt.timedelta(**kwargs))
        return self._now


class VirtualTime:
    """Monotonic time that moves only when someone sleeps: by what was asked, plus
    ``overshoot`` (a timer that always fires late); ``now`` is the current reading."""

    def __init__(self, overshoot: float = 0.0) -> None:
        self.now = 0.0
        self.overshoot = overshoot

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0) + self.overshoot
        await asyncio.sleep(0)


# -- gazetteer and actor registry (services helper) -------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = plain.replace("’", "'").replace("‘", "'").replace("-", " ")
    words = plain.split()
    if words and words[0] in {"al", "as", "ad", "an", "ar", "ash", "az"} and len(words) > 1:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class FakePlace:
    """A gazetteer entry with the fields services use."""

    key: str
    kind: str
    name: str
    country: str = "IQ"
    admin1: str | None = None
    admin1_code: str | None = None
    population: int = 0
    timezone: str | None = "Asia/Baghdad"
    parent_key: str | None = None
    aliases: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None


# A handful of real Iraqi places with made-up-but-plausible populations.
IRAQ_PLACES: tuple[FakePlace, ...] = (
    FakePlace(
        "IQ-BA",
        "admin1",
        "Basra",
        admin1="Basra",
        admin1_code="IQ-BA",
        aliases=("Basrah", "البصرة"),
    ),
    FakePlace(
        "gn:99532",
        "place",
        "Basra",
        admin1="Basra",
        admin1_code="IQ-BA",
        population=2_600_000,
        aliases=("Basrah", "al-Basra", "البصرة"),
    ),
    FakePlace(
        "gn:9000001", "place", "Basra", admin1="Nineveh", admin1_code="IQ-NI", population=900
    ),
    FakePlace(
        "IQ-BG", "admin1", "Baghdad", admin1="Baghdad", admin1_code="IQ-BG", aliases=("بغداد",)
    ),
    FakePlace(
        "gn:98182",
        "place",
        "Baghdad",
        admin1="Baghdad",
        admin1_code="IQ-BG",
        population=7_200_000,
        aliases=("بغداد",),
        lat=33.341,
        lon=44.401,
    ),
    FakePlace(
        "iq:green-zone",
        "place",
        "Green Zone",
        admin1="Baghdad",
        admin1_code="IQ-BG",
        parent_key="gn:98182",
        aliases=("International Zone",),
        lat=33.303,
        lon=44.386,
    ),
    FakePlace(
        "gn:9000003",
        "place",
        "Sadr City",
        admin1="Baghdad",
        admin1_code="IQ-BG",
        population=1_500_000,
        parent_key="gn:98182",
        lat=33.395,
        lon=44.463,
    ),
    FakePlace(
        "IQ-NI",
        "admin1",
        "Nineveh",
        admin1="Nineveh",
        admin1_code="IQ-NI",
        aliases=("Ninawa", "Ninewa"),
    ),
    FakePlace(
        "gn:94298",
        "place",
        "Sinjar",
        admin1="Nineveh",
        admin1_code="IQ-NI",
        population=38_000,
        aliases=("Shingal",),
    ),
    FakePlace("IQ-KI", "admin1", "Kirkuk", admin1="Kirkuk", admin1_code="IQ-KI"),
    FakePlace(
        "gn:94787",
        "place",
        "Kirkuk",
        admin1="Kirkuk",
        admin1_code="IQ-KI",
        population=970_000,
        lat=35.468,
        lon=44.392,
    ),
    # A district town about 37 km south of Kirkuk, listed with Kirkuk as its "parent".
    FakePlace(
        "gn:90220",
        "place",
        "Daquq",
        admin1="Kirkuk",
        admin1_code="IQ-KI",
        population=30_000,
        parent_key="gn:94787",
        lat=35.139,
        lon=44.448,
    ),
    FakePlace("IQ-DQ", "admin1", "Dhi Qar", admin1="Dhi Qar", admin1_code="IQ-DQ"),
    FakePlace(
        "gn:98860",
        "place",
        "Nasiriyah",
        admin1="Dhi Qar",
        admin1_code="IQ-DQ",
        population=560_000,
        aliases=("Nasiriya", "An Nasiriyah"),
    ),
    FakePlace("IQ-DI", "admin1", "Diyala", admin1="Diyala", admin1_code="IQ-DI"),
    FakePlace(
        "gn:98717",
        "place",
        "Baqubah",
        admin1="Diyala",
        admin1_code="IQ-DI",
        population=470_000,
        aliases=("Baquba", "Baqouba"),
    ),
    FakePlace(
        "gn:9000010", "place", "Hamza", admin1="Babil", admin1_code="IQ-BB", population=30_000
    ),
    FakePlace(
        "gn:9000011",
        "place",
        "Hamza",
        admin1="Al-Qadisiyah",
        admin1_code="IQ-QA",
        population=25_000,
    ),
)


# Subscription targets for places and groups above (keys as the real gazetteer and registry).
BAGHDAD = Target(kind=SubscriptionKind.PLACE, key="gn:98182", label="Baghdad")
BASRA = Target(kind=SubscriptionKind.PLACE, key="gn:99532", label="Basra")
BAGHDAD_GOV = Target(kind=SubscriptionKind.ADMIN1, key="IQ-BG", label="Baghdad governorate")
BASRA_GOV = Target(kind=SubscriptionKind.ADMIN1, key="IQ-BA", label="Basra governorate")
NINEVEH = Target(kind=SubscriptionKind.ADMIN1, key="IQ-NI", label="Nineveh governorate")
AAH = Target(kind=SubscriptionKind.ACTOR, key="asaib-ahl-al-haq", label="Asaib Ahl al-Haq")


def iraq_places() -> list[FakePlace]:
    """The Iraqi places above, as a fresh list."""
    return list(IRAQ_PLACES)


class FakeGazetteer:
    """An in-memory gazetteer with the Gazetteer's lookup/suggest/get shape, a few real places."""

    def __init__(self, entries: Sequence[FakePlace] | None = None) -> None:
        self.entries = list(entries if entries is not None else iraq_places())
        self._by_key = {entry.key: entry for entry in self.entries}

    def get(self, key: str) -> FakePlace | None:
        """One entry by key."""
        return self._by_key.get(key)

    def lookup(self, name: str, *, country: str | None = None) -> list[FakePlace]:
        """Exact match on folded names and aliases, biggest first."""
        wanted = _fold(name)
        hits = [
            entry
            for entry in self.entries
            if (country is None or entry.country == country)
            and wanted in {_fold(entry.name), *(_fold(a) for a in entry.aliases)}
        ]
        return sorted(hits, key=lambda e: (_fold(e.name) != wanted, -e.population))

    def suggest(self, name: str, limit: int = 5) -> list[FakePlace]:
        """Entries sharing a 3-letter prefix or differing by little (crude fuzzy match)."""
        wanted = _fold(name)
        scored = []
        for entry in self.entries:
            folded = _fold(entry.name)
            common = sum(1 for a, b in zip(folded, wanted, strict=False) if a == b)
            if common >= 3:
                scored.append((common, entry.population, entry))
        scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [entry for _, _, entry in scored[:limit]]

    def children(self, key: str) -> list[FakePlace]:
        """Entries whose parent is ``key`` (a city's neighbourhoods)."""
        return [entry for entry in self.entries if entry.parent_key == key]


def iraq_actors() -> list[tuple[ActorRef, list[str]]]:
    """A few real armed groups with their usual aliases."""
    return [
        (
            ActorRef(
                id="asaib-ahl-al-haq",
                name="Asaib Ahl al-Haq",
                type=ActorType.POLITICAL_MILITIA,
                country="IQ",
            ),
            ["AAH", "Asa'ib", "Asa'ib Ahl al-Haq", "League of the Righteous", "عصائب أهل الحق"],
        ),
        (
            ActorRef(
                id="saraya-al-salam",
                name="Saraya al-Salam",
                type=ActorType.POLITICAL_MILITIA,
                country="IQ",
            ),
            ["Peace Brigades", "Sadrist militia", "سرايا السلام"],
        ),
        (
            ActorRef(id="islamic-state", name="Islamic State", type=ActorType.REBEL_GROUP),
            ["IS", "ISIS", "ISIL", "Daesh", "داعش"],
        ),
        (
            ActorRef(
                id="iraqi-security-forces",
                name="Iraqi Security Forces",
                type=ActorType.STATE_FORCES,
                country="IQ",
            ),
            ["ISF", "security forces"],
        ),
    ]


class FakeActorRegistry:
    """An in-memory actor registry with ActorRegistry's lookup/suggest/get/with_extra shape."""

    def __init__(self, actors: Sequence[tuple[ActorRef, Sequence[str]]] | None = None) -> None:
        self.actors = [
            (a, list(al)) for a, al in (actors if actors is not None else iraq_actors())
        ]

    def get(self, actor_id: str) -> ActorRef | None:
        """One actor by id."""
        return next((a for a, _ in self.actors if a.id == actor_id), None)

    def lookup(self, name: str) -> list[ActorRef]:
        """By folded canonical name or alias."""
        wanted = _fold(name)
        return [
            actor
            for actor, aliases in self.actors
            if wanted in {_fold(actor.name), actor.id, *(_fold(a) for a in aliases)}
        ]

    def suggest(self, name: str, limit: int = 5) -> list[ActorRef]:
        """Actors whose folded name shares the first three letters."""
        wanted = _fold(name)[:3]
        return [a for a, _ in self.actors if _fold(a.name).startswith(wanted)][:limit]

    def with_extra(self, extra: Sequence[tuple[ActorRef, Sequence[str]]]) -> FakeActorRegistry:
        """A registry with more actors on top."""
        return FakeActorRegistry([*self.actors, *extra])


# -- extractor (services helper) --------------------------------------------------------------


class ScriptedExtractor:
    """An ``Extractor`` that returns incidents scripted for a marker found in the report text.

    ``extractor.script("GZ-1", [incident])`` makes any report containing "GZ-1" yield a copy
    of that incident; reports without a known marker yield nothing. ``calls`` counts uses.
    ``hold("SLOW")`` makes reports containing "SLOW" wait until ``release("SLOW")``
    (``entered["SLOW"]`` is set once one is waiting): a slow extractor on demand.
    """

    def __init__(self) -> None:
        self._scripts: dict[str, list[Incident]] = {}
        self.calls = 0
        self.fail_with: Exception | None = None
        self._gates: dict[str, asyncio.Event] = {}
        self.entered: dict[str, asyncio.Event] = {}

    def hold(self, marker: str) -> None:
        """Reports containing ``marker`` wait in ``extract`` until released."""
        self._gates[marker] = asyncio.Event()
        self.entered[marker] = asyncio.Event()

    def release(self, marker: str) -> None:
        """Let the held reports containing ``marker`` finish."""
        self._gates[marker].set()

    def script(self, marker: str, incidents: Sequence[Incident]) -> None:
        """What reports containing ``marker`` describe."""
        self._scripts[marker] = [i.model_copy(deep=True) for i in incidents]

    async def extract(self, report: Report) -> list[Incident]:
        """The scripted incidents for the first marker in the text."""
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with
        for marker, gate in self._gates.items():
            if marker in report.text:
                self.entered[marker].set()
                await gate.wait()
        for marker, incidents in self._scripts.items():
            if marker in report.text:
                return [i.model_copy(deep=True) for i in incidents]
        return []


def same_event(incident: Incident, candidates: Sequence[Incident]) -> Incident | None:
    """A matcher for ingest tests: same place, day and event type is the same event
    (bot.extract.merge's rule is richer)."""
    for candidate in candidates:
        if (
            candidate.location.key == incident.location.key
            and candidate.date == incident.date
            and candidate.event_type is incident.event_type
        ):
            return candidate
    return None
