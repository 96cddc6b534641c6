"""Vraag & aanbod and co-organising read as a user, in Dutch, Turkish and Arabic: the journeys (ask,
help, accept, settle; invite, accept) through the real Application, and every text each person sees
is in their own language: no Dutch or English left over, dates in the person's language (Europe/
Amsterdam), counts through ngettext. To read the transcripts:
    TOGETHER_TRANSCRIPTS=1 .venv/bin/python -m pytest tests/test_together_languages.py
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from storage.models import Activity, GroupChat, Initiative, InitiativeMember, InitiativeNetwork, Network
from storage.tables_together import TogetherItem
from tests.fakes import updates
from tests.test_together import AMS, NOW, Clock

pytestmark = pytest.mark.storage

LOCALES = Path(__file__).resolve().parent.parent / "bot" / "locales"
# What a user types for "until when": the weekday in their own language.
UNTIL = {"nl": "zaterdag", "tr": "cumartesi", "ar": "السبت", "en": "Saturday", "pl": "sobota", "pt": "sábado"}
# Saturday 5 December 2026 and Sunday 20 December, as the user's language writes them.
SATURDAY = {"nl": "zaterdag 5 december", "tr": "5 Aralık Cumartesi", "ar": "السبت، 5 ديسمبر", "en": "Saturday 5 December",
            "pl": "sobota 5 grudnia", "pt": "sábado, 5 de dezembro"}
# What they ask for, in their own words.
TENT = {"nl": "Wie kan ons zaterdag een partytent lenen?", "tr": "Cumartesi için bize bir parti çadırı ödünç verebilecek var mı?",
        "ar": "من يستطيع أن يعيرنا خيمة حفلات يوم السبت؟", "en": "Who can lend us a party tent on Saturday?",
        "pl": "Kto może nam pożyczyć namiot imprezowy na sobotę?", "pt": "Quem nos pode emprestar uma tenda para sábado?"}


def fragments(msgid: str) -> list[str]:
    """The literal pieces of a Dutch source text long enough to recognise it in another language."""
    pieces = re.split(r"\{[^}]*\}|<[^>]+>|\n", msgid)
    return [piece.strip(" .,:!?()…–-") for piece in pieces if len(piece.strip(" .,:!?()…–-")) >= 12]


def leftovers(texts: list[str], language: str) -> list[str]:
    """Dutch (the source) or English texts of together.po that appear untranslated in `texts`."""
    found = []
    foreign: list[str] = []
    for code in dict.fromkeys((language, "en")):
        with (LOCALES / code / "LC_MESSAGES" / "together.po").open("rb") as handle:
            for message in read_po(handle, locale=code):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if code == language:
                    foreign += [text for text, translated in zip(ids, strings, strict=False) if text != translated]
                elif language != "en":
                    foreign += [text for text in strings if text]
    seen = "\n".join(texts)
    for text in foreign:
        for piece in fragments(text):
            if piece in seen:
                found.append(piece)
    return found


async def play(bot, language: str) -> dict[str, list[str]]:
    """The two journeys, every person speaking `language`; what each saw, in order."""
    asker = updates.user(5101, "Ans", language, username="ans_buurt")
    helper = updates.user(6101, "Karim", language, username="karim_b")
    group = updates.group_chat(-100900, "Netwerk West groep")
    clock = Clock(NOW)
    bot.app.bot_data.clock = clock
    async with bot.session_factory.begin() as session:
        west = Network(name="Netwerk West")
        session.add(west)
        await session.flush()
        a = Initiative(name="Buurthuiskamer Spangen", category="buurthuiskamer", status="active")
        b = Initiative(name="Moestuin West", category="groenplek", status="active")
        session.add_all([a, b])
        await session.flush()
        session.add_all([
            InitiativeNetwork(initiative_id=a.id, network_id=west.id), InitiativeNetwork(initiative_id=b.id, network_id=west.id),
            InitiativeMember(initiative_id=a.id, user_id=asker["id"], role="owner"),
            InitiativeMember(initiative_id=b.id, user_id=helper["id"], role="owner"),
            GroupChat(chat_id=group["id"], title="Netwerk West groep", network_id=west.id, active=True, language=language),
        ])
        activity = Activity(initiative_id=a.id, title="Kerstdiner", starts_at=datetime(2026, 12, 20, 17, 0, tzinfo=AMS),
                            ends_at=datetime(2026, 12, 20, 20, 0, tzinfo=AMS), created_by=asker["id"])
        session.add(activity)
        await session.flush()
        activity_id, b_id = activity.id, b.id
    for person in (asker, helper):
        await bot.say("/start", person)
    bot.api.clear()

    seen: dict[str, list[str]] = {"asker": [], "helper": [], "group": []}
    who = {asker["id"]: "asker", helper["id"]: "helper", group["id"]: "group"}

    def note(calls) -> list:  # noqa: ANN001
        for call in calls:
            text = call.params.get("text") if call.method == "answerCallbackQuery" else call.text
            target = who.get(call.chat_id) if call.method != "answerCallbackQuery" else last_presser[0]
            if target and text:
                buttons = call.buttons() if call.method != "answerCallbackQuery" else []
                seen[target].append(text + ("".join(f"\n  [{label}]" for label in buttons)))
        return calls

    last_presser = ["asker"]

    async def say(text: str, person: dict) -> list:
        last_presser[0] = who[person["id"]]
        seen[last_presser[0]].append(f"> {text}")
        return note(await bot.say(text, person))

    async def press(data: str, person: dict, chat: dict | None = None) -> list:
        last_presser[0] = who[person["id"]]
        seen[last_presser[0]].append(f"> (button {data})")
        return note(await bot.press(data, person, chat=chat))

    await say("/vraag", asker)
    await press("tq:k:lend", asker)
    await say(TENT[language], asker)
    calls = await say(UNTIL[language], asker)
    assert "tq:n:done" in [b["callback_data"] for b in calls[-1].inline_buttons()], calls[-1].text
    await press("tq:n:done", asker)
    await press("tq:ok", asker)
    async with bot.session_factory() as session:
        item_id = await session.scalar(select(TogetherItem.id))
    await press(f"tg:h:{item_id}", helper, chat=group)
    await say(f"/start tg-{item_id}", helper)
    calls = await press(f"tg:h:{item_id}", helper)
    card = [c for c in calls if c.chat_id == asker["id"]][0]
    await press(card.inline_buttons()[0]["callback_data"], asker)
    await press(card.inline_buttons()[0]["callback_data"], asker)  # a double tap
    await press(f"tg:s:{item_id}", asker)
    await press(f"tg:h:{item_id}", helper, chat=group)  # the old group button
    await say("/vraagaanbod", helper)

    await say(f"/start act-{activity_id}", asker)
    await press(f"tc:i:{activity_id}", asker)
    calls = await press(f"tc:p:{activity_id}:{b_id}", asker)
    await press(f"tc:a:{activity_id}:{b_id}", helper)
    await say(f"/start act-{activity_id}", helper)
    await press(f"tc:l:{activity_id}:{b_id}", helper)
    await press(f"tc:L:{activity_id}:{b_id}", helper)
    clock.moment = datetime(2026, 12, 4, 9, 0, tzinfo=AMS).astimezone(timezone.utc)
    return seen


@pytest.mark.parametrize("language", ["nl", "tr", "ar", "en", "pl", "pt"])
async def test_the_journeys_read_well_in_each_language(bot, language, capsys):
    seen = await play(bot, language)
    if os.environ.get("TOGETHER_TRANSCRIPTS"):
        with capsys.disabled():
            for person, texts in seen.items():
                print(f"\n===== {language}: {person} =====")
                print("\n---\n".join(texts))
    everything = [text for texts in seen.values() for text in texts if not text.startswith("> ")]
    assert any(SATURDAY[language] in text for text in everything), "the last day in the user's language"
    if language != "nl":
        assert leftovers(everything, language) == []
