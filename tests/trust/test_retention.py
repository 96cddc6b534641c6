"""Retention: RSVPs and reminder records are removed 30 days after the activity, by a nightly job."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from storage.models import Activity, Initiative
from storage.tables_activities import ActivityRsvp, ReminderSent

pytestmark = pytest.mark.storage

NOW = datetime.now(timezone.utc)


async def test_nightly_job_removes_rsvps_and_reminders_30_days_after_the_activity(bot):
    ago = lambda days: NOW - timedelta(days=days)  # noqa: E731
    plan = {
        # name: (starts_at, rrule, the date the RSVPs are for, expected to keep its RSVPs)
        "long over": (ago(40), None, ago(40), False),
        "recently over": (ago(20), None, ago(20), True),
        "future": (NOW + timedelta(days=3), None, NOW + timedelta(days=3), True),
        "finished series": (ago(100), "FREQ=WEEKLY;COUNT=3", ago(86), False),
        "series ended last week": (ago(60), f"FREQ=WEEKLY;UNTIL={ago(7):%Y%m%dT%H%M%SZ}", ago(11), True),
        "open series, an old date": (ago(100), "FREQ=WEEKLY", ago(44), False),  # RSVPs are per date now
        "open series": (ago(100), "FREQ=WEEKLY", NOW + timedelta(days=2), True),
    }
    async with bot.session_factory.begin() as session:
        initiative = Initiative(name="Huiskamer", category="buurthuiskamer", status="active")
        session.add(initiative)
        await session.flush()
        ids = {}
        for name, (starts_at, rule, occurrence, _keep) in plan.items():
            activity = Activity(initiative_id=initiative.id, title=name, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), rrule=rule)
            session.add(activity)
            await session.flush()
            ids[name] = activity.id
            session.add_all([ActivityRsvp(activity_id=activity.id, user_id=uid, occurrence_at=occurrence) for uid in (1001, 1002)])
        session.add_all([
            ReminderSent(activity_id=ids["open series"], user_id=1001, occurrence_at=ago(31)),
            ReminderSent(activity_id=ids["open series"], user_id=1001, occurrence_at=ago(29)),
            ReminderSent(activity_id=ids["long over"], user_id=1002, occurrence_at=ago(40)),
        ])

    [job] = bot.app.job_queue.get_jobs_by_name("retention")
    assert (job.job.trigger.fields[5].expressions[0].first, job.job.trigger.fields[6].expressions[0].first) == (4, 15)
    assert job.job.misfire_grace_time >= 3600
    await job.run(bot.app)

    async with bot.session_factory() as session:
        kept = {row.activity_id for row in await session.scalars(select(ActivityRsvp))}
        reminders = sorted(round((NOW - r.occurrence_at).total_seconds() / 86400) for r in await session.scalars(select(ReminderSent)))
        activities = len((await session.scalars(select(Activity))).all())
    assert kept == {ids[name] for name, (_s, _r, _o, keep) in plan.items() if keep}
    assert reminders == [29]
    assert activities == len(plan)  # the activities themselves stay; only the personal records go
