"""Review from the chat: the queue, the reviewers' decisions, and subscribers' reports.

* An incident held back as unconfirmed (below the alert threshold) and one a subscriber
  reported go to the review queue; the reviewers (the admins, or a review group chat) get one
  review message per incident through the outbox (key ``review:<chat>:<incident>:<queued>``).
* Confirm: the incident becomes trusted (confidence 1, a revision says who and why) and its
  held-back alerts go out; the outbox keys (``alert:<chat>:<incident>``) keep them to once.
* Not an incident: the incident is retracted (hidden from answers and digests), alerts not
  yet sent are cancelled and every chat that got one gets a correction replying to it.
* Corrections of toll and place, merges and splits live in :mod:`bot.services.corrections`.
* Every decision resolves the queue item and the subscribers' reports; each reporter is told.
* Settings (kept in ``meta``): who reviews, whether an unconfirmed incident nobody decided on
  within the maximum wait may alert (marked unconfirmed), and that maximum wait.

Errors a reviewer can fix raise :class:`ReviewRefused` with a code the handlers translate.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic_core import to_jsonable_python

from bot.domain import (
    Chat,
    ChatType,
    CorrectionPayload,
    FeedbackResolvedPayload,
    Incident,
    IncidentRevision,
    IncidentStatus,
    Location,
    OutboxKind,
    OutboxMessage,
    ReviewPayload,
)
from bot.domain.review import (
    FeedbackKind,
    FeedbackReport,
    IncidentLink,
    ReviewItem,
    ReviewReason,
)
from bot.ports import Clock, PlaceLearner
from bot.services.alerts import AlertPlanner
from bot.services.errors import N_, UserError
from bot.services.outbox import Outbox
from storage.base import Storage

log = logging.getLogger(__name__)

META_REVIEW_CHAT = "review.chat"
META_UNCONFIRMED_ALERTS = "review.unconfirmed_alerts"
META_MAX_WAIT_HOURS = "review.max_wait_hours"
DEFAULT_MAX_WAIT_HOURS = 24
MAX_WAIT_CHOICES = (6, 24, 72, 168)
REPORTS_PER_HOUR = 5  # per user: enough for real problems, too few to flood the reviewers
CONFIRMED_REASON = "confirmed by a reviewer"
MAX_REASON_CHARS = 300


# What each refusal says (English templates, translated where the chat's language is known).
REFUSALS: dict[str, str] = {
    "no_incident": N_("There is no incident #{id}."),
    "already_retracted": N_("Incident #{id} was already withdrawn."),
    "already_merged": N_("Incident #{id} was already merged into another."),
    "already_hidden": N_("Incident #{id} was already withdrawn or merged."),
    "already_reported": N_("You already reported incident #{id}; thank you."),
    "too_many_reports": N_("You can report at most {limit} problems an hour; please wait."),
    "merge_self": N_("An incident cannot be the same as itself."),
    "not_merged": N_("Incident #{id} is not merged with another."),
    "bad_wait": N_("Choose one of: {choices} hours."),
    "same_form": N_("Reply with the incident's number, e.g. #42."),
    "not_reviewer": N_("Only reviewers can do this."),
    "expired_question": N_("That question has expired; press the button again."),
    "too_long": N_("That is too long ({length} characters; at most {limit} here)."),
    "markup": N_("Please write plain text, without < > or &."),
    "toll_form": N_("Please give killed, injured and who said so, e.g. 3 5 Health ministry."),
    "toll_range": N_("Each figure must be a whole number from 0 to {limit}."),
    "place_form": N_("Please give a place name, or 'lat,lon name'."),
    "place_name": N_("A place name needs letters and at most {limit} characters."),
    "bad_point": N_(
        "Those coordinates are not a place on Earth (latitude -90 to 90, longitude -180 to 180)."
    ),
    "unknown_place": N_(
        "I don't know a place called {name}. Did you mean: {suggestions}? You can also reply "
        "'lat,lon name' or share a location."
    ),
    "unknown_place_only": N_(
        "I don't know a place called {name}. Reply 'lat,lon name' or share a location."
    ),
}
UNKNOWN_REFUSAL = N_("That could not be done; nothing was changed.")


class ReviewRefused(Exception):
    """A decision that cannot be taken; ``code`` names the reason, ``template`` is what to say
    (English, from ``REFUSALS``) and ``values`` fill it (the chat's language is the handlers')."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values

    @property
    def template(self) -> str:
        """The English text for ``code`` with its ``{placeholders}``."""
        return REFUSALS.get(self.code, UNKNOWN_REFUSAL)

    @property
    def message(self) -> str:
        """The English text filled in (logs, the CLI)."""
        return self.template.format(**self.values)


@dataclass(frozen=True)
class Reviewer:
    """Who takes a decision: a Telegram user id and the name shown in the history."""

    user_id: int
    name: str = ""


@dataclass(frozen=True)
class ReviewSettings:
    """Who reviews and how long an incident may wait."""

    review_chat: int | None = None  # None: each admin in their private chat
    unconfirmed_alerts: bool = False  # after the maximum wait, alert (marked unconfirmed)
    max_wait_hours: int = DEFAULT_MAX_WAIT_HOURS


@dataclass(frozen=True)
class ReviewEntry:
    """One item of ``/review``: the queue row and the incident as it is now."""

    item: ReviewItem
    incident: Incident
    reports: list[FeedbackKind] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewPage:
    """A page of the queue, oldest first."""

    entries: list[ReviewEntry]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class Decision:
    """What a decision did: the incident as stored now and how many messages it queued."""

    incident: Incident
    alerts: int = 0
    corrections: int = 0
    reporters_told: int = 0


def _correction(
    chat: Chat, *, incident: Incident, sent: OutboxMessage, now: dt.datetime
) -> OutboxMessage:
    """The update retracting an incident, replying to what ``sent`` told the chat."""
    assert incident.id is not None
    return OutboxMessage(
        chat_id=chat.id,
        kind=OutboxKind.UPDATE,
        idempotency_key=f"retract:{sent.idempotency_key}",
        payload=CorrectionPayload(
            incident_id=incident.id, summary=incident.summary, language=chat.language
        ),
        next_attempt_at=now,
        reply_to_key=sent.idempotency_key,
        incident_id=incident.id,
    )


def _resolved_notice(
    chat: Chat,
    *,
    report: FeedbackReport,
    incident_id: int,
    summary: str,
    resolution: str,
    now: dt.datetime,
) -> OutboxMessage:
    """Tells a subscriber what became of the incident they reported."""
    return OutboxMessage(
        chat_id=chat.id,
        kind=OutboxKind.NOTICE,
        idempotency_key=f"feedback:{report.id}:resolved",
        payload=FeedbackResolvedPayload(
            incident_id=incident_id, summary=summary, resolution=resolution, language=chat.language
        ),
        next_attempt_at=now,
        incident_id=incident_id,
    )


class ReviewService:
    """The review queue and the reviewers' decisions."""

    def __init__(
        self,
        storage: Storage,
        planner: AlertPlanner,
        clock: Clock,
        admin_ids: Collection[int],
        outbox: Outbox | None = None,
        *,
        place_learner: PlaceLearner | None = None,
    ) -> None:
        self._storage = storage
        self._planner = planner
        self._clock = clock
        self._admin_ids = frozenset(admin_ids)
        self._outbox = outbox or Outbox(storage)
        self._place_learner = place_learner

    async def place_supplied(
        self, location: Location, reviewer: Reviewer, *, incident_id: int | None = None
    ) -> bool:
        """The seam to learning: a place a reviewer supplied that the gazetteer lacked.

        Hands it to the injected :class:`~bot.ports.PlaceLearner` (none in a bare service: the
        correction of the incident stands, nothing is learned). True if the place was learned;
        a place the learner refuses (a big namesake, a point far from any town) stays a
        correction of this incident only.
        """
        if self._place_learner is None or location.lat is None or location.lon is None:
            return False
        try:
            await self._place_learner.learn_place(
                location.name,
                location.lat,
                location.lon,
                country=location.country,
                admin1=location.admin1,
                added_by=reviewer.user_id,
                incident_id=incident_id,
            )
        except UserError as refused:
            log.info("place %r corrected but not learned: %s", location.name, refused)
            return False
        return True

    # -- settings ------------------------------------------------------------------------------

    async def settings(self) -> ReviewSettings:
        """The review settings as stored (defaults when never set)."""
        meta = self._storage.meta
        chat = await meta.get(META_REVIEW_CHAT)
        hours = await meta.get(META_MAX_WAIT_HOURS)
        return ReviewSettings(
            review_chat=int(chat) if chat and chat.lstrip("-").isdigit() else None,
            unconfirmed_alerts=(await meta.get(META_UNCONFIRMED_ALERTS)) == "1",
            max_wait_hours=int(hours) if hours and hours.isdigit() else DEFAULT_MAX_WAIT_HOURS,
        )

    async def set_review_chat(self, chat_id: int | None) -> ReviewSettings:
        """Review in ``chat_id`` (a group), or in each admin's private chat (None)."""
        await self._storage.meta.set(META_REVIEW_CHAT, "" if chat_id is None else str(chat_id))
        return await self.settings()

    async def set_unconfirmed_alerts(self, allowed: bool) -> ReviewSettings:
        """Whether an unconfirmed incident nobody decided on may alert after the wait."""
        await self._storage.meta.set(META_UNCONFIRMED_ALERTS, "1" if allowed else "0")
        return await self.settings()

    async def set_max_wait(self, hours: int) -> ReviewSettings:
        """How long an incident may wait for a decision."""
        if hours not in MAX_WAIT_CHOICES:
            raise ReviewRefused("bad_wait", choices=", ".join(map(str, MAX_WAIT_CHOICES)))
        await self._storage.meta.set(META_MAX_WAIT_HOURS, str(hours))
        return await self.settings()

    async def may_review(self, user_id: int | None, chat_id: int | None) -> bool:
        """Admins anywhere; anyone inside the review group chat, when one is set."""
        if user_id is not None and user_id in self._admin_ids:
            return True
        review_chat = (await self.settings()).review_chat
        return review_chat is not None and chat_id == review_chat

    # -- the queue -----------------------------------------------------------------------------

    async def held(self, incident: Incident) -> None:
        """An incident held back as unconfirmed: queue it for the reviewers (inside ingest)."""
        if incident.id is not None:
            await self._queue(incident, ReviewReason.UNCONFIRMED)

    async def _queue(self, incident: Incident, reason: ReviewReason) -> bool:
        assert incident.id is not None
        now = self._clock.now()
        if not await self._storage.review.enqueue(incident.id, reason, now):
            return False
        item = await self._storage.review.item(incident.id)
        queued_at = item.queued_at if item is not None else now
        reports = [r.kind.value for r in await self._storage.review.feedback_for(incident.id)]
        for chat in await self._reviewer_chats():
            payload = ReviewPayload(
                incident=incident, reason=reason.value, reports=reports, language=chat.language
            )
            await self._outbox.enqueue(
                OutboxMessage(
                    chat_id=chat.id,
                    kind=OutboxKind.NOTICE,
                    idempotency_key=f"review:{chat.id}:{incident.id}:{queued_at.isoformat()}",
                    payload=payload,
                    next_attempt_at=now,
                    incident_id=incident.id,
                )
            )
        return True

    async def _reviewer_chats(self) -> list[Chat]:
        review_chat = (await self.settings()).review_chat
        ids = [review_chat] if review_chat is not None else sorted(self._admin_ids)
        chats: list[Chat] = []
        for chat_id in ids:
            chat = await self._storage.chats.get(chat_id)
            if chat is None:
                # An admin's private chat has the admin's user id; it may not be stored yet.
                chat = await self._storage.chats.upsert(
                    Chat(id=chat_id, type=ChatType.PRIVATE, created_at=self._clock.now())
                )
            if chat.active:
                chats.append(chat)
        return chats

    async def page(self, page: int = 1, size: int = 5) -> ReviewPage:
        """A page of what waits, oldest first (a page past the end shows the last one)."""
        total = await self._storage.review.count_pending()
        pages = max(1, -(-total // size))
        page = min(max(page, 1), pages)
        items = await self._storage.review.pending(limit=size, offset=(page - 1) * size)
        entries: list[ReviewEntry] = []
        for item in items:
            incident = await self._storage.incidents.get(item.incident_id)
            if incident is None:
                continue
            reports = [r.kind for r in await self._storage.review.feedback_for(item.incident_id)]
            entries.append(ReviewEntry(item, incident, reports))
        return ReviewPage(entries, page, pages, total)

    async def item(self, incident_id: int) -> ReviewItem | None:
        """The queue row of an incident, if it was ever queued."""
        return await self._storage.review.item(incident_id)

    async def links_into(self, incident_id: int) -> list[IncidentLink]:
        """The incidents reviewers merged into ``incident_id``."""
        return await self._storage.review.links_into(incident_id)

    async def remember_question(self, key: str, value: str) -> None:
        """Keep what a reviewer's question asks ("toll:12:900"), to read the answer later."""
        await self._storage.meta.set(key, value)

    async def recall_question(self, key: str) -> tuple[str, int] | None:
        """(verb, incident id) of an open question, or None (never asked, or answered)."""
        value = await self._storage.meta.get(key)
        verb, _, rest = (value or "").partition(":")
        number = rest.split(":", 1)[0]
        if verb not in ("toll", "place", "same") or not number.isdigit():
            return None
        return verb, int(number)

    async def forget_question(self, key: str) -> None:
        """An answered question takes no second answer."""
        await self._storage.meta.set(key, "")

    async def incident(self, incident_id: int) -> Incident:
        """An incident a decision is about (refused when it does not exist)."""
        incident = await self._storage.incidents.get(incident_id)
        if incident is None:
            raise ReviewRefused("no_incident", id=incident_id)
        return incident

    # -- decisions -----------------------------------------------------------------------------

    async def confirm(self, incident_id: int, reviewer: Reviewer) -> Decision:
        """The incident is real: trust it and send the alerts that were held back (once)."""
        async with self._storage.transaction():
            incident = await self.active(incident_id)
            reasons = [*incident.confidence_reasons]
            if CONFIRMED_REASON not in reasons:
                reasons.append(CONFIRMED_REASON)
            changes = {"confidence": {"old": incident.confidence, "new": 1.0}}
            stored = await self.revise(
                incident,
                {"confidence": 1.0, "confidence_reasons": reasons},
                changes,
                reviewer,
                note="confirmed",
            )
            alerts = await self._planner.queue_new(stored, trusted=True)
            told = await self.resolve(incident_id, reviewer, "confirmed")
        return Decision(stored, alerts=alerts, reporters_told=told)

    async def retract(self, incident_id: int, reviewer: Reviewer, reason: str = "") -> Decision:
        """Not an incident: hide it, cancel what is unsent, correct every alert that went out."""
        async with self._storage.transaction():
            incident = await self.active(incident_id)
            changes = {"status": {"old": incident.status.value, "new": "retracted"}}
            stored = await self.revise(
                incident,
                {"status": IncidentStatus.RETRACTED},
                changes,
                reviewer,
                note="not an incident",
                reason=reason,
            )
            await self._storage.review.cancel_unsent(incident_id, "retracted by a reviewer")
            corrections = await self._correct_alerts(stored)
            told = await self.resolve(incident_id, reviewer, "retracted")
        return Decision(stored, corrections=corrections, reporters_told=told)

    async def _correct_alerts(self, incident: Incident) -> int:
        assert incident.id is not None
        queued = 0
        now = self._clock.now()
        # One correction per chat, replying to its first alert (else its first update).
        first: dict[int, OutboxMessage] = {}
        for told in await self._storage.review.sent_for_incident(incident.id):
            known = first.get(told.chat_id)
            if known is None or (told.kind is OutboxKind.ALERT and known.kind != told.kind):
                first[told.chat_id] = told
        for sent in first.values():
            queued += await self._queue_to_chat(
                sent.chat_id, partial(_correction, incident=incident, sent=sent, now=now)
            )
        return queued

    async def _queue_to_chat(self, chat_id: int, message: Callable[[Chat], OutboxMessage]) -> int:
        """Queue ``message(chat)`` for a chat still with us: 1 if queued, 0 if the chat is
        gone or the message was already queued."""
        chat = await self._storage.chats.get(chat_id)
        if chat is None or not chat.active:
            return 0
        _, created = await self._outbox.enqueue(message(chat))
        return int(created)

    def now(self) -> dt.datetime:
        """The service's clock."""
        return self._clock.now()

    async def active(self, incident_id: int) -> Incident:
        """An incident that is still shown (refused when retracted or merged away)."""
        incident = await self.incident(incident_id)
        if incident.status is IncidentStatus.RETRACTED:
            raise ReviewRefused("already_retracted", id=incident_id)
        if incident.status is IncidentStatus.MERGED:
            raise ReviewRefused("already_merged", id=incident_id)
        return incident

    async def revise(
        self,
        incident: Incident,
        fields: dict[str, Any],
        changes: dict[str, Any],
        reviewer: Reviewer,
        *,
        note: str,
        reason: str = "",
    ) -> Incident:
        """Store a reviewer's change of ``fields`` as the incident's next revision."""
        assert incident.id is not None
        now = self._clock.now()
        number = incident.revision + 1
        changed = incident.model_copy(update={**fields, "revision": number, "updated_at": now})
        revision = IncidentRevision(
            incident_id=incident.id,
            revision=number,
            changed_at=now,
            changes=to_jsonable_python(changes, fallback=str),
            note=note,
            changed_by=reviewer.user_id,
            changed_by_name=reviewer.name[:100],
            reason=reason[:MAX_REASON_CHARS],
        )
        return await self._storage.incidents.update(changed, revision)

    async def resolve(self, incident_id: int, reviewer: Reviewer | None, resolution: str) -> int:
        """Close the queue item and the subscribers' reports; tell each reporter. How many."""
        now = self._clock.now()
        await self._storage.review.resolve(
            incident_id, now, reviewer.user_id if reviewer else None, resolution
        )
        closed = await self._storage.review.resolve_feedback(incident_id, now, resolution)
        incident = await self._storage.incidents.get(incident_id)
        summary = incident.summary if incident is not None else ""
        told = 0
        for report in closed:
            told += await self._queue_to_chat(
                report.chat_id,
                partial(
                    _resolved_notice,
                    report=report,
                    incident_id=incident_id,
                    summary=summary,
                    resolution=resolution,
                    now=now,
                ),
            )
        return told

    async def expire_overdue(self) -> int:
        """Close what waited longer than allowed; alert it (unconfirmed) if settings allow."""
        settings = await self.settings()
        before = self._clock.now() - dt.timedelta(hours=settings.max_wait_hours)
        expired = 0
        for item in await self._storage.review.pending(limit=100, queued_before=before):
            async with self._storage.transaction():
                incident = await self._storage.incidents.get(item.incident_id)
                if (
                    settings.unconfirmed_alerts
                    and incident is not None
                    and item.reason is ReviewReason.UNCONFIRMED
                ):
                    await self._planner.queue_new(incident, trusted=True)
                now = self._clock.now()
                if await self._storage.review.resolve(
                    item.incident_id, now, None, "expired", expired=True
                ):
                    expired += 1
        return expired

    # -- feedback from everyone ---------------------------------------------------------------

    async def report_problem(
        self, incident_id: int, kind: FeedbackKind, *, chat_id: int, user_id: int
    ) -> FeedbackReport:
        """A subscriber's report: stored with who sent it, rate-limited, queued for review."""
        incident = await self.incident(incident_id)
        if incident.status is not IncidentStatus.ACTIVE:
            raise ReviewRefused("already_hidden", id=incident_id)
        now = self._clock.now()
        recent = await self._storage.review.feedback_count_since(
            user_id, now - dt.timedelta(hours=1)
        )
        if recent >= REPORTS_PER_HOUR:
            raise ReviewRefused("too_many_reports", limit=REPORTS_PER_HOUR)
        mine = await self._storage.review.feedback_for(incident_id)
        if any(report.user_id == user_id for report in mine):
            raise ReviewRefused("already_reported", id=incident_id)
        async with self._storage.transaction():
            report = await self._storage.review.add_feedback(
                FeedbackReport(
                    incident_id=incident_id,
                    chat_id=chat_id,
                    user_id=user_id,
                    kind=kind,
                    created_at=now,
                )
            )
            await self._queue(incident, ReviewReason.REPORTED)
        return report
