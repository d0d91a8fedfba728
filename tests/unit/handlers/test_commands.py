"""Handler tests: a real PTB Application over a recording request, on real SQLite."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.domain import OutboxStatus
from handlers.callbacks import CALLBACK_MAX
from handlers.errors import UserRateLimiter
from handlers.menu import help_text
from tests.fakerequest import Sent
from tests.unit.handlers.conftest import ADMIN_ID, Harness, basra_incident


def replies(calls: list[Sent]) -> list[Sent]:
    return [call for call in calls if call.method in ("sendMessage", "editMessageText")]


def only_reply(calls: list[Sent]) -> Sent:
    found = replies(calls)
    assert len(found) == 1, [call.text for call in found]
    return found[0]


class TestStartAndHelp:
    async def test_start_greets_with_buttons(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/start"))
        assert "Sitrep" in reply.text
        assert len(reply.text.splitlines()) == 3
        assert ("❓ Help", "m:help") in reply.buttons

    async def test_deep_link_subscribes(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/start sub_place_99532"))
        assert "Subscribed to <b>Basra</b>" in reply.text
        subs = await harness.context.services.subscriptions.list(1)
        assert [s.key for s in subs] == ["gn:99532"]

    async def test_bad_deep_link_is_explained(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/start sub_place_1"))
        assert "does not point to anything" in reply.text

    async def test_help_lists_every_command_with_example(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/help"))
        for command in ("/latest", "/city", "/faction", "/subscribe", "/quiet", "/digest_time"):
            assert command in reply.text
        assert "/ingest" not in reply.text
        assert "/ingest" in help_text(is_admin=True)

    async def test_help_states_the_search_syntax(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/help"))
        assert "Bas*" in reply.text
        assert "&quot;car bomb&quot;" in reply.text or '"car bomb"' in reply.text

    async def test_command_addressed_to_the_bot_works(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/help@sitrep_bot"))
        assert "/latest" in reply.text


class TestAsking:
    async def test_city_lists_incidents_escaped(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident(summary="<script>x</script>"))
        reply = only_reply(await harness.send("/city basrah"))
        assert "Basra" in reply.text
        assert "/incident 1" in reply.text
        assert "<script>" not in reply.text
        assert ("🔔 Subscribe to Basra", "sub:place:gn:99532") in reply.buttons

    async def test_unknown_city_offers_suggestions(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/city Basrq"))
        assert "Did you mean" in reply.text
        assert any(data.startswith("ls:") for _, data in reply.buttons)

    async def test_nonsense_is_refused_politely(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/city qqqqzzzzxxxx"))
        assert "I don't know" in reply.text

    async def test_bad_period_is_explained(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/city Basra since yesterday-ish"))
        assert "Traceback" not in reply.text

    async def test_faction_alias(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident())
        reply = only_reply(await harness.send("/faction AAH"))
        assert "Asaib Ahl al-Haq" in reply.text
        assert "/incident 1" in reply.text

    async def test_incident_detail_and_missing(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident(killed=4))
        detail = only_reply(await harness.send("/incident 1"))
        assert "Killed: <b>4</b> (police)" in detail.text
        assert "Example &lt;News&gt;" in detail.text
        missing = only_reply(await harness.send("/incident 99"))
        assert "no incident #99" in missing.text
        bad = only_reply(await harness.send("/incident abc"))
        assert "Give its number" in bad.text

    async def test_latest_paginates_by_editing(self, harness: Harness) -> None:
        for n in range(7):
            day = dt.date(2024, 4, 1) + dt.timedelta(days=3 * n)
            await harness.ingest(f"L{n}", basra_incident(n + 1, summary=f"Clash {n}.", day=day))
        first = only_reply(await harness.send("/latest"))
        assert "page 1/2" in first.text
        assert ("›", "lt:5:2") in first.buttons
        calls = await harness.press("lt:5:2", message_id=first.message_id or 0)
        edited = only_reply(calls)
        assert edited.method == "editMessageText"
        assert "page 2/2" in edited.text
        assert any(call.method == "answerCallbackQuery" for call in calls)

    async def test_latest_rejects_bad_numbers(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/latest 5000"))
        assert "from 1 to 50" in reply.text

    async def test_stats(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident(killed=2))
        ask = only_reply(await harness.send("/stats Basra 30d"))
        assert "Which one?" in ask.text
        assert ("Basra (city in Basra governorate)", "st:p:30d:gn:99532") in ask.buttons or any(
            data == "st:p:30d:gn:99532" for _, data in ask.buttons
        )
        reply = only_reply(await harness.press("st:p:30d:gn:99532"))
        assert "Incidents: <b>1</b>" in reply.text
        assert "Killed: <b>2</b>" in reply.text

    async def test_arabic_name_and_period(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident(killed=2))
        reply = only_reply(await harness.send("/city البصرة ٧ ايام"))
        assert "<b>Basra — last 7 days</b> — 1 incident" in reply.text
        stats = only_reply(await harness.press(reply.buttons[-1][1]))
        assert "Incidents: <b>1</b>" in stats.text
        assert "last 7 days" in stats.text

    async def test_an_empty_period_points_to_older_incidents(self, harness: Harness) -> None:
        await harness.ingest("OLD", basra_incident(killed=2, day=dt.date(2023, 1, 15)))
        reply = only_reply(await harness.send("/faction AAH 7d"))
        assert "Nothing recorded for Asaib Ahl al-Haq in the last 7 days." in reply.text
        assert "Every incident: /faction Asaib Ahl al-Haq" in reply.text
        governorate = only_reply(await harness.send("/province Basra yesterday"))
        assert "Nothing recorded for Basra governorate yesterday." in governorate.text
        assert "Every incident: /province Basra governorate" in governorate.text
        never = only_reply(await harness.send("/city Mosul"))
        assert "No incidents recorded for Mosul." in never.text

    async def test_stats_without_period_widens_past_a_quiet_week(self, harness: Harness) -> None:
        await harness.ingest("OLD", basra_incident(killed=2, day=dt.date(2023, 1, 15)))
        reply = only_reply(await harness.send("/stats"))
        assert "Nothing in the last 7 days" in reply.text
        assert "since 2023-01-15" in reply.text
        assert "Incidents: <b>1</b>" in reply.text
        assert "Killed: <b>2</b>" in reply.text
        # The Stats button under a list without a period widens the same way.
        button = only_reply(await harness.press("st:p::gn:99532"))
        assert "Incidents: <b>1</b>" in button.text

    async def test_stats_with_a_mistyped_period_blames_the_period(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/stats AAH 5x"))
        assert "period" in reply.text
        assert "5x" in reply.text
        years = only_reply(await harness.send("/stats AAH 5y"))
        assert "last 5 years" in years.text

    async def test_search(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident(summary="A checkpoint clash in the port."))
        reply = only_reply(await harness.send("/search checkpoint"))
        assert "/incident 1" in reply.text

    async def test_search_with_operators_says_which_syntax_works(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident(summary="A checkpoint clash in the port."))
        reply = only_reply(await harness.send("/search Basra OR Kirkuk"))
        assert "OR is not supported" in reply.text
        assert "all words must match" in reply.text
        assert "/search Bas*" in reply.text  # the syntax that works, with an example

    async def test_city_typo_suggests_places_where_the_bot_reports(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident())
        reply = only_reply(await harness.send("/city Basrq"))
        labels = [label for label, _ in reply.buttons]
        assert any("Basra" in label for label in labels)
        assert not any("Kulp" in label for label in labels)

    async def test_oversized_argument_refused(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/city " + "x" * 1000))
        assert "too long" in reply.text

    async def test_every_callback_fits_64_bytes(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident())
        calls = await harness.send("/city Basra since 2024-01-01")
        buttons = only_reply(calls).buttons
        # Subscribe and stats at least: a reply without buttons would prove nothing here.
        assert {label for label, _ in buttons} >= {"🔔 Subscribe to Basra", "📊 Stats"}
        for _, data in buttons:
            assert 0 < len(data.encode()) <= CALLBACK_MAX


class TestSubscriptions:
    async def test_subscribe_with_threshold_and_list(self, harness: Harness) -> None:
        ask = only_reply(await harness.send("/subscribe Basra min_killed=3"))
        assert any(data == "sub:place:gn:99532@3" for _, data in ask.buttons)
        reply = only_reply(await harness.press("sub:place:gn:99532@3"))
        assert "at least 3 killed" in reply.text
        assert "https://t.me/sitrep_bot?start=sub_place_99532" in reply.text
        listing = only_reply(await harness.send("/subscriptions"))
        assert "Basra" in listing.text
        assert any(data.startswith("un:") for _, data in listing.buttons)

    async def test_subscribe_without_args_offers_recent_places(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident())
        reply = only_reply(await harness.send("/subscribe"))
        assert ("🔔 Basra", "sub:place:gn:99532") in reply.buttons
        calls = await harness.press("sub:place:gn:99532")
        assert any("Subscribed to" in call.text for call in replies(calls))
        assert any(call.method == "answerCallbackQuery" for call in calls)

    async def test_unsubscribe_all_needs_confirmation(self, harness: Harness) -> None:
        await harness.press("sub:place:gn:99532")
        await harness.send("/subscribe AAH")
        ask = only_reply(await harness.press("un:all"))
        assert ("Yes, remove all", "un:all:yes") in ask.buttons
        assert len(await harness.context.services.subscriptions.list(1)) == 2
        await harness.press("un:all:no")
        assert len(await harness.context.services.subscriptions.list(1)) == 2
        done = only_reply(await harness.press("un:all:yes"))
        assert "Removed 2 subscriptions" in done.text
        assert await harness.context.services.subscriptions.list(1) == []

    async def test_unsubscribe_by_name(self, harness: Harness) -> None:
        await harness.press("sub:place:gn:99532")
        reply = only_reply(await harness.send("/unsubscribe basra"))
        assert "Unsubscribed from <b>Basra</b>" in reply.text


class TestGroups:
    async def test_non_admin_refused_in_group(self, harness: Harness) -> None:
        reply = only_reply(
            await harness.send("/subscribe Basra", chat_id=-100, user_id=5, chat_type="supergroup")
        )
        assert "administrators" in reply.text
        assert await harness.context.services.subscriptions.list(-100) == []

    async def test_group_admin_allowed(self, harness: Harness) -> None:
        harness.request.members[(-100, 6)] = "creator"
        await harness.send("/subscribe AAH", chat_id=-100, user_id=6, chat_type="supergroup")
        assert len(await harness.context.services.subscriptions.list(-100)) == 1

    async def test_anonymous_admin_allowed(self, harness: Harness) -> None:
        extra = {
            "sender_chat": {"id": -100, "type": "supergroup", "title": "Ops room"},
            "from": {"id": 1087968824, "is_bot": True, "first_name": "Group"},
        }
        await harness.send("/quiet 22:00-07:00", chat_id=-100, chat_type="supergroup", extra=extra)
        chat = await harness.context.services.chats.get(-100)
        assert chat.quiet_start is not None

    async def test_anyone_may_ask_in_group(self, harness: Harness) -> None:
        reply = only_reply(
            await harness.send("/latest", chat_id=-100, user_id=5, chat_type="supergroup")
        )
        assert "Latest incidents" in reply.text


class TestSettings:
    async def test_quiet_timezone_digest_time(self, harness: Harness) -> None:
        only_reply(await harness.send("/quiet 22:00-07:00"))
        only_reply(await harness.send("/timezone Europe/Berlin"))
        reply = only_reply(await harness.send("/digest_time 06:30"))
        assert "Europe/Berlin" in reply.text
        assert "06:30" in reply.text
        assert "22:00-07:00" in reply.text

    async def test_offset_timezone_and_am_pm_times(self, harness: Harness) -> None:
        only_reply(await harness.send("/timezone UTC+3"))
        reply = only_reply(await harness.send("/quiet 10pm-7am"))
        assert "Timezone: <b>UTC+3</b>" in reply.text
        assert "Etc/GMT" not in reply.text
        assert "22:00-07:00" in reply.text

    async def test_bad_values_explained(self, harness: Harness) -> None:
        assert "Example" in only_reply(await harness.send("/quiet soon")).text
        assert "timezone" in only_reply(await harness.send("/timezone Atlantis/Nowhere")).text
        assert "Did you mean" in only_reply(await harness.send("/timezone Basrq")).text

    async def test_settings_buttons_toggle(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/settings"))
        assert ("🔕 Digest off", "set:d:off") in reply.buttons
        edited = only_reply(await harness.press("set:d:off"))
        assert "Daily digest: <b>off</b>" in edited.text

    async def test_settings_without_subscriptions_promise_no_digest_time(
        self, harness: Harness
    ) -> None:
        reply = only_reply(await harness.send("/settings"))
        assert "next:" not in reply.text
        assert "first subscription" in reply.text

    async def test_subscribe_after_digest_off_promises_no_digest(self, harness: Harness) -> None:
        await harness.send("/digest_time off")
        await harness.send("/subscribe Basra")
        reply = only_reply(await harness.press("sub:place:gn:99532"))
        assert "Subscribed to" in reply.text
        assert "and a daily digest" not in reply.text
        assert "/digest_time" in reply.text
        deep = only_reply(await harness.send("/start sub_place_98182"))
        assert "and a daily digest" not in deep.text

    async def test_subscribe_with_digests_on_names_the_time(self, harness: Harness) -> None:
        await harness.send("/subscribe Basra")
        reply = only_reply(await harness.press("sub:place:gn:99532"))
        assert "daily digest at 07:00" in reply.text

    async def test_digest_now_nothing_reported(self, harness: Harness) -> None:
        await harness.send("/subscribe Mosul")
        reply = only_reply(await harness.send("/digest"))
        assert "Nothing reported in your areas" in reply.text


class TestAdmin:
    async def test_ingest_refused_for_users(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/ingest Something happened"))
        assert "only Sitrep's admins" in reply.text
        assert harness.extractor.calls == 0

    async def test_admin_ingest_queues_alert(self, harness: Harness) -> None:
        await harness.press("sub:place:gn:99532")
        harness.extractor.script("MARK", [basra_incident()])
        reply = only_reply(
            await harness.send("/ingest MARK two killed", chat_id=ADMIN_ID, user_id=ADMIN_ID)
        )
        assert "New incidents: 1" in reply.text
        counts = await harness.context.storage.outbox.counts()
        assert counts.get(OutboxStatus.PENDING.value) == 1

    async def test_forwarded_channel_post_keeps_source(self, harness: Harness) -> None:
        harness.extractor.script("FWD", [basra_incident()])
        extra = {
            "forward_origin": {
                "type": "channel",
                "chat": {
                    "id": -1009,
                    "type": "channel",
                    "title": "Basra Watch",
                    "username": "basrawatch",
                },
                "message_id": 3,
                "date": 1_700_000_000,
            }
        }
        await harness.send("FWD clash text", chat_id=ADMIN_ID, user_id=ADMIN_ID, extra=extra)
        reports = await harness.context.storage.reports.latest(1)
        assert reports[0].forwarded_from == "Basra Watch"
        assert reports[0].url == "https://t.me/basrawatch/3"

    async def test_plain_text_from_user_gets_a_hint(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("hello"))
        assert "/help" in reply.text
        assert harness.extractor.calls == 0

    @pytest.mark.parametrize(
        ("text", "answer"),
        [
            ("hello", "Sitrep commands"),
            ("Basra", "Showing: Basra"),
            ("what happened in Basra today?", "Showing: Basra, today"),
        ],
    )
    async def test_short_question_from_admin_is_answered_not_stored(
        self, harness: Harness, text: str, answer: str
    ) -> None:
        calls = await harness.send(text, chat_id=ADMIN_ID, user_id=ADMIN_ID)
        assert answer in calls[0].text
        assert harness.extractor.calls == 0
        assert await harness.context.storage.reports.count() == 0

    async def test_short_text_from_admin_naming_nothing_is_not_stored(
        self, harness: Harness
    ) -> None:
        # Seven words that name nothing: neither a question nor long enough to be a report.
        text = "the quick fox zzqx wibble over there"
        reply = only_reply(await harness.send(text, chat_id=ADMIN_ID, user_id=ADMIN_ID))
        assert "not stored" in reply.text or "Did you mean" in reply.text
        assert harness.extractor.calls == 0
        assert await harness.context.storage.reports.count() == 0

    async def test_pasted_report_from_admin_is_ingested(self, harness: Harness) -> None:
        harness.extractor.script("PASTE", [basra_incident()])
        text = "PASTE Gunmen clashed with police at a checkpoint in Basra, killing three."
        reply = only_reply(await harness.send(text, chat_id=ADMIN_ID, user_id=ADMIN_ID))
        assert "New incidents: 1" in reply.text

    async def test_status_for_admin_only(self, harness: Harness) -> None:
        assert "only Sitrep's admins" in only_reply(await harness.send("/status")).text
        reply = only_reply(await harness.send("/status", chat_id=ADMIN_ID, user_id=ADMIN_ID))
        assert "Queue:" in reply.text


class TestRobustness:
    async def test_flooding_user_told_once_then_ignored(self, harness: Harness) -> None:
        limiter = UserRateLimiter(3, monotonic=lambda: 100.0)
        # The handlers are bound methods of one BotHandlers; swap its limiter for a tight one.
        bound = next(
            handler.callback.__self__
            for group in harness.app.handlers.values()
            for handler in group
            if hasattr(handler.callback, "__self__")
        )
        bound.rate = limiter
        answers = [len(replies(await harness.send("/help"))) for _ in range(6)]
        assert answers == [1, 1, 1, 1, 0, 0]
        warned = harness.request.texts(1)[3]
        assert "faster than I can answer" in warned
        # Another user is unaffected.
        assert len(replies(await harness.send("/help", chat_id=2))) == 1

    async def test_unexpected_error_apologises_and_tells_admins(self, harness: Harness) -> None:
        async def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError(
                "database on fire " + "4242:AAHandlerTestsTokenNotRealAtAll_0123456789"
            )

        harness.context.services.queries.latest = broken  # type: ignore[method-assign,assignment]
        calls = await harness.send("/latest")
        texts = [call.text for call in replies(calls)]
        user_texts = [c.text for c in replies(calls) if int(c.params["chat_id"]) == 1]
        assert user_texts == [
            "Sorry, something went wrong on my side. The admins have been told; please try again."
        ]
        admin_texts = [c.text for c in replies(calls) if int(c.params["chat_id"]) == ADMIN_ID]
        assert len(admin_texts) == 1
        assert "RuntimeError" in admin_texts[0]
        assert "4242:AAHandlerTests" not in admin_texts[0]
        assert all("Traceback" not in text for text in user_texts)
        assert texts

    async def test_blocked_and_unblocked(self, harness: Harness) -> None:
        await harness.send("/start")
        update = {
            "chat": {"id": 1, "type": "private"},
            "from": {"id": 1, "is_bot": False, "first_name": "U"},
            "date": 1_700_000_000,
            "old_chat_member": {
                "status": "member",
                "user": {"id": 4242, "is_bot": True, "first_name": "S"},
            },
            "new_chat_member": {
                "status": "kicked",
                "user": {"id": 4242, "is_bot": True, "first_name": "S"},
                "until_date": 0,
            },
        }
        from telegram import Update

        await harness.app.process_update(
            Update.de_json({"update_id": 9999, "my_chat_member": update}, harness.app.bot)
        )
        chat = await harness.context.storage.chats.get(1)
        assert chat is not None
        assert chat.active is False
        update["new_chat_member"] = {
            "status": "member",
            "user": {"id": 4242, "is_bot": True, "first_name": "S"},
        }
        await harness.app.process_update(
            Update.de_json({"update_id": 10000, "my_chat_member": update}, harness.app.bot)
        )
        chat = await harness.context.storage.chats.get(1)
        assert chat is not None
        assert chat.active is True

    async def test_every_reply_is_valid_html(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident(summary="a < b & c > d"))
        for command in ("/latest", "/city Basra", "/incident 1", "/stats", "/help", "/settings"):
            for call in replies(await harness.send(command)):
                stripped = re.sub(r"</?(b|i|u|code|pre|a)( [^>]*)?>", "", call.text)
                assert "<" not in stripped, (command, call.text)


class TestRateLimiter:
    def test_window_slides_and_idle_users_are_forgotten(self) -> None:
        now = [0.0]
        limiter = UserRateLimiter(2, monotonic=lambda: now[0])
        assert [limiter.check(1) for _ in range(4)] == ["ok", "ok", "warn", "drop"]
        now[0] = 61.0
        assert limiter.check(1) == "ok"
        for user in range(2, 10_003):
            limiter.check(user)
        now[0] = 200.0
        limiter.check(99_999)
        assert len(limiter._seen) == 1  # everyone idle for a minute was dropped
        assert limiter.check(1) == "ok"


class TestRouting:
    async def test_feed_commands_reach_their_handler(self, harness: Harness) -> None:
        reply = only_reply(await harness.send("/feeds", chat_id=ADMIN_ID, user_id=ADMIN_ID))
        assert "feeds" in reply.text.lower()
        assert "don't know that command" not in reply.text

    async def test_unknown_command_and_stale_button(self, harness: Harness) -> None:
        assert "don't know that command" in only_reply(await harness.send("/frobnicate")).text
        calls = await harness.press("zz:old")
        answers = [call for call in calls if call.method == "answerCallbackQuery"]
        assert len(answers) == 1
        assert answers[0].params.get("text") == "This button no longer works."


class TestEditing:
    async def test_uneditable_message_gets_a_new_reply(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident())
        harness.request.fail_edits = True
        calls = await harness.press("lt:5:1")
        methods = [call.method for call in calls]
        assert "editMessageText" in methods
        assert methods.count("sendMessage") == 1
        assert "Latest incidents" in next(c.text for c in calls if c.method == "sendMessage")
        assert "answerCallbackQuery" in methods


class TestEditedMessages:
    async def test_editing_a_command_does_not_run_it_again(self, harness: Harness) -> None:
        harness.extractor.script("EDIT", [basra_incident()])
        calls = await harness.send(
            "/ingest EDIT report", chat_id=ADMIN_ID, user_id=ADMIN_ID, edited=True
        )
        assert replies(calls) == []
        assert harness.extractor.calls == 0


class TestMoreLookups:
    async def test_province_lists_the_governorate(self, harness: Harness) -> None:
        await harness.ingest("A1", basra_incident())
        reply = only_reply(await harness.send("/province Basra 30d"))
        assert "Basra governorate" in reply.text
        assert "/incident 1" in reply.text
        assert ("📊 Stats", "st:a:30d:IQ-BA") in reply.buttons

    async def test_search_pages_through_results(self, harness: Harness) -> None:
        for n in range(7):
            day = dt.date(2024, 3, 1) + dt.timedelta(days=4 * n)
            await harness.ingest(
                f"S{n}", basra_incident(summary=f"Checkpoint clash {n}.", day=day)
            )
        first = only_reply(await harness.send("/search checkpoint"))
        assert "page 1/2" in first.text
        next_page = next(data for text, data in first.buttons if text == "›")
        second = only_reply(await harness.press(next_page))
        assert "page 2/2" in second.text

    async def test_remove_button_unsubscribes(self, harness: Harness) -> None:
        await harness.press("sub:place:gn:99532")
        subs = await harness.context.services.subscriptions.list(1)
        calls = await harness.press(f"un:{subs[0].id}")
        assert "no subscriptions yet" in only_reply(calls).text
        assert await harness.context.services.subscriptions.list(1) == []

    async def test_group_member_cannot_press_subscribe(self, harness: Harness) -> None:
        calls = await harness.press("sub:place:gn:99532", chat_id=-100, user_id=5)
        answers = [c for c in calls if c.method == "answerCallbackQuery"]
        assert len(answers) == 1
        assert "administrators" in str(answers[0].params.get("text"))
        assert await harness.context.services.subscriptions.list(-100) == []


class TestAddedToGroup:
    async def test_bot_greets_a_group_that_adds_it(self, harness: Harness) -> None:
        from telegram import Update

        bot_user = {"id": 4242, "is_bot": True, "first_name": "S"}
        change = {
            "chat": {"id": -300, "type": "supergroup", "title": "Ops"},
            "from": {"id": 8, "is_bot": False, "first_name": "U"},
            "date": 1_700_000_000,
            "old_chat_member": {"status": "left", "user": bot_user},
            "new_chat_member": {"status": "member", "user": bot_user},
        }
        before = len(harness.request.calls)
        await harness.app.process_update(
            Update.de_json({"update_id": 77, "my_chat_member": change}, harness.app.bot)
        )
        sent = replies(harness.request.calls[before:])
        assert len(sent) == 1
        assert "only administrators" in sent[0].text
        chat = await harness.context.storage.chats.get(-300)
        assert chat is not None
        assert chat.active
