"""The Arabic interface end to end: a user whose Telegram speaks Arabic gets Arabic throughout.

Every reply of a whole conversation is checked with :func:`latin_fragments`: once tags, names
isolated as Latin (FSI ... PDI) and /commands are taken out, no Latin word may remain but the
few that are typed as they are (Sitrep's name, "on"/"off" and "min_killed" arguments).
"""

from __future__ import annotations

import html
import re

from tests.e2e.conftest import ADMIN_ID, FIRST_REPORT, RunningBot
from tests.e2e.talk import ask, ask_in_group, press, reply_to_pressing
from tests.fakebotapi import FakeBotAPI, SentMessage

AR_USER = 611
EN_USER = 612
BASRA = "sub:place:gn:99532"
# A second Basra incident, our own words: an alert for the subscriber.
ROCKET_REPORT = (
    "BASRA, Iraq - Three rockets struck an army base north of Basra on Tuesday night, "
    "wounding four soldiers, the army said."
)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_ISOLATED = re.compile("\u2068[^\u2069]*\u2069")
_COMMAND = re.compile(r"/[a-z_]+(?:@\w+)?")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'-]*")
# Typed as they are: the bot's name, command arguments the parser only reads in Latin, and
# each language's name in its own script on the language buttons.
_TYPED_AS_IS = frozenset({"Sitrep", "English", "min_killed", "on", "off", "ar", "en"})


# Lower-case parts of Latin names ("Umm al-Khair", "Harakat Hezbollah al-Nujaba").
_NAME_PARTICLES = frozenset({"al", "el", "ad", "an", "ar", "as", "ash", "az", "bin", "ibn", "of"})


def _english_in_isolate(span: str) -> list[str]:
    """Isolated text must be a name: capitalised words, not an English phrase."""
    span = _COMMAND.sub(" ", re.sub(r"https?://\S+", " ", span))
    return [
        word
        for word in _LATIN_WORD.findall(span)
        if word not in _TYPED_AS_IS
        and any(part[:1].islower() and part not in _NAME_PARTICLES for part in word.split("-"))
    ]


def latin_fragments(text: str) -> list[str]:
    """Latin words of an Arabic message outside tags, isolated names and commands, and English
    words (lower-case ones) inside isolates."""
    visible = html.unescape(re.sub(r"<[^<>]*>", " ", text))
    inside = [word for span in _ISOLATED.findall(visible) for word in _english_in_isolate(span)]
    visible = _COMMAND.sub(" ", _ISOLATED.sub(" ", visible))
    outside = [word for word in _LATIN_WORD.findall(visible) if word not in _TYPED_AS_IS]
    return outside + inside


def test_the_detector_finds_english_but_not_isolated_names() -> None:
    assert latin_fragments("قتلى: 3 — Killed") == ["Killed"]
    assert latin_fragments("في \u2068Umm al-Khair\u2069 ‎/incident 12 <b>قتلى</b>") == []
    assert latin_fragments('<a href="https://example.org">\u2068Rudaw\u2069</a>') == []
    assert latin_fragments("مقارنة بـ\u2068the 7 days before\u2069") == ["the", "days", "before"]
    assert latin_fragments("\u2068Asaib Ahl al-Haq\u2069 \u2068https://t.me/x?start=a\u2069") == []


def everything_shown_to(api: FakeBotAPI, chat_id: int) -> list[str]:
    """Every text, edit, button label and photo caption the bot sent to a chat."""
    shown: list[str] = []
    for message in api.sent_to(chat_id):
        shown.extend([message.text, *message.edits])
        shown.extend(label for label, _ in message.buttons)
    shown.extend(photo.caption for photo in api.photos_to(chat_id))
    return shown


async def _conversation(api: FakeBotAPI) -> None:
    """Start, help, city, faction, incident, stats, subscribe, digest, errors, a question."""

    async def say(text: str) -> SentMessage:
        return await ask(api, text, AR_USER, language_code="ar")

    start = await say("/start")
    assert "Sitrep" in start.text
    assert "أحدث الحوادث" in [label.removeprefix("🗞 ") for label, _ in start.buttons]
    await say("/help")
    city = await say("/city Basra")
    assert "البصرة" in city.text
    await say("/faction AAH")
    incident = await say("/incident 1")
    assert "الحادثة 1" in incident.text
    choice = await say("/stats البصرة")
    photos = len(api.photos_to(AR_USER))
    await press(api, choice, choice.buttons[0][1], language_code="ar")
    await api.wait_for(lambda: len(api.photos_to(AR_USER)) > photos, what="stats chart")
    subscribe = await say("/subscribe Basra")
    await press(api, subscribe, BASRA, language_code="ar")
    assert "تم الاشتراك" in api.sent_to(AR_USER)[-1].edits[-1]
    digest = await say("/digest")
    assert "الملخص اليومي" in digest.text
    for command in (
        "/latest",
        "/search اشتباك",
        "/subscriptions",
        "/settings",
        "/timezone Basra",
        "/quiet 22:00-07:00",
        "/digest_chart on",
        "/unsubscribe Kirkuk",
        "/subscribe",
    ):
        reply = await say(command)
        assert _ARABIC.search(reply.text), command
    for mistake in ("/city Basrq", "/latest 999", "/incident 999", "/nonsense", "/stats 2099"):
        reply = await say(mistake)
        assert _ARABIC.search(reply.text), mistake
    asked = len(api.sent_to(AR_USER))
    question = await say("ماذا حدث في البصرة أمس")
    assert "المعروض" in question.text
    await api.wait_messages(AR_USER, asked + 2)  # "Showing: ...", then the answer itself


class TestArabicConversation:
    async def test_every_reply_of_a_conversation_is_arabic(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        await ask(api, f"/ingest {FIRST_REPORT}", ADMIN_ID)
        await _conversation(api)
        before = len(api.sent_to(AR_USER))
        await ask(api, f"/ingest {ROCKET_REPORT}", ADMIN_ID)
        alert = await api.wait_reply(AR_USER, before)
        assert "🚨" in alert.text
        await api.wait_idle()

        shown = everything_shown_to(api, AR_USER)
        assert len(shown) > 30
        english = {text[:80]: latin_fragments(text) for text in shown if latin_fragments(text)}
        assert english == {}
        # A tap on a code span copies it: a command there must start with its slash, clean.
        spans = [span for text in shown for span in re.findall(r"<code>(.*?)</code>", text)]
        assert any(span.startswith("/") for span in spans)
        assert [span for span in spans if re.search("[\u200e\u200f\u2068\u2069]", span)] == []
        # Every text is Arabic but the language buttons, each language named in itself.
        without_arabic = {text for text in shown if not _ARABIC.search(text) and text.strip()}
        assert without_arabic <= {"English", "🌐 English"}
        chat = await bot.context.storage.chats.get(AR_USER)
        assert chat is not None
        assert chat.language == "ar"

    async def test_a_user_without_arabic_starts_in_english(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        start = await ask(api, "/start", EN_USER, language_code="en-GB")
        assert "turns news reports" in start.text
        assert not _ARABIC.search(start.text)
        # One tap to Arabic, the button named in Arabic.
        assert ("🌐 العربية", "lang:ar") in start.buttons
        switched = await reply_to_pressing(api, start, "lang:ar")
        assert "سأجيب باللغة العربية" in switched.text

    async def test_the_menu_and_profile_are_registered_in_arabic(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        calls = api.calls_of("setMyCommands")
        menus = {
            c.params.get("language_code"): c.params for c in calls if not c.params.get("scope")
        }
        assert "ar" in menus
        admin_menus = [c.params for c in calls if c.params.get("scope")]
        assert {m.get("language_code") for m in admin_menus} == {None, "ar"}
        assert any(
            c["command"] == "ingest" and _ARABIC.search(c["description"])
            for m in admin_menus
            for c in m["commands"]
        )
        arabic = {c["command"]: c["description"] for c in menus["ar"]["commands"]}
        assert arabic["city"] == "الحوادث في مدينة أو بلدة"
        assert all(_ARABIC.search(text) for text in arabic.values())
        described = {
            c.params.get("language_code"): c.params["description"]
            for c in api.calls_of("setMyDescription")
        }
        assert _ARABIC.search(described["ar"])
        assert "Sitrep turns" in described[None]
        short = {
            c.params.get("language_code"): c.params["short_description"]
            for c in api.calls_of("setMyShortDescription")
        }
        assert len(short["ar"]) <= 120
        assert _ARABIC.search(short["ar"])


class TestChoosingTheLanguage:
    async def test_switching_back_and_forth(self, api: FakeBotAPI, bot: RunningBot) -> None:
        chooser = await ask(api, "/language", AR_USER, language_code="ar")
        assert ("English", "lang:en") in chooser.buttons
        confirmed = await reply_to_pressing(api, chooser, "lang:en", language_code="ar")
        assert "I'll answer in English" in confirmed.text
        help_text = await ask(api, "/help", AR_USER, language_code="ar")
        assert "Sitrep commands" in help_text.text
        arabic = await ask(api, "/language ar", AR_USER, language_code="ar")
        assert "سأجيب باللغة العربية" in arabic.text
        settings = await ask(api, "/settings", AR_USER, language_code="ar")
        assert "اللغة: <b>العربية</b>" in settings.text
        assert ("✓ العربية", "lang:ar") in settings.buttons
        refused = await ask(api, "/language klingon", AR_USER, language_code="ar")
        assert "لا أتحدث" in refused.text
        chat = await bot.context.storage.chats.get(AR_USER)
        assert chat is not None
        assert chat.language == "ar"

    async def test_a_group_language_is_set_by_its_admins_only(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        group = -100999
        refused = await ask_in_group(api, "/language ar", group, 55)
        assert "administrators" in refused.text
        stored = await bot.context.storage.chats.get(group)
        assert stored is not None
        assert stored.language == "en"
        api.admins[group] = {56}
        done = await ask_in_group(api, "/language ar", group, 56)
        assert "سأجيب باللغة العربية" in done.text
        reply = await ask_in_group(api, "/help", group, 55)
        assert "أوامر Sitrep" in reply.text
        again = await ask_in_group(api, "/language en", group, 55)
        assert "المشرفون" in again.text or "مشرفو" in again.text
        stored = await bot.context.storage.chats.get(group)
        assert stored is not None
        assert stored.language == "ar"


class TestArabicAdmin:
    async def test_an_arabic_admin_gets_status_and_ingest_reports_in_arabic(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        status = await ask(api, "/status", ADMIN_ID, language_code="ar")
        assert "حالة Sitrep" in status.text
        assert "الاستخراج: بالقواعد" in status.text
        stored = await ask(api, f"/ingest {FIRST_REPORT}", ADMIN_ID, language_code="ar")
        assert "حُفظ التقرير 1" in stored.text
        assert "حوادث جديدة: 1" in stored.text
        assert latin_fragments(stored.text) == []

    async def test_a_group_that_adds_the_bot_is_offered_arabic(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        group = -100998
        api.member_update(
            chat_id=group, old_status="left", new_status="member", chat_type="supergroup"
        )
        [hello] = await api.wait_messages(group, 1)
        assert "administrators" in hello.text
        assert ("🌐 العربية", "lang:ar") in hello.buttons
        api.admins[group] = {56}
        switched = await reply_to_pressing(api, hello, "lang:ar", user_id=56)
        assert "سأجيب باللغة العربية" in switched.text
