"""Issue 18, signals: a resident sends an idea, a coordinator publishes it, neighbours support it,
and everyone who supported it hears what came of it. Journeys through the real Application."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from storage.models import AuditEntry, Initiative, InitiativeNetwork, Location, Network, NetworkCoordinator
from storage.tables_voice import VoiceProgress, VoiceSignal, VoiceSupport
from tests.conftest import ADMIN_ID
from tests.fakes import updates

pytestmark = pytest.mark.storage

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)  # Monday 11:00 in Amsterdam
FATIMA = updates.user(1101, "Fatima", "nl")
KEES = updates.user(3101, "Kees", "nl")  # coordinator of the network with a place in Spangen
ANOUK = updates.user(3102, "Anouk", "nl")  # coordinator of a network in Bospolder only
SUPPORTERS = [updates.user(1201, "Jan", "nl"), updates.user(1202, "John", "en"), updates.user(1203, "Ayşe", "tr")]
IDEA = "Een bankje bij de speeltuin op het Mathenesserplein, zodat ouders en opa's kunnen zitten."


@pytest.fixture
async def bot(bot):
    bot.app.bot_data.clock = lambda: NOW
    async with bot.session_factory.begin() as session:
        spangen, bospolder = Network(name="Huiskamers Spangen"), Network(name="Bospolder Samen")
        session.add_all([spangen, bospolder])
        await session.flush()
        for network, buurt, coordinator in ((spangen, "Spangen", KEES), (bospolder, "Bospolder", ANOUK)):
            location = Location(name=f"Huiskamer {buurt}", latitude=51.91, longitude=4.43, buurt=buurt)
            session.add(location)
            await session.flush()
            initiative = Initiative(name=f"Huiskamer {buurt}", category="buurthuiskamer", status="active", location_id=location.id)
            session.add(initiative)
            await session.flush()
            session.add(InitiativeNetwork(initiative_id=initiative.id, network_id=network.id))
            session.add(NetworkCoordinator(network_id=network.id, user_id=coordinator["id"]))
    for person in (FATIMA, KEES, ANOUK, *SUPPORTERS):  # known to the bot, with their language
        await bot.say("/taal", person)
    bot.api.clear()
    return bot


def last(calls, chat_id: int | None = None):
    found = [c for c in calls if c.method in ("sendMessage", "editMessageText") and (chat_id is None or c.chat_id == chat_id)]
    return found[-1]


def popup(calls) -> str:
    return next((c.params.get("text", "") for c in calls if c.method == "answerCallbackQuery" and c.params.get("text")), "")


async def rows(bot, model):
    async with bot.session_factory() as session:
        return list(await session.scalars(select(model).order_by(*model.__table__.primary_key.columns)))


async def submit(bot, person=FATIMA, text: str = IDEA, buurt: str = "Spangen", show_name: bool = False) -> list:
    calls = await bot.say("/idee", person)
    assert "Wat wil je voorstellen" in last(calls).text
    calls = await bot.say(text, person)
    assert "Over welk thema gaat het?" in last(calls).text
    calls = await bot.press(last(calls).callback_data("Groen en schoon"), person)
    assert "Over welke buurt gaat het?" in last(calls).text
    calls = await bot.press(last(calls).callback_data(buurt), person)
    question = last(calls)
    assert "Hoe zien anderen wie het schreef?" in question.text
    calls = await bot.press(question.callback_data("voornaam" if show_name else "Als:"), person)
    summary = last(calls)
    assert "Klopt dit?" in summary.text and "Thema: 🌳 Groen en schoon" in summary.text and f"Buurt: {buurt}" in summary.text
    return await bot.press(summary.callback_data("Versturen"), person)


async def test_submit_publish_support_and_everyone_hears_what_came_of_it(bot):
    # A resident sends an idea; the coordinator of Spangen gets a card (not the one of Bospolder).
    calls = await submit(bot)
    assert "Verstuurd" in last(calls, FATIMA["id"]).text
    card = last(calls, KEES["id"])
    assert "Nieuw idee uit Spangen" in card.text and "bankje bij de speeltuin" in card.text
    assert "Anderen zien: een bewoner van Spangen" in card.text
    assert "persoonsgegevens" in card.text and "beledigingen" in card.text
    assert card.buttons() == ["✅ Publiceren", "🔗 Samenvoegen", "❌ Afwijzen"]
    assert not [c for c in calls if c.chat_id == ANOUK["id"]]
    [signal] = await rows(bot, VoiceSignal)
    assert (signal.status, signal.buurt, signal.theme, signal.created_by, signal.show_first_name) == (
        "submitted", "Spangen", "groen", FATIMA["id"], False)

    # Not yet on /stem.
    calls = await bot.say("/stem", SUPPORTERS[0])
    assert "Hier staan nog geen ideeën" in last(calls).text

    # The coordinator publishes; the author hears it with a link to share; the card shows who decided.
    calls = await bot.press(card.callback_data("Publiceren"), KEES, message_id=card.params.get("message_id", 500))
    told = last(calls, FATIMA["id"])
    assert "Je idee staat op /stem" in told.text and f"start=stem-{signal.id}" in told.text
    assert any("Gepubliceerd door Kees" in (c.text or "") for c in calls if c.method == "editMessageText")
    assert "Gepubliceerd" in last(calls, KEES["id"]).text

    # Three residents support it; one of them reads in English.
    for person in SUPPORTERS:
        calls = await bot.say(f"/start stem-{signal.id}", person)
        shown = last(calls)
        assert "bankje bij de speeltuin" in shown.text
        calls = await bot.press(shown.callback_data("👍"), person)
        assert popup(calls) in ("👍 Je steunt dit idee nu. Dank je!", "👍 You support this idea now. Thank you!")
    assert "3 steunen dit" in last(await bot.say("/stem", FATIMA)).text
    assert len(await rows(bot, VoiceSupport)) == 3

    # The coordinator records "ingebracht" at the wijkraad; the author and every supporter are told.
    calls = await bot.say(f"/start stem-{signal.id}", KEES)
    calls = await bot.press(last(calls).callback_data("Voortgang toevoegen"), KEES)
    assert "Wat is ermee gedaan?" in last(calls).text
    calls = await bot.press(last(calls).callback_data("Ingebracht"), KEES)
    assert "Bij welk overleg" in last(calls).text
    calls = await bot.say("Wijkraad Delfshaven", KEES)
    assert "Op welke datum" in last(calls).text
    calls = await bot.say("27-11-2026", KEES)
    assert "Wat wil je erover vertellen?" in last(calls).text
    calls = await bot.say("Het bankje is besproken. De gemeente kijkt of het kan.", KEES)
    preview = last(calls)
    assert "📣 Ingebracht, 27-11-2026 (Wijkraad Delfshaven)" in preview.text
    calls = await bot.press(preview.callback_data("4 mensen"), KEES)
    assert "Bewaard. 4 mensen krijgen bericht." in last(calls, KEES["id"]).text

    news = {c.chat_id: c.text for c in calls if c.method == "sendMessage" and c.chat_id != KEES["id"]}
    assert set(news) == {FATIMA["id"], *(p["id"] for p in SUPPORTERS)}
    assert "Nieuws over jouw idee" in news[FATIMA["id"]]
    assert "Nieuws over een idee dat je steunt" in news[SUPPORTERS[0]["id"]]
    assert "News about an idea you support" in news[SUPPORTERS[1]["id"]]
    assert "Ingebracht" in news[SUPPORTERS[0]["id"]] and "Brought in" in news[SUPPORTERS[1]["id"]]
    for text in news.values():
        assert "Wijkraad Delfshaven" in text and "De gemeente kijkt of het kan." in text

    [step] = await rows(bot, VoiceProgress)
    assert (step.status, step.meeting_name, step.meeting_date, step.created_by) == (
        "ingebracht", "Wijkraad Delfshaven", date(2026, 11, 27), KEES["id"])
    # The timeline shows on /stem.
    assert "📣 Ingebracht, 27-11-2026 (Wijkraad Delfshaven)" in last(await bot.say("/stem", SUPPORTERS[0])).text
    # Every step was audited.
    async with bot.session_factory() as session:
        actions = list(await session.scalars(select(AuditEntry.action).where(AuditEntry.subject_type == "signal").order_by(AuditEntry.id)))
    assert actions == ["signal_submit", "signal_publish", "signal_progress"]


async def test_forged_presses_change_nothing_and_support_twice_withdraws(bot):
    await submit(bot)
    [signal] = await rows(bot, VoiceSignal)
    # A resident forges the publish button; a coordinator of another buurt presses it too.
    for person in (SUPPORTERS[0], ANOUK):
        calls = await bot.press(f"vm:ok:{signal.id}", person)
        assert popup(calls) == "Dit mag je niet doen."
    for forged in (f"vm:no:{signal.id}", f"vm:r:{signal.id}:p", f"vm:in:{signal.id}:{signal.id}", f"vp:n:{signal.id}", "vm:ok:99999999999"):
        calls = await bot.press(forged, SUPPORTERS[0])
        assert popup(calls) == "Dit mag je niet doen.", forged
    [still] = await rows(bot, VoiceSignal)
    assert still.status == "submitted" and still.decided_by is None
    async with bot.session_factory() as session:
        denied = await session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "denied"))
    assert denied == 7
    # Not published: nobody can support it yet.
    calls = await bot.press(f"vs:o:{signal.id}", SUPPORTERS[0])
    assert popup(calls) == "Dit idee staat niet (meer) op /stem."
    assert await rows(bot, VoiceSupport) == []

    # The admin may decide everywhere; an old card pressed after the decision changes nothing.
    await bot.press(f"vm:ok:{signal.id}", updates.user(ADMIN_ID, "Admin", "nl"))
    calls = await bot.press(f"vm:ok:{signal.id}", KEES)
    assert popup(calls) == "Dit is al besloten."

    # Support, and again: withdrawn. Counts only, never who.
    calls = await bot.press(f"vs:o:{signal.id}", SUPPORTERS[0])
    assert "1 steunt dit" in last(calls).text and "Jan" not in last(calls).text
    calls = await bot.press(f"vs:o:{signal.id}", SUPPORTERS[0])
    assert popup(calls) == "Je steun is ingetrokken."
    assert "0 steunen dit" in last(calls).text
    assert await rows(bot, VoiceSupport) == []
