"""Signals, supports and progress (the voice capability). Functions never commit.

A buurt's networks are the networks of the active initiatives located in that buurt: their
coordinators moderate its signals and record what came of them (admins always may).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.voice import DECLINED, MERGED, PUBLISHED, SUBMITTED, search_text, search_words
from domain.voice_digest import DigestSignal
from storage.models import Initiative, InitiativeNetwork, Location, NetworkCoordinator
from storage.tables_voice import VoiceProgress, VoiceSignal, VoiceSupport

# -- signals -------------------------------------------------------------------------------------


async def count_submitted_since(session: AsyncSession, user_id: int, since: datetime) -> int:
    """How many signals this person sent since `since` (the daily limit)."""
    count = await session.scalar(
        select(func.count()).select_from(VoiceSignal).where(VoiceSignal.created_by == user_id, VoiceSignal.created_at >= since)
    )
    return int(count or 0)


async def add_signal(  # noqa: PLR0913 - the fields of one signal
    session: AsyncSession,
    *,
    text: str,
    theme: str,
    buurt: str,
    created_by: int | None,
    now: datetime,
    show_first_name: bool = False,
    first_name: str | None = None,
    language: str | None = None,
) -> VoiceSignal:
    signal = VoiceSignal(
        text=text,
        theme=theme,
        buurt=buurt,
        search_text=search_text(text),
        created_by=created_by,
        show_first_name=show_first_name and bool(first_name),
        author_first_name=first_name if show_first_name else None,
        language=language,
        status=SUBMITTED,
        created_at=now,
    )
    session.add(signal)
    await session.flush()
    return signal


async def get_signal(session: AsyncSession, signal_id: int) -> VoiceSignal | None:
    return await session.get(VoiceSignal, signal_id)


async def get_published(session: AsyncSession, signal_id: int) -> VoiceSignal | None:
    signal = await session.get(VoiceSignal, signal_id)
    return signal if signal is not None and signal.status == PUBLISHED else None


async def _decide(session: AsyncSession, signal_id: int, status: str, by: int, now: datetime, **values: object) -> bool:
    """Settle a submitted signal; False when it was not (or no longer) waiting: the first decision wins."""
    result = await session.execute(
        update(VoiceSignal)
        .where(VoiceSignal.id == signal_id, VoiceSignal.status == SUBMITTED)
        .values(status=status, decided_by=by, decided_at=now, **values)
        .execution_options(synchronize_session="fetch")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def publish(session: AsyncSession, signal_id: int, by: int, now: datetime) -> bool:
    return await _decide(session, signal_id, PUBLISHED, by, now, published_at=now)


async def decline(session: AsyncSession, signal_id: int, by: int, reason: str, now: datetime) -> bool:
    return await _decide(session, signal_id, DECLINED, by, now, decline_reason=reason)


async def merge(session: AsyncSession, signal_id: int, into_id: int, by: int, now: datetime) -> bool:
    """Merge a new signal into a published one; its author then supports that one (once)."""
    if not await _decide(session, signal_id, MERGED, by, now, merged_into_id=into_id):
        return False
    author = await session.scalar(select(VoiceSignal.created_by).where(VoiceSignal.id == signal_id))
    if author is not None and await session.get(VoiceSupport, (into_id, author)) is None:
        session.add(VoiceSupport(signal_id=into_id, user_id=author, created_at=now))
    await session.flush()
    return True


async def search_published(
    session: AsyncSession, query: str, *, exclude_id: int | None = None, buurt: str | None = None, limit: int = 5
) -> list[VoiceSignal]:
    """Published signals holding any word of `query`: most words matched first, then most supported."""
    words = search_words(query)
    if not words:
        return []
    matches = [VoiceSignal.search_text.contains(word, autoescape=True) for word in words]
    score = sum((case((match, 1), else_=0) for match in matches[1:]), case((matches[0], 1), else_=0))
    conditions = [VoiceSignal.status == PUBLISHED, or_(*matches)]
    if exclude_id is not None:
        conditions.append(VoiceSignal.id != exclude_id)
    if buurt is not None:
        conditions.append(VoiceSignal.buurt == buurt)
    supports = _support_counts().subquery()
    rows = await session.scalars(
        select(VoiceSignal)
        .outerjoin(supports, supports.c.signal_id == VoiceSignal.id)
        .where(*conditions)
        .order_by(score.desc(), func.coalesce(supports.c.supports, 0).desc(), VoiceSignal.id.desc())
        .limit(limit)
    )
    return list(rows)


# -- who moderates -------------------------------------------------------------------------------


async def network_ids_of_buurt(session: AsyncSession, buurt: str) -> list[int]:
    """Networks with an active initiative located in `buurt`."""
    rows = await session.scalars(
        select(InitiativeNetwork.network_id)
        .join(Initiative, Initiative.id == InitiativeNetwork.initiative_id)
        .join(Location, Location.id == Initiative.location_id)
        .where(Location.buurt == buurt, Initiative.status == "active")
        .distinct()
        .order_by(InitiativeNetwork.network_id)
    )
    return list(rows)


async def buurten_of_networks(session: AsyncSession, network_ids: Iterable[int]) -> set[str]:
    """The buurten where these networks have an active initiative."""
    ids = list(network_ids)
    if not ids:
        return set()
    rows = await session.scalars(
        select(Location.buurt)
        .join(Initiative, Initiative.location_id == Location.id)
        .join(InitiativeNetwork, InitiativeNetwork.initiative_id == Initiative.id)
        .where(InitiativeNetwork.network_id.in_(ids), Initiative.status == "active", Location.buurt.is_not(None))
        .distinct()
    )
    return {buurt for buurt in rows if buurt}


async def coordinators_of_buurt(session: AsyncSession, buurt: str) -> list[int]:
    """Coordinators of the networks of `buurt`, in a stable order (empty: the admins decide)."""
    network_ids = await network_ids_of_buurt(session, buurt)
    if not network_ids:
        return []
    rows = await session.scalars(
        select(NetworkCoordinator.user_id)
        .where(NetworkCoordinator.network_id.in_(network_ids))
        .distinct()
        .order_by(NetworkCoordinator.user_id)
    )
    return list(rows)


async def deciders_for_buurt(session: AsyncSession, admin_ids: frozenset[int], buurt: str) -> list[int]:
    """Who gets a new signal's card: the buurt's coordinators, or the admins when there are none."""
    return await coordinators_of_buurt(session, buurt) or sorted(admin_ids)


async def may_moderate(session: AsyncSession, admin_ids: frozenset[int], user_id: int, buurt: str) -> bool:
    """Admins, coordinators of a network of this buurt, and (when the buurt has no coordinators) nobody else."""
    if user_id in admin_ids:
        return True
    return user_id in await coordinators_of_buurt(session, buurt)


async def coordinated_buurten(session: AsyncSession, user_id: int) -> set[str]:
    """The buurten whose signals this coordinator moderates."""
    network_ids = await session.scalars(select(NetworkCoordinator.network_id).where(NetworkCoordinator.user_id == user_id))
    return await buurten_of_networks(session, list(network_ids))


# -- supports ------------------------------------------------------------------------------------


def _support_counts() -> Select[int, int]:
    """(signal_id, supports) per supported signal."""
    return select(VoiceSupport.signal_id, func.count().label("supports")).group_by(VoiceSupport.signal_id)


async def toggle_support(session: AsyncSession, signal_id: int, user_id: int, now: datetime) -> bool:
    """Support, or withdraw when already supporting. True when the person supports it now."""
    existing = await session.get(VoiceSupport, (signal_id, user_id))
    if existing is not None:
        await session.delete(existing)
        await session.flush()
        return False
    session.add(VoiceSupport(signal_id=signal_id, user_id=user_id, created_at=now))
    await session.flush()
    return True


async def set_support(session: AsyncSession, signal_id: int, user_id: int, want: bool, now: datetime) -> bool:
    """Support (`want`) or withdraw; True when that changed something. A double tap or an old
    button that asks for what is already so changes nothing."""
    existing = await session.get(VoiceSupport, (signal_id, user_id))
    if (existing is not None) == want:
        return False
    if existing is not None:
        await session.delete(existing)
    else:
        session.add(VoiceSupport(signal_id=signal_id, user_id=user_id, created_at=now))
    await session.flush()
    return True


async def supports(session: AsyncSession, signal_id: int, user_id: int) -> bool:
    return await session.get(VoiceSupport, (signal_id, user_id)) is not None


async def support_count(session: AsyncSession, signal_id: int) -> int:
    count = await session.scalar(select(func.count()).select_from(VoiceSupport).where(VoiceSupport.signal_id == signal_id))
    return int(count or 0)


async def supporter_ids(session: AsyncSession, signal_id: int) -> list[int]:
    rows = await session.scalars(select(VoiceSupport.user_id).where(VoiceSupport.signal_id == signal_id).order_by(VoiceSupport.user_id))
    return list(rows)


@dataclass(frozen=True)
class ListedSignal:
    """A published signal as /stem lists it: the row, its support count, and whether the viewer supports it."""

    signal: VoiceSignal
    supports: int
    mine: bool


def _published_filter(buurt: str | None, theme: str | None) -> list[object]:
    conditions: list[object] = [VoiceSignal.status == PUBLISHED]
    if buurt:
        conditions.append(VoiceSignal.buurt == buurt)
    if theme:
        conditions.append(VoiceSignal.theme == theme)
    return conditions


async def count_published(session: AsyncSession, buurt: str | None = None, theme: str | None = None) -> int:
    count = await session.scalar(select(func.count()).select_from(VoiceSignal).where(*_published_filter(buurt, theme)))  # type: ignore[arg-type]
    return int(count or 0)


async def list_published(
    session: AsyncSession, viewer_id: int, *, buurt: str | None = None, theme: str | None = None, offset: int = 0, limit: int = 5
) -> list[ListedSignal]:
    """Published signals, most supported first (then newest)."""
    counts = _support_counts().subquery()
    mine = select(VoiceSupport.signal_id).where(VoiceSupport.user_id == viewer_id)
    supports_column = func.coalesce(counts.c.supports, 0)
    rows = await session.execute(
        select(VoiceSignal, supports_column, VoiceSignal.id.in_(mine))
        .outerjoin(counts, counts.c.signal_id == VoiceSignal.id)
        .where(*_published_filter(buurt, theme))  # type: ignore[arg-type]
        .order_by(supports_column.desc(), VoiceSignal.published_at.desc(), VoiceSignal.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [ListedSignal(signal, int(count), bool(is_mine)) for signal, count, is_mine in rows]


async def published_with_counts(
    session: AsyncSession, *, buurt: str | None = None, since: datetime | None = None, until: datetime | None = None
) -> list[tuple[VoiceSignal, int]]:
    """Published signals (of a buurt, published in [since, until)) with their support counts, by theme,
    most supported first: what an input document for the wijkraad counts."""
    counts = _support_counts().subquery()
    supports_column = func.coalesce(counts.c.supports, 0)
    query = (
        select(VoiceSignal, supports_column)
        .outerjoin(counts, counts.c.signal_id == VoiceSignal.id)
        .where(VoiceSignal.status == PUBLISHED)
        .order_by(VoiceSignal.theme, supports_column.desc(), VoiceSignal.id)
    )
    if buurt is not None:
        query = query.where(VoiceSignal.buurt == buurt)
    if since is not None:
        query = query.where(VoiceSignal.published_at >= since)
    if until is not None:
        query = query.where(VoiceSignal.published_at < until)
    return [(signal, int(count)) for signal, count in await session.execute(query)]


async def published_buurten(session: AsyncSession) -> list[str]:
    """Buurten that have published signals, by name."""
    rows = await session.scalars(select(VoiceSignal.buurt).where(VoiceSignal.status == PUBLISHED).distinct().order_by(VoiceSignal.buurt))
    return list(rows)


# -- progress ------------------------------------------------------------------------------------


async def add_progress(  # noqa: PLR0913 - the fields of one step
    session: AsyncSession,
    signal_id: int,
    status: str,
    text: str,
    *,
    by: int | None,
    now: datetime,
    meeting_name: str | None = None,
    meeting_date: date | None = None,
) -> VoiceProgress:
    step = VoiceProgress(
        signal_id=signal_id, status=status, text=text, meeting_name=meeting_name, meeting_date=meeting_date,
        created_by=by, created_at=now,
    )
    session.add(step)
    await session.flush()
    return step


async def progress_of(session: AsyncSession, signal_ids: Sequence[int]) -> dict[int, list[VoiceProgress]]:
    """Each signal's steps, oldest first."""
    if not signal_ids:
        return {}
    rows = await session.scalars(
        select(VoiceProgress).where(VoiceProgress.signal_id.in_(list(signal_ids))).order_by(VoiceProgress.created_at, VoiceProgress.id)
    )
    found: dict[int, list[VoiceProgress]] = {}
    for step in rows:
        found.setdefault(step.signal_id, []).append(step)
    return found


async def latest_progress(session: AsyncSession, signal_ids: Sequence[int]) -> dict[int, str]:
    """Each signal's latest progress status (signals without progress are left out)."""
    return {signal_id: steps[-1].status for signal_id, steps in (await progress_of(session, signal_ids)).items() if steps}


# -- digests (DigestSignal lives in domain.voice_digest) -----------------------------------------


async def new_published_since(session: AsyncSession, since: datetime, until: datetime, buurten: Iterable[str] | None = None, limit: int = 5) -> list[DigestSignal]:
    """Signals published in [since, until), most supported first; only `buurten` when given."""
    counts = _support_counts().subquery()
    supports_column = func.coalesce(counts.c.supports, 0)
    query = (
        select(VoiceSignal, supports_column)
        .outerjoin(counts, counts.c.signal_id == VoiceSignal.id)
        .where(VoiceSignal.status == PUBLISHED, VoiceSignal.published_at >= since, VoiceSignal.published_at < until)
        .order_by(supports_column.desc(), VoiceSignal.published_at, VoiceSignal.id)
        .limit(limit)
    )
    if buurten is not None:
        query = query.where(VoiceSignal.buurt.in_(list(buurten)))
    rows = await session.execute(query)
    return [DigestSignal(s.id, s.text, s.theme, s.buurt, int(count)) for s, count in rows]


async def progress_since(session: AsyncSession, since: datetime, until: datetime, buurten: Iterable[str] | None = None, limit: int = 5) -> list[DigestSignal]:
    """Signals with a progress step recorded in [since, until): the latest step each, newest first."""
    query = (
        select(VoiceSignal, VoiceProgress)
        .join(VoiceProgress, VoiceProgress.signal_id == VoiceSignal.id)
        .where(VoiceProgress.created_at >= since, VoiceProgress.created_at < until)
        .order_by(VoiceProgress.created_at.desc(), VoiceProgress.id.desc())
    )
    if buurten is not None:
        query = query.where(VoiceSignal.buurt.in_(list(buurten)))
    seen: set[int] = set()
    found: list[DigestSignal] = []
    for signal, step in await session.execute(query):
        if signal.id in seen:
            continue
        seen.add(signal.id)
        found.append(DigestSignal(signal.id, signal.text, signal.theme, signal.buurt, await support_count(session, signal.id), step.status, step.text))
        if len(found) >= limit:
            break
    return found


async def status_counts(session: AsyncSession, buurten: Iterable[str] | None = None) -> dict[str, int]:
    """Signals per status (submitted, published, declined, merged), plus published ones per latest
    progress status (ingebracht, ...) — for the coordinator's weekly overview."""
    query = select(VoiceSignal.status, func.count()).group_by(VoiceSignal.status)
    if buurten is not None:
        query = query.where(VoiceSignal.buurt.in_(list(buurten)))
    counts: dict[str, int] = {status: int(n) for status, n in await session.execute(query)}
    latest = (
        select(VoiceProgress.signal_id, func.max(VoiceProgress.id).label("last_id")).group_by(VoiceProgress.signal_id).subquery()
    )
    progress_query = (
        select(VoiceProgress.status, func.count())
        .join(latest, latest.c.last_id == VoiceProgress.id)
        .join(VoiceSignal, VoiceSignal.id == VoiceProgress.signal_id)
        .where(VoiceSignal.status == PUBLISHED)
        .group_by(VoiceProgress.status)
    )
    if buurten is not None:
        progress_query = progress_query.where(VoiceSignal.buurt.in_(list(buurten)))
    for status, n in await session.execute(progress_query):
        counts[status] = int(n)
    return counts


# -- personal data -------------------------------------------------------------------------------


async def signals_by(session: AsyncSession, user_id: int) -> list[VoiceSignal]:
    rows = await session.scalars(select(VoiceSignal).where(VoiceSignal.created_by == user_id).order_by(VoiceSignal.created_at))
    return list(rows)


async def supported_by(session: AsyncSession, user_id: int) -> list[VoiceSignal]:
    rows = await session.scalars(
        select(VoiceSignal).join(VoiceSupport, VoiceSupport.signal_id == VoiceSignal.id)
        .where(VoiceSupport.user_id == user_id).order_by(VoiceSupport.created_at)
    )
    return list(rows)


async def delete_supports_of(session: AsyncSession, user_id: int) -> int:
    result = await session.execute(delete(VoiceSupport).where(VoiceSupport.user_id == user_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

