"""Summaries -> Telegram HTML in the chat's language: digest, stats, settings, subscriptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.domain import Chat, Incident, Subscription
from bot.domain.marks import N_
from bot.domain.views import ChatSettings, Digest, DigestGroup, StatsResult
from handlers import names
from handlers.html import esc
from handlers.i18n import format_day, format_moment, isolate, t, tn
from handlers.render import incident_line

_AREAS_SHOWN = 12
WEEK_PERIOD = N_("7d")  # a period a user can type, in the reader's language


def change_text(current: int, previous: int, lang: str | None = None) -> str:
    """ "+3 vs before", "−2 vs before", "same as before" (plain text)."""
    delta = current - previous
    if delta == 0:
        return t(lang, "same as before")
    sign = "+" if delta > 0 else "−"
    return t(lang, "{change} vs before", change=isolate(lang, f"{sign}{abs(delta)}"))


def zone_label(timezone: str) -> str:
    """A zone as people say it: "Etc/GMT-3" (POSIX signs are reversed) is "UTC+3"."""
    if timezone.startswith("Etc/GMT") and timezone[7:8] in ("+", "-"):
        sign = "-" if timezone[7] == "+" else "+"
        return f"UTC{sign}{timezone[8:]}"
    return timezone


def local_time(value: dt.datetime, timezone: str, lang: str | None = None) -> str:
    """An aware datetime shown in a chat's timezone."""
    try:
        zone = ZoneInfo(timezone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    return format_moment(lang, value.astimezone(zone), "dd MMM HH:mm")


def _areas_line(digest: Digest, lang: str | None) -> str:
    shown = [names.label(lang, area) for area in digest.areas[:_AREAS_SHOWN]]
    line = t(lang, "Your areas: {areas}", areas=esc(t(lang, ", ").join(shown)))
    hidden = len(digest.areas) - _AREAS_SHOWN
    if hidden > 0:
        line += " " + tn(lang, "and {n} more", "and {n} more", hidden, n=hidden)
    return line


def digest_message(digest: Digest, lang: str | None = None) -> str:
    """The daily digest: totals, change vs the day before, governorates and cities by severity."""
    day = format_day(lang, digest.local_date)
    lines = ["<b>📰 " + t(lang, "Daily digest — {day}", day=esc(day)) + "</b>"]
    if digest.areas:
        lines.append(_areas_line(digest, lang))
    if digest.empty:
        lines.append("")
        if digest.scope == "subscriptions":
            lines.append(t(lang, "✅ Nothing reported in your areas in the last 24 hours."))
        else:
            lines.append(t(lang, "✅ Nothing reported anywhere in the last 24 hours."))
        if digest.previous_total:
            lines.append(
                tn(
                    lang,
                    "(The day before: {n} incident.)",
                    "(The day before: {n} incidents.)",
                    digest.previous_total,
                    n=digest.previous_total,
                )
            )
        lines.extend(_late_reports(digest, lang))
        return "\n".join(lines)
    every = [i for group in digest.groups for city in group.cities for i in city.incidents]
    killed_change = f" ({esc(change_text(digest.killed, digest.previous_killed, lang))})"
    total = tn(lang, "<b>{n}</b> incident", "<b>{n}</b> incidents", digest.total, n=digest.total)
    change = esc(change_text(digest.total, digest.previous_total, lang))
    toll = _toll_words(
        every,
        digest.killed,
        digest.injured,
        bold=True,
        killed_note=killed_change,
        lang=lang,
        reported=(digest.killed_reported, digest.injured_reported),
        total=digest.total if digest.killed_reported is not None else None,
    )
    lines.append(f"{total} ({change}){t(lang, ', ')}{toll}")
    for group in digest.groups:
        lines.extend(_group_lines(group, lang))
    lines.extend(_late_reports(digest, lang))
    return "\n".join(lines)


def _group_lines(group: DigestGroup, lang: str | None) -> list[str]:
    """One governorate of the digest: its count and toll, then each city's incidents."""
    lines = [""]
    in_group = [i for city in group.cities for i in city.incidents]
    count = tn(lang, "{n} incident", "{n} incidents", group.total, n=group.total)
    toll = _toll_words(
        in_group,
        group.killed,
        group.injured,
        lang=lang,
        reported=(group.killed_reported, group.injured_reported),
        total=group.total if group.killed_reported is not None else None,
    )
    governorate = esc(names.label(lang, group.governorate))
    lines.append(f"<b>{governorate}</b> — {count}{t(lang, ', ')}{toll}")
    for city in group.cities:
        lines.append(f"<u>{esc(names.name(lang, city.name))}</u>")
        for incident in city.incidents:
            lines.append(incident_line(incident, lang=lang))
        if city.more:
            lines.append("… " + tn(lang, "and {n} more", "and {n} more", city.more, n=city.more))
    return lines


def _late_reports(digest: Digest, lang: str | None) -> list[str]:
    """Reports in the window about older events: listed apart, as such."""
    if not digest.late:
        return []
    count = max(digest.late_total, len(digest.late))
    head = t(lang, "🗄 Late reports of older events ({n})", n=count)
    lines = [
        "",
        f"<b>{head}</b> — " + t(lang, "not counted above"),
        *(incident_line(incident, lang=lang) for incident in digest.late),
    ]
    if count > len(digest.late):
        hidden = count - len(digest.late)
        lines.append("… " + tn(lang, "and {n} more", "and {n} more", hidden, n=hidden))
    return lines


def _toll_words(
    incidents: Sequence[Incident],
    killed: int,
    injured: int,
    *,
    bold: bool = False,
    killed_note: str = "",
    lang: str | None = None,
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

    def number(figure: int) -> str:
        return f"<b>{figure}</b>" if bold else str(figure)

    if counted and not killed_known:
        killed_text = t(lang, "killed not reported")
    else:
        killed_text = t(lang, "{n} killed", n=number(killed)) + killed_note
    if counted and not injured_known:
        injured_text = t(lang, "injured not reported")
    else:
        injured_text = t(lang, "{n} injured", n=number(injured))
    return t(lang, ", ").join((killed_text, injured_text))


def stats_message(result: StatsResult, lang: str | None = None) -> str:
    """Counts, killed and injured for a period, with the change against the period before."""
    subject = names.label(lang, result.target.label) if result.target else t(lang, "All areas")
    current, previous = result.current, result.previous
    # Widened back to the first incident, the period before is empty by construction:
    # "+117 vs the 2553 days before" would be noise.
    compare = not (result.widened_from and previous.incidents == 0)

    def figure(name: str, now: int, before: int, reported: int | None = None) -> str:
        if reported == 0 and current.incidents:
            return t(lang, "{name}: not reported", name=name)
        change = f" ({esc(change_text(now, before, lang))})" if compare else ""
        return f"{name}: <b>{now}</b>{change}"

    period = names.period(lang, result.period.label)
    lines = [
        f"<b>📊 {esc(subject)} — {esc(period)}</b>",
        figure(t(lang, "Incidents"), current.incidents, previous.incidents),
        figure(t(lang, "Killed"), current.killed, previous.killed, current.killed_reported),
        figure(t(lang, "Injured"), current.injured, previous.injured, current.injured_reported),
    ]
    if current.by_event_type:
        lines.append("")
        for name, count in sorted(current.by_event_type.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"• {esc(names.category(lang, name))}: {count}")
    if compare:
        before = names.period(lang, result.previous_period.label)
        lines.append("<i>" + t(lang, "Compared with {period}.", period=esc(before)) + "</i>")
    lines.extend(_stats_hints(result, lang))
    return "\n".join(lines)


def _stats_hints(result: StatsResult, lang: str | None) -> list[str]:
    """How to look further back when the period was widened or is empty."""
    hints: list[str] = []
    command = f"/stats {names.label(lang, result.target.label)}" if result.target else "/stats"
    if result.widened_from:
        widened = names.period(lang, result.widened_from)
        hints.append(
            t(lang, "Nothing in the {period}, so this looks further back.", period=esc(widened))
            + " "
            + t(
                lang,
                "Ask for a period, e.g. {example}.",
                example=f"<code>{esc(command)} {esc(t(lang, WEEK_PERIOD))}</code>",
            )
        )
    current, previous = result.current, result.previous
    if current.incidents == 0 and previous.incidents == 0:
        # Without a period, /stats looks back as far as needed to find something.
        hints.append(
            t(
                lang,
                "Nothing recorded then. To look further back: {command}",
                command=f"<code>{esc(command)}</code>",
            )
        )
    return hints


def subscriptions_message(subscriptions: Sequence[Subscription], lang: str | None = None) -> str:
    """What the chat follows."""
    if not subscriptions:
        return (
            t(lang, "You have no subscriptions yet.")
            + "\n"
            + t(
                lang,
                "Try {first} or {second}.",
                first="<code>" + esc(t(lang, names.EXAMPLE_SUBSCRIBE)) + "</code>",
                second="<code>" + esc(t(lang, names.EXAMPLE_SUBSCRIBE_FACTION)) + "</code>",
            )
        )
    lines = ["<b>" + t(lang, "Your subscriptions") + "</b>"]
    for subscription in subscriptions:
        threshold = (
            " " + t(lang, "(alerts when ≥{n} killed)", n=subscription.min_killed)
            if subscription.min_killed
            else ""
        )
        lines.append(f"• {esc(names.label(lang, subscription.label))}{threshold}")
    lines.append(t(lang, "Tap a button to remove one."))
    return "\n".join(lines)


def subscribed_message(
    label: str, threshold: str, chat: Chat, *, created: bool = True, lang: str | None = None
) -> str:
    """The answer to a subscription: what it brings, digest included only when it is on.

    ``threshold`` is plain text already in ``lang``.
    """
    shown = f"<b>{esc(names.label(lang, label))}</b>{esc(threshold)}"
    if created:
        head = t(lang, "✅ Subscribed to {name}.", name=shown)
    else:
        head = t(lang, "✅ You already follow {name}.", name=shown)
    if chat.digest_time is not None:
        brings = t(
            lang,
            "You'll get an alert for each new incident and a daily digest at {time} (/settings).",
            time=f"{chat.digest_time:%H:%M}",
        )
    else:
        brings = t(
            lang,
            "You'll get an alert for each new incident. Daily digests are off "
            "({example} turns them on).",
            example="<code>/digest_time 07:00</code>",
        )
    return f"{head}\n{brings}"


def settings_message(view: ChatSettings) -> str:
    """The chat's settings overview for /settings, in the chat's language."""
    chat = view.chat
    lang = chat.language
    off = t(lang, "off")
    digest = f"{chat.digest_time:%H:%M}" if chat.digest_time else off
    quiet = (
        isolate(lang, f"{chat.quiet_start:%H:%M}-{chat.quiet_end:%H:%M}")
        if chat.quiet_start is not None and chat.quiet_end is not None
        else off
    )
    zone = isolate(lang, zone_label(chat.timezone))
    lines = [
        "<b>⚙️ " + t(lang, "Settings") + "</b>",
        t(lang, "Language: {language}", language=f"<b>{esc(language_name(lang))}</b>"),
        t(lang, "Timezone: {zone}", zone=f"<b>{esc(zone)}</b>"),
        t(lang, "Daily digest: {time}", time=f"<b>{esc(digest)}</b>"),
    ]
    if view.next_digest_at is not None:
        following = local_time(view.next_digest_at, chat.timezone, lang)
        lines[-1] += " " + t(lang, "(next: {time})", time=esc(following))
    elif view.digest_needs_subscriptions:
        lines[-1] += " " + t(lang, "(starts with your first subscription)")
    quiet_now = " — " + t(lang, "quiet now") if view.quiet_now else ""
    lines.append(t(lang, "Quiet hours: {hours}", hours=f"<b>{esc(quiet)}</b>") + quiet_now)
    chart = t(lang, "on") if chat.digest_chart else off
    lines.append(t(lang, "Week's chart under the digest: {state}", state=f"<b>{chart}</b>"))
    count = len(view.subscriptions)
    lines.append(t(lang, "Subscriptions: {n} (/subscriptions)", n=f"<b>{count}</b>"))
    lines.append("")
    lines.append(
        t(
            lang,
            "Change with {timezone}, {digest}, {quiet}, {language}.",
            timezone=isolate(lang, "<code>/timezone Asia/Baghdad</code>"),
            digest="<code>/digest_time 07:00</code>",
            quiet="<code>/quiet 22:00-07:00</code>",
            language="<code>/language</code>",
        )
    )
    return "\n".join(lines)


# Each language named in itself: a reader who cannot read the current interface still finds
# their own language.
LANGUAGE_NAMES = {"en": "English", "ar": "العربية"}


def language_name(code: str | None) -> str:
    """A language's own name ("العربية"), or its code."""
    return LANGUAGE_NAMES.get(code or "en", code or "en")
