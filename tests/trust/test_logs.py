"""Log hygiene: Telegram ids at most; never message text, names or locations at INFO; never the token."""

from __future__ import annotations

import logging

from tests.conftest import TEST_TOKEN
from tests.fakes import updates

SECRET_TEXT = "Mijn adres is Schiedamseweg 99 en mijn BSN 123456782"
LATITUDE, LONGITUDE = 51.9137251, 4.4501873
NAME = "Zoë-Uniek"


def everything_logged(caplog) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


async def drive(bot) -> None:
    person = updates.user(5150, NAME, "nl")
    group = updates.group_chat()
    await bot.say("/start", sender=person)
    await bot.say(SECRET_TEXT, sender=person)
    await bot.say(f"/start {SECRET_TEXT}", sender=person)
    await bot.send(updates.location(LATITUDE, LONGITUDE, sender=person))
    await bot.send(updates.edited_message(SECRET_TEXT, sender=person))
    await bot.press(f"lang:{SECRET_TEXT[:40]}", sender=person)
    await bot.send(updates.command("hulp", args=SECRET_TEXT, sender=person, chat=group, mention=True))
    # Faults on the way out are logged too: still without the content.
    bot.api.fail_next("bad_request", "sendMessage", "can't parse entities")
    await bot.say(SECRET_TEXT, sender=person)
    await bot.say("/hulp", sender=person)
    bot.api.fail_next("network", "sendMessage")
    await bot.say("/start", sender=person)


def assert_clean(text: str) -> None:
    for secret in (SECRET_TEXT, "Schiedamseweg", "123456782", NAME, str(LATITUDE), str(LONGITUDE), "51.913", "4.450"):
        assert secret not in text, f"{secret!r} leaked into the logs"
    assert TEST_TOKEN not in text and TEST_TOKEN.split(":")[1] not in text


async def test_info_logs_carry_no_content(bot, caplog):
    caplog.set_level(logging.INFO)
    await drive(bot)
    logged = everything_logged(caplog)
    assert "Error while handling update" in logged  # the faults were logged...
    assert_clean(logged)  # ...without what the person wrote or where they are


async def test_the_token_never_appears_even_at_debug(bot, caplog):
    caplog.set_level(logging.DEBUG)
    await drive(bot)
    logged = everything_logged(caplog)
    assert TEST_TOKEN not in logged and TEST_TOKEN.split(":")[1] not in logged
