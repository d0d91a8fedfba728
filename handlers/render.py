"""Domain models -> Telegram HTML. Every external string goes through ``esc``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlsplit

from bot.domain import (
    CasualtyCount,
    Chat,
    CountStatus,
    DatePrecision,
    EventType,
    GeoPrecision,
    Incident,
    IncidentRevision,
    SourceRef,
    Subscription,
    SubscriptionKind,
)
from bot.domain.views import (
    ChatSettings,
    Digest,
    IncidentPage,
    StatsResult,
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
    # Nothing stated for this incident is not "nobody was hurt": never imply a zero.
    return " · ".join(parts) if parts else "Casualties: no figures given"


def actors_line(incident: Incident) -> str | None:
    """The actors as escaped HTML, or None."""
    if not incident.actors:
        return None
    return ", ".join(esc(actor.name) for actor in incident.actors)


def source_name(source: SourceRef) -> str:
    """What to call a source: its outlet, else its site ("rudaw.net"), else its title.

    An internal report number means nothing to a reader; it is the last resort, for text
    pasted without a link.
    """
    if source.outlet:
        return source.outlet
    site = _site(source.url)
    if site:
        return site
    if source.title:
        return _shorten(source.title, 60)
    if source.report_id is not None:
        return f"pasted report {source.report_id}"
    return "source"


def _site(url: str | None) -> str | None:
    """The host of a web link without "www.", or None."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host or None


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


def sides_text(incident: Incident, focus_actor: str | None = None) -> str | None:
    """Who fought, as escaped HTML: "A vs B" in a battle, else the actors named.

    In a faction's list (``focus_actor``) only the other side is named: "vs B".
    """
    names = [actor.name for actor in incident.actors if actor.id != focus_actor]
    if not names:
        return None
    battle = incident.event_type is EventType.BATTLES
    if focus_actor is not None and len(names) < len(incident.actors):
        return esc(("vs " if battle else "with ") + ", ".join(names))
    if battle and len(names) > 1:
        # The first actor against the rest (ACLED's actor1 vs actor2 and associates).
        return esc(f"{names[0]} vs {', '.join(names[1:])}")
    return esc(", ".join(names))


def incident_line(
    incident: Incident, *, focus_actor: str | None = None, min_confidence: float = 0.0
) -> str:
    """One line of a list: date, type, place, who, toll, id, and "unconfirmed" when the
    incident is scored below ``min_confidence`` (the alert threshold)."""
    sides = sides_text(incident, focus_actor)
    sides_part = f" — {sides}" if sides else ""
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
        f"{sides_part}{toll_text}{doubt}{ident}"
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
    focus_actor: str | None = None,
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
    lines = (
        incident_line(incident, focus_actor=focus_actor, min_confidence=min_confidence)
        for incident in incidents
    )
    return "\n".join([head, *lines])


def grouped_alert(incidents: Sequence[Incident], note: str | None = None) -> str:
    """Several new incidents in one message instead of a flood of alerts."""
    lines = [f"<b>🚨 {len(incidents)} new incidents in your areas</b>"]
    if note:
        lines.append(f"<i>{esc(note)}</i>")
    for incident in incidents:
        lines.append("")
        lines.append(incident_line(incident))
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
        lines.extend(_late_reports(digest))
        return "\n".join(lines)
    every = [i for group in digest.groups for city in group.cities for i in city.incidents]
    killed_change = f" ({esc(change_text(digest.killed, digest.previous_killed))})"
    lines.append(
        f"<b>{digest.total}</b> incident{'s' if digest.total != 1 else ''} "
        f"({esc(change_text(digest.total, digest.previous_total))}), "
        + _toll_words(
            every,
            digest.killed,
            digest.injured,
            bold=True,
            killed_note=killed_change,
            reported=(digest.killed_reported, digest.injured_reported),
            total=digest.total if digest.killed_reported is not None else None,
        )
    )
    for group in digest.groups:
        lines.append("")
        in_group = [i for city in group.cities for i in city.incidents]
        lines.append(
            f"<b>{esc(group.governorate)}</b> — {group.total} incident"
            f"{'s' if group.total != 1 else ''}, "
            + _toll_words(
                in_group,
                group.killed,
                group.injured,
                reported=(group.killed_reported, group.injured_reported),
                total=group.total if group.killed_reported is not None else None,
            )
        )
        for city in group.cities:
            lines.append(f"<u>{esc(city.name)}</u>")
            for incident in city.incidents:
                lines.append(incident_line(incident))
            if city.more:
                lines.append(f"… and {city.more} more")
    lines.extend(_late_reports(digest))
    return "\n".join(lines)


def _late_reports(digest: Digest) -> list[str]:
    """Reports in the window about older events: listed apart, as such."""
    if not digest.late:
        return []
    count = max(digest.late_total, len(digest.late))
    lines = [
        "",
        f"<b>🗄 Late reports of older events ({count})</b> — not counted above",
        *(incident_line(incident) for incident in digest.late),
    ]
    if count > len(digest.late):
        lines.append(f"… and {count - len(digest.late)} more")
    return lines


def _toll_words(
    incidents: Sequence[Incident],
    killed: int,
    injured: int,
    *,
    bold: bool = False,
    killed_note: str = "",
    reported: tuple[int | None, int | None] = (None, None),
    total: int | None = None,
) -> str:
    """ "3 killed, 4 injured", saying "not reported" for a figure no incident gave.

    ``total`` and ``reported`` count every incident and those that gave each figure, listed
    or not (None: only the listed ``incidents`` are known, as in a digest queued by an
    earlier version).
    """
    killed_known = any(i.killed.known for i in incidents) if reported[0] is None else reported[0]
    injured_known = any(i.injured.known for i in incidents) if reported[1] is None else reported[1]
    counted = bool(incidents) if total is None else total > 0

    def part(total: int, label: str, known: bool | int, note: str = "") -> str:
        if counted and not known:
            return f"{label} not reported"
        return (f"<b>{total}</b> {label}" if bold else f"{total} {label}") + note

    return ", ".join(
        (
            part(killed, "killed", killed_known, killed_note),
            part(injured, "injured", injured_known),
        )
    )


def stats_message(result: StatsResult) -> str:
    """Counts, killed and injured for a period, with the change against the period before."""
    subject = result.target.label if result.target else "All areas"
    current, previous = result.current, result.previous
    # Widened back to the first incident, the period before is empty by construction:
    # "+117 vs the 2553 days before" would be noise.
    compare = not (result.widened_from and previous.incidents == 0)

    def figure(name: str, now: int, before: int, reported: int | None = None) -> str:
        if reported == 0 and current.incidents:
            return f"{name}: not reported"
        change = f" ({esc(change_text(now, before))})" if compare else ""
        return f"{name}: <b>{now}</b>{change}"

    lines = [
        f"<b>📊 {esc(subject)} — {esc(result.period.label)}</b>",
        figure("Incidents", current.incidents, previous.incidents),
        figure("Killed", current.killed, previous.killed, current.killed_reported),
        figure("Injured", current.injured, previous.injured, current.injured_reported),
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
    if page.note:
        empty = f"{empty}\n{page.note}" if not page.items else empty
    focus = (
        page.target.key
        if page.target is not None and page.target.kind is SubscriptionKind.ACTOR
        else None
    )
    return incident_list(
        title,
        page.items,
        page=page.page,
        pages=page.pages,
        total=page.total,
        empty=empty,
        focus_actor=focus,
        min_confidence=page.min_confidence,
    ) + (f"\n<i>{esc(page.note)}</i>" if page.note and page.items else "")


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


def subscribed_message(label: str, threshold: str, chat: Chat, *, created: bool = True) -> str:
    """The answer to a subscription: what it brings, digest included only when it is on."""
    verb = "Subscribed to" if created else "You already follow"
    if chat.digest_time is not None:
        brings = (
            "You'll get an alert for each new incident and a daily digest at "
            f"{chat.digest_time:%H:%M} (/settings)."
        )
    else:
        brings = (
            "You'll get an alert for each new incident. Daily digests are off "
            "(<code>/digest_time 07:00</code> turns them on)."
        )
    return f"✅ {verb} <b>{esc(label)}</b>{esc(threshold)}.\n{brings}"


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
    elif view.digest_needs_subscriptions:
        lines[-1] += " (starts with your first subscription)"
    lines.append(f"Quiet hours: <b>{esc(quiet)}</b>{' — quiet now' if view.quiet_now else ''}")
    lines.append(f"Week's chart under the digest: <b>{'on' if chat.digest_chart else 'off'}</b>")
    lines.append(f"Subscriptions: <b>{len(view.subscriptions)}</b> (/subscriptions)")
    lines.append("")
    lines.append(
        "Change with <code>/timezone Asia/Baghdad</code>, <code>/digest_time 07:00</code>, "
        "<code>/quiet 22:00-07:00</code>."
    )
    return "\n".join(lines)
