"""Victims counted one by one: "a police officer and a soldier", "five jawans and their
driver" (read by ``casualties``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = [
    "SINGLE_PEOPLE",
    "SINGULAR_LIST",
    "kin_after",
    "one_without_its_verb",
    "person_subjects",
]

# "a police officer and a soldier", "an officer, a driver and their guard": people one by one,
# who take a plural verb together.
SINGULAR_LIST = re.compile(
    r"an?\s+[^,]+?(?:(?:,|,?\s+and)\s+(?:an?|his|her|their)\s+[^,]+?)+", re.IGNORECASE
)


def one_without_its_verb(match: re.Match[str]) -> bool:
    """Whether a subject counted from "a"/"an" lacks the singular verb that makes it one
    person ("an hour of firing, nine militants were killed"), unless it lists people one by
    one ("a police officer and a soldier were killed")."""
    if match["num"].lower() not in {"a", "an"}:
        return False
    singular = re.search(r"\bwas\b|\bis\b|\bhas\s+been\b|sustain|suffer", match.group(0), re.I)
    listed = SINGULAR_LIST.fullmatch(match["subj"]) is not None or bool(match["plus"])
    return not singular and not listed


# Nouns of one person that "and the/their ..." may add to a count.
SINGLE_PEOPLE = frozenset(
    {"driver", "guard", "bodyguard", "escort", "interpreter", "translator", "son", "daughter",
     "wife", "husband", "brother", "sister", "father", "mother", "child", "commander",
     "officer", "pilot", "companion", "assistant", "cameraman", "photographer", "colleague",
     "nephew", "niece", "grandson", "granddaughter", "uncle", "cousin", "friend", "neighbour",
     "neighbor", "chief", "deputy", "secretary", "aide", "owner", "conductor", "priest",
     "pastor", "imam", "cleric", "headman", "mayor", "teacher", "doctor", "nurse", "journalist",
     "reporter", "principal", "landlord", "shopkeeper", "farmer", "herder", "shepherd"}
)  # fmt: skip


def kin_after(text: str, end: int) -> int:
    """1 when "... and his wife", "... and her son" follows a victim counted one by one at
    ``end`` of the (lower-cased) text ("killed a man and his wife": two people), else 0."""
    return int(_KIN_AFTER.match(text, end) is not None)


_KIN_AFTER = re.compile(
    r"\s+and\s+(?:his|her|their)\s+(?:[a-z-]+\s+)?(?:"
    + "|".join(sorted(SINGLE_PEOPLE))
    + r")\b(?!\s+(?:were|was)\s+(?:wounded|injured|hurt|unhurt|spared))"
)


# A harm verb (and "a"/"the"...) right before a person: that person is its object, not a subject.
_HARM_BEFORE = re.compile(
    r"\b(?:kill(?:ed|ing)|shot(?:\s+dead)?|shooting|gunned\s+down|murder(?:ed|ing)|stabb(?:ed|ing)|"
    r"behead(?:ed|ing)|execut(?:ed|ing)|abduct(?:ed|ing)|kidnapp(?:ed|ing)|wound(?:ed|ing)|"
    r"injur(?:ed|ing))\s+$"
)


def person_subjects(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern``'s matches in ``text`` (lower-cased) whose person is not the object of a harm
    verb just before it: in "gunmen killed a man in the market, and his wife was wounded" the man
    is who was killed, so the one wounded is sought after him ("his wife was wounded")."""
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        if _HARM_BEFORE.search(text, max(0, match.start() - 16), match.start()):
            pos = match.end("who")
            continue
        yield match
        pos = match.end()
