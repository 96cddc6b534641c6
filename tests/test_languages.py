"""Places that speak your language: shown on the card, first within their distance band, one-tap filter."""

from __future__ import annotations

from datetime import timezone

import pytest

from bot.places_cli import import_records
from domain.places_csv import read_places
from tests.directory_data import NOW, PLACES_CSV
from tests.fakes import updates

pytestmark = pytest.mark.storage

# Huiskamer Nieuwe Westen is 311 m away, Huiskamer Tussendijken (Turkish spoken) 324 m: the same band.
BETWEEN = (51.9140, 4.4470)
TURKISH = updates.user(1401, "Ayşe", "tr")
DUTCH = updates.user(1402, "Fatima", "nl")


@pytest.fixture
async def places(bot, database_url, monkeypatch):
    bot.app.bot_data.clock = lambda: NOW.astimezone(timezone.utc)
    await import_records(database_url, read_places(PLACES_CSV.encode()), now=NOW.astimezone(timezone.utc))
    return bot


def _card(calls):
    [message] = [c for c in calls if c.method in ("sendMessage", "editMessageText") and "📍" in c.text]
    return message


def _order(text: str) -> list[str]:
    return [line.split("<b>")[1].split("</b>")[0] for line in text.splitlines() if line[:1].isdigit() and ". <b>" in line]


async def test_turkish_resident_sees_turkish_speaking_place_first_in_its_band(places):
    await places.send(updates.message("mahalle oturma odası", sender=TURKISH))
    card = _card(await places.send(updates.location(*BETWEEN, sender=TURKISH)))
    assert _order(card.text)[:2] == ["Huiskamer Tussendijken", "Huiskamer Nieuwe Westen"]
    assert "🗣 Türkçe konuşulur" in card.text
    assert card.text.count("konuşulur") == 1, "only the place that speaks Turkish says so"


async def test_dutch_resident_keeps_the_plain_distance_order(places):
    await places.send(updates.message("buurthuiskamer", sender=DUTCH))
    card = _card(await places.send(updates.location(*BETWEEN, sender=DUTCH)))
    assert _order(card.text)[:2] == ["Huiskamer Nieuwe Westen", "Huiskamer Tussendijken"]
    assert "Hier spreken ze" not in card.text
    assert not any(label.startswith("🗣 Nederlands") for label in card.buttons())


async def test_speaks_my_language_is_one_tap_and_tapping_again_clears_it(places):
    await places.send(updates.message("mahalle oturma odası", sender=TURKISH))
    card = _card(await places.send(updates.location(*BETWEEN, sender=TURKISH)))
    assert "🗣 Türkçe" in card.buttons()
    mine = card.callback_data("🗣 Türkçe")
    assert len(mine.encode()) <= 64 and mine.startswith("dir:v:")  # the filter lives in the answer's own question
    filtered = _card(await places.send(updates.callback(mine, sender=TURKISH)))
    assert _order(filtered.text) == ["Huiskamer Tussendijken"]
    assert "✅ 🗣 Türkçe" in filtered.buttons()
    cleared = _card(await places.send(updates.callback(filtered.callback_data("✅ 🗣 Türkçe"), sender=TURKISH)))
    assert len(_order(cleared.text)) > 1
