"""How an item looks (group message, card) and the outbox rows that carry it to groups and members."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.ext import Application

from bot.i18n import get_translator, user_language
from domain import together as rules
from domain.datefmt import format_day
from domain.ids import db_id
from handlers.core import outbox as outbox_worker
from handlers.core.common import deep_link, escape
from storage.repositories import activities as activities_repo
from storage.repositories import groups as groups_repo
from storage.repositories import outbox
from storage.repositories import together as repo
from storage.repositories import users
from storage.tables_outbox import OutboxMessage
from storage.tables_together import TogetherItem

POST_PREFIX = "together:post:"  # outbox keys of the items' group messages
DEEP_LINK = "tg"  # t.me/<bot>?start=tg-<item id>: the item in the private chat, to respond there


def post_key(item_id: int, chat_id: int | None = None) -> str:
    """Outbox keys of an item's group messages (a prefix without the chat)."""
    return f"{POST_PREFIX}{item_id}:" + ("" if chat_id is None else str(chat_id))


def item_text(item: TogetherItem, initiative: str, gettext: Callable[[str], str], language: str, tz: object) -> str:
    """The item as Telegram HTML: who, what kind, the text, the last day and its state."""
    _ = gettext
    heading = _("🙋 <b>Vraag van {initiative}</b>") if item.direction == rules.ASK else _("🎁 <b>Aanbod van {initiative}</b>")
    until = format_day(rules.last_day(item.expires_at, tz), locale=language)  # type: ignore[arg-type]
    lines = [heading.format(initiative=escape(initiative)), escape(_(rules.kind_label(item.kind))), "", escape(item.text), "",
             _("Tot en met {day}").format(day=escape(until))]
    if item.status == rules.SETTLED:
        lines.append(_("✅ Geregeld. Dank je wel!"))
    elif item.status == rules.EXPIRED:
        lines.append(_("⌛ Verlopen."))
    return "\n".join(lines)


def respond_label(item: TogetherItem, gettext: Callable[[str], str]) -> str:
    return gettext("🙋 Ik kan helpen") if item.direction == rules.ASK else gettext("🙋 Ik heb interesse")


def group_markup(item: TogetherItem, gettext: Callable[[str], str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(respond_label(item, gettext), callback_data=f"tg:h:{item.id}")]])


async def queue_group_posts(session: AsyncSession, application: Application, item: TogetherItem, initiative: str) -> int:
    """One message per active linked group of the item's networks (outbox, this transaction)."""
    now = application.bot_data.now()
    tz = application.bot_data.settings.timezone
    count = 0
    seen: set[int] = set()
    for network_id in await repo.item_network_ids(session, item.id):
        for group in await activities_repo.active_groups(session, network_id):
            if group.chat_id in seen:
                continue
            seen.add(group.chat_id)
            gettext = get_translator(group.language).gettext
            count += await outbox.enqueue(
                session, group.chat_id, "together", item_text(item, initiative, gettext, group.language, tz),
                post_key(item.id, group.chat_id), now, reply_markup=group_markup(item, gettext).to_dict(),
                thread_id=group.message_thread_id, expires_at=item.expires_at)
    return count


def _item_of_key(key: str) -> int | None:
    """The item id of a group post's outbox key ("together:post:<item>:<chat>")."""
    parts = key.split(":")
    return db_id(parts[2]) if len(parts) == 4 else None


async def remember_group_message(session: AsyncSession, row: OutboxMessage, message_id: int) -> None:
    """Outbox listener: a group message of an item was sent; keep where it landed, for editing later."""
    item_id = _item_of_key(row.idempotency_key)
    if item_id is not None:
        await repo.record_group_message(session, item_id, row.chat_id, message_id)


async def update_group_posts(application: Application, session_factory: object, item_id: int) -> None:
    """After settling or expiry: groups' messages say so (no button); unsent ones are dropped.

    The messages are found in together_group_messages (recorded when the outbox sent them), so a
    message of any age is edited, not only those still in the outbox's 14-day history.
    """
    tz = application.bot_data.settings.timezone
    async with session_factory.begin() as session:  # type: ignore[attr-defined]
        item = await repo.get_item(session, item_id)
        if item is None:
            return
        name = await repo.initiative_name(session, item.initiative_id)
        await outbox.cancel(session, post_key(item_id), "closed")
        sent = await repo.group_messages(session, item_id)
        languages = {}
        for chat_id, _message_id in sent:
            group = await groups_repo.get_group(session, chat_id)
            languages[chat_id] = group.language if group is not None else application.bot_data.settings.default_language
    for chat_id, message_id in sent:
        language = languages[chat_id]
        try:
            await application.bot.edit_message_text(item_text(item, name, get_translator(language).gettext, language, tz),
                                                    chat_id=chat_id, message_id=message_id)
        except TelegramError:
            pass  # deleted, too old to edit, or the bot left: the lists and digests no longer show it anyway


async def language_of(session: AsyncSession, user_id: int, default: str) -> str:
    return user_language(await users.get_user(session, user_id), default)


def item_link(bot_username: str, item_id: int) -> str:
    return deep_link(bot_username, DEEP_LINK, str(item_id))


def register(application: Application) -> None:
    """Learn the message ids of the items' group messages when the outbox sends them."""
    outbox_worker.on_sent(POST_PREFIX, remember_group_message)
