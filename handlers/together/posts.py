"""How an item looks (group message, card) and the outbox rows that carry it to groups and members."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
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
EDIT_PREFIX = "together:edit:"  # outbox keys of the edits that close them
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


def edit_key(item_id: int, chat_id: int) -> str:
    """Outbox key of the edit that closes an item's group message (an item closes once)."""
    return f"{EDIT_PREFIX}{item_id}:{chat_id}"


async def remember_group_message(application: Application, session: AsyncSession, row: OutboxMessage, message_id: int) -> None:
    """Outbox listener: a group message of an item was sent; keep where it landed, for editing later.

    It may have left while the item was being settled or expired (in flight, so not dropped then):
    it is closed right away, in this same transaction.
    """
    item_id = _item_of_key(row.idempotency_key)
    if item_id is not None and await repo.record_group_message(session, item_id, row.chat_id, message_id):
        await queue_group_edits(session, application, item_id, chat_id=row.chat_id)


async def queue_group_edits(session: AsyncSession, application: Application, item_id: int, *, chat_id: int | None = None) -> int:
    """The item was settled or has expired: its groups' messages say so, without a button.

    In the transaction of that change: unsent group messages are dropped, and an edit is queued
    (outbox, key `together:edit:<item>:<chat>`) for every message in together_group_messages, so
    a message of any age is edited, not only those still in the outbox's 14-day history. `chat_id`:
    only that group's message. Nothing while the item is open.
    """
    item = await repo.get_item(session, item_id)
    if item is None or item.status == rules.OPEN:
        return 0
    services = application.bot_data
    tz = services.settings.timezone
    name = await repo.initiative_name(session, item.initiative_id)
    await outbox.cancel(session, post_key(item_id), "closed")
    count = 0
    for chat, message_id in await repo.group_messages(session, item_id):
        if chat_id is not None and chat != chat_id:
            continue
        group = await groups_repo.get_group(session, chat)
        language = group.language if group is not None else services.settings.default_language
        text = item_text(item, name, get_translator(language).gettext, language, tz)
        count += await outbox.enqueue_edit(session, chat, message_id, "together", text, edit_key(item_id, chat), services.now())
    return count


async def language_of(session: AsyncSession, user_id: int, default: str) -> str:
    return user_language(await users.get_user(session, user_id), default)


Gettext = Callable[[str], str]


async def tell_members(  # noqa: PLR0913 - who, the key, and what they read
    session: AsyncSession, initiative_id: int, key_prefix: str, now: datetime, default: str,
    write: Callable[[Gettext], str], buttons: Callable[[Gettext], InlineKeyboardMarkup] | None = None,
) -> None:
    """One outbox row per member of an initiative (key `<key_prefix><member>`), in their own language:
    write(gettext) -> the text, buttons(gettext) -> its buttons."""
    for member in await repo.member_ids(session, initiative_id):
        gettext = get_translator(await language_of(session, member, default)).gettext
        markup = buttons(gettext).to_dict() if buttons is not None else None
        await outbox.enqueue(session, member, "together", write(gettext), f"{key_prefix}{member}", now, reply_markup=markup)


def item_link(bot_username: str, item_id: int) -> str:
    return deep_link(bot_username, DEEP_LINK, str(item_id))


def register(application: Application) -> None:
    """Learn the message ids of the items' group messages when the outbox sends them."""
    outbox_worker.on_sent(POST_PREFIX, remember_group_message)
