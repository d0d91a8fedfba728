"""Review and feedback as Telegram HTML and buttons: review cards, corrections, history."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain import (
    CorrectionPayload,
    FeedbackResolvedPayload,
    Incident,
    IncidentRevision,
    IncidentStatus,
    ReviewPayload,
)
from bot.domain.marks import N_
from bot.domain.review import FeedbackKind
from bot.services.review import MAX_WAIT_CHOICES, ReviewPage, ReviewSettings
from handlers import callbacks, names, reasons, render
from handlers.common import button, keyboard
from handlers.html import esc
from handlers.i18n import DEFAULT_LANGUAGE, isolate, normalize_language, t, tn

MAX_EVIDENCE_ON_CARD = 3
MAX_HISTORY = 15
# Reviewers' questions start with this mark: a reply to one is an answer (handlers/review.py).
QUESTION_MARK = "✏️"
# The notes the review and correction services write on a revision (English, stored), and
# how each is said in the reader's language.
_NOTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^confirmed$"), N_("confirmed")),
    (re.compile(r"^not an incident$"), N_("not an incident")),
    (
        re.compile(r"^toll corrected: (?P<killed>\d+) killed, (?P<injured>\d+) injured$"),
        N_("toll corrected: {killed} killed, {injured} injured"),
    ),
    (re.compile(r"^place corrected: (?P<place>.+)$"), N_("place corrected: {place}")),
    (re.compile(r"^same as #(?P<id>\d+)$"), N_("same as #{id}")),
    (re.compile(r"^#(?P<id>\d+) merged in$"), N_("#{id} merged in")),
    (re.compile(r"^#(?P<id>\d+) split off$"), N_("#{id} split off")),
    (re.compile(r"^split from #(?P<id>\d+)$"), N_("split from #{id}")),
]


def bold(text: str) -> str:
    """Plain ``text`` escaped and in bold (HTML)."""
    return f"<b>{esc(text)}</b>"


def _english(language: str | None) -> bool:
    return normalize_language(language) == DEFAULT_LANGUAGE


def utc_time(language: str | None, moment: dt.datetime) -> str:
    """ "2026-03-01 14:05 UTC" in the reader's language (plain text)."""
    return t(language, "{time} UTC", time=moment.strftime("%Y-%m-%d %H:%M"))


def revision_note(language: str | None, revision: IncidentRevision) -> str:
    """What a reviewer's revision did, in ``language`` (plain text)."""
    if _english(language):
        return revision.note or t(language, "updated")
    for pattern, said in _NOTES:
        if match := pattern.match(revision.note):
            values = dict(match.groupdict())
            if "place" in values:
                values["place"] = names.place(language, values["place"])
            return t(language, said, **values)
    return reasons.revision_note(language, revision.note, revision.changes)


def problem_label(language: str | None, kind: str) -> str:
    """What a subscriber can report, as a button or a line."""
    labels = {
        FeedbackKind.WRONG_PLACE.value: t(language, "Wrong place"),
        FeedbackKind.NOT_INCIDENT.value: t(language, "Not an incident"),
        FeedbackKind.WRONG_TOLL.value: t(language, "Wrong toll"),
        FeedbackKind.DUPLICATE.value: t(language, "Duplicate"),
    }
    return labels.get(kind, kind)


def review_card(payload: ReviewPayload) -> str:
    """The review message: why it waits, the card, the evidence sentences, the source link.

    Several arriving at once are one message listing them; each opens its own card.
    """
    if payload.more:
        return review_list(payload)
    language, incident = payload.language, payload.incident
    if payload.reason == "reported":
        header = t(language, "🔎 Review: a subscriber reported a problem")
    else:
        header = t(language, "🔎 Review: unconfirmed, alerts held back")
    lines = [render.incident_card(incident, header=header, lang=language)]
    if incident.confidence is not None:
        why = t(language, "; ").join(
            reasons.reason(language, r) for r in incident.confidence_reasons[:4]
        )
        lines.append(
            esc(t(language, "Confidence: {score:.2f}", score=incident.confidence))
            + (f" ({esc(why)})" if why else "")
        )
    if payload.reports:
        kinds = ", ".join(problem_label(language, kind) for kind in sorted(set(payload.reports)))
        lines.append(esc(t(language, "Reported: {kinds}", kinds=kinds)))
    evidence = incident.evidence[:MAX_EVIDENCE_ON_CARD]
    if evidence:
        lines.append(bold(t(language, "Evidence")))
        lines += [f"❝{esc(sentence)}❞" for sentence in evidence]
    return "\n".join(lines)


def review_list(payload: ReviewPayload) -> str:
    """Several review requests as one message: one line each."""
    language = payload.language
    incidents = [payload.incident, *payload.more]
    count = len(incidents)
    lines = [
        "<b>"
        + esc(
            tn(
                language,
                "🔎 Review: {n} incident arrived at once",
                "🔎 Review: {n} incidents arrived at once",
                count,
                n=count,
            )
        )
        + "</b>"
    ]
    lines += [
        f"#{incident.id} · {render.incident_title(incident, language)}" for incident in incidents
    ]
    lines.append(esc(t(language, "Open each to decide.")))
    return "\n".join(lines)


def open_buttons(incident_ids: Sequence[int], language: str | None) -> InlineKeyboardMarkup | None:
    """An "Open #N" button per incident (its review card)."""
    return keyboard(
        [
            [button(t(language, "Open #{id}", id=i), callbacks.ReviewAction("show", i))]
            for i in incident_ids
        ]
    )


def review_buttons(incident_id: int, language: str | None) -> InlineKeyboardMarkup | None:
    """Confirm, Not an incident, Wrong place, Wrong toll, Same as #N, Split."""

    def action(label: str, verb: callbacks.ReviewVerb) -> InlineKeyboardButton | None:
        return button(label, callbacks.ReviewAction(verb, incident_id))

    return keyboard(
        [
            [
                action(t(language, "✅ Confirm"), "ok"),
                action(t(language, "❌ Not an incident"), "no"),
            ],
            [
                action(t(language, "📍 Wrong place"), "place"),
                action(t(language, "☠️ Wrong toll"), "toll"),
            ],
            [
                action(t(language, "🔗 Same as #N"), "same"),
                action(t(language, "✂️ Split"), "split"),
            ],
        ]
    )


def report_buttons(
    incident_ids: Sequence[int], language: str | None
) -> InlineKeyboardMarkup | None:
    """ "Report a problem" under an alert or /incident (one per incident when grouped)."""
    if len(incident_ids) == 1:
        label = t(language, "⚠️ Report a problem")
        return keyboard([[button(label, callbacks.ReportProblem(incident_ids[0]))]])
    rows = [
        [button(t(language, "⚠️ Report #{id}", id=i), callbacks.ReportProblem(i))]
        for i in incident_ids[:8]
    ]
    return keyboard(rows)


def unconfirmed_line(incident_ids: Sequence[int], language: str | None = None) -> str:
    """Under an alert released without a reviewer's Confirm: "unconfirmed" (else nothing)."""
    if not incident_ids:
        return ""
    ids = ", ".join(f"#{i}" for i in incident_ids)
    return "\n⚠️ " + esc(
        t(language, "Unconfirmed ({ids}): no reviewer has checked it yet.", ids=ids)
    )


def problem_kind_buttons(incident_id: int, language: str | None) -> InlineKeyboardMarkup | None:
    """The four problems a subscriber can report."""
    kinds: list[callbacks.ProblemKind] = ["place", "not", "toll", "dup"]
    return keyboard(
        [
            [button(problem_label(language, k), callbacks.ReportProblem(incident_id, k))]
            for k in kinds
        ]
    )


def correction_message(payload: CorrectionPayload) -> str:
    """The reply to an alert that turned out to be a false alarm."""
    language = payload.language
    return "\n".join(
        [
            bold(t(language, "⚠️ Correction: not an incident")),
            esc(
                t(
                    language,
                    "Reviewers found that incident #{id} was not an incident. "
                    "It no longer appears in answers or digests.",
                    id=payload.incident_id,
                )
            ),
            *_summary(payload.summary, language),
        ]
    )


def _summary(summary: str, language: str | None) -> list[str]:
    """The incident's English summary, for English readers only (the others have the card
    and /incident in their language)."""
    return [f"<i>{esc(summary[:300])}</i>"] if summary and _english(language) else []


def resolution_text(language: str | None, resolution: str) -> str:
    """What reviewers decided, in words."""
    texts = {
        "confirmed": t(language, "the incident was confirmed as reported"),
        "retracted": t(language, "it was found not to be an incident and was withdrawn"),
        "toll": t(language, "the toll was corrected"),
        "place": t(language, "the place was corrected"),
        "merged": t(language, "it was merged with the same incident reported elsewhere"),
        "split": t(language, "it was split from an incident it had been merged with"),
        "expired": t(language, "no reviewer decided in time; it stays as reported"),
    }
    return texts.get(resolution, resolution)


def feedback_resolved_message(payload: FeedbackResolvedPayload) -> str:
    """Tells a reporter their report was looked at."""
    language = payload.language
    return "\n".join(
        [
            esc(
                t(
                    language,
                    "✅ Thank you: the problem you reported about incident #{id} was reviewed: "
                    "{what}.",
                    id=payload.incident_id,
                    what=resolution_text(language, payload.resolution),
                )
            ),
            *_summary(payload.summary, language),
            f"/incident {payload.incident_id}",
        ]
    )


def status_line(incident: Incident, language: str | None) -> str | None:
    """A banner for a hidden incident in /incident."""
    if incident.status is IncidentStatus.RETRACTED:
        return esc(t(language, "⚠️ Withdrawn by reviewers: not an incident."))
    if incident.status is IncidentStatus.MERGED:
        return esc(t(language, "🔗 Merged into another incident by reviewers (see history)."))
    return None


def history_lines(revisions: Sequence[IncidentRevision], language: str | None) -> list[str]:
    """ "History": each revision with when, who, what and why (the newest last)."""
    if not revisions:
        return []
    lines = [bold(t(language, "History"))]
    shown = revisions[-MAX_HISTORY:]
    for revision in shown:
        when = utc_time(language, revision.changed_at)
        who = isolate(language, revision.changed_by_name) or (
            t(language, "a reviewer") if revision.changed_by is not None else "Sitrep"
        )
        line = f"{esc(when)} · {esc(who)}: {esc(revision_note(language, revision))}"
        if revision.reason:
            line += f" — <i>{esc(isolate(language, revision.reason))}</i>"
        lines.append(line)
    return lines


def with_review_history(
    incident: Incident, revisions: Sequence[IncidentRevision], text: str, language: str | None
) -> str:
    """``/incident``'s record with a banner when hidden and the reviewers' corrections."""
    banner = status_line(incident, language)
    corrected = [r for r in revisions if r.changed_by is not None]
    history = history_lines(corrected, language)
    parts = [banner] if banner else []
    parts.append(text)
    if history:
        parts += ["", *history]
    return "\n".join(parts)


def with_report_button(
    markup: InlineKeyboardMarkup | None, incident: Incident, language: str | None
) -> InlineKeyboardMarkup | None:
    """The record's buttons plus "Report a problem" (not for a withdrawn incident)."""
    if incident.id is None or incident.status is not IncidentStatus.ACTIVE:
        return markup
    report = report_buttons([incident.id], language)
    rows = [
        *(markup.inline_keyboard if markup else ()),
        *(report.inline_keyboard if report else ()),
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def question_text(language: str | None, verb: str, incident: Incident) -> str:
    """The question a reviewer answers by replying (Wrong place, Wrong toll, Same as #N)."""
    place = names.place(language, incident.location.name)
    if verb == "toll":
        body = t(
            language,
            "Wrong toll for #{id}: reply with killed, injured and who said so, "
            "e.g. 3 5 Health ministry.",
            id=incident.id,
        )
    elif verb == "place":
        body = t(
            language,
            "Wrong place for #{id} (now {place}): reply with a place name, "
            "or 'lat,lon name' (e.g. 33.34,44.40 Karrada), or share a location.",
            id=incident.id,
            place=place,
        )
    else:
        body = t(
            language,
            "Same as which incident? Reply with its number, e.g. #42, and #{id} will be "
            "merged into it.",
            id=incident.id,
        )
    return f"{QUESTION_MARK} {esc(body)}"


def review_page_message(page: ReviewPage, language: str | None) -> str:
    """ "/review": what waits, oldest first."""
    if not page.total:
        return esc(t(language, "Nothing waits for review."))
    lines = [
        "<b>"
        + esc(
            tn(
                language,
                "{n} incident waits for review",
                "{n} incidents wait for review",
                page.total,
                n=page.total,
            )
        )
        + "</b>"
    ]
    for entry in page.entries:
        incident = entry.incident
        why = (
            t(language, "reported")
            if entry.item.reason.value == "reported"
            else t(language, "unconfirmed")
        )
        waited = utc_time(language, entry.item.queued_at)
        title = render.incident_title(incident, language)
        lines.append(f"#{incident.id} · {title} · {esc(why)} · {esc(waited)}")
    return "\n".join(lines)


def review_page_buttons(page: ReviewPage, language: str | None) -> InlineKeyboardMarkup | None:
    """An "Open #N" button per entry (its review card), then ‹ n/m ›."""
    opened = open_buttons([e.incident.id for e in page.entries if e.incident.id], language)
    rows: list[list[InlineKeyboardButton | None]] = [
        list(row) for row in (opened.inline_keyboard if opened else ())
    ]
    nav: list[InlineKeyboardButton | None] = []
    if page.page > 1:
        nav.append(button("‹", callbacks.ReviewQueuePage(page.page - 1)))
    if page.pages > 1:
        nav.append(button(f"{page.page}/{page.pages}", callbacks.Noop()))
    if page.page < page.pages:
        nav.append(button("›", callbacks.ReviewQueuePage(page.page + 1)))
    rows.append(nav)
    return keyboard(rows)


def settings_message(settings: ReviewSettings, language: str | None) -> str:
    """ "/review_settings"."""
    who = (
        t(language, "the review group chat ({id})", id=settings.review_chat)
        if settings.review_chat is not None
        else t(language, "the admins, each in a private chat")
    )
    after = (
        t(language, "alert, marked unconfirmed")
        if settings.unconfirmed_alerts
        else t(language, "never alert without a reviewer's Confirm")
    )
    return "\n".join(
        [
            bold(t(language, "Review settings")),
            esc(t(language, "Who reviews: {who}", who=who)),
            esc(t(language, "Maximum wait: {hours} h", hours=settings.max_wait_hours)),
            esc(t(language, "Unconfirmed incidents after the wait: {after}", after=after)),
        ]
    )


def settings_buttons(
    settings: ReviewSettings, language: str | None, *, in_group: bool
) -> InlineKeyboardMarkup | None:
    """Review here / by the admins, unconfirmed alerts on/off, the maximum wait."""
    who: list[InlineKeyboardButton | None] = []
    if in_group:
        who.append(
            button(t(language, "Review in this chat"), callbacks.ReviewSettingChoice("here"))
        )
    if settings.review_chat is not None:
        who.append(button(t(language, "Admins review"), callbacks.ReviewSettingChoice("admins")))
    alerts = (
        button(
            t(language, "Unconfirmed: never alert"), callbacks.ReviewSettingChoice("alerts-off")
        )
        if settings.unconfirmed_alerts
        else button(
            t(language, "Unconfirmed: alert after the wait"),
            callbacks.ReviewSettingChoice("alerts-on"),
        )
    )
    waits = [
        button(t(language, "{hours} h", hours=hours), callbacks.ReviewSettingChoice("wait", hours))
        for hours in MAX_WAIT_CHOICES
        if hours != settings.max_wait_hours
    ]
    return keyboard([who, [alerts], waits])
