"""Core storage behaviour: UTC round trip, users repository, roles, audit; the caller commits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from storage.db import create_engine, create_session_factory
from storage.models import AuditEntry, Initiative, InitiativeMember, InitiativeNetwork, Network, NetworkCoordinator, User
from storage.repositories import audit, roles, users

pytestmark = pytest.mark.storage


@pytest.fixture
async def sessions(database_url):
    engine = create_engine(database_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def test_times_are_stored_utc_and_come_back_aware(sessions):
    amsterdam = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))  # just after the DST jump
    async with sessions.begin() as session:
        await users.record_contact(session, 5, "Ann", amsterdam)
    async with sessions() as session:
        user = await session.get(User, 5)
    assert user.first_seen_at == amsterdam.replace(minute=0)  # kept to the hour, as /privacy says
    assert user.first_seen_at.utcoffset() == timedelta(0)
    assert user.first_seen_at.hour == 1  # 03:30 CEST is 01:30 UTC, kept as 01:00


async def test_naive_datetimes_are_refused(sessions):
    with pytest.raises(Exception, match="naive datetime"):
        async with sessions.begin() as session:
            await users.record_contact(session, 6, "Bo", datetime(2026, 1, 1, 12, 0))


async def test_repositories_do_not_commit(sessions):
    now = datetime.now(timezone.utc)
    session = sessions()
    await users.record_contact(session, 7, "Cem", now)
    audit.record(session, 7, "test")
    await session.rollback()
    await session.close()
    async with sessions() as session:
        assert await session.get(User, 7) is None
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0


async def test_record_contact_moves_last_seen_and_keeps_first_seen(sessions):
    first = datetime(2026, 11, 1, 10, tzinfo=timezone.utc)
    later = first + timedelta(days=3)
    async with sessions.begin() as session:
        await users.record_contact(session, 8, "Dee", first)
    async with sessions.begin() as session:
        await users.record_contact(session, 8, "Dee", later)
    async with sessions() as session:
        user = await session.get(User, 8)
    assert (user.first_seen_at, user.last_seen_at) == (first, later)


async def test_roles(sessions):
    async with sessions.begin() as session:
        west, noord = Network(name="West"), Network(name="Noord")
        initiative = Initiative(name="Huiskamer", category="buurthuiskamer", status="active")
        session.add_all([west, noord, initiative])
        await session.flush()
        session.add_all(
            [
                NetworkCoordinator(network_id=west.id, user_id=100),
                NetworkCoordinator(network_id=noord.id, user_id=200),
                InitiativeNetwork(initiative_id=initiative.id, network_id=west.id),
                InitiativeMember(initiative_id=initiative.id, user_id=300, role="owner"),
            ]
        )
    async with sessions() as session:
        assert await roles.may_decide_on_initiative(session, frozenset({1}), 100, initiative.id)
        assert not await roles.may_decide_on_initiative(session, frozenset({1}), 200, initiative.id)
        assert await roles.may_decide_on_initiative(session, frozenset({1}), 1, initiative.id)
        assert await roles.member_role(session, 300, initiative.id) == "owner"
        assert await roles.member_role(session, 100, initiative.id) is None
        assert [i.name for i in await roles.member_initiatives(session, 300, ("active",))] == ["Huiskamer"]
        assert await roles.is_coordinator(session, 200) and not await roles.is_coordinator(session, 300)


async def test_audit_latest_first(sessions):
    async with sessions.begin() as session:
        audit.record(session, 1, "approve", "initiative", 3)
        audit.record_denied(session, 2, "approve", "initiative", 3, callback="apr:ok:3")
    async with sessions() as session:
        entries = await audit.latest(session, limit=5)
    assert [(e.action, e.actor_id, e.subject_id) for e in entries] == [("denied", 2, "3"), ("approve", 1, "3")]
    assert entries[0].detail == {"attempted": "approve", "callback": "apr:ok:3"}
