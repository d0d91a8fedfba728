"""Text preparation: header lines, boilerplate, datelines, sentences and clauses.

Pure functions over strings. A news page arrives with title lines, photo captions, bylines and a
dateline ("ERBIL, Kurdistan Region -") before the first sentence; none of them is where or when
anything happened, so they are separated from the sentences the engine reads.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.extract.normalize import split_sentences
from bot.extract.word_hits import CaseBlind

__all__ = [
    "Article",
    "Clause",
    "Sentence",
    "lower_same_length",
    "parse_header",
    "prepare",
    "published_from_url",
    "split_clauses",
    "strip_dateline",
    "without_descriptions",
]


@dataclass(frozen=True, slots=True)
class Clause:
    """A part of a sentence that can carry its own event (split at "days after", ", as ", ";")."""

    text: str
    start: int  # offset inside the sentence
    background_cue: bool  # introduced by "days after", "a day after", "comes after" ...


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the body (or the title), with its clauses."""

    index: int
    text: str
    paragraph: int
    heading: bool  # a title-like line without final punctuation
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Article:
    """A prepared article: title, dateline, sentences in reading order."""

    title: str | None
    dateline: str | None
    sentences: tuple[Sentence, ...]


def lower_same_length(text: str) -> str:
    """Lower-case ``text`` keeping every offset (characters that grow when lowered stay)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


_HEADER_RE = re.compile(r"^(URL|PUBLISHED|TITLE):\s*(.*)$", re.IGNORECASE)


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split leading ``URL:`` / ``PUBLISHED:`` / ``TITLE:`` lines (eval format) from the body."""
    headers: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    consumed = 0
    for line in lines:
        match = _HEADER_RE.match(line.strip())
        if not match:
            break
        headers[match.group(1).lower()] = match.group(2).strip()
        consumed += 1
    return headers, "".join(lines[consumed:])


def parse_published(value: str) -> dt.datetime | None:
    """``YYYY-MM-DD`` or an ISO datetime to an aware datetime; ``unknown`` or garbage gives None.

    A bare date becomes 12:00 UTC on that day: noon UTC falls on the same calendar day in every
    timezone from UTC-12 to UTC+11, so the date survives conversion to the place's zone.
    """
    value = value.strip()
    if not value or value.lower() in {"unknown", "none", "null", "-"}:
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


# ".../2013/12/18/slug", ".../2025/03/slug", "...-20210330": the day (or month) a news site
# files a story under, in the link's path.
_URL_DATE_RE = re.compile(
    r"(?:^|[/\-_])(?P<y>(?:19|20)\d{2})(?P<sep>[/\-_]?)(?P<m>0?[1-9]|1[0-2])"
    r"(?:(?P=sep)(?P<d>0?[1-9]|[12]\d|3[01]))?(?=$|[/\-_.?#])"
)


def published_from_url(url: str | None, body: str = "") -> dt.datetime | None:
    """The publication day a link's path gives, as 12:00 UTC (like a bare PUBLISHED date).
    A path with only a year and month gives the latest day of that month ``body`` writes
    ("March 22", "23 March"), else the month's last day. None without a date in the path."""
    if not url:
        return None
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
    for match in _URL_DATE_RE.finditer(path):
        year, month = int(match["y"]), int(match["m"])
        if match["sep"] == "" and (match["d"] is None or len(match["m"]) < 2):
            continue  # "/2021/" "3" is no month; compact dates need all eight digits
        day = int(match["d"]) if match["d"] else _latest_day_written(body, year, month)
        try:
            return dt.datetime(year, month, day, 12, 0, tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def _latest_day_written(body: str, year: int, month: int) -> int:
    """The latest day of ``month`` the text writes ("March 22", "23 March"), else the last."""
    last = calendar.monthrange(year, month)[1]
    name = calendar.month_name[month]
    pattern = rf"\b{name}\s+(\d{{1,2}})\b|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{name}\b"
    days = [int(a or b) for a, b in re.findall(pattern, body[:8000], re.IGNORECASE)]
    return max((d for d in days if 1 <= d <= last), default=last)


# "ERBIL, Kurdistan Region -", "BAGHDAD:", "PESHAWAR, Feb 5 —", "Mogadishu (HOL) -",
# "Shafaq News /", "Reuters, Iraq". Upper-case city word(s) or a short capitalised name with an
# agency tag, then a dash, colon or slash.
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪİŁŃŇŌŐŒŘŚŞŠŢŤŪŮŰŹŻŽ"  # upper-case Latin letters, accented too
_DATELINE_RE = re.compile(
    rf"""^\s*(?P<dateline>
        (?:[{_UP}][{_UP}'’.\-]+(?:\s+[{_UP}][{_UP}'’.\-]+){{0,3}}  # ERBIL / DERA ISMAIL KHAN
           (?:\s*/\s*[{_UP}][{_UP}'’.\-]+(?:\s+[{_UP}][{_UP}'’.\-]+){{0,3}}){{0,2}}  # A/B
           (?:\s*,\s*[{_UP}0-9][\w'’.]*(?:\s+[\w'’.]+){{0,3}}){{0,3}}  # , Iraq, 14 July 2022
           (?:\s*\([^)]{{1,30}}\))?)                                # (AFP)
        # Mogadishu (HOL), Baquba (Iraq) (AFP)
        |(?:[{_UP}][a-zà-ÿ'’]+(?:\s+[{_UP}][a-zà-ÿ'’]+){{0,2}}(?:\s*\([A-Z][A-Za-z ]{{2,30}}\))?
           \s*\([A-Z][A-Za-z]{{1,11}}\))
        |(?:Shafaq\s+News|[A-Z][a-z]+\s+News(?:\s+Agency)?)   # agency slug
        # October 6, 2024 (EL FASHER) / 6 October 2024 (KHARTOUM)
        |(?:(?:[A-Z][a-z]+\.?\s+\d{{1,2}},?|\d{{1,2}}\s+[A-Z][a-z]+\.?,?)\s+\d{{4}}
           \s*\([^)]{{2,40}}\))
        # Pemba – / Nairobi - / Port Sudan — : a name in title case, then a spaced dash and
        # a new sentence
        |(?:[{_UP}][a-zà-ÿ'’]+(?:\s+[{_UP}][a-zà-ÿ'’]+){{0,2}}(?=\s+[-–—]\s+[{_UP}"“]))
        # Port Sudan, 1 June 2026 — / Goma, March 3 -: a title-case name and the day
        |(?:[{_UP}][a-zà-ÿ'’]+(?:\s+[{_UP}][a-zà-ÿ'’]+){{0,2}},\s+(?:\d{{1,2}}\s+[A-Z][a-z]+\.?
           (?:,?\s+\d{{4}})?|[A-Z][a-z]+\.?\s+\d{{1,2}}(?:,\s+\d{{4}})?)(?=\s+[-–—]\s))
        # Kirkuk, Iraq — / Bunia, DR Congo (AFP) -
        |(?:[{_UP}][a-zà-ÿ'’]+(?:\s+[{_UP}][a-zà-ÿ'’]+)?,\s+[A-Z][A-Za-z]+(?:\s+[A-Z][a-z]+)?
           (?:\s*\([A-Za-z]{{2,12}}\))?(?=\s*[-–—]\s))
    )(?:\s*(?:[-–—:/]{{1,2}}|\(\w+\)\s*[-–—]{{1,2}})\s+
    # COTABATO CITY, Philippines—Five members ...: a dash glued to the first word
    |[–—](?=[{_UP}][a-z]))""",
    re.VERBOSE,
)


# Wires: "Raipur, Sep 4 (PTI)", "NEW DELHI, September 4 (IANS):", "Manila, Aug 16 (EFE).-",
# the text right after the agency.
_WIRE_DATELINE_RE = re.compile(
    rf"^\s*(?P<dateline>[{_UP}][\w'’.-]+(?:\s+[{_UP}][\w'’.-]+){{0,2}},\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\s*"
    r"\((?:PTI|IANS|UNI|ANI|APP|NNI|INP|Xinhua|AFP|AP|Reuters|IRNA|WAM|SPA|KUNA|Anadolu|EFE|"
    r"dpa|DPA|ANSA|Bernama|PNA|APA|MENA|SANA|QNA|TASS|Interfax|Ukrinform)\))"
    r"\.?\s*[:,\-–—]?\s+"  # "Manila, Aug 16 (EFE).- Three rebels ..."
)


def strip_dateline(paragraph: str) -> tuple[str | None, str]:
    """Remove leading datelines from a paragraph; return ``(dateline, rest)``.

    An agency slug may precede the place line ("Shafaq News / BASRA, Iraq, 14 July 2022 —"):
    both are removed and the place line is returned.
    """
    found: str | None = None
    for _ in range(2):
        match = _DATELINE_RE.match(paragraph) or _WIRE_DATELINE_RE.match(paragraph)
        if not match:
            break
        rest = paragraph[match.end() :]
        if not rest[:1].isalnum() and rest[:1] not in "\"'“‘":
            break
        if paragraph[match.end() - 1] in "–—" and "," not in match["dateline"]:
            break  # "ISIS—The group": only "CITY, Country—" is a dateline glued to its text
        found, paragraph = match.group("dateline").strip(), rest
    return found, paragraph


# Lines that are page furniture rather than prose.
_CAPTION_RE = re.compile(
    r"(?:[-—–/]\s*(?:Reuters|AFP|AP|Getty|Anadolu|EPA|SUPPLIED)\b[^.]*$"
    r"|\((?:Reuters|AFP|AP|File|Getty|SUPPLIED|picture-alliance[^)]*)\)\s*$"
    # "(AP photo)", "(Photo: Reuters)", "(File photo)" closing a caption
    r"|\((?:[\w/ .-]{0,30}\s)?(?:photo|picture|image)s?(?::[^)]{0,40})?\)\s*$"
    r"|\[(?:Getty|AFP|Reuters|[^\]]*Photo[^\]]*)\]\s*$)",
    re.IGNORECASE,
)
_FURNITURE_RE = re.compile(
    r"^(?:read more|published|updated|category|date|by\s+[A-Z]|advertisements?|share|"
    r"photo|file photo|\d+\s+min read|live story|related|watch|listen|copyright|"
    # Photo captions: their place and day are the picture's, perhaps years old.
    r"in\s+this\s+(?:[\w-]+\s+){0,3}(?:photo|image|picture|frame|still|handout|video\s+grab)|"
    r"(?:this|a)\s+(?:[\w-]+\s+)?(?:photo|image|picture)\s+(?:taken|made|released|provided|"
    r"obtained|distributed|shows|showing))\b",
    re.IGNORECASE,
)
_TERMINAL = ".!?\"'”’)"


_CAPTION_OPENERS = "-—–/(["  # every caption ending starts with one of these


def _is_furniture(line: str) -> bool:
    if _FURNITURE_RE.match(line):
        return True
    if line.count(" | ") >= 2 and line[-1] not in _TERMINAL:
        # a page's strip of fields: "India News | Press Trust of India | Updated: ...",
        # "Share: Facebook | X | Telegram" (its day is the page's, its places sections')
        return True
    if any(map(line.__contains__, _CAPTION_OPENERS)) and _CAPTION_RE.search(line):
        return True
    words = line.split()
    # Bylines, dates, section names, agency slugs: short and without final punctuation.
    return len(words) < 5 and line[-1] not in _TERMINAL


def _is_heading(line: str) -> bool:
    # A closing quote or bracket ends a sentence only after its own full stop: 'Army blames the
    # "Eastern War Front"', "Attack on cattle camps (26 March 2021)" are titles.
    end = line.rstrip()
    if end[-1] in '"”’)' and len(end) > 1 and end[-2].isalnum():
        end = end[:-1]  # a quoted name or a bracketed date closes it, not a sentence's stop
    return end[-1] not in _TERMINAL and len(line.split()) < 30


# Where a sentence turns to another event: "..., days after fighting in Baghdad left 30 dead".
_BACKGROUND_SPLIT_RE = CaseBlind(
    re.compile(
        # "..., and more than a year after the 2023 attacks": another earlier event ("in the
        # days after the coup" is a period, not one)
        r"(?<!\bthe)(?:,\s*|\s+)(?=(?:(?:and\s+)?(?:only\s+|just\s+|barely\s+|nearly\s+|almost\s+|"
        r"more\s+than\s+|less\s+than\s+)?(?:a\s+few|a|an|one|two|three|four|five|six|several|"
        r"few|\d+)\s+(?:days?|weeks?|months?|years?|hours?)\s+(?:after|before|since)|days\s+after|"
        r"weeks\s+after|hours\s+after|months\s+after|(?:comes?|came)\s+(?:days?\s+|a\s+day\s+|weeks?\s+)?"
        r"(?:after|as|amid)|in\s+retaliation|"
        # A comparison with an earlier event: "the raid had echoes of a bombing last year".
        r"(?:grim\s+|eerie\s+)?echoes\s+of|reminiscent\s+of|recall(?:s|ed|ing)\s+(?:an?|the)|"
        r"similar\s+to\s+(?:an?|the))\b)",
        re.IGNORECASE,
    )
)
# "... met for truce talks after fighting killed 20 people last month": what came "after"
# happened at another, earlier time the same words date, so it is told as background.
_EARLIER_AFTER_RE = re.compile(
    r"(?:,\s*|\s+)(?=after\s+[^,;.]{3,90}?\b(?:last\s+(?:week|month|year)|"
    r"earlier\s+this\s+(?:week|month|year)|(?:in|since)\s+(?:january|february|march|april|"
    r"may|june|july|august|september|october|november|december|(?:19|20)\d\d)\b))",
    re.IGNORECASE,
)
# A sentence that opens on an earlier event: "Only two days after a drone strike on the
# hospital, the RSF stormed the camp". The opening phrase, up to its comma, is that event.
_FRONTED_EARLIER_RE = re.compile(
    r"^(?:(?:only|just|barely|nearly|almost|more\s+than|less\s+than)\s+)?(?:(?:a\s+few|a|an|"
    r"one|two|three|four|five|six|several|few|\d+)\s+(?:days?|weeks?|months?|years?|hours?)|"
    r"hours|days|weeks|months|minutes|moments)\s+(?:after|before|since)\s+"
    # an event named by a noun ("a drone strike on ...", "the Malam Fatori attack"), so the
    # first comma ends it ("a day after the banned outfit, the TTP, warned ..." is no event)
    r"(?:(?:the|a|an|this|that|their|its|[\w-]+'s)\s+)?(?:[\w-]+\s+){0,3}?(?:attacks?|"
    r"strikes?|air\s?strikes?|bombings?|blasts?|explosions?|raids?|ambush(?:es)?|assaults?|"
    r"shootings?|clash(?:es)?|fighting|massacres?|killings?|shelling|offensive|battle|siege|"
    r"kidnappings?|abductions?|incursion|onslaught)\b[^,;.]{0,120}?,\s+(?=\S)",
    re.IGNORECASE,
)
_SOFT_SPLIT_RE = re.compile(
    r"(?:;\s+|,\s+(?=(?:as|while|amid|whereas|on\s+a\s+day\s+when)\s)|\s+(?=amid\s))",
    re.IGNORECASE,
)


# Every turn _BACKGROUND_SPLIT_RE finds holds one of these words (lower-cased). Its
# IGNORECASE also matches "ı", "ſ" and "İ" to Latin letters, which str.lower() does not.
_BACKGROUND_WORDS = ("after", "before", "since", "came", "come", "retaliation", "echoes",
                     "reminiscent", "recall", "similar")  # fmt: skip
_CASE_FOLDS_TO_LATIN = ("ı", "ſ", "İ")


def _may_turn(sentence: str) -> bool:
    """False when the sentence cannot hold a turn to another event (a cheap test first)."""
    if not sentence.isascii() and any(map(sentence.__contains__, _CASE_FOLDS_TO_LATIN)):
        return True
    return any(map(sentence.lower().__contains__, _BACKGROUND_WORDS))


def split_clauses(sentence: str) -> tuple[Clause, ...]:
    """Split a sentence where it turns to another event or to context."""
    cuts: list[tuple[int, bool]] = []
    turns = _BACKGROUND_SPLIT_RE.finditer(sentence) if _may_turn(sentence) else ()
    for match in turns:
        if match.end() > 15:
            cuts.append((match.end(), True))
    if "after" in sentence.lower():
        cuts.extend((m.end(), True) for m in _EARLIER_AFTER_RE.finditer(sentence) if m.end() > 15)
    for match in _SOFT_SPLIT_RE.finditer(sentence):
        if match.end() > 15:
            cuts.append((match.end(), False))
    cuts.sort()
    clauses: list[Clause] = []
    start, cue = 0, False
    fronted = _FRONTED_EARLIER_RE.match(sentence) if _may_turn(sentence) else None
    if fronted is not None:
        cuts = [(fronted.end(), False), *((c, k) for c, k in cuts if c > fronted.end())]
        cue = True
    for cut, is_cue in cuts:
        if cut - start < 12:
            continue
        piece = sentence[start:cut].strip(" ,;")
        if piece:
            clauses.append(Clause(piece, sentence.index(piece, start), cue))
        start, cue = cut, is_cue
    piece = sentence[start:].strip(" ,;")
    if piece:
        clauses.append(Clause(piece, sentence.index(piece, start), cue))
    return tuple(clauses) or (Clause(sentence, 0, False),)


# A line that goes on from the one before: it starts in lower case, or the line before stops
# on a comma or a word that needs more ("of", "and", "the").
_GOES_ON_RE = re.compile(r"^[a-z(]")
_OPEN_END_RE = re.compile(r"(?:,|\b(?:of|and|the|in|on|at|to|by|for|a|an|with|from|near))$")


def _unwrapped(lines: list[str]) -> list[str]:
    """Lines joined where a paragraph was wrapped (plain-text mail, PDF copies): "... the
    Tillaberi region," + "killing 12 traders ..." is one line; blank lines stay apart."""
    result: list[str] = []
    for line in lines:
        previous = result[-1] if result else ""
        if (
            line
            and len(previous) >= 40
            and previous[-1] not in _TERMINAL
            and (_GOES_ON_RE.match(line) or _OPEN_END_RE.search(previous))
        ):
            result[-1] = f"{previous} {line}"
        else:
            result.append(line)
    return result


def prepare(text: str, title: str | None = None) -> Article:
    """Clean an article body into sentences (deduplicated, datelines and captions removed)."""
    raw_lines = _unwrapped([" ".join(line.split()) for line in text.replace("\r", "").split("\n")])
    seen: set[str] = set()
    dateline: str | None = None
    sentences: list[Sentence] = []
    paragraph = 0
    first_line: str | None = None
    for line in raw_lines:
        if not line:
            continue
        if line in seen:
            continue  # pages repeat the headline and captions
        seen.add(line)
        if _is_furniture(line):
            continue
        found, rest = strip_dateline(line)
        if found is not None:
            dateline = dateline or found
            line = rest
        if first_line is None:
            first_line = line
        heading = _is_heading(line)
        paragraph += 1
        spans = [(0, len(line))] if heading else split_sentences(line)
        for start, end in spans:
            body = line[start:end].strip()
            if len(body) < 3:
                continue
            sentences.append(
                Sentence(
                    index=len(sentences),
                    text=body,
                    paragraph=paragraph,
                    heading=heading,
                    clauses=split_clauses(body),
                )
            )
    if title is None and sentences and sentences[0].heading:
        title = sentences[0].text
    elif title and title.strip() not in seen:
        # A title given apart from the text (a feed item's title) still counts as a heading.
        title_text = " ".join(title.split())
        sentences.insert(0, Sentence(0, title_text, 0, True, split_clauses(title_text)))
        sentences = [
            Sentence(i, s.text, s.paragraph, s.heading, s.clauses) for i, s in enumerate(sentences)
        ]
    return Article(title=title, dateline=dateline, sentences=tuple(sentences))


# A description set off by commas (", which has been under blockade for years,"): it says
# nothing about whether the clause's own event is context, nor about its toll.
_DESCRIPTION_RE = re.compile(r",\s+(?:which|where|whose)\b[^,;]*")


def without_descriptions(text: str) -> str:
    """``text`` with its comma-set descriptions (", which ...", ", where ...") blanked."""
    return _DESCRIPTION_RE.sub(" ", text) if ", wh" in text else text
