"""A place given as a distance and a direction from a named town ("a village about 60 km
north-east of Bunia"): read the offset before the town's name, and move the town's point by it.

Reports place small villages, camps and roads by the nearest town a reader knows. The town's own
point can then be 40 km or more from the event, farther than an analyst's radius: the point the
text gives is the town's moved along the bearing. The name stays the town's ("near Bunia"), so
subscribers to the town still hear of it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "MAX_OFFSET_KM",
    "far_reference",
    "measured_from",
    "measures_the_one_before",
    "near_only_start",
    "offset_before",
    "offset_between",
    "offset_start",
    "shifted",
]

# Farther than this the text is giving bearings for a reader, not the scene ("Sanaa, 120 km west
# of Marib" places Sanaa): the town is then no good anchor anyway, so it is not moved.
MAX_OFFSET_KM = 150.0
_KM_PER_DEGREE = 111.32
_KM_PER_MILE = 1.609344

_BEARINGS = {
    "north": 0.0,
    "northeast": 45.0,
    "east": 90.0,
    "southeast": 135.0,
    "south": 180.0,
    "southwest": 225.0,
    "west": 270.0,
    "northwest": 315.0,
}
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a hundred": 100,
}  # fmt: skip
_NUMBER = r"\d{1,3}(?:\.\d)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
# "... about 60 km (37 miles) north-east of [the town of] " right before the town's name.
_OFFSET_BEFORE = re.compile(
    rf"\b(?P<n>{_NUMBER})(?:-|\s*)(?P<unit>km|kms|kilomet(?:er|re)s?|miles?)\b"
    r"(?:\s*\([^()]{1,30}\))?,?\s+(?:to\s+the\s+|due\s+)?"
    r"(?P<dir>north|south|east|west|(?:north|south)[-\s]?(?:east|west))(?:ern)?"
    r"\s+of\s+(?:the\s+)?(?:(?:city|town|village|district|"
    r"(?:(?:provincial|regional|state|district|county|national)\s+)?capital,?)"
    r"(?:\s+of)?\s+)?(?:central\s+)?$"
)

# "... about 12 km from [the town of] ": a distance without a direction, right before a name.
_DISTANCE_ONLY_BEFORE = re.compile(
    rf"\b(?P<n>{_NUMBER})(?:-|\s*)(?:km|kms|kilomet(?:er|re)s?|miles?)\b(?:\s*\([^()]{{1,30}}\))?"
    r"\s+(?:away\s+)?from\s+(?:the\s+(?:city|town|village)\s+(?:of\s+)?)?$"
)
# A settlement told only as so far from a town is near it when it is at most this far.
NEAR_ONLY_KM = 25.0


def _distance_only(before: str) -> tuple[int, float] | None:
    """Where a distance with no direction that the lower-cased ``before`` ends in begins, and
    how many kilometres it says ("Mapou lies about 12 km from "); None without one."""
    if "from" not in before[-20:]:  # the cheap test first: "from [the town of] " ends it
        return None
    match = _DISTANCE_ONLY_BEFORE.search(before, max(0, len(before) - 80))
    if match is None:
        return None
    km = float(_NUMBER_WORDS.get(match["n"], 0) or match["n"])
    return match.start(), km * _KM_PER_MILE if "mile" in match.group(0) else km


def near_only_start(before: str) -> int | None:
    """Where a distance with no direction that ``before`` ends in begins, when it is short
    enough to say the next town is near ("Mapou lies about 12 km from "); None otherwise."""
    found = _distance_only(before)
    return found[0] if found is not None and 0 < found[1] <= NEAR_ONLY_KM else None


def far_reference(before: str) -> bool:
    """True when ``before`` ends in a distance with no direction too long to say the next
    town is near ("a village about 60 km from "): the town only measures, it places nothing."""
    found = _distance_only(before)
    return found is not None and found[1] > NEAR_ONLY_KM


@lru_cache(maxsize=4096)
def offset_before(before: str) -> tuple[float, float] | None:
    """(kilometres, bearing in degrees clockwise from north) when ``before``, the lower-cased
    words right before a place's name, end in a distance and a direction from it; else None.

    >>> offset_before("a village about 60 km (37 miles) north-east of ")
    (60.0, 45.0)
    >>> offset_before("a village north of ") is None
    True
    """
    match = _OFFSET_BEFORE.search(before)
    if match is None:
        return None
    number = match["n"]
    value = float(_NUMBER_WORDS.get(number, 0) or number)
    if match["unit"].startswith("mile"):
        value *= _KM_PER_MILE
    if not 0 < value <= MAX_OFFSET_KM:
        return None
    direction = re.sub(r"[-\s]", "", match["dir"])
    return round(value, 1), _BEARINGS[direction]


# "..., Jos, about 30 km east of the village": after a town, a distance and a direction from the
# event's place, named by a word for it or by its own (unknown) name. Read on the text as written.
_MEASURED_FROM = re.compile(
    r"(?:,\s+(?:the|a)\s+[^,()]{1,60}?)?,\s+(?i:(?:which\s+)?(?:is\s+|lies\s+)?"
    r"(?:about|some|around|roughly|nearly|approximately|just|only|barely)?\s*"
    rf"(?P<n>{_NUMBER})(?:-|\s*)(?P<unit>km|kms|kilomet(?:er|re)s?|miles?)\b"
    r"(?:\s*\([^()]{1,30}\))?,?\s+(?:to\s+the\s+|due\s+)?"
    r"(?P<dir>north|south|east|west|(?:north|south)[-\s]?(?:east|west))(?:ern)?\s+of\s+)"
    r"(?:(?P<word>the\s+(?:(?:remote|small|border|farming|attacked)\s+)?(?:village|hamlet|"
    r"settlement|camp|community|locality|scene|site|attack|ambush|area)s?\b)|"
    r"(?P<name>[A-Z][\w'\u2019\u00c0-\u024f-]+(?:\s+[A-Z][\w'\u2019\u00c0-\u024f-]+)?))"
)


def measured_from(
    text: str, end: int, mentions: Iterable[tuple[int, int, object]] = ()
) -> tuple[tuple[float, float], str] | None:
    """When the words after a town's name (ending at ``end``) measure the town from the event's
    place ("Jos, about 30 km east of the village", "Titao, the provincial capital, 25 km
    south-west of Toulfe"): the event's offset from the town and the words naming its place;
    None otherwise, or when those words are one of the sentence's place ``mentions`` (start,
    end, ...): a place the gazetteer knows is measured from the town the usual way.

    >>> measured_from("Jos, about 30 kilometres east of the village.", 3)
    ((30.0, 270.0), 'the village')
    """
    match = _MEASURED_FROM.match(text, end, end + 150)
    if match is None:
        return None
    named = "word" if match["word"] else "name"
    if any(start == match.start(named) for start, *_ in mentions):
        return None
    number = match["n"].lower()
    value = float(_NUMBER_WORDS.get(number, 0) or number)
    if match["unit"].lower().startswith("mile"):
        value *= _KM_PER_MILE
    if not 0 < value <= MAX_OFFSET_KM:
        return None
    bearing = _BEARINGS[re.sub(r"[-\s]", "", match["dir"].lower())]
    return (round(value, 1), (bearing + 180.0) % 360.0), match[named]


def offset_start(before: str) -> int | None:
    """Where the distance and direction that the lower-cased ``before`` ends in begin, None
    without one: what the text says before them names what lies there ("Kabaro lies about
    40 km south-west of ").

    >>> offset_start("kabaro lies about 40 km south-west of ")
    18
    """
    match = _OFFSET_BEFORE.search(before)
    return match.start() if match is not None else None


def measures_the_one_before(gap: str) -> bool:
    """True when the lower-cased words between two place mentions measure the first from the
    second (", about 100 km north of "): what is said of the first is said of the second."""
    at = offset_start(gap) if gap.startswith(",") and len(gap) < 80 else None
    return at is not None and len(gap[1:at].split()) <= 2


def shifted(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    """The point ``km`` from (lat, lon) along ``bearing`` (degrees from north), to a few
    hundred metres (flat-earth steps are enough at these distances)."""
    angle = math.radians(bearing)
    new_lat = lat + km * math.cos(angle) / _KM_PER_DEGREE
    scale = max(math.cos(math.radians((lat + new_lat) / 2)), 0.01)
    new_lon = lon + km * math.sin(angle) / (_KM_PER_DEGREE * scale)
    return round(new_lat, 5), round(new_lon, 5)


def offset_between(lat: float, lon: float, to_lat: float, to_lon: float) -> tuple[float, float]:
    """(kilometres, bearing in degrees from north) from (lat, lon) to (to_lat, to_lon), the
    inverse of :func:`shifted` (flat-earth steps, enough at these distances)."""
    north = (to_lat - lat) * _KM_PER_DEGREE
    east = (to_lon - lon) * _KM_PER_DEGREE * max(math.cos(math.radians((lat + to_lat) / 2)), 0.01)
    return round(math.hypot(north, east), 1), round(math.degrees(math.atan2(east, north)) % 360, 1)
