"""From gathered data to digest messages: an adapter onto the pure composer, domain.digest.

Adds what only the bot knows: deep links to activities and the taxonomy label of a category.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import get_translator
from domain.coordinator_digest import CoordinatorOverview, compose_overview
from domain.digest import DigestActivity, DigestAnnouncement, DigestInitiative, compose_group_digest
from domain.taxonomy import get_category
from domain.together import digest_section
from domain.voice_digest import VoiceDigestItem, compose_voice_section
from handlers.core.common import deep_link
from domain.digest import CoordinatorFacts, NetworkWeek
from domain.voice_digest import DigestSignal

ACTIVITY_PREFIX = "act"  # deep links to an activity card (the activities capability opens them)
SIGNAL_PREFIX = "stem"  # deep links to a signal with its support button (handlers.voice.board opens them)


def _category_label(code: str, language: str) -> str:
    category = get_category(code)
    return category.display_name(get_translator(language)) if category is not None else code


def group_digest(week: NetworkWeek, moment: datetime, language: str, tz: ZoneInfo, bot_username: str, skip_empty: bool = False) -> list[str]:
    """The messages of one group digest for the 7 days from `moment`; [] when a silent empty week."""
    activities = [
        DigestActivity(
            title=item.title, start=item.starts_at.astimezone(tz), end=item.ends_at.astimezone(tz) if item.ends_at else None,
            place=item.place, url=deep_link(bot_username, ACTIVITY_PREFIX, str(item.activity_id)),
        )
        for item in week.activities
    ]
    messages = compose_group_digest(
        week.network_name,
        moment.astimezone(tz).date(),
        activities,
        [DigestInitiative(item.name, _category_label(item.category, language)) for item in week.new_initiatives],
        [DigestAnnouncement(item.initiative, item.text) for item in week.announcements],
        translator=get_translator(language), locale=language, tz=tz, skip_empty=skip_empty,
        extra_blocks=[*_exchange_blocks(week, language, tz, bot_username), *_voice_blocks(week, language, bot_username)],
    )
    return messages or []


def _voice_blocks(week: NetworkWeek, language: str, bot_username: str) -> list[str]:
    """"Wat de buurt vraagt": the buurt's new signals (a link to support each) and what changed this week."""

    def item(signal: DigestSignal) -> VoiceDigestItem:
        return VoiceDigestItem(signal.text, signal.buurt, signal.supports, deep_link(bot_username, SIGNAL_PREFIX, str(signal.id)),
                               signal.progress_status, signal.progress_text)

    section = compose_voice_section([item(s) for s in week.signals_new], [item(s) for s in week.signals_changed],
                                    get_translator(language))
    return [section] if section else []


def _exchange_blocks(week: NetworkWeek, language: str, tz: ZoneInfo, bot_username: str) -> list[str]:
    """The open vraag & aanbod of the network, each with a link to respond in the bot."""
    links = {item.item_id: deep_link(bot_username, "tg", str(item.item_id)) for item in week.exchange}
    section = digest_section(week.exchange, get_translator(language), language, tz, link=links)
    return [section] if section else []


def coordinator_digest(facts: list[CoordinatorFacts], moment: datetime, language: str, tz: ZoneInfo) -> list[str]:
    """One overview per network the coordinator looks after, in their language, naming what waits."""
    messages: list[str] = []
    for network in facts:
        overview = CoordinatorOverview(
            network=network.network_name,
            week_start=moment.astimezone(tz).date(),
            awaiting_approval=[item.name for item in network.pending],
            new_initiatives=len(network.new_initiatives),
            upcoming_activities=network.upcoming_activities,
            unverified_listings=[item.name for item in network.unverified],
            unreachable_groups=network.unreachable_groups,
            signal_counts=network.signal_counts,
            exchange=network.exchange,
        )
        messages += compose_overview(overview, translator=get_translator(language), locale=language)
    return messages
