"""Place annotators: which countries a report is about, and the event places of each clause.

``annotate_countries`` finds the gazetteer's mentions in every sentence and lets them (and
demonyms, the dateline, the title) vote for the countries the article is about. ``annotate_places``
then resolves each clause's mentions against those votes (:func:`choose_entry`) and reads the words
around each one: "near", "south of", "the ... district", or a role that makes it no event place
at all ("hospitals in", "a resident of", "the Tikrit-based battalion").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import replace
from functools import cache, lru_cache

from bot.extract.bearings import measured_from, measures_the_one_before, offset_before
from bot.extract.document import Document, PlaceSpan, Resources, SentenceLayers
from bot.extract.gazetteer import GazetteerEntry
from bot.extract.lexicon import Lexicon
from bot.extract.local_places import distance_km
from bot.extract.mention_flags import LIST_GAP, mention_flags
from bot.extract.namesakes import (
    big_namesake,
    country_by_name,
    in_the_report_s_province,
    measured_elsewhere,
    spelling_variants,
)
from bot.extract.normalize import match_key, strip_article, without_admin1_word
from bot.extract.place_anchors import anchor_all, look_alike, possessed
from bot.extract.place_roles import (
    ACTOR_NOUN_AFTER,
    HOME_FORCE_AFTER,
    NOT_EVENT_AFTER,
    country_inside_a_name,
    mention_role,
    names_the_scene,
    opens_as_dateline,
    part_of_longer_name,
)

__all__ = ["annotate_countries", "annotate_places", "choose_entry"]

# Patterns compiled with _LOWER run on lower-cased text (much faster than re.IGNORECASE).
_LOWER = 0
# Words around a name that say whether it is the town or the governorate.
_ADMIN1_AFTER = re.compile(
    # "Uruzgan police": a force named after its province; "Mandera county" (Kenya, Liberia)
    r"\s*(?:province|governorate|state|region|oblast|prefecture|countryside|county|"
    r"police(?!\s+station))\b"
)
_ADMIN1_BEFORE = re.compile(
    r"\b(?:(?:province|governorate|state|region)\s+of\s+(?:the\s+)?|"
    # "the Harib district of southern Marib" is in a governorate; "a district of Aleppo" a city
    r"(?<!\ba\s)(?<!\ban\s)(?<!-held\s)(?:district|sub-?district|county|lga|territory|region|"
    r"countryside)\s+of\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west|central)\w*\s+)?|"
    # "in northern Basra": a part of the governorate of that name ("central Basra" is not:
    # it is the city centre, see _PLACE_BEFORE)
    r"\b(?:in|across|of)\s+(?:the\s+)?(?:northern|southern|eastern|western|"
    r"north-?eastern|north-?western|south-?eastern|south-?western)\s+)$"
)
# "the X district of Kherson": a city's district when a big city has the province's name.
_CITY_DISTRICT_BEFORE = re.compile(r"\bdistrict\s+of\s+$")
_CITY_WITH_DISTRICTS = 50_000
_PLACE_AFTER = re.compile(r"\s*(?:city|town|village|district|neighbou?rhood)\b")
_PLACE_BEFORE = re.compile(
    r"\b(?:(?:city|town|village|neighbou?rhood|capital)\s+of\s+(?:the\s+)?|"
    r"(?:in|across|of)\s+(?:the\s+)?(?:central|downtown)\s+)$"
)
# A town named like its governorate is meant when it has at least this many people.
_NAMESAKE_TOWN_POPULATION = 50_000
# A town the rest of the article does not place in its country must be at least this big.
_MIN_UNCONFIRMED_POPULATION = 25_000
# ... and this big when the article names other countries outright ("Palma" in a report about
# Mozambique is not the Spanish city).
_WELL_KNOWN_POPULATION = 500_000


@cache
def _demonym_re(lexicon: Lexicon) -> re.Pattern[str]:
    words = sorted(lexicon.demonyms, key=len, reverse=True)
    # Initials up front (a word starting otherwise is not tried); plurals too ("Palestinians").
    initials = "".join(map(re.escape, sorted({word[0] for word in words})))
    return re.compile(rf"\b(?=[{initials}])(" + "|".join(map(re.escape, words)) + r")s?\b", _LOWER)


def annotate_countries(doc: Document, resources: Resources) -> None:
    """Find place mentions per sentence and count the countries the article is about."""
    context = doc.context
    demonyms = resources.lexicon.demonyms
    demonym_re = _demonym_re(resources.lexicon)
    gazetteer, home = resources.gazetteer, Counter[str]()
    for sentence in doc.sentences:
        doc.checkpoint()
        text = sentence.text
        mentions = [
            m
            for m in gazetteer.find_mentions(text, matching=sentence.matching)
            if not country_inside_a_name(text, m.start, m.end, m.candidates[0].kind)
        ]
        sentence.places = [(m.start, m.end, m.candidates) for m in mentions]
        sentence.variants = {m.start for m in mentions if m.variant}
        _vote(sentence, doc)
        low = sentence.low
        for match in demonym_re.finditer(low):
            if part_of_longer_name(sentence.text, *match.span()):
                continue  # "Datu Saudi Ampatuan": a town's name, not a nationality
            before = low[max(0, match.start() - 60) : match.start()]
            after = low[match.end() : match.end() + 40]
            if mention_role(before, after) == "allegiance" or ACTOR_NOUN_AFTER.match(after):
                # "Iranian-backed militias", "a Ukrainian drone": who acted, not where
                home[demonyms[match.group(1).lower()]] += bool(HOME_FORCE_AFTER.match(after))
                continue
            context[demonyms[match.group(1).lower()]] += 2
    article = doc.article
    texts = [s.text for s in article.sentences]
    title = article.title if article.title and (not texts or article.title != texts[0]) else None
    if article.dateline:
        for mention in gazetteer.find_mentions(article.dateline):
            context[mention.candidates[0].country] += 2
            _name_votes(doc, mention.surface)[mention.candidates[0].country] += 2
    if title:
        for mention in gazetteer.find_mentions(title):
            if len({c.country for c in mention.candidates}) == 1:
                context[mention.candidates[0].country] += 2
                _name_votes(doc, mention.surface)[mention.candidates[0].country] += 2
    if not context:
        context.update(+home)  # only a state's own forces say where: "Malian troops ..."


@lru_cache(maxsize=4096)
def _name_key(surface: str) -> str:
    """One key for every spelling-insensitive repeat of a place name."""
    return match_key(strip_article(surface))


def _name_votes(doc: Document, surface: str) -> Counter[str]:
    return doc.name_votes.setdefault(_name_key(surface), Counter())


def _vote(sentence: SentenceLayers, doc: Document) -> None:
    context = doc.context
    low = sentence.low
    owner_end = -1
    for index, (start, end, candidates) in enumerate(sentence.places):
        owned, owner_end = possessed(low, owner_end, start), end
        if (anchor := look_alike(low, sentence.places, index)) is not None:
            context[anchor.country] += 2  # "al-Mazraa in Sweida province": Syria, not Jordan
        if start in sentence.variants or owned or anchor is not None:
            continue  # another spelling, "X's Y" or "X in Y" elsewhere: it gives no country
        role = mention_role(low[max(0, start - 60) : start], low[end : end + 40])
        if role is not None and role != "speaker":
            continue  # "pro-Iran", "Dubai 24", "Bello said": not what the text is about
        if NOT_EVENT_AFTER.match(low[end : end + 20]):
            if candidates[0].kind == "country":
                context[candidates[0].country] += 2
            continue
        # Small towns do not vote: they need their country from elsewhere.
        named = country_by_name(sentence.text[start:end], candidates)
        countries = (  # ranked order (a set's order would depend on the hash seed)
            {named.country: None}
            if named
            else dict.fromkeys(c.country for c in candidates if not c.minor)
        )
        if not countries:
            continue
        weight = 4 if candidates[0].kind != "place" else 2
        # An ambiguous name votes a little for each of its countries.
        share = weight if len(countries) == 1 else 1
        if candidates[0].kind == "country" and len(countries) == 1:
            doc.named_countries.update(countries)
        provinces = {c.admin1_code or "" for c in candidates}
        if len(provinces) == 1 and "" not in provinces and len(countries) == 1:
            doc.admin1_votes.update(provinces)
        votes = _name_votes(doc, sentence.text[start:end])
        for country in countries:
            votes[country] += share
            context[country] += share
        sentence.own_votes[start] = votes  # every repeat of the name shares one count


def annotate_places(doc: Document, resources: Resources) -> None:
    """Resolve each clause's place mentions and read the words around them."""
    del resources  # the mentions were found by annotate_countries
    reader = _PlaceReader(doc.context, frozenset(doc.named_countries), doc.admin1_votes)
    for sentence in doc.sentences:
        doc.checkpoint()
        starts = [start for start, _, _ in sentence.places]
        for clause in sentence.clauses:
            lo, hi = clause.start, clause.start + len(clause.text)
            first, last = bisect_left(starts, lo), bisect_left(starts, hi)
            clause.places = reader.clause_places(sentence, sentence.places[first:last])


_Candidates = tuple[GazetteerEntry, ...]


class _PlaceReader:
    """Reads place mentions against one article's country votes, remembering answers: a report
    names few places many times, hostile text one place thousands of times, and what a mention
    means depends only on its candidates, the votes and the words right around it."""

    def __init__(
        self,
        context: Counter[str],
        named: frozenset[str] = frozenset(),
        provinces: Counter[str] | None = None,
    ) -> None:
        self._context = context
        self._named = named
        self._provinces = provinces or Counter()
        self._beside: dict[int, frozenset[str]] = {}  # per sentence, for respelled names
        self._resolved: dict[str, GazetteerEntry] = {}  # multi-word names placed so far
        self._elsewhere: set[str] = set()  # names the text measures far from their town
        self._others: dict[tuple[tuple[str, int], ...], Counter[str]] = {}
        self._chosen: dict[tuple[object, ...], tuple[_Candidates, GazetteerEntry | None]] = {}
        self._last_town: GazetteerEntry | None = None  # the town named last, for "the city's"

    def others(self, own: Counter[str] | None) -> tuple[tuple[tuple[str, int], ...], Counter[str]]:
        """The votes without the mention's own (a name cannot confirm itself)."""
        key = tuple(sorted(own.items())) if own else ()
        found = self._others.get(key)
        if found is None:
            others = self._context.copy()
            others.subtract(own or Counter())
            found = self._others[key] = +others
        return key, found

    def choose(
        self, text: str, start: int, end: int, candidates: _Candidates, own: Counter[str] | None
    ) -> GazetteerEntry | None:
        """``choose_entry`` with the votes of the other mentions, memoised per article."""
        votes_key, others = self.others(own)
        key = (id(candidates), votes_key, text[max(0, start - 24) : start], text[start:end],
               text[end : end + 14])  # fmt: skip
        found = self._chosen.get(key)
        if found is None or found[0] is not candidates:
            entry = choose_entry(text, start, end, candidates, others, named=self._named)
            found = (candidates, in_the_report_s_province(entry, candidates, self._provinces))
            self._chosen[key] = found  # keeps ``candidates`` alive, so its id stays unique
        return found[1]

    def clause_places(
        self,
        sentence: SentenceLayers,
        found: Sequence[tuple[int, int, _Candidates]],
    ) -> list[PlaceSpan]:
        """The places of one clause's mentions that are event places."""
        context = self._context
        low = sentence.low
        places: list[PlaceSpan] = []
        chosen_from: list[_Candidates] = []
        excluded_end = -1
        for start, end, candidates in found:
            if sentence.actor_spans.covers(start):
                continue  # "Myanmar military", "Iraqi army": an actor, not a place
            if start in sentence.variants:
                beside = self._beside.get(sentence.index)
                if beside is None:  # once per sentence: hostile text repeats a name
                    beside = self._beside[sentence.index] = sentence.countries_named_exactly()
                region = _REGION_WORD.search(low, start, min(end + 14, len(low))) is not None
                candidates = spelling_variants(candidates, context, beside, region=region)
                if not candidates:
                    continue
            dateline = start == 0 and not sentence.heading
            if dateline and self._dateline(sentence.text, end, found, candidates):
                continue
            if part_of_longer_name(sentence.text, start, end):
                continue
            key = _name_key(sentence.text[start:end])
            if key in self._elsewhere:
                continue  # a namesake: the village the text measured is one the gazetteer lacks
            entry = _resolved_longer(self._resolved, key)
            if entry is None:
                own = sentence.own_votes.get(start)
                entry = self.choose(sentence.text, start, end, candidates, own)
            if entry is None:
                continue
            if " " in key and entry.kind == "place":
                self._resolved[key] = entry
            before = low[max(0, start - 45) : start]
            if self._another_city_s_district(entry, before, low[start : end + 16]):
                continue
            flags = mention_flags(before, low[end : end + 40])
            scene = measured_from(sentence.text, end, found) if entry.kind == "place" else None
            if scene is not None:  # "Jos, 30 km east of the village": near the village
                flags = (True, False, False, False)
            elif names_the_scene(low[end : end + 100]):  # "Rafah, the town where the raid ..."
                flags = (False, True, False, False)  # in it, as after "in"
            elif mention_role(low[max(0, start - 60) : start], low[end : end + 40]):
                flags = None  # an allegiance, an outlet, a speaker, a person, a community
            gap = low[excluded_end:start] if excluded_end >= 0 else ""
            if flags is None or LIST_GAP.fullmatch(gap) or measures_the_one_before(gap):
                # "hospitals in Shuqra and Lawdar": the whole list is no event place; nor is
                # the town "a source in Samarra, 100 km north of Baghdad" measures it from
                excluded_end = end
                continue
            places.append(span := _span(entry, sentence.text, start, end, flags))
            if scene is not None:  # the offset points to the event's place, not from the town
                span.offset, span.measured = scene
            chosen_from.append(candidates)
        return _anchored(low, *self._without_namesakes(places, chosen_from))

    def _dateline(
        self, text: str, end: int, found: Sequence[tuple[int, int, _Candidates]], own: _Candidates
    ) -> bool:
        """``opens_as_dateline``; its town is the one "the city's X district" means after it."""
        if not opens_as_dateline(text, end, found):
            return False
        self._last_town = own[0] if own[0].kind == "place" else self._last_town
        return True

    def _another_city_s_district(self, entry: GazetteerEntry, before: str, name: str) -> bool:
        """ "Kharkiv: ... in the city's Kyivskyi district": a district of the city just named,
        though the gazetteer knows the name only as a district of a city far away (a town
        placed here becomes the city named last)."""
        town, city_s = self._last_town, _CITY_S.search(before) is not None
        if entry.kind == "place" and entry.coarseness == 0 and not city_s:
            self._last_town = entry
        if town is None or entry.kind != "place" or not city_s:
            return False
        words = _DISTRICT_WORD.search(name)  # in the name or the words after it
        if words is None or name.startswith(" of", words.end()):
            return False  # "the Kyivskyi district of Donetsk" says whose it is
        return distance_km(entry.lat, entry.lon, town.lat, town.lon) > _OWN_DISTRICT_KM

    def _without_namesakes(
        self, places: list[PlaceSpan], chosen_from: list[_Candidates]
    ) -> tuple[list[PlaceSpan], list[_Candidates]]:
        """The places without the towns the text measures far from where the gazetteer has
        them (a namesake of a village it lacks), whose later mentions place nothing either."""
        far = measured_elsewhere([(p.entry, p.start, p.offset, bool(p.measured)) for p in places])
        self._elsewhere.update(_name_key(places[i].text) for i in far)
        kept = [i for i in range(len(places)) if i not in far]
        return [places[i] for i in kept], [chosen_from[i] for i in kept]


def _span(
    entry: GazetteerEntry, text: str, start: int, end: int, flags: tuple[bool, bool, bool, bool]
) -> PlaceSpan:
    """The mention at ``text[start:end]`` with what the words around it say (``flags``, as
    ``mention_flags`` gives them) and how far from it the event is ("60 km north of it")."""
    near, locative, directional, district = flags
    town = entry.kind == "place"
    offset = offset_before(text[max(0, start - 80) : start].lower()) if near and town else None
    return PlaceSpan(entry=entry, start=start, near=near and town, locative=locative,
                     directional=directional, district=district and town,
                     text=text[start:end], offset=offset)  # fmt: skip


def _anchored(
    low: str, places: list[PlaceSpan], candidates: Sequence[_Candidates]
) -> list[PlaceSpan]:
    """The places, each read where its anchor says ("Otradnoye near Belgorod", "Gaza City's
    Zeitoun"); a look-alike the gazetteer does not know there places nothing."""
    if len(places) < 2:
        return places
    spans = [(p.start, p.start + len(p.text), p.entry) for p in places]
    return [
        places[i] if entry is places[i].entry else replace(places[i], entry=entry)
        for i, entry in anchor_all(low, spans, candidates)
    ]


def _resolved_longer(resolved: dict[str, GazetteerEntry], key: str) -> GazetteerEntry | None:
    """The place an earlier, longer name of the article already resolved that this name
    shortens ("Juarez" after "Ciudad Juarez"), or None."""
    if len(key) < 4:
        return None
    for longer, entry in resolved.items():
        if longer != key and (longer.endswith(" " + key) or longer.startswith(key + " ")):
            return entry
    return None


def choose_entry(
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
    country = country_by_name(surface, candidates)
    if country is not None and not (
        _PLACE_BEFORE.search(text[max(0, start - 24) : start].lower())
        or _PLACE_AFTER.match(text[end : end + 14].lower())
    ):
        return country  # "Iraq" is the country, not a town abroad it is another name of
    in_context = [c for c in candidates if context.get(c.country, 0) > 0]
    if in_context:
        best = max(in_context, key=lambda c: context[c.country])
        # Keep the gazetteer's order among the article's countries.
        ranked = [c for c in in_context if context[c.country] == context[best.country]]
        return _town_or_governorate(text, start, end, ranked[0], in_context)
    if context:
        # A place in a country the article never mentions (but by this name): a well-known one,
        # a province or country named in full. When the text names its countries ("Palma in
        # Mozambique"), a town elsewhere must be well known; a nationality says who acted.
        named_as = without_admin1_word(surface) if top.kind == "admin1" else surface  # "X state"
        exact = match_key(strip_article(named_as)) == match_key(strip_article(top.name))
        smallest = _WELL_KNOWN_POPULATION if named else _MIN_UNCONFIRMED_POPULATION
        if top.population < smallest:  # a small town: its governorate of that name, if any
            top = next((c for c in candidates if c.kind == "admin1" and c.name == top.name), top)
        if top.kind == "place":
            known = exact or top.population >= _WELL_KNOWN_POPULATION
            chosen = top if top.population >= smallest and known else None
        else:
            chosen = top if exact or top.kind == "country" else None
        if chosen is None:
            return None
        same_country = [c for c in candidates if c.country == chosen.country]
        return _town_or_governorate(text, start, end, chosen, same_country)
    same_country = [c for c in candidates if c.country == top.country]
    return _town_or_governorate(text, start, end, top, same_country)


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
        if _CITY_DISTRICT_BEFORE.search(preceding) and big_namesake(
            chosen, candidates, _CITY_WITH_DISTRICTS
        ):
            wanted = "place"  # "the Dniprovskyi district of Kherson": the city's district
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


# "... region", "... province": the word that makes a respelled name a province's.
# "the city's Kyivskyi district", "Kherson's Dniprovskyi district", "a residential area of the
# city's ...": the district of the town named last; one farther than this is a namesake.
_CITY_S = re.compile(r"(?:\bthe\s+city|[a-z])['’]s\s+$|\b(?:area|part)\s+of\s+the\s+$")
_DISTRICT_WORD = re.compile(r"\s(?:district|raion|neighbou?rhood|quarter)\b")
_OWN_DISTRICT_KM = 30.0
_REGION_WORD = re.compile(r"\s(?:region|province|governorate|state|oblast|prefecture)\b")
