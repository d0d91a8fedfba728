"""Teaching Sitrep from the chat, over the fake Bot API: places and faction names admins add
are used by the next report, /city and /faction; hostile input changes nothing."""

from __future__ import annotations

from bot.app import open_context
from bot.config import Settings
from handlers.learning import REFRESH_JOB
from storage.base import IncidentQuery
from tests.e2e.conftest import ADMIN_ID, OffsetClock, RunningBot, running_bot
from tests.e2e.talk import ask
from tests.fakebotapi import FakeBotAPI

USER = 502
# Reports written for these tests (facts invented): an invented village, an invented alias.
VILLAGE_REPORT = (
    "A roadside bomb hit an army patrol in Tell Qasrawi, a village in northern Iraq, on "
    "Monday, killing two soldiers, officials said."
)
SECOND_VILLAGE_REPORT = (
    "Gunmen on motorbikes attacked a checkpoint in Tell Qasrawi in Iraq's Nineveh province "
    "on Tuesday, killing a policeman, security sources said."
)
ALIAS_REPORT = (
    "Fighters of the Lords of the Martyrs Battalions fired rockets at a base in Basra, Iraq, on "
    "Monday, wounding three soldiers, police said."
)
ALIAS = "Lords of the Martyrs Battalions"


async def incident_places(bot: RunningBot) -> list[tuple[str, str]]:
    incidents = await bot.context.storage.incidents.query(IncidentQuery(limit=50))
    return sorted((i.location.name, i.location.key) for i in incidents)


class TestPlaces:
    async def test_a_place_an_admin_adds_is_where_later_reports_happen(
        self, api: FakeBotAPI, settings: Settings, clock: OffsetClock
    ) -> None:
        async with running_bot(settings, clock) as bot:
            learned = await ask(api, '/place_add "Tell Qasrawi" 36.21,42.95', ADMIN_ID)
            assert "Learned" in learned.text
            assert "Tell Qasrawi" in learned.text
            assert "Nineveh, IQ" in learned.text
            assert "That point is 18 km from Wadi Hajar." in learned.text
            ingested = await ask(api, f"/ingest {VILLAGE_REPORT}", ADMIN_ID)
            assert "New incidents: 1" in ingested.text
            assert await incident_places(bot) == [("Tell Qasrawi", "local:1")]
            city = await ask(api, "/city Tell Qasrawi", USER)
            assert "Tell Qasrawi" in city.text
            assert city.text.startswith("<b>Tell Qasrawi</b> — 1 incident")
            assert "Tell Qasrawi, Nineveh governorate" in city.text
            assert "2 killed" in city.text
            taught = await ask(api, f'/actor_alias "{ALIAS}" KSS', ADMIN_ID)
            assert "From now on" in taught.text
        # After a restart the place and the alias are still known and still used.
        async with running_bot(settings, clock) as bot:
            ingested = await ask(api, f"/ingest {ALIAS_REPORT}", ADMIN_ID)
            assert "New incidents: 1" in ingested.text
            basra = await bot.context.storage.incidents.query(IncidentQuery(country="IQ"))
            assert any(
                i.location.name == "Basra" and "kataib-sayyid-al-shuhada" in i.actor_ids
                for i in basra
            )
            listed = await ask(api, "/places", ADMIN_ID)
            assert "#1 <b>Tell Qasrawi</b> (Nineveh, IQ)" in listed.text
            ingested = await ask(api, f"/ingest {SECOND_VILLAGE_REPORT}", ADMIN_ID)
            assert "New incidents: 1" in ingested.text
            places = await incident_places(bot)
            assert places.count(("Tell Qasrawi", "local:1")) == 2

    async def test_hostile_input_gets_a_clear_answer_and_changes_nothing(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        refused = await ask(api, '/place_add "Tell Qasrawi" 36.21,42.95', USER)
        assert "only Sitrep's admins" in refused.text
        answers = {
            '/place_add "Nowhere" 999,999': "latitude from -90 to 90",
            '/place_add "Atlantis" 0,-30': "is that point on land?",
            '/place_add "<b>Tell</b> Qasrawi" 36.21,42.95': "cannot contain HTML",
            '/place_add "Rawa" 34.48,41.92': "already in the gazetteer",
            '/place_add "Basra" 33.0,44.0': "give the other place a longer name",
            '/place_add "Tell Qasrawi" 36.21,42.95 SY': "is not in or near SY",
            "/place_add " + "x" * 10_000: "That is too long for me (10000 characters",
            "/place_add Tell Qasrawi": "Usage: <code>/place_add",
        }
        for command, expected in answers.items():
            answer = await ask(api, command, ADMIN_ID)
            assert expected in answer.text, command
            assert "<b>Tell</b>" not in answer.text  # markup is shown escaped, never rendered
        assert await bot.context.storage.learning.places() == []
        assert bot.context.learning.gazetteer.lookup("Tell Qasrawi") == []

    async def test_a_place_taught_elsewhere_reaches_city_with_the_next_reload(
        self, api: FakeBotAPI, bot: RunningBot, settings: Settings
    ) -> None:
        # Another process (another instance, or `sitrep places import`) teaches the place.
        other = await open_context(settings, lock=False, create=False)
        try:
            await other.learning.learn_place(
                "Tell Qasrawi", 36.21, 42.95, country=None, admin1=None, added_by=ADMIN_ID,
                incident_id=None,
            )  # fmt: skip
        finally:
            await other.close()
        unknown = await ask(api, "/city Tell Qasrawi", USER)
        assert "<b>Tell Qasrawi</b>" not in unknown.text
        assert bot.app.job_queue.get_jobs_by_name(REFRESH_JOB)  # every minute on every instance
        assert await bot.context.learning.refresh()  # what that job runs
        city = await ask(api, "/city Tell Qasrawi", USER)
        assert city.text == (
            "<b>Tell Qasrawi</b> — 0 incidents\nNo incidents recorded for Tell Qasrawi."
        )


class TestActorAliases:
    async def test_an_alias_an_admin_adds_is_found_in_reports_and_by_faction(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        before = await ask(api, f"/faction {ALIAS}", USER)
        assert "Kataib Sayyid al-Shuhada" not in before.text
        taught = await ask(api, f'/actor_alias "{ALIAS}" KSS', ADMIN_ID)
        assert f"From now on <b>{ALIAS}</b> means Kataib Sayyid al-Shuhada" in taught.text
        ingested = await ask(api, f"/ingest {ALIAS_REPORT}", ADMIN_ID)
        assert "New incidents: 1" in ingested.text
        incidents = await bot.context.storage.incidents.query(IncidentQuery(limit=5))
        assert len(incidents) == 1
        assert "kataib-sayyid-al-shuhada" in incidents[0].actor_ids
        found = await ask(api, f"/faction {ALIAS}", USER)
        assert "Kataib Sayyid al-Shuhada" in found.text

    async def test_refusals(self, api: FakeBotAPI, bot: RunningBot) -> None:
        refused = await ask(api, f'/actor_alias "{ALIAS}" KSS', USER)
        assert "only Sitrep's admins" in refused.text
        for command, expected in {
            '/actor_alias "AAH" KSS': "already names another faction: Asaib Ahl al-Haq",
            f'/actor_alias "{ALIAS}" Nobody Brigade Of Nowhere': "I don't know the faction",
            '/actor_alias "<i>x</i>" KSS': "cannot contain HTML",
            '/actor_alias "' + "y" * 10_000 + '" KSS': "That is too long for me",
            "/actor_alias KSS": "Usage: <code>/actor_alias",
        }.items():
            answer = await ask(api, command, ADMIN_ID)
            assert expected in answer.text, command
        assert await bot.context.storage.actors.all() == []
        assert bot.context.learning.actors.lookup("AAH")[0].id == "asaib-ahl-al-haq"

    async def test_a_new_faction_and_its_alias(self, api: FakeBotAPI, bot: RunningBot) -> None:
        added = await ask(api, '/actor_add "Saraya Example" political_militia IQ', ADMIN_ID)
        assert "Added <b>Saraya Example</b> (local-saraya-example)" in added.text
        taught = await ask(api, '/actor_alias "Example Companies" local-saraya-example', ADMIN_ID)
        assert "From now on <b>Example Companies</b> means Saraya Example" in taught.text
        found = await ask(api, "/faction Example Companies", USER)
        assert "Saraya Example" in found.text
        again = await ask(api, '/actor_add "Saraya Example" rebel_group', ADMIN_ID)
        assert "already exists: local-saraya-example" in again.text
        wrong = await ask(api, '/actor_add "Other Group" wizards', ADMIN_ID)
        assert "Unknown actor type wizards" in wrong.text
        stored = await bot.context.storage.actors.all()
        assert [(a.id, aliases) for a, aliases in stored] == [
            ("local-saraya-example", ["Saraya Example", "Example Companies"])
        ]
        forgotten = await ask(api, '/actor_alias_remove "Example Companies"', ADMIN_ID)
        assert "<b>Example Companies</b> no longer names Saraya Example." in forgotten.text
        gone = await ask(api, "/faction Example Companies", USER)
        assert gone.text.startswith("I don't know “Example Companies”.")
        kept = await ask(api, "/actor_alias_remove KSS", ADMIN_ID)
        assert "No admin added the name KSS" in kept.text
