"""Inline-button data as typed values: one codec turns each into at most 64 bytes and back.

Every button the bot draws is one of the dataclasses below; ``encode`` writes its wire form
(``sub:place:gn:99532``, ``ls:p:1:7d:gn:99532``) and ``decode`` reads it back, or gives None for
data that is not ours or no longer valid. The wire forms are those of earlier versions, so the
buttons on messages already in chats keep working.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.domain import SubscriptionKind
from bot.services.periods import canonical_period

CALLBACK_MAX = 64  # bytes: Telegram's limit on callback data

# Kinds in button data: the short form where space is tight, the name where it is read.
_SHORT = {SubscriptionKind.PLACE: "p", SubscriptionKind.ADMIN1: "a", SubscriptionKind.ACTOR: "f"}
_NAME = {
    SubscriptionKind.PLACE: "place",
    SubscriptionKind.ADMIN1: "admin1",
    SubscriptionKind.ACTOR: "actor",
}
_KIND_OF = {code: kind for table in (_SHORT, _NAME) for kind, code in table.items()}


def period_code(period_text: str | None) -> str:
    """A period for button data: its Latin form, no spaces or colons (Arabic would not fit)."""
    if not period_text:
        return ""
    return canonical_period(period_text).replace(" ", "_").replace(":", "")[:24]


def period_text(code: str) -> str | None:
    """The period a button's code stands for (None: no period)."""
    return code.replace("_", " ") if code else None


def _kind(code: str) -> SubscriptionKind | None:
    return _KIND_OF.get(code)


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 12 else None


@dataclass(frozen=True)
class LatestPage:
    """A page of /latest."""

    size: int
    page: int


@dataclass(frozen=True)
class TargetPage:
    """A page of the incidents of a place, governorate or faction in a period."""

    kind: SubscriptionKind
    key: str
    period: str = ""
    page: int = 1


@dataclass(frozen=True)
class TargetStats:
    """The numbers (and chart) of a target in a period."""

    kind: SubscriptionKind
    key: str
    period: str = ""


@dataclass(frozen=True)
class TargetMap:
    """The map of a target in a period."""

    kind: SubscriptionKind
    key: str
    period: str = ""


@dataclass(frozen=True)
class SearchPage:
    """A page of a /search, by the token of its words (kept in memory)."""

    token: str
    page: int


@dataclass(frozen=True)
class Subscribe:
    """Subscribe this chat to a target, optionally only to incidents with N+ killed."""

    kind: SubscriptionKind
    key: str
    min_killed: int = 0


UnsubscribeStep = Literal["ask-all", "all", "keep"]


@dataclass(frozen=True)
class Unsubscribe:
    """Remove one subscription (by id), or the steps of removing them all."""

    subscription_id: int | None = None
    step: UnsubscribeStep | None = None


SettingsAction = Literal["digest-on", "digest-off", "quiet-on", "quiet-off", "subscriptions"]


@dataclass(frozen=True)
class SettingsChoice:
    """A button under /settings."""

    action: SettingsAction


MenuItem = Literal["latest", "sub", "settings", "help"]


@dataclass(frozen=True)
class Menu:
    """A button under the /start greeting."""

    item: MenuItem


@dataclass(frozen=True)
class ShowLocation:
    """An incident's place as a Telegram venue."""

    incident_id: int


@dataclass(frozen=True)
class RemoveFeed:
    """Remove a feed (admins)."""

    feed_id: int


ReviewVerb = Literal["ok", "no", "place", "toll", "same", "split", "show"]
_REVIEW_VERBS: tuple[ReviewVerb, ...] = ("ok", "no", "place", "toll", "same", "split", "show")


@dataclass(frozen=True)
class ReviewAction:
    """A reviewer's decision about an incident (Confirm, Not an incident, Wrong place ...)."""

    verb: ReviewVerb
    incident_id: int


@dataclass(frozen=True)
class ReviewQueuePage:
    """A page of /review."""

    page: int


ProblemKind = Literal["", "place", "not", "toll", "dup"]
_PROBLEM_KINDS: tuple[ProblemKind, ...] = ("", "place", "not", "toll", "dup")


@dataclass(frozen=True)
class ReportProblem:
    """ "Report a problem" under an alert or /incident; with a kind once the user chose it."""

    incident_id: int
    kind: ProblemKind = ""


ReviewSettingAction = Literal["here", "admins", "alerts-on", "alerts-off", "wait"]
_REVIEW_SETTINGS: tuple[ReviewSettingAction, ...] = (
    "here",
    "admins",
    "alerts-on",
    "alerts-off",
    "wait",
)


@dataclass(frozen=True)
class ReviewSettingChoice:
    """A button under /review_settings (``hours`` for the maximum wait)."""

    action: ReviewSettingAction
    hours: int = 0


@dataclass(frozen=True)
class ChooseLanguage:
    """Set the chat's interface language ("en", "ar")."""

    code: str


@dataclass(frozen=True)
class Noop:
    """A button that only shows something (the page counter)."""


Callback = (
    LatestPage
    | TargetPage
    | TargetStats
    | TargetMap
    | SearchPage
    | Subscribe
    | Unsubscribe
    | SettingsChoice
    | Menu
    | ShowLocation
    | RemoveFeed
    | ReviewAction
    | ReviewQueuePage
    | ReportProblem
    | ReviewSettingChoice
    | ChooseLanguage
    | Noop
)

_UNSUBSCRIBE_STEPS: dict[str, UnsubscribeStep] = {
    "all": "ask-all",
    "all:yes": "all",
    "all:no": "keep",
}
_SETTINGS: dict[str, SettingsAction] = {
    "d:on": "digest-on",
    "d:off": "digest-off",
    "q:on": "quiet-on",
    "q:off": "quiet-off",
    "subs": "subscriptions",
}
_MENU: tuple[MenuItem, ...] = ("latest", "sub", "settings", "help")


def _wire(callback: Callback) -> str:
    match callback:
        case LatestPage(size, page):
            return f"lt:{size}:{page}"
        case TargetPage(kind, key, period, page):
            return f"ls:{_SHORT[kind]}:{page}:{period}:{key}"
        case TargetStats(kind, key, period):
            return f"st:{_SHORT[kind]}:{period}:{key}"
        case TargetMap(kind, key, period):
            return f"mp:{_SHORT[kind]}:{period}:{key}"
        case SearchPage(token, page):
            return f"sr:{token}:{page}"
        case Subscribe(kind, key, min_killed):
            return f"sub:{_NAME[kind]}:{key}" + (f"@{min_killed}" if min_killed else "")
        case Unsubscribe(subscription_id, step):
            if step is not None:
                return "un:" + next(k for k, v in _UNSUBSCRIBE_STEPS.items() if v == step)
            return f"un:{subscription_id}"
        case SettingsChoice(action):
            return "set:" + next(k for k, v in _SETTINGS.items() if v == action)
        case Menu(item):
            return f"m:{item}"
        case ShowLocation(incident_id):
            return f"loc:{incident_id}"
        case RemoveFeed(feed_id):
            return f"feed:rm:{feed_id}"
        case ReviewAction(verb, incident_id):
            return f"rv:{verb}:{incident_id}"
        case ReviewQueuePage(page):
            return f"rvp:{page}"
        case ReportProblem(incident_id, kind):
            return f"rp:{incident_id}" + (f":{kind}" if kind else "")
        case ReviewSettingChoice(action, hours):
            return f"rvs:{action}" + (f":{hours}" if hours else "")
        case ChooseLanguage(code):
            return f"lang:{code}"
        case Noop():
            return "noop"


def encode(callback: Callback) -> str | None:
    """The button data for ``callback``, or None when it would not fit in 64 bytes."""
    data = _wire(callback)
    return data if len(data.encode()) <= CALLBACK_MAX else None


def _target_fields(rest: str, parts: int) -> list[str] | None:
    fields = rest.split(":", parts - 1)
    if len(fields) != parts or _kind(fields[0]) is None or not fields[-1]:
        return None
    return fields


def _decode_target(prefix: str, rest: str) -> Callback | None:
    if prefix == "ls":
        fields = _target_fields(rest, 4)
        page = _number(fields[1]) if fields else None
        if fields is None or page is None:
            return None
        kind, key = _KIND_OF[fields[0]], fields[3]
        return TargetPage(kind, key, fields[2], page)
    fields = _target_fields(rest, 3)
    if fields is None:
        return None
    kind, period, key = _KIND_OF[fields[0]], fields[1], fields[2]
    return TargetStats(kind, key, period) if prefix == "st" else TargetMap(kind, key, period)


def _decode_pair(prefix: str, rest: str) -> Callback | None:
    first, _, second = rest.partition(":")
    page = _number(second)
    if prefix == "lt":
        size = _number(first)
        return LatestPage(size, page) if size is not None and page is not None else None
    return SearchPage(first, page) if first and page is not None else None


def _decode_subscribe(rest: str) -> Callback | None:
    kind_code, _, key = rest.partition(":")
    key, _, threshold = key.partition("@")
    kind = _kind(kind_code)
    if kind is None or not key:
        return None
    return Subscribe(kind, key, int(threshold) if threshold.isdigit() else 0)


def _decode_unsubscribe(rest: str) -> Callback | None:
    if rest in _UNSUBSCRIBE_STEPS:
        return Unsubscribe(step=_UNSUBSCRIBE_STEPS[rest])
    number = _number(rest)
    return Unsubscribe(subscription_id=number) if number is not None else None


def _decode_simple(prefix: str, rest: str) -> Callback | None:
    if prefix == "lang":
        return ChooseLanguage(rest) if rest.isascii() and rest.isalpha() and rest else None
    if prefix == "set":
        return SettingsChoice(_SETTINGS[rest]) if rest in _SETTINGS else None
    if prefix == "m":
        return next((Menu(item) for item in _MENU if item == rest), None)
    number = _number(rest.removeprefix("rm:") if prefix == "feed" else rest)
    if number is None or (prefix == "feed" and not rest.startswith("rm:")):
        return None
    return ShowLocation(number) if prefix == "loc" else RemoveFeed(number)


def _decode_review(prefix: str, rest: str) -> Callback | None:
    """``rv:<verb>:<id>``, ``rvp:<page>``, ``rp:<id>[:<kind>]``, ``rvs:<action>[:<hours>]``."""
    first, _, second = rest.partition(":")
    if prefix == "rvp":
        page = _number(rest)
        return ReviewQueuePage(page) if page is not None else None
    if prefix == "rv":
        verb = next((v for v in _REVIEW_VERBS if v == first), None)
        number = _number(second)
        return ReviewAction(verb, number) if verb is not None and number is not None else None
    if prefix == "rp":
        number = _number(first)
        kind = next((k for k in _PROBLEM_KINDS if k == second), None)
        return ReportProblem(number, kind) if number is not None and kind is not None else None
    action = next((a for a in _REVIEW_SETTINGS if a == first), None)
    hours = _number(second) if second else 0
    return ReviewSettingChoice(action, hours) if action is not None and hours is not None else None


_DECODERS: dict[str, Callable[[str, str], Callback | None]] = {
    "rv": _decode_review,
    "rvp": _decode_review,
    "rp": _decode_review,
    "rvs": _decode_review,
    "lt": _decode_pair,
    "sr": _decode_pair,
    "ls": _decode_target,
    "st": _decode_target,
    "mp": _decode_target,
    "sub": lambda _prefix, rest: _decode_subscribe(rest),
    "un": lambda _prefix, rest: _decode_unsubscribe(rest),
    "set": _decode_simple,
    "m": _decode_simple,
    "loc": _decode_simple,
    "feed": _decode_simple,
    "lang": _decode_simple,
}


def decode(data: str | None) -> Callback | None:
    """The typed button behind ``data``, or None for data that is not (or no longer) ours."""
    if not data:
        return None
    if data == "noop":
        return Noop()
    prefix, _, rest = data.partition(":")
    decoder = _DECODERS.get(prefix)
    return decoder(prefix, rest) if decoder is not None else None


def matching(*kinds: type[Callback]) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern: true for data that decodes to one of ``kinds``."""

    def check(data: object) -> bool:
        return isinstance(data, str) and isinstance(decode(data), kinds)

    return check
