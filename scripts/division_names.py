"""English names of divisions that GeoNames gives in French ("Est" -> "East"), for the
gazetteer build (``scripts/build_gazetteer.py``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["english_compass"]

# French compass and position words in division names, as English-language news renders them
# ("Centre-Nord" -> "Centre-North", "Est" -> "East", "Extreme-Nord" -> "Far North").
_COMPASS_EN = {
    "nord": "North", "sud": "South", "est": "East", "ouest": "West", "centre": "Centre",
    "extreme": "Far", "extrême": "Far", "haut": "Upper", "haute": "Upper", "hauts": "Upper",
    "bas": "Lower", "basse": "Lower",
}  # fmt: skip


# Countries whose divisions carry French names (English-language news translates them).
_FRENCH_NAMED = frozenset(
    {"BF", "BI", "BJ", "CD", "CF", "CG", "CI", "CM", "DJ", "GA", "GN", "HT", "ML", "MR", "NE",
     "RW", "SN", "TD", "TG"}
)  # fmt: skip


_TWO_COMPASS_EN = re.compile(r"(north|south)[-\s](east|west)", re.IGNORECASE)


def english_compass(country: str, names: Iterable[str]) -> list[str]:
    """English renderings of divisions named with French compass words: "Est" -> "East",
    "Nord-Ouest" -> "North-West" and "Northwest", "Centre-Nord" -> "Centre-North" and
    "North-Central", "Sud-Kivu" -> "South Kivu", "Extrême-Nord" -> "Far North". Names with no
    such word, or in a country without French division names, give nothing; English
    two-word compass names are also written as one word ("North-West" -> "Northwest")."""
    result: list[str] = [
        f"{m[1].capitalize()}{m[2].lower()}"
        for name in names
        if (m := _TWO_COMPASS_EN.fullmatch(name.strip())) is not None
    ]
    for name in names if country in _FRENCH_NAMED else ():
        parts = re.split(r"[-\s]+", name)
        lowered = [p.lower() for p in parts]
        if not any(p in _COMPASS_EN for p in lowered):
            continue
        english = [_COMPASS_EN.get(p, part) for p, part in zip(lowered, parts, strict=True)]
        compass = all(p in _COMPASS_EN for p in lowered)
        far = english[0] == "Far"
        result.append(("-" if compass and not far else " ").join(english))
        if compass and len(english) == 2 and english[0] != "Centre" and not far:
            result.append(english[0] + english[1].lower())  # "Northwest"
        if compass and english[0] == "Centre" and len(english) == 2:
            result.append(f"{english[1]}-Central")  # "North-Central"
    return [r for r in result if r not in names]
