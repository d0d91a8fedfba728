"""Questions in plain words: "what happened in Basra yesterday?" -> /city Basra yesterday.

:func:`parse_question` is pure: it reads the intent (look up, stats, map, latest, one incident,
help), the period and the name out of a message, in English or Arabic, by small word tables.
:class:`QuestionService` resolves the name with the catalog and says which command the question
answers like. The vocabulary is data; adding a word is adding it to a table.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain import SubscriptionKind
from bot.domain.views import Period, Resolution
from bot.domain.visuals import Intent, Question, Understanding
from bot.ports import Clock
from bot.services.catalog import CatalogService
from bot.services.period_words import fold_arabic
from bot.services.periods import (
    canonical_period,
    is_period,
    parse_period,
)

MAX_QUESTION_WORDS = 16  # longer is a pasted text, not a question


def _words(text: str) -> tuple[str, ...]:
    """The words of a table line (tables read better as text than as lists of quoted words)."""
    return tuple(text.split())


_INTENT_WORDS: dict[Intent, frozenset[str]] = {
    Intent.STATS: frozenset(
        _words(
            "stats statistics statistic numbers figures count counts toll tolls trend trends "
            "compare comparison worse better increase many much total totals "
            "كم احصائيات احصاءات احصائيه احصاء ارقام الارقام عدد حصيله مقارنه"
        )
    ),
    Intent.MAP: frozenset(_words("map maps where located location locations خريطه خارطه اين وين")),
    Intent.LATEST: frozenset(
        _words("latest newest new recent news updates update جديد الجديد اخر الاخبار اخبار")
    ),
    Intent.HELP: frozenset(
        _words("help commands hi hello hey start menu مساعده الاوامر مرحبا اهلا السلام")
    ),
}
_KIND_WORDS: dict[str, SubscriptionKind] = {
    **dict.fromkeys(
        _words("province governorate governorates provinces محافظه المحافظه"),
        SubscriptionKind.ADMIN1,
    ),
    **dict.fromkeys(_words("city town village مدينه المدينه قضاء"), SubscriptionKind.PLACE),
    **dict.fromkeys(
        _words("faction factions militia militias group groups فصيل الفصيل فصائل ميليشيا مليشيا"),
        SubscriptionKind.ACTOR,
    ),
}
# Event words: understood, shown as not filtered (the answer lists every incident type).
_TOPIC_WORDS = frozenset(
    _words(
        "clash clashes fighting fight battle battles attack attacks strike strikes airstrike "
        "airstrikes drone drones bombing bombings explosion explosions blast blasts ied ieds "
        "rocket rockets shelling protest protests killing killings assassination assassinations "
        "violence kidnapping kidnappings "
        "اشتباك اشتباكات معارك معركه هجوم هجمات قصف ضربه ضربات مسيره مسيرات انفجار انفجارات "
        "تفجير تفجيرات عبوه عبوات صواريخ احتجاج احتجاجات تظاهرات اغتيال اغتيالات عنف خطف"
    )
)
# Words that carry no name: question words, verbs of happening, prepositions, politeness.
_FILLER = frozenset(
    _words(
        "what whats what's happened happen happening happens going getting on "
        "is are was were there been "
        "any anything something show me tell give list about in at near around for of the a an "
        "to from by with involving and or please pls thanks recently lately incidents incident "
        "events event situation status report reports people person killed dead died deaths "
        "casualties wounded injured hurt how did do does has have had all everything everywhere "
        "ماذا ما شو شنو ايش حدث يحدث صار يصير جرى يجري هل هناك "
        "في عن من على الى الي مع حول قرب "
        "اعرض ارني اعطني اريد لو سمحت فضلك رجاء حوادث الحوادث احداث الاحداث الوضع قتلى القتلى "
        "قتيل جرحى الجرحى مصابين ضحايا الضحايا و"
    )
)
_INCIDENT = re.compile(
    r"^(?:(?:incident|event|حادثه|الحادثه|حادث)\s*(?:no\.?|number|رقم)?\s*#?|#)\s*(\d{1,12})$"
)
_BARE_NUMBER = re.compile(r"^#?\s*(\d{1,12})$")
_PUNCT = re.compile(r"[?!.,;:؟،؛\"“”«»()\[\]]+")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)


def _fold(word: str) -> str:
    """The form a word is looked up in the tables by: lower case, Arabic folded."""
    return fold_arabic(word.casefold())


def _strip_proclitic(word: str) -> str:
    """ "بالبصرة" -> "البصرة", "والموصل" -> "الموصل": a one-letter preposition or "and".

    Only before the article: a bare و or ب may be the name's own first letter (الوزيرية).
    """
    if len(word) > 4 and word[0] in "بو" and word[1:3] == "ال":
        return word[1:]
    return word


def _take_period(words: list[str]) -> tuple[str | None, list[str]]:
    """Find the longest period anywhere (four words at most), rightmost first; remove it."""
    for size in (4, 3, 2, 1):
        for start in range(len(words) - size, -1, -1):
            span = " ".join(words[start : start + size])
            if is_period(span):
                return span, words[:start] + words[start + size :]
    return None, words


def _clean(text: str) -> list[str]:
    normalised = unicodedata.normalize("NFKC", text).translate(_DIGITS)
    normalised = _POSSESSIVE.sub("", normalised)
    return _PUNCT.sub(" ", normalised).split()


def parse_question(text: str) -> Question:
    """Read a message without a command: intent, subject, period, kind and topic words."""
    stripped = " ".join(text.split())
    words = _clean(stripped)
    joined = " ".join(words)
    folded_all = _fold(joined)
    if match := _INCIDENT.match(folded_all) or _BARE_NUMBER.match(folded_all):
        return Question(text=stripped, intent=Intent.INCIDENT, incident_id=int(match.group(1)))
    period_text, words = _take_period(words)
    intent = Intent.LOOKUP
    kind: SubscriptionKind | None = None
    topic: str | None = None
    subject: list[str] = []
    for word in words:
        folded = _fold(word)
        found = next((i for i, vocab in _INTENT_WORDS.items() if folded in vocab), None)
        if found is not None:
            # Stats and maps win over "latest" ("latest numbers for Basra" are stats).
            if intent in (Intent.LOOKUP, Intent.LATEST, Intent.HELP):
                intent = found
            continue
        if folded in _KIND_WORDS:
            kind = _KIND_WORDS[folded]
            continue
        if folded in _TOPIC_WORDS:
            topic = topic or word
            continue
        if folded in _FILLER:
            continue
        subject.append(_strip_proclitic(word))
    name = " ".join(subject) or None
    if name is None and intent is Intent.LOOKUP:
        # "what happened yesterday?": everywhere. A period makes it counts, else the newest.
        intent = Intent.STATS if period_text else Intent.LATEST
    if intent is Intent.HELP and name is not None:
        intent = Intent.LOOKUP  # "hi, Basra?" is about Basra
    return Question(
        text=stripped,
        intent=intent,
        subject=name,
        period=canonical_period(period_text) if period_text else None,
        kind=kind,
        topic=topic,
    )


def looks_like_question(text: str) -> bool:
    """Short enough to be a question rather than a pasted report."""
    return 0 < len(text.split()) <= MAX_QUESTION_WORDS


_LOOKUP_COMMAND = {
    SubscriptionKind.PLACE: "city",
    SubscriptionKind.ADMIN1: "province",
    SubscriptionKind.ACTOR: "faction",
}


async def resolve_preferring_city(catalog: CatalogService, name: str) -> Resolution:
    """A faction's own name or alias, then one city, then anything (places, governorates).

    "Basra" is the city, as /city Basra; "Basra province" asks for the governorate.
    """
    actors = await catalog.resolve_actor(name)
    if actors.unique is not None:
        return actors
    places = catalog.resolve_place(name)
    if places.unique is not None:
        return places
    return await catalog.resolve_any(name)


class QuestionService:
    """Turns a plain-language question into the command it answers like, name resolved."""

    def __init__(self, catalog: CatalogService, clock: Clock, default_timezone: str) -> None:
        self._catalog = catalog
        self._clock = clock
        self._tz = default_timezone

    def period(self, question: Question, timezone: str | None = None) -> Period | None:
        """The question's period relative to now (UserError when it is in the future)."""
        if question.period is None:
            return None
        return parse_period(question.period, self._clock.now(), timezone or self._tz)

    async def understand(self, text: str, timezone: str | None = None) -> Understanding:
        """Parse, check the period, resolve the name; ``resolution`` is set when it failed."""
        question = parse_question(text)
        period = self.period(question, timezone)
        command = {
            Intent.STATS: "stats",
            Intent.MAP: "map",
            Intent.LATEST: "latest",
            Intent.INCIDENT: "incident",
            Intent.HELP: "help",
        }.get(question.intent, "lookup")
        if question.subject is None:
            return Understanding(question=question, command=command, period=period)
        resolution = await self._resolve(question.subject, question.kind)
        target = resolution.unique
        if target is None:
            return Understanding(
                question=question,
                command=command if command != "lookup" else self._guess(question.kind),
                period=period,
                resolution=resolution,
            )
        if command == "lookup":
            command = _LOOKUP_COMMAND[target.kind]
        return Understanding(question=question, command=command, target=target, period=period)

    async def _resolve(self, name: str, kind: SubscriptionKind | None) -> Resolution:
        catalog = self._catalog
        if kind is SubscriptionKind.PLACE:
            return catalog.resolve_place(name)
        if kind is SubscriptionKind.ADMIN1:
            return catalog.resolve_governorate(name)
        if kind is SubscriptionKind.ACTOR:
            return await catalog.resolve_actor(name)
        return await resolve_preferring_city(catalog, name)

    @staticmethod
    def _guess(kind: SubscriptionKind | None) -> str:
        return _LOOKUP_COMMAND.get(kind, "city") if kind else "city"


def describe(understanding: Understanding) -> str:
    """ "Basra, yesterday": how a question was understood, for the "Showing:" line."""
    parts: list[str] = []
    if understanding.target is not None:
        parts.append(understanding.target.label)
    elif understanding.command in ("stats", "map", "latest"):
        parts.append("everywhere")
    if understanding.period is not None:
        parts.append(understanding.period.label)
    return ", ".join(parts)
