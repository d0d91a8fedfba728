"""Domain models -> Telegram HTML in the chat's language. Every external string goes through
``esc``; every interface string through ``t``/``tn``; names through ``handlers.names``."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from bot.domain import (
    CasualtyCount,
    CountStatus,
    DatePrecision,
    EventType,
    GeoPrecision,
    Incident,
    IncidentRevision,
    SourceRef,
    SubscriptionKind,
)
from bot.domain.views import IncidentPage
from bot.services.errors import N_
from handlers import names, reasons
from handlers.html import esc, link
from handlers.i18n import (
    DEFAULT_LANGUAGE,
    format_day,
    format_moment,
    isolate,
    normalize_language,
    t,
    tn,
)

_EVENT_ICONS = {
    EventType.BATTLES: "⚔️",
    EventType.EXPLOSIONS: "💥",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "🩸",
    EventType.PROTESTS: "📢",
    EventType.RIOTS: "🔥",
    EventType.STRATEGIC_DEVELOPMENTS: "📌",
}
_MAX_SOURCES_ON_CARD = 3


_TIMES_OF_DAY = {
    "morning": N_("morning"),
    "afternoon": N_("afternoon"),
    "evening": N_("evening"),
    "dawn": N_("dawn"),
    "night": N_("night"),
}


def format_date(incident: Incident, lang: str | None = None) -> str:
    """The incident's date as people read it, with its precision and time of day (plain text)."""
    day = incident.date
    if incident.date_precision is DatePrecision.MONTH:
        text = format_day(lang, day, "MMMM y")
    elif incident.date_precision is DatePrecision.WEEK:
        text = t(lang, "week of {day}", day=format_day(lang, day))
    else:
        text = format_day(lang, day)
    if incident.date_end and incident.date_end != incident.date:
        end = incident.date_end
        text = t(
            lang,
            "{first} – {last}",
            first=format_day(lang, day, "d MMM"),
            last=format_day(lang, end),
        )
    if incident.time_of_day:
        word = _TIMES_OF_DAY.get(incident.time_of_day)
        shown = t(lang, word) if word else isolate(lang, incident.time_of_day)
        text += f" ({shown})"
    return text


def format_place(incident: Incident, lang: str | None = None) -> str:
    """ "Sadr City, Baghdad governorate" or "near Basra, Basra governorate" (plain text)."""
    location = incident.location
    name = names.place(lang, location.name)
    if location.geo_precision is GeoPrecision.NEAR:
        name = t(lang, "near {place}", place=name)
    elif location.geo_precision is GeoPrecision.ADMIN1:
        return names.governorate(lang, location.admin1 or location.name)
    elif location.geo_precision is GeoPrecision.COUNTRY:
        return names.place(lang, location.name)
    if location.admin1 and location.admin1 != location.name:
        return t(
            lang,
            "{place}, {governorate}",
            place=name,
            governorate=names.governorate(lang, location.admin1),
        )
    if location.admin1:
        return t(
            lang,
            "{place} ({governorate})",
            place=name,
            governorate=names.governorate(lang, location.admin1),
        )
    return name


def count_text(count: CasualtyCount, lang: str | None = None) -> str:
    """ "1", "at least 30", "12-15", "unknown", "none reported" in ``lang`` (plain text)."""
    if count.min is None:
        if count.status is CountStatus.UNKNOWN:
            return t(lang, "unknown")
        return t(lang, "none reported")
    if count.max is not None and count.max != count.min:
        return isolate(lang, f"{count.min}-{count.max}")
    if count.status is CountStatus.AT_LEAST:
        return t(lang, "at least {n}", n=count.min)
    if count.status is CountStatus.APPROXIMATE:
        return t(lang, "about {n}", n=count.min)
    return str(count.min)


def format_count(
    label: str, count: CasualtyCount, *, with_claims: bool = False, lang: str | None = None
) -> str | None:
    """ "Killed: 12-15 (medics)" in HTML (``label`` already translated), or None when nothing
    was reported."""
    if count.status is CountStatus.NONE_REPORTED and not count.known:
        return None
    text = f"{label}: <b>{esc(count_text(count, lang))}</b>"
    if count.source:
        text += f" ({esc(names.source(lang, count.source))})"
    if with_claims:
        others = [
            claim
            for claim in count.claims
            if claim.min is not None and (claim.source or "") != (count.source or "")
        ]
        if others:
            anonymous = t(lang, "a source")
            said = t(lang, "; ").join(
                f"{esc(names.source(lang, claim.source) if claim.source else anonymous)}: "
                f"{esc(_claim_text(claim.min, claim.max, lang))}"
                for claim in others[:5]
            )
            text += " — " + t(lang, "also {claims}", claims=said)
    return text


def _claim_text(low: int | None, high: int | None, lang: str | None) -> str:
    if low is None:
        return t(lang, "unknown")
    if high is not None and high != low:
        return isolate(lang, f"{low}-{high}")
    return str(low)


def casualty_line(
    incident: Incident, *, with_claims: bool = False, lang: str | None = None
) -> str:
    """Killed and injured on one line, "no casualties reported" when neither is known."""
    parts = [
        part
        for part in (
            format_count(t(lang, "Killed"), incident.killed, with_claims=with_claims, lang=lang),
            format_count(t(lang, "Injured"), incident.injured, with_claims=with_claims, lang=lang),
        )
        if part
    ]
    # Nothing stated for this incident is not "nobody was hurt": never imply a zero.
    return " · ".join(parts) if parts else t(lang, "Casualties: no figures given")


def actors_line(incident: Incident, lang: str | None = None) -> str | None:
    """The actors as escaped HTML, or None."""
    if not incident.actors:
        return None
    return _comma(lang).join(esc(names.actor(lang, actor)) for actor in incident.actors)


def _english(lang: str | None) -> bool:
    return normalize_language(lang) == DEFAULT_LANGUAGE


def _comma(lang: str | None) -> str:
    return t(lang, ", ")


def source_name(source: SourceRef, lang: str | None = None) -> str:
    """What to call a source: its outlet, else its site ("rudaw.net"), else its title.

    An internal report number means nothing to a reader; it is the last resort, for text
    pasted without a link.
    """
    if source.outlet:
        return isolate(lang, source.outlet)
    site = _site(source.url)
    if site:
        return isolate(lang, site)
    if source.title:
        return isolate(lang, _shorten(source.title, 60))
    if source.report_id is not None:
        return t(lang, "pasted report {number}", number=source.report_id)
    return t(lang, "source")


def _site(url: str | None) -> str | None:
    """The host of a web link without "www.", or None."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host or None


def source_links(
    sources: Sequence[SourceRef],
    limit: int | None = _MAX_SOURCES_ON_CARD,
    lang: str | None = None,
) -> str:
    """Sources as links ("Rudaw, AFP and 2 more")."""
    shown = list(sources if limit is None else sources[:limit])
    items = [link(source.url, source_name(source, lang)) for source in shown]
    rest = len(sources) - len(shown)
    if rest > 0:
        items.append(tn(lang, "{n} more", "{n} more", rest, n=rest))
    return _comma(lang).join(items)


def event_name(incident: Incident, lang: str | None = None) -> str:
    """The incident's sub-event type in ``lang`` (plain text)."""
    return names.category(lang, incident.sub_event_type.value)


def incident_title(incident: Incident, lang: str | None = None) -> str:
    """Icon, sub-event type and place, in bold."""
    icon = _EVENT_ICONS.get(incident.event_type, "•")
    return f"{icon} <b>{esc(event_name(incident, lang))}</b> — {esc(format_place(incident, lang))}"


def incident_card(
    incident: Incident,
    *,
    header: str | None = None,
    note: str | None = None,
    lang: str | None = None,
) -> str:
    """The alert card: what, where, when, who, casualties, sources and the /incident id.

    ``header`` is already in ``lang``; ``note`` comes from the services (English) and is
    shown isolated.
    """
    lines: list[str] = []
    if header:
        lines.append(f"<b>{esc(header)}</b>")
    lines.append(incident_title(incident, lang))
    if note:
        lines.append(f"<i>{esc(isolate(lang, note))}</i>")
    lines.append(f"🗓 {esc(format_date(incident, lang))}")
    actors = actors_line(incident, lang)
    if actors:
        lines.append(f"👥 {actors}")
    lines.append(f"☠️ {casualty_line(incident, lang=lang)}")
    if incident.summary and _english(lang):
        # The summary is English prose built from the fields above: other languages read them.
        lines.append(esc(_shorten(incident.summary, 400)))
    if incident.sources:
        lines.append(t(lang, "Sources: {links}", links=source_links(incident.sources, lang=lang)))
    if incident.id is not None:
        lines.append(f"/incident {incident.id}")
    return "\n".join(lines)


def is_unconfirmed(incident: Incident, min_confidence: float) -> bool:
    """True when the incident is scored below the alert threshold."""
    return incident.confidence is not None and incident.confidence < min_confidence


def confidence_line(
    incident: Incident, min_confidence: float, lang: str | None = None
) -> str | None:
    """ "Confidence: 0.42 — unconfirmed (why)", or None for an unscored incident."""
    if incident.confidence is None:
        return None
    text = t(lang, "Confidence: {score}", score=f"{incident.confidence:.2f}")
    if is_unconfirmed(incident, min_confidence):
        text += " — " + t(lang, "<b>unconfirmed</b> (no alert was sent)")
    if incident.confidence_reasons:
        text += "\n" + "\n".join(
            f"  · {esc(reasons.reason(lang, r))}" for r in incident.confidence_reasons
        )
    return text


def sides_text(
    incident: Incident, focus_actor: str | None = None, lang: str | None = None
) -> str | None:
    """Who fought, as escaped HTML: "A vs B" in a battle, else the actors named.

    In a faction's list (``focus_actor``) only the other side is named: "vs B".
    """
    others = [actor for actor in incident.actors if actor.id != focus_actor]
    shown = [names.actor(lang, actor) for actor in others]
    if not shown:
        return None
    battle = incident.event_type is EventType.BATTLES
    comma = _comma(lang)
    if focus_actor is not None and len(others) < len(incident.actors):
        if battle:
            return esc(t(lang, "vs {names}", names=comma.join(shown)))
        return esc(t(lang, "with {names}", names=comma.join(shown)))
    if battle and len(shown) > 1:
        # The first actor against the rest (ACLED's actor1 vs actor2 and associates).
        return esc(t(lang, "{first} vs {rest}", first=shown[0], rest=comma.join(shown[1:])))
    return esc(comma.join(shown))


def incident_line(
    incident: Incident,
    *,
    focus_actor: str | None = None,
    min_confidence: float = 0.0,
    lang: str | None = None,
) -> str:
    """One line of a list: date, type, place, who, toll, id, and "unconfirmed" when the
    incident is scored below ``min_confidence`` (the alert threshold)."""
    sides = sides_text(incident, focus_actor, lang)
    sides_part = f" — {sides}" if sides else ""
    toll = []
    if incident.killed.known:
        toll.append(t(lang, "{n} killed", n=esc(count_text(incident.killed, lang))))
    if incident.injured.known:
        toll.append(t(lang, "{n} injured", n=esc(count_text(incident.injured, lang))))
    toll_text = f" — {_comma(lang).join(toll)}" if toll else ""
    ident = f" /incident {incident.id}" if incident.id is not None else ""
    doubt = (
        " — <i>" + t(lang, "unconfirmed") + "</i>"
        if is_unconfirmed(incident, min_confidence)
        else ""
    )
    return (
        f"{_EVENT_ICONS.get(incident.event_type, '•')} {esc(format_day(lang, incident.date))}: "
        f"<b>{esc(event_name(incident, lang))}</b>{_comma(lang)}"
        f"{esc(format_place(incident, lang))}{sides_part}{toll_text}{doubt}{ident}"
    )


def _detail_head(incident: Incident, lang: str | None) -> list[str]:
    """Number, title, type, when, where and who of the full record."""
    number = incident.id if incident.id is not None else "?"
    lines = ["<b>" + t(lang, "Incident {number}", number=esc(number)) + "</b>"]
    lines.append(incident_title(incident, lang))
    kind = f"{names.category(lang, incident.event_type.value)} / {event_name(incident, lang)}"
    lines.append(t(lang, "Type: {kind}", kind=esc(kind)))
    lines.append(t(lang, "When: {when}", when=esc(format_date(incident, lang))))
    location = incident.location
    where = esc(format_place(incident, lang))
    if location.lat is not None and location.lon is not None:
        where += " " + isolate(lang, f"({location.lat:.3f}, {location.lon:.3f})")
    precision = t(lang, names.GEO_PRECISIONS[location.geo_precision])
    lines.append(
        t(lang, "Where: {where} — precision: {precision}", where=where, precision=esc(precision))
    )
    if incident.actors:
        who = t(lang, "; ").join(
            f"{esc(names.actor(lang, actor))} ({esc(names.category(lang, actor.type.label))})"
            for actor in incident.actors
        )
        lines.append(t(lang, "Actors: {actors}", actors=who))
    return lines


def incident_detail(
    incident: Incident,
    revisions: Sequence[IncidentRevision],
    *,
    min_confidence: float = 0.0,
    lang: str | None = None,
) -> str:
    """The full record: every field, every source, who gave which figure, confidence, revisions."""
    lines = _detail_head(incident, lang)
    for label, count in (
        (t(lang, "Killed"), incident.killed),
        (t(lang, "Injured"), incident.injured),
        (t(lang, "Arrested"), incident.arrested),
    ):
        text = format_count(label, count, with_claims=True, lang=lang)
        if text:
            lines.append(text)
    confidence = confidence_line(incident, min_confidence, lang)
    if confidence:
        lines.append(confidence)
    if incident.summary and _english(lang):
        lines.append("")
        lines.append(esc(incident.summary))
    if incident.sources:
        lines.append("")
        lines.append("<b>" + t(lang, "Sources ({n})", n=len(incident.sources)) + "</b>")
        for source in incident.sources:
            when = (
                " — "
                + t(
                    lang,
                    "{time} UTC",
                    time=format_moment(lang, source.published_at, "d MMM y HH:mm"),
                )
                if source.published_at
                else ""
            )
            title = f": {esc(isolate(lang, source.title))}" if source.title else ""
            lines.append(f"• {link(source.url, source_name(source, lang))}{title}{esc(when)}")
    if revisions:
        lines.append("")
        lines.append("<b>" + t(lang, "Revisions") + "</b>")
        for revision in revisions:
            note = reasons.revision_note(lang, revision.note, revision.changes)
            changed = format_moment(lang, revision.changed_at)
            label = t(lang, "r{n}", n=revision.revision)
            lines.append(f"• {esc(label)} {esc(changed)}: {esc(note)}")
    return "\n".join(lines)


def incident_list(
    title: str,
    incidents: Sequence[Incident],
    *,
    page: int = 1,
    pages: int = 1,
    total: int | None = None,
    empty: str | None = None,
    focus_actor: str | None = None,
    min_confidence: float = 0.0,
    lang: str | None = None,
) -> str:
    """A titled list of incident lines, with a page indicator when paginated.

    ``title`` and ``empty`` are plain text already in ``lang``.
    """
    head = f"<b>{esc(title)}</b>"
    if total is not None:
        head += " — " + tn(lang, "{n} incident", "{n} incidents", total, n=total)
    if pages > 1:
        head += " " + t(lang, "(page {page}/{pages})", page=page, pages=pages)
    if not incidents:
        said = empty if empty is not None else t(lang, "No incidents found.")
        return f"{head}\n{esc(said)}"
    lines = (
        incident_line(incident, focus_actor=focus_actor, min_confidence=min_confidence, lang=lang)
        for incident in incidents
    )
    return "\n".join([head, *lines])


def grouped_alert(
    incidents: Sequence[Incident], note: str | None = None, lang: str | None = None
) -> str:
    """Several new incidents in one message instead of a flood of alerts."""
    count = len(incidents)
    head = tn(
        lang,
        "🚨 {n} new incident in your areas",
        "🚨 {n} new incidents in your areas",
        count,
        n=count,
    )
    lines = [f"<b>{head}</b>"]
    if note:
        lines.append(f"<i>{esc(isolate(lang, note))}</i>")
    for incident in incidents:
        lines.append("")
        lines.append(incident_line(incident, lang=lang))
        if incident.sources:
            links = source_links(incident.sources, 2, lang)
            lines.append(t(lang, "Sources: {links}", links=links))
    return "\n".join(lines)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def page_message(
    title: str, page: IncidentPage, *, empty: str | None = None, lang: str | None = None
) -> str:
    """A page of incidents with its title (plain text in ``lang``), period and page indicator."""
    if page.period is not None:
        title = f"{title} — {names.period(lang, page.period.label)}"
    empty = empty if empty is not None else t(lang, "No incidents found.")
    note = isolate(lang, page.note) if page.note else None
    if note and not page.items:
        empty = f"{empty}\n{note}"
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
        lang=lang,
    ) + (f"\n<i>{esc(note)}</i>" if note and page.items else "")
