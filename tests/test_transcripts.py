"""Five journeys through the real Application, written out as docs/transcripts.md for reading.

Run `KP_WRITE_TRANSCRIPTS=1 .venv/bin/python -m pytest tests/test_transcripts.py` to rewrite the
document after a text changed; the assertions pin what a read-through fixed (no silence, no
internals, no Dutch in the English journey).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.places_cli import import_records
from domain.places_csv import read_places
from tests.activity_seed import COORDINATOR, MEMBER, NOW, TZ, add_activity, seed
from tests.directory_data import PLACES_CSV
from tests.fakes import updates
from tests.fakes.updates import _base_message
from tests.harness import transcript_lines

pytestmark = pytest.mark.storage
DOC = Path(__file__).resolve().parent.parent / "docs" / "transcripts.md"
RESIDENT, RESIDENT_EN = updates.RESIDENT, updates.RESIDENT_EN


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=TZ)


@pytest.fixture
async def world(bot, database_url, monkeypatch):
    bot.app.bot_data.clock = lambda: NOW.astimezone(timezone.utc)
    await import_records(database_url, read_places(PLACES_CSV.encode()), now=NOW.astimezone(timezone.utc))
    world = await seed(bot.session_factory)
    world.ids = {
        "market": await add_activity(bot.session_factory, world, "Kerstmarkt", at(5, 14), at(5, 16), cost="2,50"),
        "kids": await add_activity(bot.session_factory, world, "Knutselen voor kinderen", at(6, 14), at(6, 16)),
        "coffee": await add_activity(bot.session_factory, world, "Koffie-ochtend", at(1, 10), at(1, 12), rrule="FREQ=WEEKLY;BYDAY=TU"),
    }
    return world


class Journey:
    def __init__(self, bot, title: str) -> None:
        self.bot, self.lines = bot, [f"## {title}", "", "```text"]

    async def do(self, label: str, update: dict) -> list:
        calls = await self.bot.send(update)
        self.lines += transcript_lines(label, calls)
        return calls

    async def say(self, text: str, sender: dict, chat: dict | None = None) -> list:
        return await self.do(text[:80] + ("…" if len(text) > 80 else ""), updates.message(text, sender, chat))

    async def press(self, label: str, data: str, sender: dict, message_id: int = 500) -> list:
        return await self.do(f"[{label}]", updates.callback(data, sender, None, message_id))

    def text(self) -> str:
        return "\n".join([*self.lines, "```", ""])


async def resident_nl(bot, world) -> Journey:
    j = Journey(bot, "1. Bewoner (Nederlands)")
    await j.say("/start", RESIDENT)
    await j.say("wat is er zaterdag te doen?", RESIDENT)
    await j.press("1. Kerstmarkt", f"ac:o:{world.ids['market']}", RESIDENT)
    await j.press("🙋 Ik kom", f"ac:r:{world.ids['market']}", RESIDENT)
    await j.press("🙋 Ik kom (Koffie-ochtend)", f"ac:r:{world.ids['coffee']}", RESIDENT)
    await j.say("buurthuiskamr in spangen", RESIDENT)
    await j.say("iets voor kinderen in spangen", RESIDENT)
    await j.press("📅 Een activiteit", "cv:q:a", RESIDENT, message_id=bot.api._message_id)
    await j.do("(spraakbericht)", {"update_id": 99_001, "message": _base_message(
        RESIDENT, None, voice={"file_id": "v", "file_unique_id": "vu", "duration": 4})})
    await j.say("/hulp", RESIDENT)
    await j.say("/privacy", RESIDENT)
    await j.press("Meer uitleg", "pv:more", RESIDENT)
    await j.say("/mijngegevens", RESIDENT)
    await j.say("bedankt!", RESIDENT)
    return j


async def resident_en(bot, world) -> Journey:
    j = Journey(bot, "2. Resident (English)")
    await j.say("/start", RESIDENT_EN)
    await j.say("what is on this weekend?", RESIDENT_EN)
    await j.press("2. Knutselen voor kinderen", f"ac:o:{world.ids['kids']}", RESIDENT_EN)
    await j.press("🙋 I'm coming", f"ac:r:{world.ids['kids']}", RESIDENT_EN)
    await j.say("playground in spangen", RESIDENT_EN)
    await j.say("something for kids", RESIDENT_EN)
    await j.press("📍 A place", "cv:q:p", RESIDENT_EN, message_id=bot.api._message_id)
    await j.do("(sticker)", {"update_id": 99_002, "message": _base_message(RESIDENT_EN, None, sticker={
        "file_id": "s", "file_unique_id": "su", "type": "regular", "width": 1, "height": 1, "is_animated": False, "is_video": False})})
    await j.say("/help", RESIDENT_EN)
    await j.say("/privacy", RESIDENT_EN)
    await j.say("/mydata", RESIDENT_EN)
    return j


async def volunteer(bot, world) -> Journey:
    j = Journey(bot, "3. Vrijwilliger")
    await j.say("/hulp", MEMBER)
    await j.say("/activiteit", MEMBER)
    await j.say("Spelletjesmiddag", MEMBER)
    await j.say("zaterdag", MEMBER)
    await j.say("zaterdag 14:00", MEMBER)
    await j.say("/stop", MEMBER)
    await j.say("/mijn", MEMBER)
    return j


async def coordinator(bot, world) -> Journey:
    j = Journey(bot, "4. Coördinator")
    await j.say("/hulp", COORDINATOR)
    await j.say("/digest_voorbeeld", COORDINATOR)
    await j.say("/beheer", COORDINATOR)
    await j.say("wat is er deze week?", COORDINATOR)
    return j


async def abuse(bot, world) -> Journey:
    j = Journey(bot, "5. Misbruik en vreemde invoer")
    await j.say("x" * 5000, RESIDENT)
    await j.say("<script>alert(1)</script> & co", RESIDENT)
    await j.say("😀😀😀", RESIDENT)
    await j.press("oude knop: een activiteit", "cv:q:a", RESIDENT, message_id=1)
    await j.press("vervalste knop", "ac:r:99999", RESIDENT)
    await j.press("vervalste agenda", "ag:Q:d9.99.evil.k:0", RESIDENT)
    await j.say("/mijngegevens", RESIDENT, chat=updates.group_chat())
    await j.do("(contact)", {"update_id": 99_003, "message": _base_message(RESIDENT, None, contact={
        "phone_number": "+31600000000", "first_name": "Oma"})})
    return j


async def test_five_journeys_read_well_and_are_written_to_docs(bot, world):
    journeys = [await build(bot, world) for build in (resident_nl, resident_en, volunteer, coordinator, abuse)]
    body = "\n".join(j.text() for j in journeys)
    for bad in ("None", "Traceback", "Sorry, er ging iets mis", "{name}", "{day}", "activity_id", "groep(en)"):
        assert bad not in body, bad
    english = journeys[1].text()
    for dutch in ("Fijn dat", "Dat begrijp ik niet", "Ik kan alleen tekst", " komt op ", "Wat zoek je"):
        assert dutch not in english, dutch
    silent = [line for j in journeys for line, after in zip(j.lines, [*j.lines[1:], ">>"], strict=True) if line.startswith(">>") and after.startswith(">>")]
    assert silent == [], f"no answer to: {silent}"
    document = "\n".join([
        "# Read-through transcripts",
        "",
        "Five journeys through the real Application (fake Telegram, Thursday 3 December 2026, 09:00), written by",
        "`tests/test_transcripts.py`. `>>` is what the person did; below it what they saw. Regenerate with",
        "`KP_WRITE_TRANSCRIPTS=1 .venv/bin/python -m pytest tests/test_transcripts.py` after a text changes.",
        "",
        body,
    ])
    if os.environ.get("KP_WRITE_TRANSCRIPTS"):
        DOC.write_text(document, encoding="utf-8")
    assert DOC.exists(), "run with KP_WRITE_TRANSCRIPTS=1 to write docs/transcripts.md"
    written = DOC.read_text(encoding="utf-8")
    assert all(f"## {title}" in written for title in (
        "1. Bewoner (Nederlands)", "2. Resident (English)", "3. Vrijwilliger", "4. Coördinator", "5. Misbruik en vreemde invoer"))
