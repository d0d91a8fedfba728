"""Teaching Sitrep from the chat: /place_add, /places, /place_remove, /actor_alias, /actor_add,
/actor_alias_remove.

Admins only. Each command parses its arguments, calls ``LearningService`` and says what was
learned, or why nothing was (in the chat's language). A refusal changes nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

from telegram import Update

from bot.domain.learning import LocalPlace
from bot.services.errors import N_, UserError
from bot.services.learning import LearningError, LearningService
from handlers import names
from handlers.common import AnyApplication, Context, Toolkit, arg_text, error_text, send
from handlers.html import esc
from handlers.i18n import isolate, join_names, t

logger = logging.getLogger(__name__)
T = TypeVar("T")
REFRESH_JOB = "learning-refresh"
REFRESH_SECONDS = 60.0
# Longer arguments are pastes, not a name and a point: refused before any parsing.
MAX_ARGUMENT_CHARS = 400
PLACES_SHOWN = 50
# Straight or typographic quotes (phones turn "..." into “...”); not single quotes, which
# names contain ("Kata'ib").
_QUOTED = re.compile(r'^\s*(?:"([^"]*)"|“([^”]*)”|«([^»]*)»)\s*(.*)$', re.DOTALL)
_POINT = re.compile(
    r"^(?P<name>.*?)\s*(?P<lat>[-+]?\d{1,3}(?:\.\d+)?)\s*,\s*(?P<lon>[-+]?\d{1,3}(?:\.\d+)?)"
    r"(?P<rest>(?:\s.*)?)$",
    re.DOTALL,
)
_INCIDENT = re.compile(r"^#?(\d{1,12})$")
PLACE_ADD_USAGE = N_(
    'Usage: <code>/place_add "Tell Foo" 36.21,42.95</code> (optionally followed by '
    "the country code, the governorate and the incident number, e.g. IQ Nineveh #12)."
)
PLACE_REMOVE_USAGE = N_("Usage: <code>/place_remove 3</code> (the number /places shows).")
ACTOR_ALIAS_USAGE = N_(
    'Usage: <code>/actor_alias "Kata\'ib Sayyid al-Shuhada" KSS</code> (the new name '
    "in quotes, then the faction's id, name or a name it already has)."
)
ACTOR_ALIAS_REMOVE_USAGE = N_('Usage: <code>/actor_alias_remove "Example Companies"</code>')
ACTOR_ADD_USAGE = N_(
    'Usage: <code>/actor_add "Saraya Example" political_militia IQ</code> (type: '
    "state_forces, rebel_group, political_militia, identity_militia, rioters, "
    "protesters, civilians or external_forces; the country is optional)."
)


@dataclass(frozen=True)
class PlaceRequest:
    """What /place_add asked for."""

    name: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None
    incident_id: int | None


def split_quoted(text: str) -> tuple[str, str] | None:
    """The quoted name and the rest (``"Tell Foo" IQ`` -> Tell Foo, IQ); None if unquoted."""
    match = _QUOTED.match(text)
    if match is None:
        return None
    quoted = next(group for group in match.groups()[:3] if group is not None)
    return quoted, match.group(4).strip()


def parse_place(text: str) -> PlaceRequest | None:
    """'"Tell Foo" 36.2,42.9 [IQ] [Nineveh] [#12]' as a request; None when it is not one."""
    quoted = split_quoted(text)
    if quoted is not None:
        name, rest = quoted
        match = _POINT.match(" " + rest)
        if match is None or match.group("name").strip():
            return None
    else:
        match = _POINT.match(text)
        if match is None:
            return None
        name = match.group("name")
    country: str | None = None
    incident: int | None = None
    words: list[str] = []
    for word in match.group("rest").split():
        found = _INCIDENT.match(word)
        if found is not None and word.startswith("#"):
            incident = int(found.group(1))
        elif country is None and not words and len(word) == 2 and word.isalpha():
            country = word.upper()
        else:
            words.append(word)
    return PlaceRequest(
        name=name.strip(),
        lat=float(match.group("lat")),
        lon=float(match.group("lon")),
        country=country,
        admin1=" ".join(words) or None,
        incident_id=incident,
    )


# Values that name a faction by its registry name: said in its Arabic form where there is one.
_ACTOR_VALUES = frozenset({"actor", "other"})


def refusal(language: str, exc: LearningError) -> str:
    """Why nothing was learned, in the chat's language (HTML): the service's template
    translated, the admin's own words and the names shown as typed, isolated."""
    values = {
        key: names.name(language, str(value)) if key in _ACTOR_VALUES else value
        for key, value in exc.values.items()
    }
    said = UserError(exc.template, values=values)
    return esc(error_text(said, language))


def place_line(language: str, place: LocalPlace) -> str:
    """ "#3 Tell Foo (Nineveh, IQ) 36.21,42.95" (HTML)."""
    admin1 = names.place(language, place.admin1) if place.admin1 else None
    where = join_names(language, [x for x in (admin1, isolate(language, place.country)) if x])
    return t(
        language,
        "#{id} <b>{name}</b> ({where}) {lat},{lon}",
        id=place.id,
        name=esc(isolate(language, place.name)),
        where=esc(where),
        lat=place.lat,
        lon=place.lon,
    )


class LearningHandlers:
    """Admins teach places and actor names; everyone else is refused."""

    def __init__(self, kit: Toolkit, learning: LearningService) -> None:
        """Bind to the shared toolkit and the learning service."""
        self.kit = kit
        self.learning = learning

    def register(self, application: AnyApplication) -> None:
        """The commands (new messages only), and a reload of what was taught elsewhere
        (another instance, ``sitrep places import``) every minute, for /city and /faction."""
        if application.job_queue is not None:
            application.job_queue.run_repeating(
                self._refresh, interval=REFRESH_SECONDS, first=REFRESH_SECONDS, name=REFRESH_JOB
            )
        self.kit.add_commands(
            application,
            {
                "place_add": self.cmd_place_add,
                "places": self.cmd_places,
                "place_remove": self.cmd_place_remove,
                "actor_alias": self.cmd_actor_alias,
                "actor_add": self.cmd_actor_add,
                "actor_alias_remove": self.cmd_actor_alias_remove,
            },
        )

    async def _refresh(self, context: Context) -> None:
        try:
            await self.learning.refresh()
        except Exception:  # the next tick or extraction tries again; the bot goes on
            logger.exception("could not reload learned places and aliases")

    async def _admin_language(self, update: Update) -> str | None:
        """The chat's language for an admin; None (after saying so) for anyone else."""
        language = await self.kit.language(update)
        if not self.kit.sender_is_admin(update):
            await send(
                update, esc(t(language, "Sorry, only Sitrep's admins can do that.")), lang=language
            )
            return None
        return language

    async def _admin_argument(self, update: Update, usage: str) -> tuple[str, str, str] | None:
        """For an admin with an argument: (language, usage text, argument); None after saying
        why not. ``usage`` is the English usage text (marked with ``N_``)."""
        language = await self._admin_language(update)
        if language is None:
            return None
        said = t(language, usage)
        text = await self._argument(update, language, said)
        return None if text is None else (language, said, text)

    async def _learn(self, update: Update, language: str, change: Awaitable[T]) -> T | None:
        """What ``change`` returns; None after telling the admin why it was refused."""
        try:
            return await change
        except LearningError as exc:
            await send(update, refusal(language, exc), lang=language)
            return None

    async def _argument(self, update: Update, language: str, usage: str) -> str | None:
        text = arg_text(update)
        if len(text) > MAX_ARGUMENT_CHARS:
            await send(
                update,
                t(
                    language,
                    "That is too long for me ({length} characters; at most {limit} here).",
                    length=len(text),
                    limit=MAX_ARGUMENT_CHARS,
                ),
                lang=language,
            )
            return None
        if not text:
            await send(update, usage, lang=language)
            return None
        return text

    async def cmd_place_add(self, update: Update, context: Context) -> None:
        """/place_add "name" lat,lon [country] [governorate] [#incident]."""
        asked = await self._admin_argument(update, PLACE_ADD_USAGE)
        if asked is None:
            return
        language, usage, text = asked
        request = parse_place(text)
        if request is None:
            await send(update, usage, lang=language)
            return
        user = update.effective_user
        place = await self._learn(
            update,
            language,
            self.learning.learn_place(
                request.name,
                request.lat,
                request.lon,
                country=request.country,
                admin1=request.admin1,
                added_by=user.id if user else 0,
                incident_id=request.incident_id,
            ),
        )
        if place is None:
            return
        text = t(
            language,
            "Learned {place}. Reports from now on find it in {country} articles.",
            place=place_line(language, place),
            country=esc(isolate(language, place.country)),
        )
        near = await self.learning.nearest_town(place)
        if near is not None:
            town, km = near
            text += "\n" + t(
                language,
                "That point is {km} km from {town}.",
                km=round(km),
                town=esc(names.place(language, town)),
            )
        await send(update, text, lang=language)

    async def cmd_places(self, update: Update, context: Context) -> None:
        """/places: the local places admins taught."""
        language = await self._admin_language(update)
        if language is None:
            return
        places = await self.learning.local_places()
        if not places:
            await send(
                update, t(language, "No local places yet. Add one with /place_add."), lang=language
            )
            return
        lines = [place_line(language, place) for place in places[-PLACES_SHOWN:]]
        header = t(language, "Local places ({count}):", count=len(places))
        await send(update, "\n".join([header, *lines]), lang=language)

    async def cmd_place_remove(self, update: Update, context: Context) -> None:
        """/place_remove N: forget a local place."""
        asked = await self._admin_argument(update, PLACE_REMOVE_USAGE)
        if asked is None:
            return
        language, usage, text = asked
        found = _INCIDENT.match(text.strip())
        if found is None:
            await send(update, usage, lang=language)
            return
        if await self.learning.remove_place(int(found.group(1))):
            said = t(language, "Local place #{id} forgotten.", id=found.group(1))
        else:
            said = t(language, "There is no local place #{id}.", id=found.group(1))
        await send(update, said, lang=language)

    async def cmd_actor_alias(self, update: Update, context: Context) -> None:
        """/actor_alias "alias" actor (registry id, name or alias)."""
        asked = await self._admin_argument(update, ACTOR_ALIAS_USAGE)
        if asked is None:
            return
        language, usage, text = asked
        parts = split_quoted(text)
        if parts is None or not parts[1]:
            await send(update, usage, lang=language)
            return
        user = update.effective_user
        learned = await self._learn(
            update,
            language,
            self.learning.add_actor_alias(parts[0], parts[1], added_by=user.id if user else None),
        )
        if learned is None:
            return
        actor, alias = learned
        await send(
            update,
            t(
                language,
                "From now on {alias} means {actor} ({id}).",
                alias=f"<b>{esc(isolate(language, alias))}</b>",
                actor=esc(names.actor(language, actor)),
                id=esc(isolate(language, actor.id)),
            ),
            lang=language,
        )

    async def cmd_actor_alias_remove(self, update: Update, context: Context) -> None:
        """/actor_alias_remove "alias": forget a name an admin added."""
        asked = await self._admin_argument(update, ACTOR_ALIAS_REMOVE_USAGE)
        if asked is None:
            return
        language, _usage, text = asked
        parts = split_quoted(text)
        alias = parts[0] if parts else text
        actors = await self._learn(update, language, self.learning.remove_actor_alias(alias))
        if actors is None:
            return
        await send(
            update,
            t(
                language,
                "{alias} no longer names {actors}.",
                alias=f"<b>{esc(isolate(language, alias))}</b>",
                actors=esc(join_names(language, [names.actor(language, a) for a in actors])),
            ),
            lang=language,
        )

    async def cmd_actor_add(self, update: Update, context: Context) -> None:
        """/actor_add "name" type [country]: an actor the registry lacks."""
        asked = await self._admin_argument(update, ACTOR_ADD_USAGE)
        if asked is None:
            return
        language, usage, text = asked
        parts = split_quoted(text)
        words = parts[1].split() if parts is not None else []
        if parts is None or not 1 <= len(words) <= 2:
            await send(update, usage, lang=language)
            return
        user = update.effective_user
        actor = await self._learn(
            update,
            language,
            self.learning.add_actor(
                parts[0],
                words[0],
                words[1] if len(words) > 1 else None,
                added_by=user.id if user else 0,
            ),
        )
        if actor is None:
            return
        await send(
            update,
            t(
                language,
                "Added {actor} ({id}). Add other names with /actor_alias.",
                actor=f"<b>{esc(names.actor(language, actor))}</b>",
                id=esc(isolate(language, actor.id)),
            ),
            lang=language,
        )
