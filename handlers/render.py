"""Domain models -> Telegram HTML. Every external string goes through ``esc``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot.domain import (
    CasualtyCount,
    CountStatus,
    DatePrecision,
    EventType,
    GeoPrecision,
    Incident,
    IncidentRevision,
    SourceRef,
    Subscription,
)
from bot.domain.views import (
    ChatSettings,
    Digest,
    IncidentPage,
    IngestOutcome,
    StatsResult,
    StatusReport,
)
from handlers.html import esc, link

_EVENT_ICONS = {
    EventType.BATTLES: "⚔️",
    EventType.EXPLOSIONS: "💥",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "🩸",
    EventType.PROTESTS: "📢",
    EventType.RIOTS: "🔥",
    EventType.STRATEGIC_DEVELOPMENTS: "📌",
}
_MAX_SOURCES_ON_CARD = 3


def format_date(incident: Incident) -> str:
    """The incident's date as people read it, with its precision and time of day."""
    day = incident.date
    if incident.date_precision is DatePrecision.MONTH:
        text = f"{day:%B %Y}"
    elif incident.date_precision is DatePrecision.WEEK:
        text = f"week of {day.day} {day:%b %Y}"
    else:
        text = f"{day.day} {day:%b %Y}"
    if incident.date_end and incident.date_end != incident.date:
        end = incident.date_end
        text = f"{day.day} {day:%b} – {end.day} {end:%b %Y}"
    if incident.time_of_day:
        text += f" ({incident.time_of_day})"
    return text


def format_place(incident: Incident) -> str:
    """ "Sadr City, Baghdad governorate" or "near Basra, Basra governorate" (plain text)."""
    location = incident.location
    name = location.name
    if location.geo_precision is GeoPrecision.NEAR:
        name = f"near {name}"
    elif location.geo_precision is GeoPrecision.ADMIN1:
        return f"{location.admin1 or location.name} governorate"
    elif location.geo_precision is GeoPrecision.COUNTRY:
        return location.name
    if location.admin1 and location.admin1 != location.name:
        return f"{name}, {location.admin1} governorate"
    if location.admin1:
        return f"{name} ({location.admin1} governorate)"
    return name


def format_count(label: str, count: CasualtyCount, *, with_claims: bool = False) -> str | None:
    """ "Killed: 12-15 (medics)" in HTML, or None when nothing was reported."""
    if count.status is CountStatus.NONE_REPORTED and not count.known:
        return None
    text = f"{label}: <b>{esc(count.display())}</b>"
    if count.source:
        text += f" ({esc(count.source)})"
    if with_claims:
        others = [
            claim
            for claim in count.claims
            if claim.min is not None and (claim.source or "") != (count.source or "")
        ]
        if others:
            said = "; ".join(
                f"{esc(claim.source or 'a source')}: {esc(_claim_text(claim.min, claim.max))}"
                for claim in others[:5]
            )
            text += f" — also {said}"
    return text


def _claim_text(low: int | None, high: int | None) -> str:
    if low is None:
        return "unknown"
    if high is not None and high != low:
        return f"{low}-{high}"
    return str(low)


def casualty_line(incident: Incident, *, with_claims: bool = False) -> str:
    """Killed and injured on one line, "no casualties reported" when neither is known."""
    parts = [
        part
        for part in (
            format_count("Killed", incident.killed, with_claims=with_claims),
            format_count("Injured", incident.injured, with_claims=with_claims),
        )
        if part
    ]
    return " · ".join(parts) if parts else "No casualties reported"


def actors_line(incident: Incident) -> str | None:
    """The actors as escaped HTML, or None."""
    if not incident.actors:
        return None
    return ", ".join(esc(actor.name) for actor in incident.actors)


def source_name(source: SourceRef) -> str:
    """What to call a source: its outlet, else its title, else its report number."""
    if source.outlet:
        return source.outlet
    if source.title:
        return _shorten(source.title, 60)
    if source.report_id is not None:
        return f"report {source.report_id}"
    return "source"


def source_links(sources: Sequence[SourceRef], limit: int | None = _MAX_SOURCES_ON_CARD) -> str:
    """Sources as links ("Rudaw, AFP and 2 more")."""
    shown = list(sources if limit is None else sources[:limit])
    items = [link(source.url, source_name(source)) for source in shown]
    rest = len(sources) - len(shown)
    if rest > 0:
        items.append(f"{rest} more")
    return ", ".join(items)


def incident_title(incident: Incident) -> str:
    """Icon, sub-event type and place, in bold."""
    icon = _EVENT_ICONS.get(incident.event_type, "•")
    return f"{icon} <b>{esc(incident.sub_event_type.value)}</b> — {esc(format_place(incident))}"


def incident_card(
    incident: Incident, *, header: str | None = None, note: str | None = None
) -> str:
    """The alert card: what, where, when, who, casualties, sources and the /incident id."""
    lines: list[str] = []
    if header:
        lines.append(f"<b>{esc(header)}</b>")
    lines.append(incident_title(incident))
    if note:
        lines.append(f"<i>{esc(note)}</i>")
    lines.append(f"🗓 {esc(format_date(incident))}")
    actors = actors_line(incident)
    if actors:
        lines.append(f"👥 {actors}")
    lines.append(f"☠️ {casualty_line(incident)}")
    if incident.summary:
        lines.append(esc(_shorten(incident.summary, 400)))
    if incident.sources:
        lines.append(f"Sources: {source_links(incident.sources)}")
    if incident.id is not None:
        lines.append(f"/incident {incident.id}")
    return "\n".join(lines)


def is_unconfirmed(incident: Incident, min_confidence: float) -> bool:
    """True when the incident is scored below the alert threshold."""
    return incident.confidence is not None and incident.confidence < min_confidence


def confidence_line(incident: Incident, min_confidence: float) -> str | None:
    """ "Confidence: 0.42 — unconfirmed (why)", or None for an unscored incident."""
    if incident.confidence is None:
        return None
    text = f"Confidence: {incident.confidence:.2f}"
    if is_unconfirmed(incident, min_confidence):
        text += " — <b>unconfirmed</b> (no alert was sent)"
    if incident.confidence_reasons:
        text += "\n" + "\n".join(f"  · {esc(r)}" for r in incident.confidence_reasons)
    return text


def incident_line(incident: Incident, min_confidence: float = 0.0) -> str:
    """One line of a list: date, type, place, toll, id (and "unconfirmed" below the threshold)."""
    toll = []
    if incident.killed.known:
        toll.append(f"{esc(incident.killed.display())} killed")
    if incident.injured.known:
        toll.append(f"{esc(incident.injured.display())} injured")
    toll_text = f" — {', '.join(toll)}" if toll else ""
    ident = f" /incident {incident.id}" if incident.id is not None else ""
    doubt = " — <i>unconfirmed</i>" if is_unconfirmed(incident, min_confidence) else ""
    return (
        f"{_EVENT_ICONS.get(incident.event_type, '•')} {incident.date.day} {incident.date:%b %Y}: "
        f"<b>{esc(incident.sub_event_type.value)}</b>, {esc(format_place(incident))}"
        f"{toll_text}{doubt}{ident}"
    )


def incident_detail(
    incident: Incident, revisions: Sequence[IncidentRevision], *, min_confidence: float = 0.0
) -> str:
    """The full record: every field, every source, who gave which figure, confidence, revisions."""
    lines = [f"<b>Incident {esc(incident.id if incident.id is not None else '?')}</b>"]
    lines.append(incident_title(incident))
    lines.append(f"Type: {esc(incident.event_type.value)} / {esc(incident.sub_event_type.value)}")
    lines.append(f"When: {esc(format_date(incident))}")
    location = incident.location
    where = esc(format_place(incident))
    if location.lat is not None and location.lon is not None:
        where += f" ({location.lat:.3f}, {location.lon:.3f})"
    lines.append(f"Where: {where} — precision: {esc(location.geo_precision.value)}")
    if incident.actors:
        lines.append(
            "Actors: "
            + "; ".join(
                f"{esc(actor.name)} ({esc(actor.type.label)})" for actor in incident.actors
            )
        )
    for label, count in (
        ("Killed", incident.killed),
        ("Injured", incident.injured),
        ("Arrested", incident.arrested),
    ):
        text = format_count(label, count, with_claims=True)
        if text:
            lines.append(text)
    confidence = confidence_line(incident, min_confidence)
    if confidence:
        lines.append(confidence)
    if incident.summary:
        lines.append("")
        lines.append(esc(incident.summary))
    if incident.sources:
        lines.append("")
        lines.append(f"<b>Sources ({len(incident.sources)})</b>")
        for source in incident.sources:
            when = f" — {source.published_at:%d %b %Y %H:%M} UTC" if source.published_at else ""
            title = f": {esc(source.title)}" if source.title else ""
            lines.append(f"• {link(source.url, source_name(source))}{title}{esc(when)}")
    if revisions:
        lines.append("")
        lines.append("<b>Revisions</b>")
        for revision in revisions:
            note = revision.note or ", ".join(sorted(revision.changes)) or "updated"
            lines.append(f"• r{revision.revision} {revision.changed_at:%d %b %H:%M}: {esc(note)}")
    return "\n".join(lines)


def incident_list(
    title: str,
    incidents: Sequence[Incident],
    *,
    page: int = 1,
    pages: int = 1,
    total: int | None = None,
    empty: str = "No incidents found.",
    min_confidence: float = 0.0,
) -> str:
    """A titled list of incident lines, with a page indicator when paginated."""
    head = f"<b>{esc(title)}</b>"
    if total is not None:
        head += f" — {total} incident{'s' if total != 1 else ''}"
    if pages > 1:
        head += f" (page {page}/{pages})"
    if not incidents:
        return f"{head}\n{esc(empty)}"
    return "\n".join([head, *(incident_line(i, min_confidence) for i in incidents)])


def grouped_alert(incidents: Sequence[Incident], note: str | None = None) -> str:
    """Several new incidents in one message instead of a flood of alerts."""
    lines = [f"<b>🚨 {len(incidents)} new incidents in your areas</b>"]
    if note:
        lines.append(f"<i>{esc(note)}</i>")
    for incident in incidents:
        lines.append("")
        lines.append(incident_line(incident))
        actors = actors_line(incident)
        if actors:
            lines.append(f"👥 {actors}")
        if incident.sources:
            lines.append(f"Sources: {source_links(incident.sources, 2)}")
    return "\n".join(lines)


def change_text(current: int, previous: int) -> str:
    """ "+3 vs previous", "−2 vs previous", "same as previous" (plain text)."""
    delta = current - previous
    if delta == 0:
        return "same as before"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{abs(delta)} vs before"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def zone_label(timezone: str) -> str:
    """A zone as people say it: "Etc/GMT-3" (POSIX signs are reversed) is "UTC+3"."""
    if timezone.startswith("Etc/GMT") and timezone[7:8] in ("+", "-"):
        sign = "-" if timezone[7] == "+" else "+"
        return f"UTC{sign}{timezone[8:]}"
    return timezone


def local_time(value: dt.datetime, timezone: str) -> str:
    """An aware datetime shown in a chat's timezone."""
    from zoneinfo import ZoneInfo

    try:
        zone = ZoneInfo(timezone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return f"{value.astimezone(zone):%d %b %H:%M}"


def digest_message(digest: Digest) -> str:
    """The daily digest: totals, change vs the day before, governorates and cities by severity."""
    head = f"<b>📰 Daily digest — {digest.local_date.day} {digest.local_date:%b %Y}</b>"
    lines = [head]
    if digest.areas:
        lines.append(f"Your areas: {esc(', '.join(digest.areas[:12]))}")
        if len(digest.areas) > 12:
            lines[-1] += f" and {len(digest.areas) - 12} more"
    if digest.empty:
        lines.append("")
        where = "in your areas" if digest.scope == "subscriptions" else "anywhere"
        lines.append(f"✅ Nothing reported {where} in the last 24 hours.")
        if digest.previous_total:
            lines.append(f"(The day before: {digest.previous_total} incidents.)")
        return "\n".join(lines)
    lines.append(
        f"<b>{digest.total}</b> incident{'s' if digest.total != 1 else ''} "
        f"({esc(change_text(digest.total, digest.previous_total))}), "
        f"<b>{digest.killed}</b> killed "
        f"({esc(change_text(digest.killed, digest.previous_killed))}), "
        f"<b>{digest.injured}</b> injured"
    )
    for group in digest.groups:
        lines.append("")
        lines.append(
            f"<b>{esc(group.governorate)}</b> — {group.total} incident"
            f"{'s' if group.total != 1 else ''}, {group.killed} killed, {group.injured} injured"
        )
        for city in group.cities:
            lines.append(f"<u>{esc(city.name)}</u>")
            for incident in city.incidents:
                lines.append(incident_line(incident))
    return "\n".join(lines)


def digest_from_payload(data: Any) -> str:
    """Render a digest stored as JSON in an outbox payload."""
    return digest_message(Digest.model_validate(data))


def stats_message(result: StatsResult) -> str:
    """Counts, killed and injured for a period, with the change against the period before."""
    subject = result.target.label if result.target else "All areas"
    current, previous = result.current, result.previous
    # Widened back to the first incident, the period before is empty by construction:
    # "+117 vs the 2553 days before" would be noise.
    compare = not (result.widened_from and previous.incidents == 0)

    def figure(name: str, now: int, before: int) -> str:
        change = f" ({esc(change_text(now, before))})" if compare else ""
        return f"{name}: <b>{now}</b>{change}"

    lines = [
        f"<b>📊 {esc(subject)} — {esc(result.period.label)}</b>",
        figure("Incidents", current.incidents, previous.incidents),
        figure("Killed", current.killed, previous.killed),
        figure("Injured", current.injured, previous.injured),
    ]
    if current.by_event_type:
        lines.append("")
        for name, count in sorted(current.by_event_type.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"• {esc(name)}: {count}")
    if compare:
        lines.append(f"<i>Compared with {esc(result.previous_period.label)}.</i>")
    command = f"/stats {result.target.label}" if result.target else "/stats"
    if result.widened_from:
        lines.append(
            f"Nothing in the {esc(result.widened_from)}, so this looks further back. "
            f"Ask for a period, e.g. <code>{esc(command)} 7d</code>."
        )
    if current.incidents == 0 and previous.incidents == 0:
        # Without a period, /stats looks back as far as needed to find something.
        lines.append(f"Nothing recorded then. To look further back: <code>{esc(command)}</code>")
    return "\n".join(lines)


def page_message(title: str, page: IncidentPage, *, empty: str = "No incidents found.") -> str:
    """A page of incidents with its title, period and page indicator."""
    if page.period is not None:
        title = f"{title} — {page.period.label}"
    return incident_list(
        title,
        page.items,
        page=page.page,
        pages=page.pages,
        total=page.total,
        empty=empty,
        min_confidence=page.min_confidence,
    )


def subscriptions_message(subscriptions: Sequence[Subscription]) -> str:
    """What the chat follows."""
    if not subscriptions:
        return (
            "You have no subscriptions yet.\n"
            "Try <code>/subscribe Basra</code> or <code>/subscribe AAH min_killed=1</code>."
        )
    lines = ["<b>Your subscriptions</b>"]
    for subscription in subscriptions:
        threshold = (
            f" (alerts when ≥{subscription.min_killed} killed)" if subscription.min_killed else ""
        )
        lines.append(f"• {esc(subscription.label)}{threshold}")
    lines.append("Tap a button to remove one.")
    return "\n".join(lines)


def settings_message(view: ChatSettings) -> str:
    """The chat's settings overview for /settings."""
    chat = view.chat
    digest = f"{chat.digest_time:%H:%M}" if chat.digest_time else "off"
    quiet = (
        f"{chat.quiet_start:%H:%M}-{chat.quiet_end:%H:%M}"
        if chat.quiet_start is not None and chat.quiet_end is not None
        else "off"
    )
    lines = [
        "<b>⚙️ Settings</b>",
        f"Timezone: <b>{esc(zone_label(chat.timezone))}</b>",
        f"Daily digest: <b>{esc(digest)}</b>",
    ]
    if view.next_digest_at is not None:
        lines[-1] += f" (next: {esc(local_time(view.next_digest_at, chat.timezone))})"
    lines.append(f"Quiet hours: <b>{esc(quiet)}</b>{' — quiet now' if view.quiet_now else ''}")
    lines.append(f"Week's chart under the digest: <b>{'on' if chat.digest_chart else 'off'}</b>")
    lines.append(f"Subscriptions: <b>{len(view.subscriptions)}</b> (/subscriptions)")
    lines.append("")
    lines.append(
        "Change with <code>/timezone Asia/Baghdad</code>, <code>/digest_time 07:00</code>, "
        "<code>/quiet 22:00-07:00</code>."
    )
    return "\n".join(lines)


def status_message(status: StatusReport) -> str:
    """What an admin sees with /status."""
    outbox = ", ".join(f"{esc(key)} {value}" for key, value in sorted(status.outbox.items()))
    lines = [
        "<b>Sitrep status</b>",
        f"Reports: {status.reports} · Incidents: {status.incidents}",
        f"Chats: {status.chats} · Subscriptions: {status.subscriptions} · Feeds: {status.feeds}",
        f"Queue: {status.queue_length} waiting ({outbox or 'empty'})",
        "Last ingest: "
        + (f"{status.last_ingest_at:%Y-%m-%d %H:%M} UTC" if status.last_ingest_at else "never"),
    ]
    if status.last_error:
        when = f" at {status.last_error_at:%Y-%m-%d %H:%M} UTC" if status.last_error_at else ""
        lines.append(f"Last error{when}: {esc(_shorten(status.last_error, 300))}")
    return "\n".join(lines)


def ingest_message(outcome: IngestOutcome) -> str:
    """What ingesting a report did, for the admin who sent it."""
    if outcome.duplicate:
        ident = f" (report {outcome.report.id})" if outcome.report.id is not None else ""
        return f"Already have this report{ident}; nothing changed."
    lines = [
        f"<b>Report {esc(outcome.report.id if outcome.report.id is not None else '')} stored.</b>",
        f"New incidents: {len(outcome.new_incidents)} · Updated: {len(outcome.updated_incidents)}",
        f"Alerts queued: {outcome.alerts_queued} · Updates queued: {outcome.updates_queued}",
    ]
    for incident in [*outcome.new_incidents, *outcome.updated_incidents][:10]:
        lines.append(incident_line(incident, outcome.min_confidence))
    for note in outcome.notes[:10]:
        lines.append(f"<i>{esc(note)}</i>")
    if not outcome.new_incidents and not outcome.updated_incidents:
        lines.append("No incident was recognised in this text.")
    return "\n".join(lines)
