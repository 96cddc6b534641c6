"""Read the agenda, cards, answers, reminders and digests as newcomers would, in Dutch and English.

Run with KP_TRANSCRIPT=1 and -s to print everything a resident or coordinator sees; the assertions
pin the wording fixed after such a read-through.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from handlers.groups import digest_jobs
from handlers.activities.reminders import job_name
from tests.activity_seed import COORDINATOR, MEMBER, NOW, RESIDENT, TZ, add_activity, seed
from tests.fakes import updates
from tests.harness import show_transcript

pytestmark = pytest.mark.storage
RESIDENT_EN = updates.RESIDENT_EN


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=TZ)


show = show_transcript


@pytest.fixture
async def world(bot):
    bot.app.bot_data.clock = lambda: NOW
    bot.app.bot_data.clock = lambda: NOW.astimezone(timezone.utc)

    async def no_sleep(seconds: float) -> None:
        return None

    bot.app.bot_data.sleep = no_sleep
    world = await seed(bot.session_factory)
    world.ids = {
        "once": await add_activity(bot.session_factory, world, "Kerstmarkt", at(5, 14), at(5, 16), cost="€ 2,50"),
        "weekly": await add_activity(bot.session_factory, world, "Koffie-ochtend", at(1, 10), at(1, 12),
                                     rrule="FREQ=WEEKLY;BYDAY=TU", description="Koffie, thee en een praatje."),
        "photo": await add_activity(bot.session_factory, world, "Schilderen", at(4, 19), photo_file_id="PHOTO123"),
        "full": await add_activity(bot.session_factory, world, "Kookles", at(3, 18), max_attendees=1),
        "cancelled": await add_activity(bot.session_factory, world, "Afgelast feest", at(6, 15), status="cancelled"),
        "hidden": await add_activity(bot.session_factory, world, "Verborgen", at(7, 15), status="hidden",
                                     hidden_reason="Dubbel geplaatst"),
        "garden": await add_activity(bot.session_factory, world, "Oogstfeest", at(3, 11),
                                     initiative_id=world.second_initiative_id, location_id=None),
    }
    return world


async def read_agenda(bot, user: dict) -> dict:
    seen = {}
    send = lambda update: bot.send(update)  # noqa: E731
    [menu] = bot.replies(show("/agenda", await send(updates.command("agenda", sender=user))))
    seen["menu"] = menu
    for label, data in (("today", "ag:w:today:0"), ("weekend", "ag:w:weekend:0"), ("week", "ag:w:week:0"),
                        ("buurt", "ag:b"), ("cat", "ag:c"), ("net", "ag:n")):
        seen[label] = bot.replies(show(data, await bot.press(data, sender=user)))
    seen["buurt_list"] = bot.replies(show("buurt 0..", await bot.press(seen["buurt"][0].inline_buttons()[0]["callback_data"], sender=user)))
    seen["cat_list"] = bot.replies(show("category", await bot.press(seen["cat"][0].inline_buttons()[0]["callback_data"], sender=user)))
    seen["net_list"] = bot.replies(show("network", await bot.press(seen["net"][0].inline_buttons()[0]["callback_data"], sender=user)))
    seen["near"] = bot.replies(show("near", await bot.press("ag:near", sender=user)))
    seen["near_list"] = bot.replies(show("3024", await send(updates.message("3024", sender=user))))
    return seen


async def read_cards(bot, world, user: dict) -> dict:
    seen = {}
    for name, activity_id in world.ids.items():
        seen[name] = bot.replies(show(f"card {name}", await bot.press(f"ac:o:{activity_id}", sender=user)))
    other = updates.user(1099, "Mo", user.get("language_code", "nl"))
    await bot.send(updates.command("start", sender=other))
    seen["going"] = bot.replies(show("rsvp", await bot.press(f"ac:r:{world.ids['weekly']}", sender=user)))
    seen["already"] = bot.replies(show("rsvp again", await bot.press(f"ac:r:{world.ids['weekly']}", sender=user)))
    await bot.press(f"ac:r:{world.ids['full']}", sender=other)
    seen["waiting"] = bot.replies(show("rsvp full", await bot.press(f"ac:r:{world.ids['full']}", sender=user)))
    seen["no"] = bot.replies(show("rsvp cancelled", await bot.press(f"ac:r:{world.ids['cancelled']}", sender=user)))
    seen["moved_up"] = bot.replies(show("other leaves", await bot.press(f"ac:x:{world.ids['full']}", sender=other)))
    seen["off"] = bot.replies(show("leave", await bot.press(f"ac:x:{world.ids['weekly']}", sender=user)))
    seen["ics"] = bot.replies(show("ics", await bot.press(f"ac:i:{world.ids['weekly']}", sender=user)))
    await bot.press(f"ac:r:{world.ids['once']}", sender=user)
    jobs = bot.app.job_queue.get_jobs_by_name(job_name(world.ids["once"]))
    before = len(bot.api.calls)
    await jobs[-1].run(bot.app)
    await bot.drain()
    seen["reminder"] = show("reminder", bot.api.calls[before:])
    return seen


@pytest.mark.parametrize("user", [RESIDENT, RESIDENT_EN], ids=["nl", "en"])
async def test_resident_reads_agenda_and_cards(bot, world, user):
    await bot.send(updates.command("start", sender=user))
    agenda = await read_agenda(bot, user)
    cards = await read_cards(bot, world, user)
    member = bot.replies(show("member sees hidden", await bot.press(f"ac:o:{world.ids['hidden']}", sender=MEMBER)))
    english = user is RESIDENT_EN
    week = agenda["week"][0].text
    assert week.startswith("📅 <b>This week</b>\n" if english else "📅 <b>Deze week</b>\n")  # no puzzling "(1/1)"
    empty = agenda["buurt_list"][0].text
    assert empty.endswith("I found no activities. Choose something else." if english
                          else "Ik vond geen activiteiten. Kies iets anders.")
    assert cards["off"][0].text == ("You are no longer signed up." if english else "Je bent afgemeld.")
    coming = [c for c in cards["going"] if c.method == "editMessageText"][0]
    assert coming.buttons()[0] == ("✅ You're coming on Tuesday 8 December – undo" if english else "✅ Je komt op dinsdag 8 december – afmelden")
    waiting = [c for c in cards["waiting"] if c.method == "editMessageText"][0]
    assert waiting.buttons()[0] == ("⏳ On the waiting list – leave it" if english else "⏳ Op de wachtlijst – afmelden")
    assert "🙈 Verborgen door een coördinator.\nReden: Dubbel geplaatst" in member[0].text


async def test_digests_read(bot, world):
    results = await digest_jobs.run_groups_round(bot.app, [-1009000000001])
    await bot.drain()
    [digest] = show(f"group digest {results}", bot.api.sent(-1009000000001))
    assert digest.text.startswith("<b>Deze week in Netwerk West</b>")
    await digest_jobs.run_coordinator_round(bot.app)
    await bot.drain()
    [report] = show("coordinator digest", bot.api.sent(COORDINATOR["id"]))
    assert report.text.startswith("<b>Weekoverzicht Netwerk West</b>")
    assert report.text.endswith("Alle buurtplekken zijn gecontroleerd en alle groepen zijn bereikt.")
