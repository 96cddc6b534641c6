"""The Mini App: "Ik kom" authorised only by Telegram's signed initData; the 🗺️ Kaart button."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

from sqlalchemy import select
from telegram import Update

from bot.app import build_application
from domain.webapp_auth import sign_init_data
from handlers.activities.reminders import job_name
from handlers.core.common import set_mini_app
from storage.tables_activities import ActivityRsvp
from tests.directory_data import NOW
from tests.fakes import updates


def init_data(token: str, user_id: int = 1001, age: timedelta = timedelta(minutes=1), language: str = "nl") -> str:
    fields = {"auth_date": str(int((NOW - age).timestamp())), "query_id": "AAE",
              "user": json.dumps({"id": user_id, "first_name": "Fatima", "language_code": language})}
    return sign_init_data(fields, token)


async def rsvps(bot) -> list[tuple[int, int, str]]:  # noqa: ANN001
    async with bot.session_factory() as session:
        rows = await session.scalars(select(ActivityRsvp))
        return [(row.activity_id, row.user_id, row.status) for row in rows]


async def test_ik_kom_with_valid_init_data_records_the_rsvp(web, world, bot):
    token = bot.app.bot_data.settings.token
    response = await web.post("/app/rsvp", json={"init_data": init_data(token), "activity_id": world["coffee"]})
    assert response.status_code == 200
    answer = response.json()
    assert answer["result"] == "going"  # the same words as the bot's button: the date, and the reminder that will come
    assert answer["message"].startswith("Fijn dat je komt op ") and "herinnering" in answer["message"]
    assert await rsvps(bot) == [(world["coffee"], 1001, "going")]
    assert bot.app.job_queue.get_jobs_by_name(job_name(world["coffee"])), "the reminder is planned, as from the bot"
    again = await web.post("/app/rsvp", json={"init_data": init_data(token, language="en"), "activity_id": world["coffee"]})
    assert again.json()["result"] == "already"
    assert again.json()["message"].startswith("You had already signed up for ")
    hidden = await web.post("/app/rsvp", json={"init_data": init_data(token), "activity_id": world["hidden"]})
    assert hidden.json()["result"] == "gone"
    assert await rsvps(bot) == [(world["coffee"], 1001, "going")]


async def test_forged_or_stale_init_data_changes_nothing(web, world, bot):
    token = bot.app.bot_data.settings.token
    forged = init_data(token).replace("1001", "1002")
    other_bot = init_data("999:another-bot")
    for body, status in [
        ({"init_data": forged, "activity_id": world["coffee"]}, 401),
        ({"init_data": other_bot, "activity_id": world["coffee"]}, 401),
        ({"init_data": "", "activity_id": world["coffee"]}, 401),
        ({"init_data": init_data(token, age=timedelta(hours=25)), "activity_id": world["coffee"]}, 403),
        ({"activity_id": world["coffee"]}, 400),
        ({"init_data": init_data(token), "activity_id": "x"}, 400),
    ]:
        response = await web.post("/app/rsvp", json=body)
        assert response.status_code == status, (body, response.text)
    assert (await web.post("/app/rsvp", content=b"x" * 20_000)).status_code == 400
    assert (await web.get("/app/rsvp")).status_code == 405
    assert await rsvps(bot) == []


async def test_kaart_button_opens_the_mini_app_only_over_https(world, settings, api):
    """On the main keyboard, and under a near-me answer centred on the shared location."""
    try:
        for public_url, expected in [("https://gids.example.nl", "https://gids.example.nl/app?lang=en"),
                                     ("http://127.0.0.1:8080", None)]:
            application = build_application(dataclasses.replace(settings, public_url=public_url), request=api,
                                             rate_limiter=False)
            async with application:
                application.bot_data.clock = lambda: NOW
                before = len(api.calls)
                for update in (updates.command("start", sender=updates.RESIDENT_EN),
                               updates.location(51.917, 4.4365, sender=updates.RESIDENT_EN)):
                    await application.process_update(Update.de_json(update, application.bot))
                sent = [call for call in api.calls[before:] if call.method == "sendMessage"]
                start, near = sent[0], sent[-1]  # /start (and its language row), then the answer to the location
            row = start.reply_markup["keyboard"][0]
            inline = [button for line in near.reply_markup["inline_keyboard"] for button in line]
            if expected:
                assert row[1] == {"text": "🗺️ Map", "web_app": {"url": expected}}
                assert {"text": "🗺️ Map", "web_app": {"url": expected + "&lat=51.917&lon=4.4365"}} in inline
            else:
                assert len(row) == 1
                assert not any("web_app" in button for button in inline)
    finally:
        set_mini_app(None)
