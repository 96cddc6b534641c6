"""Journeys of /overleg and /inbreng: a meeting is recorded, the buurt's groups are asked for input two
weeks before (once), and the coordinator gets the input document as a PDF and Markdown."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from pypdf import PdfReader
from sqlalchemy import select

from domain.inbreng_pdf import render_pdf
from handlers.voice import meetings as meeting_handlers
from handlers.voice import polls as poll_handlers
from bot.i18n import get_translator
from storage.models import AuditEntry, Location
from storage.tables_outbox import OutboxMessage
from storage.tables_polls import Meeting
from storage.tables_voice import VoiceSignal, VoiceSupport
from tests.conftest import ADMIN_ID
from tests.fakes import updates
from tests.groups_seed import COORDINATOR, OTHER_COORDINATOR, seed_activity, seed_initiative, seed_linked_group, seed_network

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # Tuesday 1 December, 10:00 in Amsterdam
GROUP_A, GROUP_B, ELSEWHERE = -1001111, -1002222, -1003333
SIGNALS = [
    ("groen", "Meer bomen en bankjes op het Mathenesserplein. Mail me: piet@example.org", 5),
    ("groen", "Zwerfafval na de markt op de Schiedamseweg", 2),
    ("jeugd", "Een plek voor tieners om 's avonds te zitten", 3),
    ("eenzaamheid", "Koffieochtend voor ouderen die alleen wonen", 1),
]


async def seed(bot) -> None:  # noqa: ANN001
    bot.app.bot_data.clock = lambda: NOW
    async with bot.session_factory.begin() as session:
        network = await seed_network(session)
        initiative = await seed_initiative(session, network, "Huiskamer Spangen")
        location = await session.get(Location, initiative.location_id)
        location.buurt = "Spangen"
        await seed_activity(session, initiative, "Koffie-ochtend", NOW - timedelta(days=10))
        await seed_activity(session, initiative, "Taalles", NOW - timedelta(days=300))  # before the period
        await seed_linked_group(session, network, GROUP_A, "Spangen samen")
        await seed_linked_group(session, network, GROUP_B, "Spangen jong")
        other = await seed_network(session, "Taalcafés", OTHER_COORDINATOR["id"])
        await seed_linked_group(session, other, ELSEWHERE, "Taalcafé elders")
        supporter = 5000
        for theme, text, supports in SIGNALS:
            signal = VoiceSignal(text=text, theme=theme, buurt="Spangen", status="published", created_by=4000,
                                 created_at=NOW - timedelta(days=20), published_at=NOW - timedelta(days=19))
            session.add(signal)
            await session.flush()
            for _ in range(supports):
                supporter += 1
                session.add(VoiceSupport(signal_id=signal.id, user_id=supporter, created_at=NOW - timedelta(days=5)))
        session.add(VoiceSignal(text="Nog niet bekeken voorstel", theme="taal", buurt="Spangen", status="submitted",
                                created_at=NOW - timedelta(days=2)))
        session.add(VoiceSignal(text="Iets in Bospolder", theme="taal", buurt="Bospolder", status="published",
                                created_at=NOW - timedelta(days=2), published_at=NOW - timedelta(days=2)))


async def record_meeting(bot, when_text: str) -> list:  # noqa: ANN001
    calls = await bot.say("/overleg", COORDINATOR)
    assert calls[-1].buttons() == ["Wijkraad", "Studieontbijt", "Werkgroep"]
    calls = await bot.press("ovk:wijkraad", COORDINATOR)
    assert calls[-1].buttons() == ["Spangen"], "a coordinator picks among the buurten of their networks"
    calls = await bot.press("ovb:0", COORDINATOR)
    assert "Wanneer is het?" in calls[-1].text
    calls = await bot.say(when_text, COORDINATOR)
    assert "<b>Wijkraad</b> over Spangen" in calls[-1].text
    return await bot.press("ovc:ok", COORDINATOR)


async def test_a_meeting_asks_the_buurts_groups_for_input_two_weeks_before_once(bot):
    await seed(bot)
    calls = await record_meeting(bot, "15 januari 19:30")
    assert "Op vrijdag 1 januari 2027 vraag ik de groepen van Spangen om ideeën en steun." in calls[-1].text
    async with bot.session_factory() as session:
        meeting = (await session.scalars(select(Meeting))).one()
    assert meeting_handlers.job_name(meeting.id) in [job.name for job in bot.app.job_queue.jobs()]
    assert await meeting_handlers.call_for_input(bot.app, meeting.id) == 0, "too early: nothing yet"

    bot.app.bot_data.clock = lambda: datetime(2027, 1, 1, 18, 30, tzinfo=timezone.utc)
    before = len(bot.api.calls)
    assert await meeting_handlers.call_for_input(bot.app, meeting.id) == 2
    assert await meeting_handlers.call_for_input(bot.app, meeting.id) == 0, "a second run (restart) adds nothing"
    await bot.drain()
    sent = {call.chat_id: call.text for call in bot.api.calls[before:]}
    assert set(sent) == {GROUP_A, GROUP_B}, "only the groups of the buurt's networks"
    text = sent[GROUP_A]
    assert "Wijkraad over Spangen" in text and "vrijdag 15 januari 2027" in text
    assert "?start=wijk-idee" in text and "?start=wijk-stem-" in text
    # The links work: the buurt's ideas on /stem, and the way to /idee.
    stem_link = text.split("?start=wijk-stem-")[1].split('"')[0]
    calls = await bot.say(f"/start wijk-stem-{stem_link}", updates.RESIDENT)
    assert "Spangen" in calls[-1].text and "Een plek voor tieners" in calls[-1].text
    calls = await bot.say("/start wijk-idee", updates.RESIDENT)
    assert "Tik op /idee" in calls[-1].text


async def test_a_meeting_within_two_weeks_calls_at_once_and_strangers_are_refused(bot):
    await seed(bot)
    calls = await record_meeting(bot, "10 december 19:30")
    assert any("krijgen nu de vraag om ideeën en steun" in text for text in bot.reply_texts(calls))
    assert sorted(call.chat_id for call in calls if call.chat_id and call.chat_id < 0) == [GROUP_B, GROUP_A]
    calls = await bot.say("/overleg", updates.RESIDENT)
    assert "Alleen coördinatoren" in calls[-1].text
    calls = await bot.say("/overleg", OTHER_COORDINATOR)  # their network has no initiative in a buurt
    assert "Alleen coördinatoren" in calls[-1].text
    calls = await bot.say("/overleg", updates.user(ADMIN_ID, "Admin"))
    await bot.press("ovk:werkgroep", updates.user(ADMIN_ID, "Admin"))
    assert len(bot.api.calls[-1].buttons()) >= 9, "admins pick among every buurt"


async def test_inbreng_returns_the_document_as_pdf_and_markdown(bot):
    await seed(bot)
    # A closed poll in the buurt's groups.
    network_id = 1
    from tests.test_voice_polls import make_poll  # the same journey: two groups of the network

    await make_poll(bot, network_id, anonymous=True)
    for chat, poll in [(chat, poll) for (chat, _mid), poll in bot.api.polls.items()]:
        await bot.send(updates.poll_totals(poll, [3, 1, 0] if chat == GROUP_A else [1, 1, 2], voters=4))
    async with bot.session_factory() as session:
        from storage.tables_polls import Poll
        poll_id = (await session.scalars(select(Poll.id))).one()
    assert await poll_handlers.close_poll(bot.app, poll_id)
    await bot.drain()

    calls = await bot.say("/inbreng", updates.RESIDENT)
    assert "Alleen coördinatoren" in calls[-1].text
    calls = await bot.say("/inbreng", COORDINATOR)
    assert calls[-1].buttons() == ["Spangen"]
    calls = await bot.press("inb:bospolder", COORDINATOR)  # not their buurt (a forged button)
    assert any("niet maken" in (call.params.get("text") or "") for call in bot.api.of("answerCallbackQuery")[-1:])
    calls = await bot.press("inb:spangen", COORDINATOR)
    assert calls[-1].buttons() == ["Laatste 1 maand", "Laatste 3 maanden", "Laatste 6 maanden", "Laatste 12 maanden"]
    calls = await bot.press("inp:spangen:3:nl", COORDINATOR)
    documents = [call for call in calls if call.method == "sendDocument"]
    assert len(documents) == 2
    pdf_call, md_call = documents
    assert "Inbreng van Spangen" in pdf_call.text and "4 ideeën en vragen van bewoners, samen 11 keer gesteund" in pdf_call.text
    assert "English" in pdf_call.buttons() and "Türkçe" in pdf_call.buttons()
    pdf_name, pdf_bytes = next(iter(pdf_call.files.values()))
    assert pdf_name == "inbreng-spangen-2026-12-01.pdf" and pdf_bytes.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) <= 2
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Inbreng van Spangen" in text and "Groen en schoon" in text and "Welke avond past het best" in text
    assert "piet@example.org" not in text, "quotes are anonymised"
    md_name, md_bytes = next(iter(md_call.files.values()))
    md = md_bytes.decode("utf-8")
    assert md_name == "inbreng-spangen-2026-12-01.md"
    assert "### Groen en schoon: 2 signalen, 7 keer gesteund" in md
    assert "| dinsdag | 4 | 50 |" in md and "8 mensen deden mee, in 2 groepen." in md
    assert "Nog niet bekeken voorstel" not in md and "Iets in Bospolder" not in md
    assert "1 actief initiatief, 1 activiteit" in md
    async with bot.session_factory() as session:
        assert (await session.scalars(select(AuditEntry).where(AuditEntry.action == "inbreng.made"))).all()

    # The same document in Turkish, on request.
    calls = await bot.press("inp:spangen:3:tr", COORDINATOR)
    turkish = [call for call in calls if call.method == "sendDocument"]
    assert "Spangen" in turkish[0].text and "Inbreng van" not in turkish[0].text


def test_the_pdf_stays_within_two_pages_with_much_content():
    from datetime import date

    from domain.inbreng import Inbreng, SignalEntry
    from domain.polls import GroupTally, PollResult

    signals = tuple(SignalEntry(theme, f"Een lang idee nummer {i} over de buurt, met veel woorden om de regel te vullen " * 2, i)
                    for i in range(40) for theme in ("groen", "jeugd", "taal", "ouderen", "veiligheid"))
    polls = tuple(PollResult(f"Vraag {i}?", tuple(f"antwoord {j}" for j in range(10)), (GroupTally("g", tuple(range(10)), 45),), True, False, True)
                  for i in range(12))
    data = Inbreng("Spangen", date(2026, 1, 1), date(2026, 12, 1), signals, polls, 40, 200)
    for language in ("nl", "ar", "pl"):
        reader = PdfReader(io.BytesIO(render_pdf(data, get_translator(language))))
        assert len(reader.pages) <= 2


async def test_unused_outbox_kinds_are_not_left_behind(bot):
    """A poll closed before its outbox row went out is not sent at all."""
    await seed(bot)
    bot.auto_drain = False
    from tests.test_voice_polls import make_poll

    await make_poll(bot, 1, anonymous=False)
    async with bot.session_factory() as session:
        from storage.tables_polls import Poll
        poll_id = (await session.scalars(select(Poll.id))).one()
    await poll_handlers.close_poll(bot.app, poll_id)
    await bot.drain()
    assert not bot.api.of("sendPoll") and not bot.api.of("stopPoll")
    async with bot.session_factory() as session:
        kinds = [row.kind for row in await session.scalars(select(OutboxMessage).where(OutboxMessage.status == "sent"))]
    assert kinds.count("poll_result") == 3


def run_cli(monkeypatch, database_url, *argv):  # noqa: ANN001, ANN201
    """main() runs its own event loop, so run it in a worker thread from an async test."""
    import concurrent.futures

    from bot.cli import main

    def run() -> int:
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
        return main(["inbreng", *argv])

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


async def test_cli_writes_markdown_csv_and_pdf(bot, database_url, tmp_path, monkeypatch, capsys):
    await seed(bot)
    md, csv_file, pdf = tmp_path / "spangen.md", tmp_path / "spangen.csv", tmp_path / "spangen.pdf"
    assert run_cli(monkeypatch, database_url, "--buurt", "spangen", "--since", "2026-01-01", str(md)) == 0
    assert "### Groen en schoon: 2 signalen, 7 keer gesteund" in md.read_text(encoding="utf-8")
    assert "Wrote the input document of Spangen" in capsys.readouterr().out
    assert run_cli(monkeypatch, database_url, "--buurt", "Spangen", "--since", "2026-01-01", "--taal", "en", str(csv_file)) == 0
    rows = csv_file.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 4 + 2 and rows[0].startswith("kind,neighbourhood,theme or question") and rows[1].startswith("signal,Spangen,")
    assert "piet@example.org" not in csv_file.read_text(encoding="utf-8")
    assert run_cli(monkeypatch, database_url, "--buurt", "Spangen", "--since", "2026-01-01", "--taal", "pl", str(pdf)) == 0
    reader = PdfReader(str(pdf))
    assert len(reader.pages) <= 2 and "Spangen" in reader.pages[0].extract_text()

    assert run_cli(monkeypatch, database_url, "--buurt", "Atlantis", str(tmp_path / "x.md")) == 1
    assert "No buurt 'Atlantis'" in capsys.readouterr().err
    assert run_cli(monkeypatch, database_url, "--buurt", "Spangen", str(md)) == 1, "an existing file needs --force"
    assert "already exists" in capsys.readouterr().err
    import pytest

    for wrong in (["--buurt", "Spangen", str(tmp_path / "x.docx")], ["--buurt", "Spangen", "--since", "gisteren", str(tmp_path / "y.md")],
                  ["--buurt", "Spangen", "--taal", "de", str(tmp_path / "z.md")]):
        with pytest.raises(SystemExit) as exit_info:
            run_cli(monkeypatch, database_url, *wrong)
        assert exit_info.value.code == 2


def test_cli_does_not_create_an_empty_database(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "nothing.db"
    assert run_cli(monkeypatch, f"sqlite+aiosqlite:///{missing}", "--buurt", "Spangen", str(tmp_path / "x.pdf")) == 1
    assert "No database at" in capsys.readouterr().err and not missing.exists()
