"""Members edit and cancel, coordinators hide; forged presses are refused and audited."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from storage.models import Activity, AuditEntry
from tests.activity_seed import COORDINATOR, MEMBER, NOW, RESIDENT, STRANGER, TZ, add_activity, seed
from tests.fakes import updates

pytestmark = pytest.mark.storage


@pytest.fixture
async def world(bot):
    bot.app.bot_data.clock = lambda: NOW
    return await seed(bot.session_factory)


async def denied(bot) -> list[tuple[int, str]]:
    async with bot.session_factory() as session:
        rows = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))).all()
    return [(row.actor_id, row.detail["attempted"]) for row in rows]


async def test_member_edits_time_and_attendees_are_told(bot, world):
    activity = await add_activity(bot.session_factory, world, "Kookles", datetime(2026, 12, 5, 14, tzinfo=TZ))
    await bot.send(updates.command("start"))
    await bot.press(f"ac:r:{activity}")
    [menu] = bot.replies(await bot.press(f"ac:e:{activity}", sender=MEMBER))
    assert menu.buttons() == ["Naam", "Wanneer", "Waar", "Beschrijving", "Kosten"]
    await bot.press(menu.callback_data("Wanneer"), sender=MEMBER)
    [problem] = bot.reply_texts(await bot.say("31 februari 10:00", sender=MEMBER))
    assert "31 februari" in problem
    calls = await bot.say("zondag 15u", sender=MEMBER)
    texts = {call.chat_id: call.text for call in bot.replies(calls)}
    assert texts[MEMBER["id"]] == "Opgeslagen. ✅\nNieuw moment: zondag 6 december, 15:00"
    assert "Kookles" in texts[RESIDENT["id"]] and "veranderd" in texts[RESIDENT["id"]]
    async with bot.session_factory() as session:
        stored = await session.get(Activity, activity)
    assert stored.starts_at == datetime(2026, 12, 6, 15, tzinfo=TZ)


async def test_member_cancels_and_attendees_are_told(bot, world):
    activity = await add_activity(bot.session_factory, world, "Kookles", datetime(2026, 12, 5, 14, tzinfo=TZ))
    await bot.send(updates.command("start"))
    await bot.press(f"ac:r:{activity}")
    [ask] = bot.replies(await bot.press(f"ac:k:{activity}", sender=MEMBER))
    calls = await bot.press(ask.callback_data("Ja, afzeggen"), sender=MEMBER)
    texts = {call.chat_id: call.text for call in bot.replies(calls)}
    assert texts[MEMBER["id"]] == "De activiteit is afgezegd."
    assert texts[RESIDENT["id"]] == 'Jammer: "Kookles" gaat niet door. Het initiatief heeft het afgezegd.'
    assert bot.reply_texts(await bot.press(f"ac:r:{activity}", sender=STRANGER)) == [
        "Deze activiteit gaat niet door. Je kunt je er niet meer voor aanmelden."
    ]


async def test_coordinator_hides_with_reason_for_the_poster(bot, world):
    activity = await add_activity(bot.session_factory, world, "Feest <script>", datetime(2026, 12, 5, 14, tzinfo=TZ))
    [card] = bot.replies(await bot.press(f"ac:o:{activity}", sender=COORDINATOR))
    assert "🙈 Verbergen" in card.buttons()
    await bot.press(f"ac:h:{activity}", sender=COORDINATOR)
    calls = await bot.say("Dit is <geen> buurtactiviteit", sender=COORDINATOR)
    texts = {call.chat_id: call.text for call in bot.replies(calls)}
    assert texts[COORDINATOR["id"]] == "De activiteit is verborgen. Wie hem plaatste, krijgt bericht."
    assert texts[MEMBER["id"]] == ('Je activiteit "Feest &lt;script&gt;" is verborgen door een coördinator. '
                                   "De reden: Dit is &lt;geen&gt; buurtactiviteit")
    assert bot.reply_texts(await bot.press(f"ac:o:{activity}")) == [
        "Deze activiteit bestaat niet meer. Kijk in /agenda wat er nu te doen is."
    ]
    async with bot.session_factory() as session:
        stored = await session.get(Activity, activity)
    assert (stored.status, stored.hidden_reason) == ("hidden", "Dit is <geen> buurtactiviteit")


async def test_forged_hide_cancel_and_edit_are_refused_and_audited(bot, world):
    activity = await add_activity(bot.session_factory, world, "Kookles", datetime(2026, 12, 5, 14, tzinfo=TZ))
    refusal = "Dat mag je niet doen bij deze activiteit. Er is niets veranderd."
    assert bot.reply_texts(await bot.press(f"ac:h:{activity}", sender=STRANGER)) == [refusal]
    assert bot.reply_texts(await bot.press(f"ac:h:{activity}", sender=MEMBER)) == [refusal]  # members do not hide
    assert bot.reply_texts(await bot.press(f"ac:K:{activity}", sender=STRANGER)) == [refusal]
    assert bot.reply_texts(await bot.press(f"ac:K:{activity}", sender=COORDINATOR)) == [refusal]
    assert bot.reply_texts(await bot.press(f"ae:{activity}:title", sender=STRANGER)) == [refusal]
    async with bot.session_factory() as session:
        stored = await session.get(Activity, activity)
    assert (stored.status, stored.title) == ("published", "Kookles")
    assert await denied(bot) == [
        (STRANGER["id"], "activity.hide"), (MEMBER["id"], "activity.hide"), (STRANGER["id"], "activity.cancel"),
        (COORDINATOR["id"], "activity.cancel"), (STRANGER["id"], "activity.edit"),
    ]
