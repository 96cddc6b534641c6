"""Issue 18's signals read as a user, in Dutch, Turkish, Arabic and English: an idea typed as free
text, theme, buurt (a wrong postcode, an ambiguous one, a name, a location), name choice, read-back
and send; the coordinator's card, publish, decline with a reason and merge; /stem with a filter,
support and withdraw; progress and the news to supporters; the group digest's section. Every person
speaks the same language, and everything they see must be in it: no Dutch text of voice.po left
over, dates in their language (Europe/Amsterdam). To read the transcripts:
    VOICE_TRANSCRIPTS=1 .venv/bin/python -m pytest tests/test_voice_languages.py
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from domain import voice as rules
from handlers.groups import digest_jobs
from storage.models import GroupChat, Network, NetworkCoordinator
from storage.tables_voice import VoiceSignal
from tests import test_voice_signals as signals
from tests.fakes import updates
from tests.test_together_languages import fragments

bot = signals.bot  # networks Spangen and Bospolder with their coordinators (Dutch), and a clock

pytestmark = pytest.mark.storage

LOCALES = Path(__file__).resolve().parent.parent / "bot" / "locales"
START = {"nl": "Ik heb een idee", "tr": "Bir fikrim var", "ar": "لدي فكرة", "en": "I have an idea"}
IDEA = {
    "nl": "Een bankje bij de speeltuin op het Mathenesserplein, zodat ouders kunnen zitten.",
    "tr": "Mathenesserplein'deki oyun parkının yanına bir bank, böylece ebeveynler oturabilir.",
    "ar": "مقعد بجانب ملعب الأطفال في ماتينيسربلين، حتى يستطيع الآباء الجلوس.",
    "en": "A bench by the playground on the Mathenesserplein, so parents can sit down.",
}
TWIN = {
    "nl": "Graag een bankje bij de speeltuin, voor de opa's en oma's.",
    "tr": "Oyun parkının yanına büyükanne ve büyükbabalar için bir bank lütfen.",
    "ar": "نرجو وضع مقعد بجانب ملعب الأطفال للأجداد والجدات.",
    "en": "Please put a bench by the playground, for the grandparents.",
}
RUDE = {
    "nl": "Mijn buurman op nummer 12 is een idioot, doe er wat aan.",
    "tr": "12 numaradaki komşum bir aptal, bir şey yapın.",
    "ar": "جاري في الرقم 12 أحمق، افعلوا شيئا.",
    "en": "My neighbour at number 12 is an idiot, do something.",
}
SEARCH = {"nl": "bankje speeltuin", "tr": "bank oyun parkı", "ar": "مقعد ملعب", "en": "bench playground"}
NEWS = {
    "nl": "Het bankje is besproken. De gemeente kijkt of het kan.",
    "tr": "Bank konuşuldu. Belediye bunun mümkün olup olmadığına bakıyor.",
    "ar": "تمت مناقشة المقعد. البلدية تدرس إمكانية ذلك.",
    "en": "The bench was discussed. The council is checking if it can be done.",
}
# 27 November 2026 as each language writes it.
DAY = {"nl": "27 november 2026", "tr": "27 Kasım 2026", "ar": "27 نوفمبر 2026", "en": "27 November 2026"}
GREEN = [theme.code for theme in rules.THEMES].index("groen") + 1  # the theme filter's number
PHONE_WIDTH = 40  # characters of a one-button row that a phone shows without cutting it off
GROUP = updates.group_chat(-1005550077, "Buren Spangen")


def leftovers(texts: list[str], language: str) -> list[str]:
    """Dutch source texts of voice.po that appear untranslated in `texts`."""
    with (LOCALES / language / "LC_MESSAGES" / "voice.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    dutch = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        dutch += [text for text, translated in zip(ids, strings, strict=False) if text != translated]
    seen = "\n".join(texts)
    return [piece for text in dutch for piece in fragments(text) if piece in seen]


def data_starting(call, prefix: str) -> str:  # noqa: ANN001
    return next(b["callback_data"] for b in call.inline_buttons() if b["callback_data"].startswith(prefix))


async def play(bot, language: str) -> dict[str, list[str]]:  # noqa: ANN001, PLR0915 - one journey, step by step
    author = updates.user(5201, "Derya", language)
    coordinator = updates.user(5301, "Karim", language)
    supporter = updates.user(5401, "Sanne", language)
    async with bot.session_factory.begin() as session:
        spangen = await session.scalar(select(Network.id).where(Network.name == "Huiskamers Spangen"))
        session.add(NetworkCoordinator(network_id=spangen, user_id=coordinator["id"]))
        session.add(GroupChat(chat_id=GROUP["id"], title="Buren Spangen", network_id=spangen, active=True, language=language))
    for person in (author, coordinator, supporter):
        await bot.say("/taal", person)
    bot.api.clear()

    seen: dict[str, list[str]] = {"author": [], "coordinator": [], "supporter": [], "group": []}
    who = {author["id"]: "author", coordinator["id"]: "coordinator", supporter["id"]: "supporter", GROUP["id"]: "group"}
    presser = ["author"]
    labels: list[str] = []

    def note(calls) -> list:  # noqa: ANN001
        for call in calls:
            popup = call.method == "answerCallbackQuery"
            text = call.params.get("text") if popup else call.text
            target = presser[0] if popup else who.get(call.chat_id)
            if target and text:
                buttons = [] if popup else call.buttons()
                labels.extend(buttons)
                mark = "(popup) " if popup else "(edit) " if call.method == "editMessageText" else ""
                seen[target].append(mark + text + "".join(f"\n  [{label}]" for label in buttons))
        return calls

    async def say(text: str, person: dict) -> list:
        presser[0] = who[person["id"]]
        seen[presser[0]].append(f"> {text}")
        return note(await bot.say(text, person))

    async def press(data: str, person: dict) -> list:
        presser[0] = who[person["id"]]
        seen[presser[0]].append(f"> (button {data})")
        return note(await bot.press(data, person))

    async def send_idea(text: str, *, buurt_by_hand: bool = False) -> int:
        await say(START[language] if buurt_by_hand else "/idee", author)
        await say(text, author)
        if buurt_by_hand:
            await say("groen", author)  # typed instead of a button
        await press("vi:t:groen", author)
        if buurt_by_hand:
            await say("1012", author)  # a postcode far away
            await say("3028", author)  # two buurten share it
            await say("BoTu", author)  # a name that fits two
            presser[0] = "author"
            seen["author"].append("> (location in Spangen)")
            note(await bot.send(updates.location(51.9169, 4.4361, author)))
        else:
            await say("Spangen", author)
        if buurt_by_hand:
            await say("ok", author)  # typed instead of a button
        await press("vi:n:1" if buurt_by_hand else "vi:n:0", author)
        if buurt_by_hand:
            await say("ja", author)  # typed instead of a button
        await press("vi:send", author)
        async with bot.session_factory() as session:
            return int(await session.scalar(select(VoiceSignal.id).order_by(VoiceSignal.id.desc()).limit(1)))

    first = await send_idea(IDEA[language], buurt_by_hand=True)
    await press(f"vm:ok:{first}", coordinator)
    await press(f"vm:ok:{first}", coordinator)  # a double tap
    rude = await send_idea(RUDE[language])
    await press(f"vm:no:{rude}", coordinator)
    await press(f"vm:r:{rude}:b", coordinator)
    twin = await send_idea(TWIN[language])
    await press(f"vm:mg:{twin}", coordinator)
    calls = await say(SEARCH[language], coordinator)
    await press(data_starting(signals.last(calls), "vm:in:"), coordinator)
    await say("/idee", author)  # the fourth of the day

    listed = signals.last(await say("/stem", supporter))
    calls = await press(data_starting(listed, "vs:ft:"), supporter)
    calls = await press(data_starting(signals.last(calls), f"vs:l:0:{GREEN}:"), supporter)
    calls = await press(data_starting(signals.last(calls), "vs:a:"), supporter)
    await say(f"/start stem-{first}", supporter)
    await press(f"vs:W:{first}", supporter)
    await press(f"vs:W:{first}", supporter)  # an old button
    await press(f"vs:A:{first}", supporter)
    await press(f"vs:A:{twin}", supporter)  # an idea that was merged

    await say(f"/start stem-{first}", coordinator)
    await press(f"vp:n:{first}", coordinator)
    await press("vp:s:ingebracht", coordinator)
    await say("Wijkraad Delfshaven", coordinator)
    await say("weet ik niet meer", coordinator)  # not a date
    await say("27-11-2026", coordinator)
    await say(NEWS[language], coordinator)
    await press("vp:ok", coordinator)
    await say(f"/start stem-{first}", supporter)

    bot.app.bot_data.clock = lambda: signals.NOW + timedelta(hours=2)
    assert await digest_jobs.run_group_digest(bot.app, GROUP["id"]) == "queued"
    note(await bot.drain())
    seen["buttons"] = sorted(set(labels), key=len)
    return seen


@pytest.mark.parametrize("language", ["nl", "tr", "ar", "en"])
async def test_the_signals_journeys_read_well_in_each_language(bot, language, capsys):
    seen = await play(bot, language)
    if os.environ.get("VOICE_TRANSCRIPTS"):
        with capsys.disabled():
            for person, texts in seen.items():
                print(f"\n===== {language}: {person} =====")
                print("\n---\n".join(texts))
    buttons = seen.pop("buttons")
    everything = [text for texts in seen.values() for text in texts if not text.startswith("> ")] + buttons
    too_wide = [label for label in buttons if len(label) > PHONE_WIDTH]
    assert too_wide == [], "buttons that do not fit on a phone"
    assert all(seen.values()), {person: len(texts) for person, texts in seen.items()}
    assert any(DAY[language] in text for text in seen["supporter"]), "the meeting's date in the supporter's language"
    assert any(IDEA[language][:20] in text for text in seen["group"]), "the digest asks the buurt to support it"
    if language != "nl":
        assert leftovers(everything, language) == []
