"""What the words right around a place mention say of it: near it, in it ("in", "at"), a
direction from it ("north of"), a district named after it ("the Niono district"), a road from it,
or no event place at all (``place_roles.not_an_event_place``). Read on lower-cased text."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.extract.bearings import near_only_start
from bot.extract.place_roles import not_an_event_place

__all__ = ["LIST_GAP", "mention_flags"]

# Before a place name: the event happened near it rather than in it.
_NEAR_BEFORE = re.compile(
    r"(?:\bnear|\boutskirts\s+of|\boutside(?:\s+of)?|\bclose\s+to|\bvicinity\s+of|\bwest|\beast|"
    r"\bnorth|\bsouth|\bnorth-?east|\bnorth-?west|\bsouth-?east|\bsouth-?west|\baway\s+from)"
    r"(?:\s+of)?(?:\s+the)?(?:\s+(?:city|town|village|district|province)\s+of)?"
    r"(?:\s+(?:(?:provincial|regional|state|district|county|national)\s+)?capital,?)?\s*$",
)
LIST_GAP = re.compile(r"(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+or\s+)")
# "on the Quetta-Karachi highway", "12 km from Oicha": around the town, the weakest place
_ROAD_AFTER = re.compile(
    r"^(?:-[\w'’]+(?:\s[\w'’]+)?\s+|\s+)(?:highway|road|motorway|railway|expressway|"
    r"(?:passenger\s+)?train|rail\s+line|pipeline|corridor)\b",
)
_DIRECTION_BEFORE = re.compile(
    r"\b(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)"
    r"\s+of(?:\s+the)?(?:\s+(?:city|town|village|district|province)\s+of)?\s*$",
)
_DISTRICT_AFTER = re.compile(
    r"^\s+(?:district|sub-?district|territory|lga|local\s+government|department|county|"
    r"prefecture|division|township|cercle|commune|municipality|tehsil|raion|woreda|zone)\b",
)
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|near|into|inside|outside|of|on|targeting|hit|struck|across|around|"
    r"towards)\s+(?:the\s+)?(?:(?:northern|southern|eastern|western|central|"
    r"north-?eastern|north-?western|south-?eastern|south-?western|holy|capital|restive|"
    r"strategic|regional|provincial|[a-z]+-(?:held|controlled|run|led|dominated))\s+)*"
    r"(?:(?:city|town|village|district|province|"
    r"governorate|region|area|sub-?district|capital|neighbou?rhood)\s+of\s+)?$",
)


@lru_cache(maxsize=4096)
def mention_flags(before: str, after40: str) -> tuple[bool, bool, bool, bool] | None:
    """None when the words around a mention make it no event place; else whether it is
    near, after a locative word, a direction from it, and a district named after a town."""
    after = after40[:20]
    if not_an_event_place(before, after40):
        return None
    road = bool(_ROAD_AFTER.match(after)) or near_only_start(before) is not None
    return (
        bool(_NEAR_BEFORE.search(before)) or road,
        bool(_LOCATIVE_BEFORE.search(before)),
        bool(_DIRECTION_BEFORE.search(before)) or road,
        bool(_DISTRICT_AFTER.match(after)),
    )
