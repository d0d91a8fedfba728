"""The words people type for periods, Arabic and English, as data: normalised to one Latin form.

``latin_period("في آب ٢٠٢٢")`` gives ``"in august 2022"``, which :mod:`bot.services.periods`
parses. Arabic is folded first (hamza forms, alef maqsura, ta marbuta, diacritics, tatweel), so
one table entry covers every spelling. Both month-name families are understood: the Levantine
and Iraqi names (كانون الثاني، شباط …) and the Egyptian ones (يناير، فبراير …).
"""

from __future__ import annotations

import re

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_DIACRITICS = re.compile("[\u064b-\u0652\u0640]")  # harakat and tatweel
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def _words(text: str) -> tuple[str, ...]:
    """The words of a table line (tables read better as text than as lists of quoted words)."""
    return tuple(text.split())


MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
MONTH_NAMES = _words(
    "January February March April May June July August September October November December"
)
WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
WEEKDAY_NAMES = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
NUMBER_WORDS: dict[str, str] = {
    "a": "1",
    "an": "1",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fourteen": "14",
    "thirty": "30",
}

# Several-word Arabic phrases first (already folded), replaced before single words.
_ARABIC_PHRASES: tuple[tuple[str, str], ...] = (
    (r"كانون الثاني", "january"),
    (r"تشرين الاول", "october"),
    (r"تشرين الثاني", "november"),
    (r"كانون الاول", "december"),
    (r"(?:الاسبوع|الاسبوعين) (?:الماضي|المنصرم|الفائت)", "last week"),
    (r"(?:الشهر) (?:الماضي|المنصرم|الفائت)", "last month"),
    (r"(?:السنه|العام) (?:الماضي|الماضيه|المنصرم|المنصرمه|الفائت|الفائته)", "last year"),
    (r"هذا الاسبوع", "this week"),
    (r"هذا الشهر", "this month"),
    (r"(?:هذه السنه|هذا العام)", "this year"),
    (r"(?:منذ|من) يوم", "since"),
    (r"(?:عام|سنه) (\d{4})", r"\1"),
    (r"الاربع والعشرين ساعه", "24 hours"),
)
# One Arabic word (folded) -> its Latin form.
_ARABIC_WORDS: dict[str, str] = {
    "ساعه": "hours",
    "ساعات": "hours",
    "الساعات": "hours",
    "يوم": "days",
    "ايام": "days",
    "الايام": "days",
    "اسبوع": "weeks",
    "اسابيع": "weeks",
    "الاسابيع": "weeks",
    "شهر": "months",
    "اشهر": "months",
    "شهور": "months",
    "الاشهر": "months",
    "الشهور": "months",
    "سنه": "years",
    "سنوات": "years",
    "سنين": "years",
    "ساعتين": "2 hours",
    "يومين": "2 days",
    "اسبوعين": "2 weeks",
    "شهرين": "2 months",
    "سنتين": "2 years",
    "اليوم": "today",
    "امس": "yesterday",
    "الامس": "yesterday",
    "البارحه": "yesterday",
    "منذ": "since",
    "من": "from",
    "اخر": "last",
    "خلال": "in",
    "في": "in",
    "الماضيه": "past",
    "الماضي": "past",
    "الاخيره": "past",
    "الاخير": "past",
    "المنصرمه": "past",
    "الفائته": "past",
    # numbers 1-10 as words (masculine and feminine forms)
    "واحد": "1",
    "ثلاث": "3",
    "ثلاثه": "3",
    "اربع": "4",
    "اربعه": "4",
    "خمس": "5",
    "خمسه": "5",
    "ست": "6",
    "سته": "6",
    "سبع": "7",
    "سبعه": "7",
    "ثماني": "8",
    "ثمانيه": "8",
    "تسع": "9",
    "تسعه": "9",
    "عشر": "10",
    "عشره": "10",
    # weekdays (with the article, as they are written)
    "الاثنين": "monday",
    "الثلاثاء": "tuesday",
    "الاربعاء": "wednesday",
    "الخميس": "thursday",
    "الجمعه": "friday",
    "السبت": "saturday",
    "الاحد": "sunday",
    # months: Levantine/Iraqi one-word names and the Egyptian names
    "شباط": "february",
    "اذار": "march",
    "نيسان": "april",
    "ايار": "may",
    "حزيران": "june",
    "تموز": "july",
    "اب": "august",
    "ايلول": "september",
    "يناير": "january",
    "فبراير": "february",
    "مارس": "march",
    "ابريل": "april",
    "مايو": "may",
    "يونيو": "june",
    "يونيه": "june",
    "يوليو": "july",
    "يوليه": "july",
    "اغسطس": "august",
    "سبتمبر": "september",
    "اكتوبر": "october",
    "نوفمبر": "november",
    "ديسمبر": "december",
}
_PHRASES = [(re.compile(rf"(?<!\S){pattern}(?!\S)"), repl) for pattern, repl in _ARABIC_PHRASES]
_ARABIC = re.compile("[\u0600-\u06ff]")
# "days 3 past" (from "الأيام الثلاثة الماضية") and "3 days past" read as "last 3 days".
_UNIT = r"(hours|days|weeks|months|years)"
_UNIT_FIRST = re.compile(rf"^(?:last\s+)?{_UNIT}\s+(\d+)(?:\s+past)?$")
_PAST_SUFFIX = re.compile(rf"^(?:last\s+)?(\d+\s+{_UNIT})\s+past$")
_LEADING = re.compile(r"^(?:(?:in|during|over|within|for|of)\s+)?(?:the\s+)?")
_LAST_WORDS = re.compile(r"^(?:past|previous|recent|last)\s+")
_TRAILING_PUNCT = re.compile(r"[\s?!.,;:؟،؛]+$")


def fold_arabic(text: str) -> str:
    """Arabic letters in one spelling: no harakat or tatweel, bare alef, ya, ha for ta marbuta."""
    return _DIACRITICS.sub("", text).translate(_LETTERS)


def _arabic_word(word: str) -> str:
    """One folded Arabic word in its Latin form; unknown words come back unchanged."""
    if found := _ARABIC_WORDS.get(word):
        return found
    # "بالأمس", "والبارحة": a one-letter proclitic on a period word.
    if word[:1] in "بول" and (found := _ARABIC_WORDS.get(word[1:])):
        return found
    # "الثلاثة" in "الأيام الثلاثة الماضية": a number word with the article.
    if word.startswith("ال") and (found := _ARABIC_WORDS.get(word[2:])) and found.isdigit():
        return found
    return word


def latin_period(text: str) -> str:
    """A period as typed (Arabic or English) in the one Latin form the parser reads."""
    cleaned = text.translate(_DIGITS).strip().lower()
    if _ARABIC.search(cleaned):
        cleaned = fold_arabic(cleaned)
        for pattern, repl in _PHRASES:
            cleaned = pattern.sub(repl, cleaned)
        cleaned = " ".join(_arabic_word(word) for word in cleaned.split())
    cleaned = _TRAILING_PUNCT.sub("", cleaned)
    cleaned = " ".join(NUMBER_WORDS.get(word, word) for word in cleaned.split())
    cleaned = _LEADING.sub("", cleaned, count=1)
    cleaned = _LAST_WORDS.sub("last ", cleaned, count=1)
    if match := _UNIT_FIRST.match(cleaned):
        cleaned = f"last {match.group(2)} {match.group(1)}"
    elif match := _PAST_SUFFIX.match(cleaned):
        cleaned = f"last {match.group(1)}"
    elif cleaned.endswith(" past") and cleaned.split()[0] != "since":
        cleaned = "last " + cleaned.removesuffix(" past").removeprefix("last ")
    return cleaned
