"""The voice repository on SQLite and PostgreSQL: signals, supports, progress, digests, forgetting."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from storage.db import create_engine, create_session_factory
from storage.models import Initiative, InitiativeNetwork, Location, Network, NetworkCoordinator
from storage.repositories import personal_data
from storage.repositories import voice as repo
from storage.tables_voice import VoiceProgress, VoiceSignal, VoiceSupport

pytestmark = pytest.mark.storage

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def _network_in(session, name: str, buurt: str, coordinator: int) -> int:
    network = Network(name=name)
    session.add(network)
    await session.flush()
    location = Location(name=name, latitude=51.9, longitude=4.4, buurt=buurt)
    session.add(location)
    await session.flush()
    initiative = Initiative(name=f"Huiskamer {buurt}", category="buurthuiskamer", status="active", location_id=location.id)
    session.add(initiative)
    await session.flush()
    session.add(InitiativeNetwork(initiative_id=initiative.id, network_id=network.id))
    session.add(NetworkCoordinator(network_id=network.id, user_id=coordinator))
    await session.flush()
    return network.id


async def test_signal_life_cycle_supports_and_progress(sessions):
    async with sessions.begin() as session:
        await _network_in(session, "Huiskamers", "Spangen", 501)
        signal = await repo.add_signal(
            session, text="Een bankje bij de speeltuin op het Mathenesserplein", theme="groen", buurt="Spangen",
            created_by=11, now=NOW, show_first_name=True, first_name="Fatima", language="nl",
        )
        signal_id = signal.id
        assert await repo.deciders_for_buurt(session, frozenset({9001}), "Spangen") == [501]
        assert await repo.deciders_for_buurt(session, frozenset({9001}), "Bospolder") == [9001]
        assert await repo.may_moderate(session, frozenset({9001}), 501, "Spangen")
        assert not await repo.may_moderate(session, frozenset({9001}), 501, "Bospolder")
        assert not await repo.may_moderate(session, frozenset({9001}), 11, "Spangen")
        assert await repo.coordinated_buurten(session, 501) == {"Spangen"}
        assert await repo.count_submitted_since(session, 11, NOW - timedelta(hours=1)) == 1
        assert await repo.publish(session, signal_id, 501, NOW) is True
        assert await repo.publish(session, signal_id, 501, NOW) is False  # the first decision wins
    async with sessions.begin() as session:
        for user in (21, 22, 23):
            assert await repo.toggle_support(session, signal_id, user, NOW) is True
        assert await repo.toggle_support(session, signal_id, 23, NOW) is False  # again = withdraw
        assert await repo.support_count(session, signal_id) == 2
        listed = await repo.list_published(session, 21, buurt="Spangen")
        assert [(item.signal.id, item.supports, item.mine) for item in listed] == [(signal_id, 2, True)]
        assert await repo.count_published(session, theme="groen") == 1
        assert [s.id for s in await repo.search_published(session, "bankje speeltuin")] == [signal_id]
        assert await repo.search_published(session, "fietsenstalling") == []
        assert [s.id for s in await repo.search_published(session, "bankje fietsenstalling")] == [signal_id]  # any word
        await repo.add_progress(
            session, signal_id, "ingebracht", "Besproken in de wijkraad", by=501, now=NOW + timedelta(days=1),
            meeting_name="Wijkraad Delfshaven", meeting_date=date(2026, 12, 3),
        )
    async with sessions() as session:
        steps = await repo.progress_of(session, [signal_id])
        assert [(s.status, s.meeting_date) for s in steps[signal_id]] == [("ingebracht", date(2026, 12, 3))]
        assert await repo.supporter_ids(session, signal_id) == [21, 22]
        new = await repo.new_published_since(session, NOW - timedelta(days=7), NOW + timedelta(days=2), buurten={"Spangen"})
        assert [(d.id, d.supports) for d in new] == [(signal_id, 2)]
        changed = await repo.progress_since(session, NOW, NOW + timedelta(days=2))
        assert [(d.id, d.progress_status) for d in changed] == [(signal_id, "ingebracht")]
        assert await repo.status_counts(session) == {"published": 1, "ingebracht": 1}
        assert [(s.id, n) for s, n in await repo.published_with_counts(session, buurt="Spangen", since=NOW)] == [(signal_id, 2)]
        assert await repo.published_with_counts(session, buurt="Bospolder") == []
        assert await repo.published_with_counts(session, since=NOW + timedelta(seconds=1)) == []


async def test_merge_makes_the_author_a_supporter_and_decline_keeps_the_reason(sessions):
    async with sessions.begin() as session:
        target = await repo.add_signal(session, text="Meer bankjes in het park", theme="groen", buurt="Spangen", created_by=1, now=NOW)
        await repo.publish(session, target.id, 9001, NOW)
        twin = await repo.add_signal(session, text="Bankjes in het park graag", theme="groen", buurt="Spangen", created_by=2, now=NOW)
        rude = await repo.add_signal(session, text="Mijn buurman Jan de Vries is gek", theme="anders", buurt="Spangen", created_by=3, now=NOW)
        assert await repo.merge(session, twin.id, target.id, 9001, NOW) is True
        assert await repo.decline(session, twin.id, 9001, "te laat", NOW) is False
        assert await repo.decline(session, rude.id, 9001, "Er staat een naam in.", NOW) is True
        target_id, twin_id, rude_id = target.id, twin.id, rude.id
    async with sessions() as session:
        merged = await session.get(VoiceSignal, twin_id)
        assert (merged.status, merged.merged_into_id, merged.decided_by) == ("merged", target_id, 9001)
        declined = await session.get(VoiceSignal, rude_id)
        assert (declined.status, declined.decline_reason) == ("declined", "Er staat een naam in.")
        assert await repo.supporter_ids(session, target_id) == [2]
        assert await repo.status_counts(session) == {"published": 1, "merged": 1, "declined": 1}


async def test_forgetting_deletes_supports_and_unlinks_the_author(sessions):
    async with sessions.begin() as session:
        mine = await repo.add_signal(
            session, text="Een taalcafé op zaterdag", theme="taal", buurt="Bospolder", created_by=77, now=NOW,
            show_first_name=True, first_name="Piet",
        )
        other = await repo.add_signal(session, text="Schonere stoepen graag", theme="groen", buurt="Bospolder", created_by=78, now=NOW)
        await repo.publish(session, mine.id, 9001, NOW)
        await repo.publish(session, other.id, 9001, NOW)
        await repo.toggle_support(session, other.id, 77, NOW)
        await repo.add_progress(session, other.id, "toegezegd", "De gemeente doet het", by=77, now=NOW)
        mine_id = mine.id
    async with sessions() as session:
        exported = await personal_data.export(session, 77)
        assert {row["id"] for row in exported["voice_signals"]} == {mine_id}
        assert len(exported["voice_supports"]) == 1
        assert len(exported["voice_progress"]) == 1
        assert [s.id for s in await repo.signals_by(session, 77)] == [mine_id]
        assert len(await repo.supported_by(session, 77)) == 1
    async with sessions.begin() as session:
        await personal_data.erase(session, 77)
    async with sessions() as session:
        kept = await session.get(VoiceSignal, mine_id)
        assert (kept.text, kept.created_by, kept.show_first_name, kept.author_first_name) == ("Een taalcafé op zaterdag", None, False, None)
        assert await session.scalar(select(func.count()).select_from(VoiceSupport)) == 0
        assert await session.scalar(select(VoiceProgress.created_by)) is None
