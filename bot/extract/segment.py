"""Segmentation: which clauses describe one incident, in the order a reader meets them.

The lead incident comes first; a following clause joins the incident in hand when its place
and date fit it, otherwise it starts or joins another one. Background clauses ("days after
fighting in ...") become background incidents; "in a separate incident" starts a new one.
Habits, history, cumulative tolls and earlier years are skipped; groups that are one event
(same place and day) are folded together at the end.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import insort

from bot.domain.enums import DatePrecision
from bot.extract.clause_roles import after_news, counted_back, cumulative, historical
from bot.extract.date_order import better_date, day_after
from bot.extract.document import Clause, PlaceSpan, shortens_state_name
from bot.extract.follow_ups import (
    ASIDE_GOES_ON_RE,
    CONTINUING_RE,
    SAME_DAY_RE,
    SUSPECT_RE,
    an_overview,
    announces_a_date,
    another_event,
    another_kind_later,
    gives_a_toll,
    names_its_kind,
    opens_on_a_later_moment,
    refers_back,
)
from bot.extract.groups import (
    DIRECTION_KM,
    JOIN_WINDOW,
    Group,
    attach,
    fits,
    inside_district,
    may_refine,
    more_specific,
    other_toll,
)
from bot.extract.merge import haversine_km
from bot.extract.place_anchors import same_area
from bot.extract.place_roles import sets_the_scene
from bot.extract.text import lower_same_length

__all__ = ["Group", "segment"]

_LOWER = 0


def segment(units: list[Clause], ref: dt.date) -> list[Group]:
    """The incidents' groups of clauses: the lead first, the rest in reading order."""
    segmenter = _Segmenter(ref)
    for unit in units:
        if not unit.heading:
            segmenter.read(unit)
    segmenter.flush()
    groups = segmenter.groups
    first_body = next((u.sentence for u in units if not u.heading), None)
    top = [u for u in units if u.heading and (first_body is None or u.sentence < first_body)]
    _add_headings(groups, top, ref)
    _add_section_headings(groups, units[len(top) :], ref)
    groups = _merge_groups(groups)
    groups.sort(key=lambda g: not g.lead)  # the lead first; the rest in reading order
    return groups


class _Segmenter:
    """Body clauses in reading order -> groups, following the incident in hand."""

    def __init__(self, ref: dt.date) -> None:
        self.ref = ref
        self.groups: list[Group] = []
        self.current: Group | None = None
        self.aside: tuple[int, Group] | None = None  # (sentence, group) of the last aside
        self.previous: Clause | None = None  # the clause read before
        self.announced: Clause | None = None  # "The deadliest attack came on Friday."
        self.skipped = -1  # the sentence of an overview ("A, B and C made this a bloody week")

    def read(self, unit: Clause) -> None:
        """Put one body clause in a group, or hold a sentence that only announces the day of
        the next one's event ("The deadliest attack came on Friday afternoon.")."""
        if unit.start == 0 and an_overview(unit.sentence_text):
            self.skipped = unit.sentence
        if unit.sentence == self.skipped:
            return  # an overview of events told one by one below
        announced, self.announced = self.announced, None
        if announced is not None:
            if unit.sentence == announced.sentence + 1 and unit.place and not unit.dates:
                unit.dates = list(announced.dates)
            else:
                self._read(announced)
        if (
            unit.date is not None
            and unit.place is None
            and not unit.figures
            and unit.start == 0
            and announces_a_date(unit.sentence_text)
        ):
            self.announced = unit
            return
        self._read(unit)

    def flush(self) -> None:
        """Read a held announcement that no sentence followed."""
        if self.announced is not None:
            announced, self.announced = self.announced, None
            self._read(announced)

    def _read(self, unit: Clause) -> None:
        current, ref = self.current, self.ref
        previous, self.previous = self.previous, unit
        suspect = (
            current is not None
            and not unit.is_event
            and bool(unit.actors)
            and unit.place is None
            and not unit.dates
            and SUSPECT_RE.search(unit.text) is not None
        )
        if suspect and current is not None:
            # "Police suspect Boko Haram": who did the event just told, not a new one.
            current.add(unit)
            return
        if current is not None and _sets_the_scene(current, unit):
            return
        if not unit.is_event and current is not None and not unit.generic:
            # "20 armed men blocked the highway late on Sunday": the day the lead left out
            _date_from_context(current, unit, ref)
        if not unit.is_event or unit.generic or historical(unit, ref) or cumulative(unit):
            return
        if current is None:
            # The first event: the lead, unless it is introduced as background.
            news = previous is not None and after_news(previous, unit)
            background = unit.background_cue and bool(unit.place or unit.date) and not news
            group = Group(background=background, lead=not background)
            self.groups.append(group)
            attach(group, unit)
            if news and previous is not None:
                group.date = counted_back(previous, unit) or group.date
            if not background:
                self.current = group
            return
        if another_event(unit.text, bool(unit.place or unit.dates), unit.figures):
            return  # another attack's dead, told with no place or day: in no incident
        if _states_the_toll(current, unit, ref) or _reacts_to(current, unit):
            # "..., bringing the death toll to four": the toll in hand, whatever day it was given
            current.add(unit)
            return
        if len(current.units) == 1 and after_news(current.units[0], unit):
            attach(current, unit)
            current.date = counted_back(current.units[0], unit) or current.date
            return
        target = self._aside_going_on(unit) or self._target(current, unit)
        attach(target, unit)
        aside = (
            target.background
            and unit.background_cue
            and target is not current
            and unit.sentence in current.sentences
        )
        if aside:
            self.aside = (unit.sentence, target)
        else:
            # "..., hours after fighters killed 14 in Djugu": an aside inside a sentence
            # about the main event; the next sentence goes back to that event.
            self.current = target

    def _aside_going_on(self, unit: Clause) -> Group | None:
        """The aside's group for a placeless, dateless clause that opens the next sentence
        on the aside's kind of event ("The operation killed 45 ...")."""
        if self.aside is None or unit.place is not None or unit.dates:
            return None
        sentence, group = self.aside
        if unit.sentence != sentence + 1 or unit.start != 0:
            return None
        low = lower_same_length(unit.text)
        told = [t for u in group.units for t in u.triggers]
        in_hand = [t for u in self.current.units for t in u.triggers] if self.current else []
        if ASIDE_GOES_ON_RE.match(low) or names_its_kind(low, told, in_hand):
            return group
        return None

    def _target(self, current: Group, unit: Clause) -> Group:
        """The group a later event clause belongs to (a new one when none fits)."""
        groups, ref = self.groups, self.ref
        place, date = unit.place, unit.date
        recent = groups[-JOIN_WINDOW:]
        if unit.background_cue and (place is not None or date is not None):
            found = next(
                (g for g in recent if not g.lead and fits(g, place, date, ref, strict=True)),
                None,
            )
            return found or self._new(Group(background=True))
        if unit.separate and (place is not None or date is not None):
            return self._new(Group(separate=True))  # "in a separate incident": another event
        if _another_target(unit, current):
            target = self._new(Group(separate=True))  # "Jets also struck the town of X"
            target.date = date or current.date
            return target
        told = (t for u in current.units for t in u.triggers)  # read only after "hours later"
        if current.units and another_kind_later(unit.text, unit.triggers, unit.figures, told):
            target = self._new(Group(separate=True, place=place or current.place))
            target.date = date or current.date  # "Hours later, a bomb hit ...": that day
            return target
        if unit.unplaced and place is None and other_toll(current, unit):
            # "... two were wounded in the village of Xville": a toll at a place the gazetteer
            # does not know is another event, never added to the incident in hand.
            return self._new(Group(separate=True))
        own_town = _another_town_with_its_toll(current, unit)
        if fits(current, place, date, ref, strict=own_town, refine=may_refine(current, unit)) or (
            place is None
            and CONTINUING_RE.search(lower_same_length(unit.text))
            and day_after(date, current.date)
        ):
            return current
        found = next((g for g in recent if self._joins(g, unit)), None)
        if found is not None:
            return found
        target = self._new(Group())
        if place is None and current.place is not None:
            # "The following day, a car bomb exploded near the palace": same city.
            target.place = current.place
        if (
            date is None
            and current.date is not None
            and (own_town or SAME_DAY_RE.search(unit.text))
        ):
            # "Hours later, a suicide bomber struck in Beledweyne": the day in hand
            target.date = current.date
        return target

    def _joins(self, group: Group, unit: Clause) -> bool:
        """Whether a clause that does not go on with the group in hand joins an earlier one."""
        strict = _another_town_with_its_toll(group, unit)
        refine = not other_toll(group, unit)
        return fits(group, unit.place, unit.date, self.ref, strict=strict, refine=refine)

    def _new(self, group: Group) -> Group:
        self.groups.append(group)
        return group


# "The air force also struck the town of X", "gunmen also attacked a village near Y": the
# same attackers' next target, another event when it is another place.
_ALSO_STRUCK_RE = re.compile(
    r"\balso\s+(?:struck|hit|shelled|bombed|targeted|pounded|attacked|raided|stormed)\b",
    re.IGNORECASE,
)


def _another_target(unit: Clause, current: Group) -> bool:
    """The clause tells the attackers "also" struck a place not within the group's."""
    if unit.place is None or current.place is None or "also" not in unit.text:
        return False
    if _ALSO_STRUCK_RE.search(unit.text) is None:
        return False
    return not same_area(unit.place.entry, current.place.entry, strict=True)


_TWIN_TOWN_KM = 6.0  # towns closer than this are told as one place


def _another_town_with_its_toll(current: Group, unit: Clause) -> bool:
    """ "In Gaza City, two people were killed in a drone strike" after a strike on a camp 10 km
    away: an event told with its toll at another town (no neighbourhood of it, no "near" or
    direction) is another event, however close the towns lie."""
    a, b = unit.place, current.place
    if a is None or b is None or a.near or b.near or a.directional or b.directional:
        return False
    if unit.sentence in current.sentences:
        return False  # "71 hurt in Khartoum, 18 in Omdurman": one round-up's parts
    said, named = a.text.lower(), a.entry.name.lower()
    if said != named and named.startswith(said):
        return False  # "Khartoum" read as Khartoum North: the reading is in doubt
    if a.entry.kind != "place" or b.entry.kind != "place" or a.entry.key == b.entry.key:
        return False
    if haversine_km(a.entry.lat, a.entry.lon, b.entry.lat, b.entry.lon) < _TWIN_TOWN_KM:
        return False  # a camp and the town it adjoins: one built-up area
    told = any(not t.generic for t in unit.triggers)  # "a drone strike", not a speaker's town
    return told and any(f.min is not None for f in unit.figures)


def _add_headings(groups: list[Group], headings: list[Clause], ref: dt.date) -> None:
    """Headline clauses join the lead when they fit it, or are the lead when nothing else is;
    a headline about history or a remembrance ("Iraq marks anniversary of massacre") neither."""

    def skipped(unit: Clause) -> bool:  # "...; hours later, 2 shot dead": told in the body
        later = opens_on_a_later_moment(unit.text)
        return unit.generic or historical(unit, ref) or later or cumulative(unit)

    headings = [u for u in headings if not skipped(u)]
    if groups and headings:
        lead = groups[0]
        for unit in headings:
            if unit.is_event and not fits(lead, unit.place, unit.date, ref):
                lead = _headline_lead(groups, lead, unit, ref)
            if unit.is_event and fits(lead, unit.place, unit.date, ref):
                lead.add(unit)
                place = unit.place
                if place is not None and (
                    lead.place is None
                    or (
                        # "Shelling in Donetsk, Ukraine kills 13" over a lead that names only
                        # the country: the headline's town is the place.
                        place.entry.country == lead.place.entry.country
                        and lead.place.entry.kind != "place"
                        and more_specific(place, lead.place)
                        and not shortens_state_name(place, lead.place)
                    )
                ):
                    lead.place = place
    elif headings and not groups:
        first = next((u for u in headings if u.is_event), None)
        if first is not None:
            groups.append(group := Group(lead=True))
            attach(group, first)


def _add_section_headings(groups: list[Group], body: list[Clause], ref: dt.date) -> None:
    """A heading inside the body ("Kirkuk: bomb hits army vehicle") introduces the paragraph
    after it: it joins that paragraph's incident when it fits it, and is never one itself."""
    by_sentence: dict[int, Group] = {}
    for group in groups:
        for sentence in group.sentences:
            by_sentence.setdefault(sentence, group)
    joins: list[tuple[Clause, Group]] = []
    following: Clause | None = None
    for unit in reversed(body):  # one pass: each heading meets the next body clause
        if not unit.heading:
            following = unit
            continue
        told = by_sentence.get(following.sentence) if following is not None else None
        if told is not None and unit.is_event:
            joins.append((unit, told))
    for unit, group in reversed(joins):
        if not fits(group, unit.place, unit.date, ref):
            continue
        group.add(unit)
        if unit.place is not None and group.place is None:
            group.place = unit.place


def _headline_lead(groups: list[Group], lead: Group, unit: Clause, ref: dt.date) -> Group:
    """The group the headline is about when it is not the first one: a later group at the
    headline's place, in another province than the first group's, becomes the main event."""
    place = unit.place
    if place is None or not lead.lead:
        return lead
    if lead.place is not None and (lead.place.entry.country, lead.place.entry.admin1_code) == (
        place.entry.country,
        place.entry.admin1_code,
    ):
        return lead  # "Marib" for a village of Marib province: the headline's big name
    for other in groups:
        if (
            other is not lead
            and not other.background
            and other.place is not None
            and (fits(other, place, unit.date, ref, strict=True) or _in_province(other, place))
        ):
            lead.lead, other.lead = False, True
            return other
    return lead


def _in_province(group: Group, place: PlaceSpan) -> bool:
    """ "Gunmen kill three shepherds in Diyala" over a town of Diyala province."""
    return (
        place.entry.kind == "admin1"
        and group.place is not None
        and group.place.entry.country == place.entry.country
        and group.place.entry.admin1_code == place.entry.admin1_code
    )


def _sets_the_scene(group: Group, unit: Clause) -> bool:
    """A clause that only sets the scene ("It took place in Marka", "The attack happened on
    the night of Tuesday, 8 April") refines the event; True."""
    place = unit.place
    if any(f.min is not None for f in unit.figures):
        return False
    if not sets_the_scene(lower_same_length(unit.text)):
        return False
    if place is None:
        if unit.date is None or unit.date.date is None or unit.date.reporting:
            return False
        group.add(unit)
        group.date = unit.date  # it says when the event happened, whatever the lead implied
        return True
    if group.place is not None and (
        place.entry.country != group.place.entry.country
        or not (more_specific(place, group.place) or inside_district(place, group.place))
    ):
        return False
    group.add(unit)
    group.place = place
    if unit.date is not None and (group.date is None or better_date(unit.date, group.date)):
        group.date = unit.date  # "The strike hit the market of Mentao on Friday afternoon"
    return True


def _date_from_context(group: Group, unit: Clause, ref: dt.date) -> None:
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
        and not same_area(unit.place.entry, group.place.entry)
    ):
        return
    group.date = date


def _merge_groups(groups: list[Group]) -> list[Group]:
    """Fold groups that turned out to be one event (same place and day) into the first."""
    kept: list[Group] = []
    # Kept groups by place key, as positions in ``kept``: only a group at the same place can
    # be the same event, so each group is compared with those, not with every kept group.
    by_place: dict[str, list[int]] = {}
    for group in groups:
        key = group.place.entry.key if group.place is not None else None
        positions = by_place.get(key, []) if key is not None else []
        index = next((i for i in positions if _same_event(kept[i], group)), None)
        if index is None:
            if key is not None:
                by_place.setdefault(key, []).append(len(kept))
            kept.append(group)
            continue
        target = kept[index]
        before = target.place
        for unit in group.units:
            attach(target, unit)
        target.lead = target.lead or group.lead
        if target.place is not None and target.place is not before:
            # A more specific place now: index the group under it too, in reading order.
            moved = by_place.setdefault(target.place.entry.key, [])
            if index not in moved:
                insort(moved, index)
    return kept


def _same_event(a: Group, b: Group) -> bool:
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


def _states_the_toll(group: Group, unit: Clause, ref: dt.date) -> bool:
    """Whether a clause gives or updates a toll ("the death toll rose to 12", "put the toll
    at five") of the incident in hand: not introduced as another event, at no other place."""
    if unit.separate or unit.background_cue or not group.units:
        return False
    if not gives_a_toll(unit.figures):
        return False
    return unit.place is None or fits(group, unit.place, None, ref)


def _reacts_to(group: Group, unit: Clause) -> bool:
    """A reaction to the group's event ("IS claimed the attack"), placed nowhere else."""
    if unit.background_cue or not refers_back(unit.text):
        return False
    place, scene = unit.place, group.place
    if place is None or scene is None:
        return True
    a, b = place.entry, scene.entry
    return a.country == b.country and (
        a.admin1_code == b.admin1_code or haversine_km(a.lat, a.lon, b.lat, b.lon) <= DIRECTION_KM
    )
