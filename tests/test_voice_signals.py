"""Issue 18, signals: a resident sends an idea, a coordinator publishes it, neighbours support it,
and everyone who supported it hears what came of it. Journeys through the real Application."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from handlers.groups import digest_jobs
from storage.models import AuditEntry, GroupChat, Initiative, InitiativeNetwork, Location, Network, NetworkCoordinator
from storage.tables_voice import VoiceProgress, VoiceSignal, VoiceSupport
from tests.conftest import ADMIN_ID
from tests.fakes import updates

pytestmark = pytest.mark.storage

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)  # Monday 11:00 in Amsterdam
FATIMA = updates.user(1101, "Fatima", "nl")
KEES = updates.user(3101, "Kees", "nl")  # coordinator of the network with a place in Spangen
ANOUK = updates.user(3102, "Anouk", "nl")  # coordinator of a network in Bospolder only
SUPPORTERS = [updates.user(1201, "Jan", "nl"), updates.user(1202, "John", "en"), updates.user(1203, "Ayşe", "tr")]
GROUP_ID = -1005550001
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


def said(calls, chat_id: int) -> str:
    """Every message sent to `chat_id` (not the edits of cards the outbox makes afterwards)."""
    return "\n".join(c.text for c in calls if c.method == "sendMessage" and c.chat_id == chat_id)


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
        assert popup(calls) in ("👍 Je steunt dit idee nu. Dank je!", "👍 You support this idea now. Thank you!",
                                "👍 Artık bu fikri destekliyorsun. Teşekkürler!")
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
    assert "📣 Ingebracht, 27 november 2026 (Wijkraad Delfshaven)" in preview.text
    calls = await bot.press(preview.callback_data("4 mensen"), KEES)
    assert "Bewaard. 4 mensen krijgen bericht." in last(calls, KEES["id"]).text

    news = {c.chat_id: c.text for c in calls if c.method == "sendMessage" and c.chat_id != KEES["id"]}
    assert set(news) == {FATIMA["id"], *(p["id"] for p in SUPPORTERS)}
    assert "Nieuws over jouw idee" in news[FATIMA["id"]]
    assert "Nieuws over een idee dat je steunt" in news[SUPPORTERS[0]["id"]]
    assert "News about an idea you support" in news[SUPPORTERS[1]["id"]]
    assert "Desteklediğin bir fikirle ilgili haber" in news[SUPPORTERS[2]["id"]]
    assert "Ingebracht" in news[SUPPORTERS[0]["id"]] and "Brought in" in news[SUPPORTERS[1]["id"]]
    for text in news.values():
        assert "Wijkraad Delfshaven" in text and "De gemeente kijkt of het kan." in text

    [step] = await rows(bot, VoiceProgress)
    assert (step.status, step.meeting_name, step.meeting_date, step.created_by) == (
        "ingebracht", "Wijkraad Delfshaven", date(2026, 11, 27), KEES["id"])
    # The timeline shows on /stem.
    assert "📣 Ingebracht, 27 november 2026 (Wijkraad Delfshaven)" in last(await bot.say("/stem", SUPPORTERS[0])).text
    # Every step was audited.
    async with bot.session_factory() as session:
        actions = list(await session.scalars(select(AuditEntry.action).where(AuditEntry.subject_type == "signal").order_by(AuditEntry.id)))
    assert actions == ["signal_submit", "signal_publish", "signal_progress"]

    # The week's digest of the group of the Spangen network asks the buurt to support it, and says what changed.
    bot.app.bot_data.clock = lambda: NOW + timedelta(hours=2)
    async with bot.session_factory.begin() as session:
        network_id = await session.scalar(select(Network.id).where(Network.name == "Huiskamers Spangen"))
        session.add(GroupChat(chat_id=GROUP_ID, title="Buren Spangen", network_id=network_id, active=True))
    assert await digest_jobs.run_group_digest(bot.app, GROUP_ID) == "queued"
    digest = "\n".join(c.text for c in await bot.drain() if c.chat_id == GROUP_ID)
    assert "<b>Wat de buurt vraagt</b>" in digest
    assert f'<a href="https://t.me/knooppunt_test_bot?start=stem-{signal.id}">Een bankje bij de speeltuin' in digest
    assert "(Spangen, 👍 3)" in digest and "📣 Ingebracht. Het bankje is besproken." in digest
    # The coordinator's weekly overview counts the signals per status.
    assert await digest_jobs.run_coordinator_digest(bot.app, KEES["id"]) == "queued"
    overview = "\n".join(c.text for c in await bot.drain() if c.chat_id == KEES["id"])
    assert "<b>Ideeën uit de buurt</b>" in overview and "• 1 idee staat op /stem" in overview and "📣 Ingebracht: 1" in overview


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

    for person, command in ((SUPPORTERS[0], f"/voortgang {signal.id}"), (ANOUK, f"/progress {signal.id}")):
        assert last(await bot.say(command, person)).text == "Dit mag je niet doen."
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


async def test_my_data_lists_ideas_and_supports_and_forget_me_unlinks_the_author(bot):
    await submit(bot, show_name=True)
    [signal] = await rows(bot, VoiceSignal)
    assert (signal.show_first_name, signal.author_first_name) == (True, "Fatima")
    await bot.press(f"vm:ok:{signal.id}", KEES)
    await submit(bot, text="Meer vuilnisbakken bij het Spaanse Bocht, want er ligt veel afval.")
    [_first, other] = await rows(bot, VoiceSignal)
    await bot.press(f"vm:ok:{other.id}", KEES)
    await bot.press(f"vs:o:{other.id}", FATIMA)
    await bot.press(f"vs:o:{signal.id}", SUPPORTERS[0])
    # Shown with her first name, as she chose.
    assert "Fatima uit Spangen" in last(await bot.say(f"/start stem-{signal.id}", SUPPORTERS[0])).text

    calls = await bot.say("/mijngegevens", FATIMA)
    readable = next(c.text for c in calls if c.method == "sendMessage" and "Dit weet Knooppunt over jou" in c.text)
    assert "• Je stuurde dit idee in: <i>Een bankje bij de speeltuin" in readable and "(staat op /stem)" in readable
    assert "• Je steunt dit idee: <i>Meer vuilnisbakken" in readable
    document = next(c for c in calls if c.method == "sendDocument")
    assert document is not None

    calls = await bot.say("/vergeetmij", FATIMA)
    await bot.press(last(calls).callback_data("Ja, verwijder"), FATIMA)
    kept = {s.id: s for s in await rows(bot, VoiceSignal)}
    assert kept[signal.id].text == IDEA and kept[signal.id].created_by is None
    assert (kept[signal.id].show_first_name, kept[signal.id].author_first_name) == (False, None)
    assert [(s.signal_id, s.user_id) for s in await rows(bot, VoiceSupport)] == [(signal.id, SUPPORTERS[0]["id"])]
    # Anonymous now, and still supported by the others.
    shown = last(await bot.say(f"/start stem-{signal.id}", SUPPORTERS[1])).text
    assert "Fatima" not in shown and "1 supports this" in shown


async def test_free_text_starts_an_idea_and_wrong_answers_get_a_clear_reply(bot):
    calls = await bot.say("Ik heb een idee voor de buurt!", FATIMA)
    assert "Wat wil je voorstellen" in last(calls).text
    assert "Dat is wel heel kort" in last(await bot.say("hoi", FATIMA)).text
    calls = await bot.say("x" * 501, FATIMA)
    assert "Dat is te lang: 501 tekens. Het mag maximaal 500 tekens zijn." in last(calls).text
    # "ik heb een idee: ..." as the answer is the answer, not a new start.
    calls = await bot.say("Ik heb een idee: een moestuin voor de school aan de Bilderdijkstraat.", FATIMA)
    assert "Over welk thema gaat het?" in last(calls).text
    assert "Kies een van de knoppen." in (await bot.say("groen", FATIMA))[0].text
    await bot.press("vi:t:groen", FATIMA)
    # A postcode shared by two buurten is a question with buttons; a far postcode is refused.
    calls = await bot.say("3028", FATIMA)
    assert "Welke bedoel je?" in last(calls).text and last(calls).buttons() == ["Oud-Mathenesse", "Witte Dorp"]
    assert "ken ik niet in Delfshaven" in (await bot.say("1012", FATIMA))[0].text
    calls = await bot.say("BoTu", FATIMA)
    assert last(calls).buttons() == ["Bospolder", "Tussendijken"]
    calls = await bot.send(updates.location(51.9169, 4.4361, FATIMA))  # in Spangen
    assert "Buurt: Spangen" in calls[0].text and "Hoe zien anderen wie het schreef?" in last(calls).text
    await bot.say("/stop", FATIMA)


async def test_three_ideas_a_day_at_most(bot):
    for n in range(3):
        await submit(bot, text=f"Idee nummer {n + 1}: meer bankjes in het park bij de Mathenesserweg.")
    calls = await bot.say("/idee", FATIMA)
    assert last(calls).text == "Je hebt vandaag al 3 ideeën gestuurd. Dat is het maximum per dag. Morgen kan het weer."
    assert len(await rows(bot, VoiceSignal)) == 3
    bot.app.bot_data.clock = lambda: NOW + timedelta(days=1)  # the next day (Amsterdam) it works again
    assert "Wat wil je voorstellen" in last(await bot.say("/idee", FATIMA)).text


async def test_decline_with_a_reason_the_author_hears_and_merge_by_words(bot):
    await submit(bot)
    [first] = await rows(bot, VoiceSignal)
    await bot.press(f"vm:ok:{first.id}", KEES)
    await submit(bot, text="Mijn buurman op nummer 12 is een idioot, doe er wat aan.")
    await submit(bot, text="Graag een bankje bij de speeltuin, voor de opa's en oma's.")
    _first, rude, twin = await rows(bot, VoiceSignal)

    calls = await bot.press(f"vm:no:{rude.id}", KEES)
    assert "Waarom wijs je het af?" in last(calls).text
    calls = await bot.press(last(calls).callback_data("Belediging"), KEES)
    assert "Afgewezen. De schrijver krijgt de reden te zien." in said(calls, KEES["id"])
    told = last(calls, FATIMA["id"]).text
    assert "Je idee is niet op /stem gezet." in told and "Reden: Er staat een belediging in." in told

    calls = await bot.press(f"vm:mg:{twin.id}", KEES)
    assert "Met welk idee voeg je het samen?" in last(calls).text
    assert "Ik vond geen gepubliceerd idee" in last(await bot.say("fietsenrek", KEES)).text
    calls = await bot.say("bankje speeltuin", KEES)
    calls = await bot.press(last(calls).callback_data("Een bankje bij de speeltuin"), KEES)
    assert "Samengevoegd. De schrijver" in said(calls, KEES["id"])
    assert "Je idee lijkt op een idee dat al op /stem staat." in last(calls, FATIMA["id"]).text
    merged = {s.id: s for s in await rows(bot, VoiceSignal)}
    assert (merged[rude.id].status, merged[rude.id].decline_reason) == ("declined", "Er staat een belediging in.")
    assert (merged[twin.id].status, merged[twin.id].merged_into_id) == ("merged", first.id)
    assert [(s.signal_id, s.user_id) for s in await rows(bot, VoiceSupport)] == [(first.id, FATIMA["id"])]
    async with bot.session_factory() as session:
        details = list(await session.execute(select(AuditEntry.action, AuditEntry.detail).where(
            AuditEntry.actor_id == KEES["id"]).order_by(AuditEntry.id)))
    assert details == [("signal_publish", None), ("signal_decline", {"reason": "Er staat een belediging in."}),
                       ("signal_merge", {"into": first.id})]


async def test_stem_filters_and_pages_in_one_message_and_a_typed_reason_is_not_a_new_idea(bot):
    from storage.repositories import voice as repo

    async with bot.session_factory.begin() as session:
        for n in range(7):
            signal = await repo.add_signal(session, text=f"Idee {n + 1} voor meer groen in de straat", theme="groen" if n < 6 else "taal",
                                           buurt="Spangen" if n % 2 == 0 else "Bospolder", created_by=None, now=NOW)
            await repo.publish(session, signal.id, KEES["id"], NOW)
            if n == 3:
                await repo.toggle_support(session, signal.id, SUPPORTERS[1]["id"], NOW)
    first = last(await bot.say("/stem", FATIMA))
    assert "(1–5 van 7)" in first.text and first.text.index("1. <i>Idee 4") < first.text.index("2. <i>")  # most supported first
    calls = await bot.press(first.callback_data("Volgende"), FATIMA, message_id=801)
    page = last(calls)
    assert page.method == "editMessageText" and int(page.params["message_id"]) == 801 and "(6–7 van 7)" in page.text
    calls = await bot.press(first.callback_data("Kies thema"), FATIMA, message_id=801)
    calls = await bot.press(last(calls).callback_data("Taal"), FATIMA, message_id=801)
    assert "Thema: 💬 Taal" in last(calls).text and "Idee 7" in last(calls).text and "Idee 1 " not in last(calls).text
    calls = await bot.press(last(calls).callback_data("Kies buurt"), FATIMA, message_id=801)
    calls = await bot.press(last(calls).callback_data("Bospolder"), FATIMA, message_id=801)
    assert "Buurt: Bospolder · Thema: 💬 Taal" in last(calls).text and "Hier staan nog geen ideeën" in last(calls).text
    # In a group /stem, /idee and /voortgang point to the private chat.
    group = updates.group_chat(GROUP_ID)
    for command in ("/stem", "/idee", "/voortgang 1", "/voice", "/idea", "/progress 1"):
        assert "privégesprek. Stuur mij een bericht: @knooppunt_test_bot" in last(await bot.say(command, KEES, group)).text

    # A coordinator's typed reason that sounds like an idea answers the question.
    await submit(bot, text="Iemand moet de buurman op nummer 3 aanpakken, die is vervelend.")
    [waiting] = [s for s in await rows(bot, VoiceSignal) if s.status == "submitted"]
    await bot.press(f"vm:no:{waiting.id}", KEES)
    calls = await bot.say("Mijn idee: noem geen buren, schrijf wat de buurt nodig heeft.", KEES)
    assert "Afgewezen. De schrijver" in said(calls, KEES["id"])
    [declined] = [s for s in await rows(bot, VoiceSignal) if s.id == waiting.id]
    assert declined.decline_reason == "Mijn idee: noem geen buren, schrijf wat de buurt nodig heeft."
