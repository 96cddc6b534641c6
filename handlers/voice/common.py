"""Shared by the voice modules: a signal as residents see it, who may moderate, and notices.

Everything the bot tells someone on its own (a decision to the author, news to supporters, cards
to coordinators) goes through the outbox, in the transaction of the change, in that person's
language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update

from bot.context import KnooppuntContext
from bot.i18n import get_translator, user_language
from domain.voice import ProgressStep, SignalView
from handlers.core.common import deep_link
from storage.repositories import audit, outbox, users
from storage.repositories import voice as repo
from storage.tables_voice import VoiceProgress, VoiceSignal

DEEP_LINK_PREFIX = "stem"  # t.me/<bot>?start=stem-<id> opens one signal with its support button
NOTICE_KIND = "voice"  # outbox kind of every voice message


def stem_link(context: KnooppuntContext, signal_id: int) -> str:
    return deep_link(context.bot.username, DEEP_LINK_PREFIX, str(signal_id))


def step_of(row: VoiceProgress) -> ProgressStep:
    return ProgressStep(row.status, row.text, row.meeting_name, row.meeting_date, row.created_at)


async def views_of(session: AsyncSession, rows: Sequence[tuple[VoiceSignal, int]]) -> list[SignalView]:
    """Signals with their support counts -> what residents see, with each one's timeline."""
    steps = await repo.progress_of(session, [signal.id for signal, _count in rows])
    return [
        SignalView(
            id=signal.id, text=signal.text, theme=signal.theme, buurt=signal.buurt, author_first_name=signal.author_first_name,
            show_first_name=signal.show_first_name, supports=count,
            steps=tuple(step_of(step) for step in steps.get(signal.id, [])),
        )
        for signal, count in rows
    ]


async def published_view(session: AsyncSession, signal_id: int) -> SignalView | None:
    signal = await repo.get_published(session, signal_id)
    if signal is None:
        return None
    [view] = await views_of(session, [(signal, await repo.support_count(session, signal_id))])
    return view


async def language_of(session: AsyncSession, context: KnooppuntContext, user_id: int) -> str:
    return user_language(await users.get_user(session, user_id), context.settings.default_language)


async def queue_notice(
    session: AsyncSession,
    context: KnooppuntContext,
    user_id: int,
    build: Callable[[Callable[[str], str], Callable[[str, str, int], str]], str],
    key: str,
    markup: Callable[[Callable[[str], str]], InlineKeyboardMarkup | None] | None = None,
) -> None:
    """Queue `build(gettext, ngettext)` for one person, in their language, with an idempotency key."""
    translator = get_translator(await language_of(session, context, user_id))
    keyboard = markup(translator.gettext) if markup is not None else None
    await outbox.enqueue(
        session, user_id, NOTICE_KIND, build(translator.gettext, translator.ngettext), key, context.now(),
        reply_markup=keyboard.to_dict() if keyboard is not None else None,
    )


async def may_moderate(session: AsyncSession, context: KnooppuntContext, user_id: int, buurt: str) -> bool:
    return await repo.may_moderate(session, context.settings.admin_ids, user_id, buurt)


async def refuse_press(update: Update, context: KnooppuntContext, attempted: str, signal_id: int | None, why: str) -> None:
    """A press that may not change anything: record it, and say so in a popup (no id is confirmed)."""
    async with context.session() as session:
        audit.record_denied(session, update.effective_user.id, attempted, "signal", signal_id, why=why)
    _ = context.gettext
    text = _("Dit is al besloten.") if why == "already decided" else _("Dit mag je niet doen.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await update.effective_message.reply_text(text)


def wake_outbox(context: KnooppuntContext) -> None:
    worker = context.bot_data.outbox
    if worker is not None:
        worker.wake()
