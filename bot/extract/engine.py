"""The rules engine: a news report's text and publication time in, structured incidents out.

Pipeline (pure, no I/O after the packaged gazetteer and actor registry are loaded):

1. ``text.prepare`` drops page furniture and the dateline, splits sentences and clauses
   ("..., days after fighting in Baghdad" is a clause of its own, about another event);
2. each clause is read for places (gazetteer, disambiguated by the countries the article is
   about), dates (``dates``, against the publication day in the place's timezone), casualty
   figures (``casualties``), event triggers (``events``) and actors (registry);
3. ``incidents`` groups the clauses into incidents: the lead incident first, then each clause
   whose place or date conflicts with the incident in hand starts or joins another one
   (background references become ``is_background`` incidents);
4. each group becomes an ``Incident`` with ACLED types, counts as ranges with sources, actors,
   a one-sentence summary and its evidence sentences.

A language-model extractor can slot in later behind ``bot.ports.Extractor``: write a class
with ``async def extract(report) -> list[Incident]`` that calls the model, validates its answer
into ``Incident`` objects (places through the gazetteer, actors through the registry, dates
never after publication, counts >= 0) and, on any failure or timeout, returns
``RulesExtractor(engine).extract(report)``; the composition root picks it when configured and
keeps ``RulesExtractor`` as the default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass, field, replace

from bot.domain.enums import ActorType, DatePrecision, EventType, GeoPrecision, SubEventType
from bot.domain.models import ActorRef, Incident, Location, Report
from bot.extract.actors import ActorRegistry
from bot.extract.casualties import (
    Figure,
    Statement,
    combine,
    find_attribution,
    find_figures,
    group_of,
    mentions_unknown,
    parse_number,
)
from bot.extract.confidence import ReportView, score_incident, with_confidence
from bot.extract.dates import DateMention, find_dates, find_time_of_day, reference_date
from bot.extract.events import Trigger, choose_event_type, find_triggers, score_triggers
from bot.extract.gazetteer import Gazetteer, GazetteerEntry
from bot.extract.merge import haversine_km
from bot.extract.normalize import match_key, strip_article
from bot.extract.place_roles import (
    inside_longer_name,
    mention_role,
    names_the_scene,
    sets_the_scene,
)
from bot.extract.summary import summarize
from bot.extract.text import Article, lower_same_length, prepare

__all__ = ["RulesEngine", "RulesExtractor"]

_KIND_RANK = {"place": 0, "admin1": 1, "country": 2}
# Patterns compiled with _LOWER run on lower-cased text (much faster than re.IGNORECASE).
_LOWER = 0
# Words around a name that say whether it is the town or the governorate.
_ADMIN1_AFTER = re.compile(
    r"\s*(?:province|governorate|state|region|oblast|prefecture|countryside)\b"
)
_ADMIN1_BEFORE = re.compile(
    r"\b(?:(?:province|governorate|state|region)\s+of\s+(?:the\s+)?|"
    # "the Harib district of southern Marib": a district lies in a governorate
    r"(?:district|sub-?district|county|lga|territory|region|countryside)\s+of\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west|central)\w*\s+)?|"
    # "in northern Basra": a part of the governorate of that name
    r"\b(?:in|across|of)\s+(?:the\s+)?(?:northern|southern|eastern|western|central|"
    r"north-?eastern|north-?western|south-?eastern|south-?western)\s+)$"
)
_PLACE_AFTER = re.compile(r"\s*(?:city|town|village|district|neighbou?rhood)\b")
_PLACE_BEFORE = re.compile(r"\b(?:city|town|village|neighbou?rhood|capital)\s+of\s+(?:the\s+)?$")
# A town named like its governorate is meant when it has at least this many people.
_NAMESAKE_TOWN_POPULATION = 50_000
# A town the rest of the article does not place in its country must be at least this big.
_MIN_UNCONFIRMED_POPULATION = 25_000
# ... and this big when the article names other countries outright ("Palma" in a report
# about Mozambique is not the Spanish city).
_WELL_KNOWN_POPULATION = 500_000
_NEAR_KM = 25.0
# "South of Kirkuk" may be a village this far away (reports give "35 km south of Kirkuk").
_DIRECTION_KM = 80.0

# Demonyms give a country prior without naming a place ("Iraqi army", "Yemeni rebels").
_DEMONYMS = {
    "iraqi": "IQ", "syrian": "SY", "yemeni": "YE", "sudanese": "SD", "somali": "SO",
    "nigerian": "NG", "pakistani": "PK", "afghan": "AF", "ukrainian": "UA", "congolese": "CD",
    "burkinabe": "BF", "malian": "ML", "lebanese": "LB", "israeli": "IL", "palestinian": "PS",
    "turkish": "TR", "iranian": "IR", "libyan": "LY", "ethiopian": "ET", "burmese": "MM",
    "kurdish": "IQ", "saudi": "SA", "egyptian": "EG", "jordanian": "JO", "kuwaiti": "KW",
    "nigerien": "NE", "cameroonian": "CM", "mozambican": "MZ", "indian": "IN",
    "chadian": "TD", "kenyan": "KE", "south sudanese": "SS", "eritrean": "ER",
    "bangladeshi": "BD", "beninese": "BJ", "togolese": "TG", "tunisian": "TN",
    "algerian": "DZ", "colombian": "CO", "mexican": "MX", "venezuelan": "VE", "haitian": "HT",
    "filipino": "PH", "azerbaijani": "AZ", "armenian": "AM", "burundian": "BI",
}  # fmt: skip
_DEMONYM_RE = re.compile(
    r"\b(" + "|".join(sorted(_DEMONYMS, key=len, reverse=True)) + r")\b", _LOWER
)

# Before a place name: the event happened near it rather than in it.
_NEAR_BEFORE = re.compile(
    r"(?:\bnear|\boutskirts\s+of|\boutside(?:\s+of)?|\bclose\s+to|\bvicinity\s+of|\bwest|\beast|"
    r"\bnorth|\bsouth|\bnorth-?east|\bnorth-?west|\bsouth-?east|\bsouth-?west|\baway\s+from)"
    r"(?:\s+of)?(?:\s+the)?(?:\s+(?:city|town|village|district|province)\s+of)?\s*$",
    _LOWER,
)
# Who gave the account, not where it happened: "a civil society leader in Masisi said".
_ROLE_IN_BEFORE = re.compile(
    r"\b(?:leader|official|spokes(?:man|woman|person)|administrator|correspondent|journalist|"
    r"lawmaker|mp|commander|chief|source|officer|activist|doctor)s?\s+(?:based\s+)?in\s+$",
    _LOWER,
)
_SAID_SOON_AFTER = re.compile(
    r"[^.;]{0,25}?\b(?:said|says|told|tells|reported|added|confirmed)\b", _LOWER
)
_LIST_GAP = re.compile(r"(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+or\s+)")
# "on the Quetta-Karachi highway": somewhere along a road out of the town, the weakest place
_ROAD_AFTER = re.compile(
    r"^(?:-[\w'’]+(?:\s[\w'’]+)?\s+|\s+)(?:highway|road|motorway|railway|expressway)\b",
    _LOWER,
)
_DIRECTION_BEFORE = re.compile(
    r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
    r"\s+of(?:\s+the)?(?:\s+(?:city|town|village|district|province)\s+of)?\s*$",
    _LOWER,
)
_DISTRICT_AFTER = re.compile(
    r"^\s+(?:district|sub-?district|territory|lga|local\s+government|department|county|"
    r"prefecture|division|township|cercle|commune|municipality|tehsil|raion|woreda|zone)\b",
    _LOWER,
)
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|into|inside|outside|of|on|targeting|hit|struck|across|around|"
    r"towards)\s+(?:the\s+)?(?:(?:northern|southern|eastern|western|central|"
    r"north-?eastern|north-?western|south-?eastern|south-?western|holy|capital|restive|"
    r"strategic|regional|provincial|[a-z]+-(?:held|controlled|run|led|dominated))\s+)*"
    r"(?:(?:city|town|village|district|province|"
    r"governorate|region|area|sub-?district|capital|neighbou?rhood)\s+of\s+)?$",
    _LOWER,
)
# After a place name: it names something else ("Tikrit hospital", "Mrauk-U-based battalion").
_NOT_EVENT_AFTER = re.compile(
    r"^(?:-based|-led|-backed|"
    r"\s+(?:hospital|university|airport\s+road|governor|council|"
    r"police\s+chief|mp|representative|native)|['’]s\s+(?:governor|police|health|council|"
    r"provincial|government|mayor|(?:[a-z'’-]+\s+){0,2}(?:hospital|morgue|medical|clinic|"
    r"ministry|interior|security\s+council|authorities|officials|spokes(?:man|woman|person))))",
    _LOWER,
)
_NOT_EVENT_BEFORE = re.compile(
    r"\b(?:including|such\s+as|taken\s+to|transferred\s+to|moved\s+to|evacuated\s+to|"
    r"residents?\s+of|native\s+of|born\s+in|from\s+the\s+province\s+of|governor\s+of|"
    r"(?:brought|rushed|admitted)\s+to\s+(?:\w+\s+)?hospitals?\s+in|hospitals?\s+in|"
    r"(?:travell?ing|heading|going|bound|returning|on\s+(?:their|his|her)\s+way)\s+(?:to|for)|"
    r"en\s+route\s+to|(?:hail(?:ed|ing|s)?|originally|coming)\s+from|belong(?:ed|ing)\s+to|"
    r"(?:medical|security|military|local|hospital|police|tribal|government)\s+sources?\s+in|"
    # origins, not event places: "labourers from Punjab", "pilgrims from Iran"
    r"(?!(?:kilomet|met(?:er|re)|mile|hour|minute|day|week|yard|km)s?\b)[a-z]+s\s+from|"
    r"(?:people|men|women|children)\s+from|"
    r"borders?\s+(?:with|of)|bordering|(?:frontier|border)\s+(?:between|with)\s+(?:\w+\s+)?"
    r"(?:and\s+)?|fled\s+(?:to|into)|(?:alliance|agreement|talks|relations)\s+with|"
    r"(?:with|between)\s+(?:\w+\s+)?and)\s+$",
    _LOWER,
)
# Clauses that are context rather than an event: habits, history, cumulative tolls.
_GENERIC_RE = re.compile(
    r"\b(?:regularly|frequently|frequent|often|repeatedly|routinely|commonplace|in\s+the\s+past|"
    r"for\s+years|was\s+founded|were\s+founded|formed\s+in|established\s+in|are\s+accused|"
    r"is\s+accused|has\s+been\s+accused|have\s+been\s+used|hotbed|insurgency\s+that|"
    r"war\s+(?:began|broke\s+out)|civil\s+war\s+began|earlier\s+this\s+year|last\s+year|"
    r"still\s+carr(?:y|ies)\s+out|continues?\s+to\s+(?:carry|launch|stage|mount|wage)|"
    r"carr(?:y|ies)\s+out\s+(?:hit-and-run|sporadic|frequent|regular|occasional)|"
    r"sleeper\s+cells\s+(?:still\s+)?(?:carry|launch|stage|mount|operate|remain))\b",
    _LOWER,
)
# Cumulative context only with a perfect tense: "more than 250 have died since October".
_GENERIC_PERFECT_RE = re.compile(
    r"\b(?:since\s+(?:(?:19|20)\d\d|(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|mid-\w+|late\s+\w+|early\s+\w+|the\s+start|"
    r"the\s+beginning))|over\s+the\s+(?:past|last)\s+(?:\w+\s+)?(?:years|months|weeks|"
    r"decades?)|in\s+recent\s+(?:days|weeks|months|years))\b",
    _LOWER,
)
_PERFECT_RE = re.compile(r"\b(?:have|has|had)\b", _LOWER)
# A conflict's running toll ("more than 3,000 people have been killed", "the war has killed
# tens of thousands"): context, not a count for this report's incident.
_CUMULATIVE_RE = re.compile(
    r"\b(?:ha(?:s|ve)\s+(?:been\s+)?(?:killed|claimed|died|displaced|left|cost)|"
    r"(?:conflict|war|insurgency|violence|fighting|crisis)\s+(?:has|have|had)\s+"
    r"(?:killed|claimed|left|displaced|cost))\b",
    _LOWER,
)
_CUMULATIVE_MIN = 200
# "... killed in the protests, and dozens have since been assassinated": a look back
_PERFECT_SINCE_RE = re.compile(
    r"\b(?:have|has|had)\s+since\b|\bsince\s+(?:then|the\s+start|the\s+beginning)\b", _LOWER
)
_CONFLICT_TOLL_RE = re.compile(
    r"\b(?:conflict|war|insurgency|violence|uprising|fighting|crisis|campaign)\b[^.;]{0,80}?\b"
    r"(?:has|have|had)\s+(?:so\s+far\s+|now\s+|since\s+)?(?:killed|claimed|left|cost|"
    r"been\s+responsible\s+for)\b|\bresponsible\s+for\s+the\s+deaths\s+of\s+"
    r"(?:more\s+than|over|some|about|nearly|tens\s+of|thousands)",
    _LOWER,
)
# A party's own account of what it inflicted: "claimed that its fighters had killed 20",
# "saying its soldiers killed seven" (a claim of responsibility alone is not one).
_FIGURE_CLAIM_RE = re.compile(
    r"\bclaim(?:ed|s|ing)?\s+(?:that|to\s+have|it\s+had|its|their|they)\b|"
    r"\bsaying\s+(?:that\s+)?(?:it|its|they|their)\s|\bpropaganda\b|\bamaq\b|"
    r"\bneutrali[sz](?:ed|ing)\b|\beliminat(?:ed|ing)\b|"
    r"\bcould\s+not\s+be\s+(?:independently\s+)?verified\b",
    _LOWER,
)
_YEAR_RE = re.compile(r"\b(?:in|since|from|of)\s+((?:19|20)\d\d)\b")
_SEPARATE_RE = re.compile(
    r"\b(?:separate(?:ly)?|elsewhere|meanwhile|in\s+another\s+(?:attack|incident)|"
    r"another\s+(?:attack|incident)\s+(?:in|near|at))\b",
    _LOWER,
)
# An event still going on the next day ("forces were still working to end the siege").
_CONTINUING_RE = re.compile(
    r"\b(?:still|continu\w*|ongoing|remained|persist\w*|siege|for\s+a\s+second\s+day)\b",
    _LOWER,
)
_ATTRIBUTIVE_AFTER = re.compile(
    r"^\W{0,3}(?:\([^)]{0,20}\)\s*)?"
    # "police in Haiti said": a place between the source and its verb
    r"(?:\s*(?:in|from)\s+(?:the\s+)?[\w'’\-]+(?:\s+[\w'’\-]+)?\s+(?=said|told|say))?"
    r"(?:(?:spokes\w+|sources?|officials?|officers?|chief|"
    r"commander|statement|media\s+office)\s+)?(?:said|told|says|reported|announced|"
    r"stated|added|confirmed|statement|spokes(?:man|woman|person)|media\s+(?:office|cell))\b",
    _LOWER,
)
_ACCORDING_BEFORE = re.compile(
    r"\b(?:according\s+to|quoted\s+by|told|allied\s+(?:with|to)|affiliated\s+(?:with|to)|"
    r"linked\s+to|close\s+to|backed\s+by|supported\s+by|loyal\s+to|aligned\s+with|"
    r"held\s+by|controlled\s+by|run\s+by|captured\s+by|seized\s+by)\s+"
    r"(?:the\s+)?$",
    _LOWER,
)
# "... stayed silent and took no part in the fighting": these actors were not involved.
_NOT_INVOLVED_RE = re.compile(
    r"\b(?:did\s+not|didn['’]t|do\s+not|does\s+not|not\s+to)\s+(?:take\s+part|participate|"
    r"intervene|join|get\s+involved)|\bnot\s+involved\b",
    _LOWER,
)
# "fighting between the army and the Arakan Army": the two sides of a conflict.
_BETWEEN_RE = re.compile(
    r"\b(?:fighting|clash(?:es)?|battles?|hostilities|confrontations?|gunfights?|"
    r"firefights?|exchanges?\s+of\s+fire)\s+(?:\w+\s+){0,2}?between\s+"
    r"(?P<a>[^,;.()]{2,80}?)\s+and\s+(?P<b>[^,;.()]{2,80}?)"
    r"(?=[,;.]|\s+(?:in|near|on|at|has|have|had|that|which|since|over|for|across)\b|$)",
    re.IGNORECASE,
)
_BRACKET_GAP = re.compile(r"\s*\(\s*")
# "the al-Qaeda-linked JNIM", "Iran-backed militias": the named group is a patron, no party.
_AFFILIATE_AFTER = re.compile(
    r"^-(?:linked|affiliated|backed|allied|aligned|inspired|supported|sponsored|funded)\b",
    _LOWER,
)
_CLAIMED_AFTER = re.compile(r"^\W{0,3}(?:claimed|has\s+claimed)\s+responsibility", _LOWER)

_GENERIC_ACTORS = {"security-forces": "security", "military-forces": "military",
                   "police-forces": "police"}  # fmt: skip
_UNIDENTIFIED = "unidentified-armed-group"
_SUSPECT_RE = re.compile(
    r"\bsuspect(?:s|ed)?\b|hallmarks?\b|\bblamed\b|\battributed\s+to\b|"
    r"\b(?:believed|thought|said|reported)\s+to\s+(?:be|have)\b",
    re.IGNORECASE,
)
_CLAIM_RE = re.compile(
    r"claim|responsib|blame|accus|carried\s+out|behind|suspect|hallmark|attribut|"
    r"(?:believed|thought|said|reported)\s+to\s+(?:be|have)",
    re.IGNORECASE,
)
_MONTH_FIRST_COUNTRIES = frozenset({"US", "PH", "FM", "MH", "PW"})
_UNKNOWN_HINT = re.compile(
    r"unknown|unclear|not\s+(?:yet\s+)?(?:known|clear|confirmed)|ascertain|"
    r"establish|confirm"
)
_REGULAR_FORCES_RE = re.compile(
    r"^\S+\s+(?:army|police|military|armed\s+forces|forces|government\s+forces|troops)$"
)
# Only sentences with something countable need an attribution (the search is costly).
_FIGURE_HINT = re.compile(
    r"\d|kill|dead|death|died|wound|injur|hurt|arrest|detain|casualt|toll|"
    r"lives|kidnap|abduct",
    _LOWER,
)


@dataclass(slots=True)
class _Place:
    entry: GazetteerEntry
    start: int
    near: bool
    locative: bool
    directional: bool = False  # "south of Kirkuk": somewhere in that direction, maybe far
    district: bool = False  # "in the Niono district": the district named after the town


@dataclass(slots=True)
class _Unit:
    """One clause with what was read from it."""

    sentence: int
    text: str
    sentence_text: str
    heading: bool
    background_cue: bool
    places: list[_Place]
    dates: list[DateMention]
    figures: list[Figure]
    triggers: list[Trigger]
    actors: list[ActorRef]
    source: str | None
    unknown: bool
    generic: bool
    separate: bool
    # A round-up part ("... and two in Zaporizhzhia") takes its dates from the first part.
    dates_from: _Unit | None = None

    @property
    def is_event(self) -> bool:
        """True when the clause reports an action or a counted figure."""
        counted = any(f.min is not None for f in self.figures)
        return bool(self.triggers) or counted

    @property
    def place(self) -> _Place | None:
        """The clause's event place: the most specific, preferably after "in"/"near"."""
        return _best_place(self.places)

    @property
    def date(self) -> DateMention | None:
        """The clause's event date, a reporting date only when there is no other."""
        usable = [d for d in self.dates if d.date is not None or d.anchor_offset is not None]
        event = [d for d in usable if not d.reporting]
        chosen = event or usable
        return chosen[0] if chosen else None


@dataclass(slots=True)
class _Group:
    """Clauses that describe one incident."""

    units: list[_Unit] = field(default_factory=list)
    place: _Place | None = None
    date: DateMention | None = None
    background: bool = False
    lead: bool = False
    separate: bool = False  # introduced as "a separate incident": never folded into another


def _best_place(places: Sequence[_Place]) -> _Place | None:
    if not places:
        return None
    return min(
        enumerate(places),
        key=lambda item: (
            _KIND_RANK[item[1].entry.kind],
            item[1].directional,
            item[1].district,
            not item[1].locative,
            item[0],
        ),
    )[1]


class RulesEngine:
    """Rule-based extraction: fast, offline, deterministic."""

    def __init__(
        self, gazetteer: Gazetteer | None = None, actors: ActorRegistry | None = None
    ) -> None:
        """Use the packaged gazetteer and registry unless others are given."""
        self._gazetteer = gazetteer if gazetteer is not None else Gazetteer.default()
        self._actors = actors if actors is not None else ActorRegistry.default()
        self._country_forces = self._index_country_forces()

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer in use."""
        return self._gazetteer

    @property
    def actors(self) -> ActorRegistry:
        """The actor registry in use."""
        return self._actors

    def _index_country_forces(self) -> dict[tuple[str, str], ActorRef]:
        """Country state forces for generic mentions and for a country's regular army/police.

        ``("IQ", "security")`` -> Iraqi Security Forces; ``("IQ", "actor:iraqi-army")`` -> the
        same umbrella: like ACLED's "Military/Police Forces of <country>", a country's regular
        army and police are reported under one state-forces actor when the registry has one;
        special units (federal police, counter-terrorism, border guards) keep their own.
        """
        index: dict[tuple[str, str], ActorRef] = {}
        state = [a for a in self._actors.all() if a.type is ActorType.STATE_FORCES and a.country]
        for actor in state:
            name = actor.name.lower()
            if name.endswith("security forces") and not name.startswith(("kurd", "krg")):
                index.setdefault((actor.country or "", "security"), actor)
        for actor in state:
            country = actor.country or ""
            name = actor.name.lower()
            regular = _REGULAR_FORCES_RE.match(name) is not None
            umbrella = index.get((country, "security"))
            kind = "police" if "police" in name else "military"
            if regular or any(w in name for w in ("army", "military", "armed forces")):
                index.setdefault((country, kind), umbrella if regular and umbrella else actor)
            if regular and umbrella is not None and actor.id != umbrella.id:
                index[(country, f"actor:{actor.id}")] = umbrella
        for key, actor in list(index.items()):
            if key[1] == "military":
                index.setdefault((key[0], "security"), actor)
        # Countries known only from the nationality table ("Military Forces of Kenya"): the
        # registry's roles say what a generic mention means there.
        for country in sorted({a.country for a in state if a.country}):
            for role in ("security", "military", "police"):
                if (country, role) not in index:
                    force = self._actors.country_force(country, role)
                    if force is not None:
                        index[(country, role)] = force
        return index

    # ------------------------------------------------------------------ public
    def extract(
        self, text: str, published_at: dt.datetime | None = None, *, title: str | None = None
    ) -> list[Incident]:
        """Incidents described in ``text`` (lead first); ids and sources are left empty."""
        if published_at is not None and published_at.tzinfo is None:
            published_at = published_at.replace(tzinfo=dt.UTC)
        article = prepare(text or "", title)
        if not article.sentences:
            return []
        units, context = self._read(article)
        timezone = self._article_timezone(units, context)
        # Numeric dates are day-first except in reports about the United States.
        day_first = not context or context.most_common(1)[0][0] not in _MONTH_FIRST_COUNTRIES
        ref = reference_date(published_at, timezone) if published_at is not None else None
        if ref is None:
            ref = self._fallback_reference(text, day_first=day_first)
        if ref is None:
            return []
        for unit in units:
            unit.dates = _toll_dates_reporting(
                find_dates(unit.text, ref, day_first=day_first), unit.figures, unit.text
            )
        for unit in units:
            # Round-up parts share one stated date: "five in Kirkuk and two in Tikrit on Monday".
            head = unit.dates_from
            if head is None:
                continue
            if all(d.reporting for d in unit.dates):
                unit.dates = [*head.dates, *unit.dates]
            elif all(d.reporting for d in head.dates):
                head.dates = [*unit.dates, *head.dates]
        groups = self._segment(units, ref)
        rivals = self._rivals(units)
        incidents: list[Incident] = []
        lead_date: dt.date | None = None
        for group in groups:
            incident = self._build(group, context, ref, lead_date, rivals)
            if incident is None:
                continue
            if group.lead:
                lead_date = incident.date
            incidents.append(incident)
        view = ReportView.of(title, [s.text for s in article.sentences])
        return [with_confidence(i, score_incident(i, view)) for i in incidents]

    # ------------------------------------------------------------------ reading
    def _read(self, article: Article) -> tuple[list[_Unit], Counter[str]]:
        context: Counter[str] = Counter()
        own: dict[tuple[int, int], Counter[str]] = {}
        # Votes per name: a name cannot confirm itself, however often it is repeated.
        by_name: dict[str, Counter[str]] = {}
        named: set[str] = set()  # countries the text names by their own name
        variants: set[tuple[int, int]] = set()
        per_sentence: list[list[tuple[int, int, tuple[GazetteerEntry, ...]]]] = []
        lowered: list[str] = []
        texts = [s.text for s in article.sentences]
        if article.title and (not texts or article.title != texts[0]):
            texts_title: str | None = article.title
        else:
            texts_title = None
        for sentence in article.sentences:
            mentions = self._gazetteer.find_mentions(sentence.text)
            found = [(m.start, m.end, m.candidates) for m in mentions]
            per_sentence.append(found)
            low = lower_same_length(sentence.text)
            lowered.append(low)
            for mention in mentions:
                if mention.variant:
                    variants.add((sentence.index, mention.start))
            for start, end, candidates in found:
                if (sentence.index, start) in variants:
                    continue  # another spelling of a known name: it needs a country, not gives one
                role = mention_role(low[max(0, start - 60) : start], low[end : end + 40])
                if role is not None and role != "speaker":
                    continue  # "pro-Iran", "Dubai 24", "Bello said": not what the text is about
                if _NOT_EVENT_AFTER.match(low[end : end + 20]):
                    if candidates[0].kind == "country":
                        context[candidates[0].country] += 2
                    continue
                # Small towns do not vote: they need their country from elsewhere.
                countries = {c.country for c in candidates if not c.minor}
                if not countries:
                    continue
                weight = 4 if candidates[0].kind != "place" else 2
                # An ambiguous name votes a little for each of its countries.
                share = weight if len(countries) == 1 else 1
                contribution = Counter(dict.fromkeys(countries, share))
                if candidates[0].kind == "country" and len(countries) == 1:
                    named.update(countries)
                name_votes = by_name.setdefault(_name_key(sentence.text[start:end]), Counter())
                name_votes.update(contribution)
                own[(sentence.index, start)] = name_votes
                context.update(contribution)
            for match in _DEMONYM_RE.finditer(low):
                before, after = low[max(0, match.start() - 60) : match.start()], low[match.end() :]
                if mention_role(before, after[:40]) == "allegiance":
                    continue  # "Iranian-backed militias" are not about Iran
                context[_DEMONYMS[match.group(1).lower()]] += 2
        if article.dateline:
            for mention in self._gazetteer.find_mentions(article.dateline):
                context[mention.candidates[0].country] += 2
                by_name.setdefault(_name_key(mention.surface), Counter())[
                    mention.candidates[0].country
                ] += 2
        if texts_title:
            for mention in self._gazetteer.find_mentions(texts_title):
                if len({c.country for c in mention.candidates}) == 1:
                    context[mention.candidates[0].country] += 2
                    by_name.setdefault(_name_key(mention.surface), Counter())[
                        mention.candidates[0].country
                    ] += 2
        units: list[_Unit] = []
        resolved: dict[str, GazetteerEntry] = {}  # multi-word names placed so far
        for sentence, found, low in zip(article.sentences, per_sentence, lowered, strict=True):
            source = find_attribution(sentence.text) if _FIGURE_HINT.search(low) else None
            actor_mentions, actor_spans = self._actor_mentions(sentence.text, low)
            for clause in sentence.clauses:
                lo, hi = clause.start, clause.start + len(clause.text)
                places: list[_Place] = []
                excluded_end = -1
                for start, end, candidates in found:
                    if start < lo or start >= hi:
                        continue
                    if any(s <= start < e for s, e in actor_spans):
                        continue  # "Myanmar military", "Iraqi army": an actor, not a place
                    if (sentence.index, start) in variants:
                        # Another spelling of a known name: only in the article's own country.
                        top = max(context.values(), default=0)
                        candidates = tuple(
                            c for c in candidates if top and context.get(c.country, 0) == top
                        )
                        if not candidates:
                            continue
                    if inside_longer_name(sentence.text[max(0, start - 40) : start]):
                        continue  # "a neighbourhood called Horizontes del Sur"
                    key = _name_key(sentence.text[start:end])
                    entry = _resolved_longer(resolved, key)
                    if entry is None:
                        others = context.copy()
                        others.subtract(own.get((sentence.index, start), Counter()))
                        entry = self._choose(
                            sentence.text, start, end, candidates, +others, named=named
                        )
                    if entry is None:
                        continue
                    if " " in key and entry.kind == "place":
                        resolved[key] = entry
                    before = low[max(0, start - 45) : start]
                    after = low[end : end + 20]
                    if not names_the_scene(low[end : end + 100]) and (
                        _NOT_EVENT_AFTER.match(after)
                        or _NOT_EVENT_BEFORE.search(before)
                        or mention_role(low[max(0, start - 60) : start], low[end : end + 40])
                        or (
                            _ROLE_IN_BEFORE.search(before)
                            and _SAID_SOON_AFTER.match(low, end, end + 40)
                        )
                        or (excluded_end >= 0 and _LIST_GAP.fullmatch(low[excluded_end:start]))
                    ):
                        # "hospitals in Shuqra and Lawdar": the whole list is no event place
                        excluded_end = end
                        continue
                    places.append(
                        _Place(
                            entry=entry,
                            start=start,
                            near=bool(_NEAR_BEFORE.search(before) or _ROAD_AFTER.match(after))
                            and entry.kind == "place",
                            locative=bool(_LOCATIVE_BEFORE.search(before)),
                            directional=bool(
                                _DIRECTION_BEFORE.search(before) or _ROAD_AFTER.match(after)
                            ),
                            district=bool(_DISTRICT_AFTER.match(after)) and entry.kind == "place",
                        )
                    )
                actors = [a for s, a in actor_mentions if lo <= s < hi]
                clause_low = lower_same_length(clause.text)
                if _NOT_INVOLVED_RE.search(clause_low):
                    actors = []
                unit = _Unit(
                    sentence=sentence.index,
                    text=clause.text,
                    sentence_text=sentence.text,
                    heading=sentence.heading,
                    background_cue=clause.background_cue,
                    places=places,
                    dates=[],
                    figures=find_figures(clause.text),
                    triggers=find_triggers(clause.text),
                    actors=actors,
                    source=source,
                    unknown=_UNKNOWN_HINT.search(clause_low) is not None
                    and mentions_unknown(clause.text),
                    generic=_is_generic(clause_low),
                    separate=bool(_SEPARATE_RE.search(clause_low)),
                )
                units.extend(_split_roundup(unit, clause.start, actor_mentions))
        return units, context

    def _actor_mentions(
        self, sentence: str, low: str
    ) -> tuple[list[tuple[int, ActorRef]], list[tuple[int, int]]]:
        result: list[tuple[int, ActorRef]] = []
        mentions = self._actors.find_mentions(sentence)
        spans = [(m.start, m.end) for m in mentions]
        skipped_end = -1
        for mention in mentions:
            after = low[mention.end : mention.end + 40]
            before = low[max(0, mention.start - 30) : mention.start]
            if _CLAIMED_AFTER.match(after):
                result.append((mention.start, mention.actor))
                continue
            # "allied with the Kurdistan Workers Party (PKK)": the acronym in brackets repeats
            # the reference just skipped, so it is no party either.
            echo = skipped_end >= 0 and _BRACKET_GAP.fullmatch(low[skipped_end : mention.start])
            if (
                echo
                or _ATTRIBUTIVE_AFTER.match(after)
                or _ACCORDING_BEFORE.search(before)
                or _AFFILIATE_AFTER.match(after)
            ):
                skipped_end = mention.end
                continue
            result.append((mention.start, mention.actor))
        return result, spans

    def _choose(
        self,
        text: str,
        start: int,
        end: int,
        candidates: Sequence[GazetteerEntry],
        context: Counter[str],
        *,
        named: Set[str] = frozenset(),
    ) -> GazetteerEntry | None:
        """The entry a place mention means, given the countries the article is about
        (``context``: votes of the other names; ``named``: countries named outright)."""
        # A small town outside the focus countries needs its country named elsewhere in the
        # article: thousands of village names double as surnames and words.
        candidates = [c for c in candidates if not c.minor or context.get(c.country, 0) > 0]
        if not candidates:
            return None
        surface = text[start:end]
        top = candidates[0]
        if top.kind == "country" and len(surface.strip()) < 4 and not surface.isupper():
            return None
        in_context = [c for c in candidates if context.get(c.country, 0) > 0]
        if in_context:
            best = max(in_context, key=lambda c: context[c.country])
            # Keep the gazetteer's order among the article's countries.
            ranked = [c for c in in_context if context[c.country] == context[best.country]]
            return _town_or_governorate(text, start, end, ranked[0], in_context)
        if context:
            # A place in a country the article never mentions (other than by this very name):
            # only a well-known one, or a province or country named in full.
            exact = match_key(strip_article(surface)) == match_key(strip_article(top.name))
            # When the text names its countries outright ("the town of Palma in Mozambique"),
            # a town elsewhere must be well known; a nationality alone ("a Turkish drone")
            # says who acted, not where, and leaves sizeable towns possible.
            smallest = _WELL_KNOWN_POPULATION if named else _MIN_UNCONFIRMED_POPULATION
            if top.kind != "place":
                chosen = top if exact or top.kind == "country" else None
            elif top.population >= smallest:
                chosen = top if exact or top.population >= _WELL_KNOWN_POPULATION else None
            else:
                return None
            if chosen is None:
                return None
            same_country = [c for c in candidates if c.country == chosen.country]
            return _town_or_governorate(text, start, end, chosen, same_country)
        same_country = [c for c in candidates if c.country == top.country]
        return _town_or_governorate(text, start, end, top, same_country)

    def _article_timezone(self, units: Sequence[_Unit], context: Counter[str]) -> str | None:
        for unit in units:
            for place in unit.places:
                if place.entry.timezone:
                    return place.entry.timezone
                parent = self._gazetteer.get(place.entry.parent_key or "")
                if parent is not None and parent.timezone:
                    return parent.timezone
        if context:
            country = context.most_common(1)[0][0]
            for name in (country,):
                entry = self._gazetteer.get(name)
                if entry is not None and entry.timezone:
                    return entry.timezone
        return None

    @staticmethod
    def _fallback_reference(text: str, *, day_first: bool) -> dt.date | None:
        """Without a publication time: the latest full date the page states."""
        dates = [
            d.date
            for d in find_dates(text[:4000], None, day_first=day_first)
            if d.date is not None
        ]
        return max(dates) if dates else None

    # ------------------------------------------------------------------ segmentation
    def _segment(self, units: list[_Unit], ref: dt.date) -> list[_Group]:
        groups: list[_Group] = []
        current: _Group | None = None
        headings = [u for u in units if u.heading]
        body = [u for u in units if not u.heading]
        for unit in body:
            suspect = (
                current is not None
                and not unit.is_event
                and bool(unit.actors)
                and unit.place is None
                and not unit.dates
                and _SUSPECT_RE.search(unit.text) is not None
            )
            if suspect and current is not None:
                # "Police suspect Boko Haram": who did the event just told, not a new one.
                current.units.append(unit)
                continue
            if current is not None and self._sets_the_scene(current, unit):
                continue
            if not unit.is_event and current is not None and not unit.generic:
                # "Around 20 armed men blocked the highway late on Sunday": no action word, but
                # the day the lead left out.
                self._date_from_context(current, unit, ref)
            if (
                not unit.is_event
                or unit.generic
                or self._historical(unit, ref)
                or _cumulative(unit)
            ):
                continue
            place, date = unit.place, unit.date
            if current is None and unit.background_cue and (place or date):
                background = _Group(background=True)
                groups.append(background)
                self._attach(background, unit)
                continue
            if current is None:
                current = _Group(lead=True)
                groups.append(current)
                self._attach(current, unit)
                continue
            target: _Group | None = None
            if unit.background_cue and (place is not None or date is not None):
                target = next(
                    (
                        g
                        for g in groups
                        if not g.lead and self._fits(g, place, date, ref, strict=True)
                    ),
                    None,
                )
                if target is None:
                    target = _Group(background=True)
                    groups.append(target)
            elif unit.separate and (place is not None or date is not None):
                target = _Group(separate=True)  # "in a separate incident": another event
                groups.append(target)
            elif self._fits(current, place, date, ref, refine=not _other_toll(current, unit)) or (
                place is None
                and _CONTINUING_RE.search(lower_same_length(unit.text))
                and self._next_day(current, date)
            ):
                target = current
            else:
                target = next(
                    (
                        g
                        for g in groups
                        if self._fits(g, place, date, ref, refine=not _other_toll(g, unit))
                    ),
                    None,
                )
                if target is None:
                    target = _Group()
                    groups.append(target)
                    if place is None and current.place is not None:
                        # "The following day, a car bomb exploded near the palace": same city.
                        target.place = current.place
            self._attach(target, unit)
            aside = (
                target.background
                and unit.background_cue
                and target is not current
                and any(u.sentence == unit.sentence for u in current.units)
            )
            if not aside:
                # "..., hours after fighters killed 14 in Djugu": an aside inside a sentence
                # about the main event; the next sentence goes back to that event.
                current = target
        if groups and headings:
            lead = groups[0]
            for unit in headings:
                if unit.is_event and self._fits(lead, unit.place, unit.date, ref):
                    lead.units.append(unit)
                    place = unit.place
                    if place is not None and (
                        lead.place is None
                        or (
                            # "Shelling in Donetsk, Ukraine kills 13" over a lead that
                            # names only the country: the headline's town is the place.
                            place.entry.country == lead.place.entry.country
                            and lead.place.entry.kind != "place"
                            and self._more_specific(place, lead.place)
                        )
                    ):
                        lead.place = place
        elif headings and not groups:
            for unit in headings:
                if unit.is_event:
                    group = _Group(lead=True)
                    self._attach(group, unit)
                    groups.append(group)
                    break
        groups = self._merge_groups(groups)
        groups.sort(key=lambda g: not g.lead)  # the lead first; the rest in reading order
        return groups

    def _sets_the_scene(self, group: _Group, unit: _Unit) -> bool:
        """A clause that only says where the event was ("It took place on the outskirts of
        Marka") gives the current event a more specific place; True when it was used."""
        place = unit.place
        if place is None or any(f.min is not None for f in unit.figures):
            return False
        if not sets_the_scene(lower_same_length(unit.text)):
            return False
        if group.place is not None and (
            place.entry.country != group.place.entry.country
            or not self._more_specific(place, group.place)
        ):
            return False
        group.units.append(unit)
        group.place = place
        return True

    def _date_from_context(self, group: _Group, unit: _Unit, ref: dt.date) -> None:
        """Give a group without an event date the day a following plain clause states."""
        if group.date is not None and not group.date.reporting:
            return
        if unit.background_cue or len(group.units) > 3 or not group.units:
            return
        if unit.sentence != group.units[-1].sentence + 1:
            return  # only the sentence right after the event's own
        date = unit.date
        if date is None or date.reporting or date.date is None:
            return
        if date.precision is not DatePrecision.DAY or not 0 <= (ref - date.date).days <= 7:
            return
        if (
            unit.place is not None
            and group.place is not None
            and not self._same_area(unit.place.entry, group.place.entry)
        ):
            return
        group.date = date

    def _merge_groups(self, groups: list[_Group]) -> list[_Group]:
        """Fold groups that turned out to be one event (same place and day) into the first."""
        kept: list[_Group] = []
        for group in groups:
            target = next((k for k in kept if self._same_event(k, group)), None)
            if target is None:
                kept.append(group)
                continue
            for unit in group.units:
                self._attach(target, unit)
            target.lead = target.lead or group.lead
        return kept

    def _same_event(self, a: _Group, b: _Group) -> bool:
        if a.separate or b.separate or a.background != b.background:
            return False
        if a.place is None or b.place is None:
            return False
        if a.place.entry.key != b.place.entry.key:
            return False
        if a.date is None or b.date is None:
            return a.date is None and b.date is None
        if a.date.date is None or b.date.date is None:
            return a.date.anchor_offset == b.date.anchor_offset
        return a.date.date == b.date.date

    @staticmethod
    def _historical(unit: _Unit, ref: dt.date) -> bool:
        """A clause about an earlier year ("in 2014", "since 2003") with no nearer date."""
        years = [int(y) for y in _YEAR_RE.findall(unit.text)]
        if not years or min(years) >= ref.year:
            return False
        # A clause that also names a recent day ("on Tuesday", "on 3 May") is about that day;
        # the year is background ("... since the government retook it in 2018").
        return not any(
            d.date is not None
            and (ref - d.date).days < 60
            and (d.explicit or d.precision is DatePrecision.DAY)
            for d in unit.dates
            if not d.reporting
        )

    def _attach(self, group: _Group, unit: _Unit) -> None:
        group.units.append(unit)
        place = unit.place
        if place is not None and (group.place is None or self._more_specific(place, group.place)):
            group.place = place
        date = unit.date
        if date is not None and (group.date is None or _better_date(date, group.date)):
            group.date = date

    def _more_specific(self, new: _Place, old: _Place) -> bool:
        rank_new, rank_old = _KIND_RANK[new.entry.kind], _KIND_RANK[old.entry.kind]
        if rank_new != rank_old:
            return rank_new < rank_old
        if (
            new.entry.parent_key
            and new.entry.parent_key == old.entry.key
            and self._same_area(new.entry, old.entry)
        ):
            return True
        return old.near and not new.near and (new.entry.key == old.entry.key or _refines(old, new))

    def _fits(
        self,
        group: _Group,
        place: _Place | None,
        date: DateMention | None,
        ref: dt.date,
        *,
        strict: bool = False,
        refine: bool = True,
    ) -> bool:
        if place is not None and group.place is not None:
            if not (
                self._same_area(place.entry, group.place.entry, strict=strict)
                or (not strict and refine and _refines(group.place, place))
            ):
                return False
        elif strict and place is not None and group.place is None:
            return False
        if date is not None and group.date is not None:
            if date.anchor_offset is not None or group.date.anchor_offset is not None:
                return date.anchor_offset == group.date.anchor_offset
            if date.date is not None and group.date.date is not None:
                if date.earlier and not group.date.earlier and date.date < group.date.date:
                    return date.reporting
                slack = 1 if date.fuzzy or group.date.fuzzy else 0  # "today" in a quote
                start_a, end_a = _interval(date)
                start_b, end_b = _interval(group.date)
                gap = max((start_a - end_b).days, (start_b - end_a).days)
                if gap > slack:
                    # A reporting date never splits an incident off.
                    return date.reporting or group.date.reporting
        elif (
            date is not None
            and date.date is not None
            and group.lead
            and group.date is None
            and (
                date.earlier
                or (date.precision is DatePrecision.DAY and abs((date.date - ref).days) > 7)
            )
        ):
            # The lead without a stated date happened around publication.
            return date.reporting
        return True

    @staticmethod
    def _next_day(group: _Group, date: DateMention | None) -> bool:
        """True when ``date`` is the day after the group's date."""
        if date is None or date.date is None or group.date is None or group.date.date is None:
            return False
        return (date.date - group.date.date).days == 1

    def _same_area(self, a: GazetteerEntry, b: GazetteerEntry, *, strict: bool = False) -> bool:
        if a.key == b.key:
            return True
        if a.country != b.country:
            return False
        if "country" in (a.kind, b.kind):
            return not strict
        if a.kind == "admin1" or b.kind == "admin1":
            return a.admin1_code == b.admin1_code and not strict
        near = haversine_km(a.lat, a.lon, b.lat, b.lon) <= _NEAR_KM
        if a.parent_key == b.key or b.parent_key == a.key:
            return near  # a neighbourhood of the city, not a town of its district
        return near and not strict

    # ------------------------------------------------------------------ building
    def _build(
        self,
        group: _Group,
        context: Counter[str],
        ref: dt.date,
        lead_date: dt.date | None,
        rivals: Sequence[tuple[ActorRef, ActorRef]] = (),
    ) -> Incident | None:
        units = group.units
        location = self._location(group, context)
        if location is None:
            return None
        date, precision, date_end = self._date(group, ref, lead_date)
        date = min(date, ref)
        scores: dict[SubEventType, float] = {}
        first_event = True
        for unit in units:
            factor = 1.0
            if unit.heading:
                factor = 0.75
            elif first_event:
                factor, first_event = 2.0, False
            for sub, value in score_triggers(unit.triggers, factor).items():
                scores[sub] = scores.get(sub, 0.0) + value
        text = " ".join(u.text for u in units if not u.heading)
        killed_all = [f for u in units for f in u.figures if f.kind == "killed" and f.min]
        civilian_victims = bool(
            re.search(r"\b(?:civilians?|villagers|residents|farmers|worshippers|shoppers|"
                      r"passengers|women|children)\b", text, re.I)
        )  # fmt: skip
        victims = {
            group_of(f.subject)
            for u in units
            for f in u.figures
            if f.kind in ("killed", "injured") and f.min
        }
        armed_victims = bool(victims & {"security", "combatants"}) and "civilians" not in victims
        chosen = choose_event_type(
            scores, text=text, civilian_victims=civilian_victims, armed_victims=armed_victims
        )
        if chosen is None:
            if not killed_all:
                return None
            # Only a count ("forces killed three militants"): an attack, or a battle when
            # the dead were all soldiers or fighters (ACLED: armed actors on both sides).
            fallback = SubEventType.ARMED_CLASH if armed_victims else SubEventType.ATTACK
            chosen = (fallback.event_type, fallback)
        if chosen[1] is SubEventType.ARRESTS and killed_all:
            # People killed in a raid or round-up: an attack (or a battle), not arrests.
            fallback = SubEventType.ARMED_CLASH if armed_victims else SubEventType.ATTACK
            chosen = (fallback.event_type, fallback)
        event_type, sub_event_type = chosen

        body_units = [u for u in units if not u.heading] or units
        statements = [
            Statement(
                tuple(u.figures),
                u.source,
                u.sentence_text,
                u.unknown,
                claim=_FIGURE_CLAIM_RE.search(lower_same_length(u.sentence_text)) is not None,
            )
            for u in body_units
        ]
        killed = combine(statements, "killed")
        injured = combine(statements, "injured")
        arrested = combine(statements, "arrested")
        if killed.min is None and injured.min is None:
            heading_statements = [
                Statement(tuple(u.figures), u.source, u.sentence_text) for u in units if u.heading
            ]
            if heading_statements:
                from_heading_k = combine(heading_statements, "killed")
                from_heading_i = combine(heading_statements, "injured")
                if from_heading_k.min is not None:
                    killed = from_heading_k
                if from_heading_i.min is not None:
                    injured = from_heading_i

        actors = self._incident_actors(units, sub_event_type, location.country)
        if event_type in (EventType.BATTLES, EventType.EXPLOSIONS):
            actors = self._with_rivals(actors, rivals, location.country)
        times = [t for t in (find_time_of_day(u.text) for u in body_units) if t]
        clock = [t for t in times if t[:1].isdigit()]
        time_of_day = (clock or times)[0] if times else None
        evidence: list[str] = []
        for unit in body_units:
            if unit.sentence_text not in evidence:
                evidence.append(unit.sentence_text)
        summary = summarize(
            date=date,
            precision=precision,
            location=location,
            actors=actors,
            sub_event_type=sub_event_type,
            killed=killed,
            injured=injured,
        )
        background = group.background or (
            not group.lead and lead_date is not None and date < lead_date - dt.timedelta(days=1)
        )
        return Incident(
            date=date,
            date_precision=precision,
            date_end=date_end,
            time_of_day=time_of_day,
            location=location,
            actors=actors,
            event_type=event_type,
            sub_event_type=sub_event_type,
            killed=killed,
            injured=injured,
            arrested=arrested,
            summary=summary,
            evidence=evidence[:8],
            is_background=background,
        )

    def _location(self, group: _Group, context: Counter[str]) -> Location | None:
        place = group.place
        if place is None:
            if not context:
                return None
            country = self._gazetteer.get(context.most_common(1)[0][0])
            if country is None:
                return None
            return country.to_location(GeoPrecision.COUNTRY)
        entry = place.entry
        precision = None
        if place.near and entry.kind == "place":
            precision = GeoPrecision.NEAR
        location = entry.to_location(precision)
        if location.timezone is None and entry.parent_key:
            parent = self._gazetteer.get(entry.parent_key)
            if parent is not None:
                location = location.model_copy(update={"timezone": parent.timezone})
        return location

    def _date(
        self, group: _Group, ref: dt.date, lead_date: dt.date | None
    ) -> tuple[dt.date, DatePrecision, dt.date | None]:
        mention = group.date
        if mention is not None and mention.date is not None:
            return mention.date, mention.precision, mention.date_end
        anchor = lead_date or ref
        if mention is not None and mention.anchor_offset is not None:
            return anchor + dt.timedelta(days=mention.anchor_offset), mention.precision, None
        if group.lead:
            return ref, DatePrecision.DAY, None
        if group.background:
            # "days after ..." with no date: some days before the news, within a week.
            return anchor - dt.timedelta(days=3), DatePrecision.WEEK, None
        return anchor, DatePrecision.DAY, None

    def _rivals(self, units: Sequence[_Unit]) -> list[tuple[ActorRef, ActorRef]]:
        """Pairs of named sides from "fighting between A and B" anywhere in the article."""
        pairs: list[tuple[ActorRef, ActorRef]] = []
        seen: set[str] = set()
        for unit in units:
            if unit.sentence_text in seen or "between" not in unit.sentence_text:
                continue
            seen.add(unit.sentence_text)
            for match in _BETWEEN_RE.finditer(unit.sentence_text):
                sides = [self._actors.find_mentions(match[name]) for name in ("a", "b")]
                if all(len(side) == 1 for side in sides):
                    pairs.append((sides[0][0].actor, sides[1][0].actor))
        return pairs

    def _with_rivals(
        self, actors: list[ActorRef], rivals: Sequence[tuple[ActorRef, ActorRef]], country: str
    ) -> list[ActorRef]:
        """A fight's actors plus the named other side the article says they are fighting."""
        if not actors:
            return actors
        result = list(actors)
        ids = {a.id for a in result}
        for pair in rivals:
            a, b = (self._canonical(x, country) for x in pair)
            for mine, other in ((a, b), (b, a)):
                if mine.id not in ids or other.id in ids or other.id == mine.id:
                    continue
                generic = other.id in _GENERIC_ACTORS or other.id == _UNIDENTIFIED
                if generic or other.type is ActorType.CIVILIANS or _is_collective(other):
                    continue
                ids.add(other.id)
                result.append(other)
        return result

    def _canonical(self, actor: ActorRef, country: str) -> ActorRef:
        """A generic force as the country's own force; a national force as its registry actor."""
        # "Regime troops" in Myanmar are the Myanmar military, not Syria's (shared names).
        actor = self._actors.localize(actor, country)
        kind = _GENERIC_ACTORS.get(actor.id)
        if kind is not None:
            return self._country_forces.get((country, kind), actor)
        if actor.type is ActorType.STATE_FORCES and actor.country:
            return self._country_forces.get((actor.country, f"actor:{actor.id}"), actor)
        return actor

    def _incident_actors(
        self, units: Sequence[_Unit], sub_event_type: SubEventType, country: str
    ) -> list[ActorRef]:
        found: list[ActorRef] = []
        first = next((u for u in units if not u.heading), None)
        for unit in units:
            only_arrest = bool(unit.triggers) and all(
                t.sub_event_type is SubEventType.ARRESTS for t in unit.triggers
            )
            if only_arrest and sub_event_type is not SubEventType.ARRESTS:
                continue
            # "... officials visited the communities attacked": a later clause that only says
            # "attack" and counts nobody names bystanders, not the parties.
            passing = (
                unit is not first
                and not any(f.min is not None for f in unit.figures)
                and all(t.generic for t in unit.triggers)
                and not _CLAIM_RE.search(unit.text)
            )
            if passing:
                continue
            found.extend(unit.actors)
        result: list[ActorRef] = []
        seen: set[str] = set()
        for actor in found:
            if actor.type is ActorType.CIVILIANS:
                continue
            actor = self._canonical(actor, country)
            if actor.id in seen:
                continue
            seen.add(actor.id)
            result.append(actor)
        named_armed = [
            a
            for a in result
            if a.id != _UNIDENTIFIED
            and a.type not in (ActorType.STATE_FORCES, ActorType.PROTESTERS, ActorType.RIOTERS)
        ]
        if named_armed:
            result = [a for a in result if a.id != _UNIDENTIFIED]
        # A collective ("Iran-backed militias") gives way to named groups of the same kind.
        named_types = {a.type for a in result if not _is_collective(a)}
        result = [a for a in result if not (_is_collective(a) and a.type in named_types)]
        specific_state = [
            a for a in result if a.type is ActorType.STATE_FORCES and a.id not in _GENERIC_ACTORS
        ]
        if specific_state:
            result = [a for a in result if a.id not in _GENERIC_ACTORS]
        return result


_COLLECTIVE_WORDS = frozenset(
    {"militias", "factions", "groups", "gunmen", "tribesmen", "fighters"}
)


def _is_collective(actor: ActorRef) -> bool:
    """A registry entry for many groups at once ("Iran-backed militias", "tribal gunmen")."""
    words = actor.name.lower().split()
    return bool(words) and words[-1] in _COLLECTIVE_WORDS


# "... killed five people in Kharkiv and two in Zaporizhzhia": a round-up of places.
_ROUNDUP_RE = re.compile(
    r"(?:,\s+(?:and\s+)?|\s+and\s+)(?P<num>\d+|(?i:one|two|three|four|five|six|seven|eight|"
    r"nine|ten|eleven|twelve|another|a\s+dozen|dozens))\s+(?:(?i:more|others?|people|"
    r"civilians|soldiers)\s+)?(?:in|near|at)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}(?=[A-Z])"
)


def _town_or_governorate(
    text: str,
    start: int,
    end: int,
    chosen: GazetteerEntry,
    candidates: Sequence[GazetteerEntry],
) -> GazetteerEntry:
    """The town or the governorate of that name, as the words around the mention say."""
    following = text[end : end + 14].lower()
    preceding = text[max(0, start - 24) : start].lower()
    wanted: str | None = None
    if _ADMIN1_AFTER.match(following) or _ADMIN1_BEFORE.search(preceding):
        wanted = "admin1"
    elif _PLACE_BEFORE.search(preceding) or _PLACE_AFTER.match(following):
        wanted = "place"
    if wanted is None and chosen.kind == "admin1":
        # "in Saada": the city when a sizeable town has the governorate's name.
        towns = [
            c
            for c in candidates
            if c.kind == "place"
            and c.admin1_code == chosen.admin1_code
            and c.population >= _NAMESAKE_TOWN_POPULATION
        ]
        if towns:
            return towns[0]
    if wanted is not None and chosen.kind != wanted:
        same = [c for c in candidates if c.kind == wanted and c.country == chosen.country]
        if same:
            return same[0]
    return chosen


def _split_roundup(
    unit: _Unit, offset: int, actor_mentions: Sequence[tuple[int, ActorRef]]
) -> list[_Unit]:
    """Split a clause that counts victims place by place into one unit per place."""
    counted = [f for f in unit.figures if f.min is not None and not f.none]
    if not counted or len(unit.places) < 2:
        return [unit]
    match = next(
        (m for m in _ROUNDUP_RE.finditer(unit.text) if m.start() > counted[0].end - 1), None
    )
    if match is None:
        return [unit]
    cut = offset + match.start()
    first_places = [p for p in unit.places if p.start < cut]
    rest_places = [p for p in unit.places if p.start >= cut]
    value = parse_number(match["num"])
    if not first_places or not rest_places or value is None:
        return [unit]
    head_text = unit.text[: match.start()]
    tail_text = unit.text[match.start() :].lstrip(" ,")
    kind = [f for f in find_figures(head_text) if f.min is not None] or counted
    figure = Figure(
        kind[-1].kind, value[0], value[0], value[1], 0, len(tail_text), tail_text, "", True, False
    )
    head = dataclasses.replace(
        unit,
        text=head_text,
        places=first_places,
        figures=find_figures(head_text),
        triggers=find_triggers(head_text) or unit.triggers,
        actors=[a for s, a in actor_mentions if offset <= s < cut],
    )
    tail = dataclasses.replace(
        unit,
        text=tail_text,
        places=rest_places,
        figures=[figure],
        triggers=find_triggers(tail_text) or head.triggers,
        actors=[a for s, a in actor_mentions if s >= cut] + head.actors,
        dates_from=head,
    )
    return [head, *_split_roundup(tail, cut + (len(unit.text) - match.start() - len(tail_text)),
                                  actor_mentions)]  # fmt: skip


def _interval(mention: DateMention) -> tuple[dt.date, dt.date]:
    """The days a date mention may mean: the day (or span), the week around it, its month."""
    assert mention.date is not None
    day = mention.date
    if mention.precision is DatePrecision.MONTH:
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return first, last
    if mention.precision is DatePrecision.WEEK:
        return day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    return day, mention.date_end or day


def _toll_dates_reporting(
    dates: list[DateMention], figures: Sequence[Figure], text: str = ""
) -> list[DateMention]:
    """ "The toll rose to 10 on Tuesday": the day the toll was given, not the event's."""
    if _LATER_DEATH_RE.search(text):
        # "another succumbed to his injuries in hospital on Monday", "bodies were found on
        # Saturday", "IS claimed the attack on Saturday": not the event's own day
        return [replace(d, reporting=True) for d in dates]
    ends = [f.end for f in figures if f.update]
    if not ends:
        return dates
    return [
        replace(d, reporting=True)
        if any(0 <= d.start - end <= _TOLL_DATE_GAP for end in ends)
        else d
        for d in dates
    ]


_TOLL_DATE_GAP = 12
_LATER_DEATH_RE = re.compile(
    r"\b(?:succumb(?:ed|s)?\s+to\s+(?:his|her|their)\s+(?:injuries|wounds)|"
    r"died\s+(?:later\s+)?(?:of|from)\s+(?:his|her|their)\s+(?:injuries|wounds)|"
    r"later\s+died|died\s+(?:later\s+)?in\s+hospital|"
    # the day bodies were found or a group claimed the attack is not the attack's day
    r"bod(?:y|ies)\s+(?:were\s+|was\s+)?(?:later\s+)?(?:found|discovered|recovered|retrieved)|"
    r"claimed\s+(?:responsibility|the\s+(?:attack|bombing|killing|ambush|assault)))\b",
    re.IGNORECASE,
)


def _other_toll(group: _Group, unit: _Unit) -> bool:
    """Whether a clause counts victims the group's clauses do not (then it may be another
    event): "a sheikh was killed" after "eight were killed" is; a repeat of the toll is not."""
    counted = {(f.kind, f.min) for u in group.units for f in u.figures if f.min is not None}
    own = {(f.kind, f.min) for f in unit.figures if f.min is not None}
    return bool(own) and not own <= counted


def _refines(a: _Place, b: _Place) -> bool:
    """Whether one place is a direction from a town ("south of Kirkuk") and the other a town
    of the same governorate within reach of it ("near Albu Shaban, in Daquq district")."""
    if a.near == b.near or a.entry.kind != "place" or b.entry.kind != "place":
        return False
    if not (a.directional or b.directional):
        return False  # "near Sokolo" is close by: a district seat 60 km away is no refinement
    if a.entry.country != b.entry.country or a.entry.admin1_code != b.entry.admin1_code:
        return False
    distance = haversine_km(a.entry.lat, a.entry.lon, b.entry.lat, b.entry.lon)
    return distance <= _DIRECTION_KM


def _resolved_longer(resolved: dict[str, GazetteerEntry], key: str) -> GazetteerEntry | None:
    """The place an earlier, longer name of the article already resolved that this name
    shortens ("Juarez" after "Ciudad Juarez"), or None."""
    if len(key) < 4:
        return None
    for longer, entry in resolved.items():
        if longer != key and (longer.endswith(" " + key) or longer.startswith(key + " ")):
            return entry
    return None


def _name_key(surface: str) -> str:
    """One key for every spelling-insensitive repeat of a place name."""
    return match_key(strip_article(surface))


def _cumulative(unit: _Unit) -> bool:
    """A running toll of a whole conflict: a large perfect-tense count ("the insurgency has
    killed more than 4,000 people"), with no place or day unless the conflict is named."""
    if not any(f.min is not None and f.min >= _CUMULATIVE_MIN for f in unit.figures):
        return False
    low = lower_same_length(unit.text)
    if _CONFLICT_TOLL_RE.search(low):
        return True
    if unit.places or any(not d.reporting for d in unit.dates):
        return False
    return _CUMULATIVE_RE.search(low) is not None or _PERFECT_SINCE_RE.search(low) is not None


def _is_generic(text: str) -> bool:
    """Habits, history and cumulative tolls: context, not an event of this report."""
    if _GENERIC_RE.search(text):
        return True
    return bool(_GENERIC_PERFECT_RE.search(text) and _PERFECT_RE.search(text))


def _better_date(new: DateMention, old: DateMention) -> bool:
    """Prefer event dates over reporting dates, then finer precision."""
    if old.reporting and not new.reporting:
        return True
    if new.reporting and not old.reporting:
        return False
    order = list(DatePrecision)
    if new.date is not None and old.date is None:
        return True
    return order.index(new.precision) < order.index(old.precision)


class RulesExtractor:
    """``bot.ports.Extractor`` over the rules engine."""

    def __init__(self, engine: RulesEngine) -> None:
        """Wrap an engine (build it once: it holds the loaded gazetteer and registry)."""
        self._engine = engine

    async def extract(self, report: Report) -> list[Incident]:
        """Incidents of one report (pure and fast, so it runs inline)."""
        return self._engine.extract(report.text, report.published_at, title=report.title)
