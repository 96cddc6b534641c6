"""What the input document of a buurt holds, read from the database. Functions never commit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.inbreng import Inbreng, SignalEntry
from domain.meetings import get_kind
from domain.voice import PUBLISHED
from storage.models import Activity, Initiative, Location
from storage.repositories import meetings as meetings_repo
from storage.repositories import polls as polls_repo
from storage.repositories import voice as voice_repo
from storage.tables_voice import VoiceSignal, VoiceSupport


async def signals(session: AsyncSession, buurt: str, since: datetime, until: datetime) -> list[SignalEntry]:
    """The buurt's signals published in the period, with their support counts and latest progress."""
    supports = (select(VoiceSupport.signal_id, func.count().label("n")).group_by(VoiceSupport.signal_id)).subquery()
    rows = (await session.execute(
        select(VoiceSignal.id, VoiceSignal.theme, VoiceSignal.text, func.coalesce(supports.c.n, 0))
        .outerjoin(supports, supports.c.signal_id == VoiceSignal.id)
        .where(VoiceSignal.status == PUBLISHED, VoiceSignal.buurt == buurt,
               VoiceSignal.published_at >= since, VoiceSignal.published_at < until)
        .order_by(VoiceSignal.id)
    )).all()
    progress = await voice_repo.latest_progress(session, [row[0] for row in rows])
    return [SignalEntry(theme, text, int(count), progress.get(signal_id)) for signal_id, theme, text, count in rows]


def _buurt_initiatives(buurt: str) -> Select[int]:
    return (select(Initiative.id).join(Location, Location.id == Initiative.location_id)
            .where(Location.buurt == buurt, Initiative.status == "active"))


async def initiative_count(session: AsyncSession, buurt: str) -> int:
    count = await session.scalar(select(func.count()).select_from(_buurt_initiatives(buurt).subquery()))
    return int(count or 0)


async def activity_count(session: AsyncSession, buurt: str, since: datetime, until: datetime) -> int:
    """Activities of the buurt's active initiatives in the period (a weekly series counts once)."""
    in_period = (Activity.starts_at >= since) & (Activity.starts_at < until)
    running_series = Activity.rrule.is_not(None) & (Activity.starts_at < until)
    count = await session.scalar(
        select(func.count()).select_from(Activity)
        .where(Activity.initiative_id.in_(_buurt_initiatives(buurt)), Activity.status == "published", or_(in_period, running_series))
    )
    return int(count or 0)


async def gather(session: AsyncSession, buurt: str, first_day: date, last_day: date, now: datetime, tz: ZoneInfo) -> Inbreng:
    """Everything the document says about `buurt` from `first_day` through `last_day` (local days)."""
    since = datetime.combine(first_day, time(), tz).astimezone(timezone.utc)
    until = datetime.combine(last_day + timedelta(days=1), time(), tz).astimezone(timezone.utc)
    networks = set(await voice_repo.network_ids_of_buurt(session, buurt))
    results = [await polls_repo.result(session, poll) for poll in await polls_repo.polls_in_networks(session, networks, since, until)]
    results.reverse()  # newest first: a two-page document keeps the latest
    next_meetings = []
    for meeting in (await meetings_repo.upcoming(session, now, buurt))[:2]:
        kind = get_kind(meeting.kind)
        next_meetings.append((kind.name if kind else meeting.kind, meeting.starts_at.astimezone(tz).date()))
    return Inbreng(
        buurt=buurt, since=first_day, until=last_day,
        signals=tuple(await signals(session, buurt, since, until)), polls=tuple(results),
        initiatives=await initiative_count(session, buurt), activities=await activity_count(session, buurt, since, until),
        meetings=tuple(next_meetings), made_on=now.astimezone(tz).date(),
    )
