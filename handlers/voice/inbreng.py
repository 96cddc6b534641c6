"""/inbreng (/input): the input document of a buurt for the wijkraad, as a PDF and as Markdown.

Only buttons, no typing: pick the buurt, then the period; the document comes in Dutch with a row of
language buttons to have it again in another language. Every press checks again on the server
that the person coordinates a network of that buurt (or is an admin). The PDF is rendered in a
worker thread so the bot keeps answering others meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from dateutil.relativedelta import relativedelta
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import KnooppuntContext
from bot.i18n import N_, SOURCE_LANGUAGE, available_languages, get_translator, language_name
from domain.inbreng import Inbreng, markdown, summary_lines, title
from domain.inbreng_pdf import render_pdf
from handlers.core.common import MenuCommand, escape, refuse
from handlers.voice.meetings import buurt_slug, buurten_for
from storage.repositories import audit
from storage.repositories import inbreng as repo

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("inbreng", N_("Het inbreng-document van een buurt maken (coördinator)"), private=True,
                        audience="coordinator", english="input")]
PERIODS = (1, 3, 6, 12)  # months back from today
DEFAULT_MONTHS = 3


def file_stem(buurt: str, until: date) -> str:
    return f"inbreng-{buurt_slug(buurt).replace('_', '-')}-{until.isoformat()}"


def period(months: int, today: date) -> tuple[date, date]:
    return today - relativedelta(months=months), today


async def start(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    if update.effective_chat.type != ChatType.PRIVATE:
        await update.effective_message.reply_text(_("Het inbreng-document vraag je in een privébericht: @{bot}").format(bot=context.bot.username))
        return
    user_id = update.effective_user.id
    async with context.session() as session:
        buurten = await buurten_for(session, context, user_id)
        if not buurten:
            audit.record_denied(session, user_id, "inbreng.make")
    if not buurten:
        await update.effective_message.reply_text(_("Alleen coördinatoren van een netwerk in de buurt kunnen het inbreng-document maken."))
        return
    rows = [[InlineKeyboardButton(name, callback_data=f"inb:{buurt_slug(name)}")] for name in buurten]
    await update.effective_message.reply_text(_("Voor welke buurt maak je het inbreng-document?"), reply_markup=InlineKeyboardMarkup(rows))


async def allowed_buurt(update: Update, context: KnooppuntContext, slug: str) -> str | None:
    """The buurt of `slug` if this person may make its document; refused (and audited) otherwise."""
    user_id = update.effective_user.id
    async with context.session() as session:
        found = next((name for name in await buurten_for(session, context, user_id) if buurt_slug(name) == slug), None)
        if found is None:
            audit.record_denied(session, user_id, "inbreng.make", "buurt", slug[:40])
    if found is None:
        await refuse(update, context.gettext("Voor die buurt mag je het inbreng-document niet maken."))
    return found


async def buurt_chosen(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    slug = query.data.removeprefix("inb:")
    buurt = await allowed_buurt(update, context, slug)
    if buurt is None:
        return
    await query.answer()
    _ = context.gettext
    labels = {months: context.ngettext("Laatste {n} maand", "Laatste {n} maanden", months).format(n=months) for months in PERIODS}
    rows = [[InlineKeyboardButton(labels[m], callback_data=f"inp:{slug}:{m}:{SOURCE_LANGUAGE}")] for m in PERIODS]
    await query.message.reply_text(_("Over welke periode?"), reply_markup=InlineKeyboardMarkup(rows))


async def make(update: Update, context: KnooppuntContext) -> None:
    """inp:<buurt>:<months>:<language>: gather, render, and send the PDF and the Markdown."""
    query = update.callback_query
    parts = query.data.split(":")
    if len(parts) != 4 or not parts[2].isdigit() or int(parts[2]) not in PERIODS or parts[3] not in available_languages():
        await refuse(update, context.gettext("Deze knop werkt niet meer."))
        return
    buurt = await allowed_buurt(update, context, parts[1])
    if buurt is None:
        return
    await query.answer()
    months, language = int(parts[2]), parts[3]
    tz = context.settings.timezone
    now = context.now()
    first, last = period(months, now.astimezone(tz).date())
    async with context.read_session() as session:
        data = await repo.gather(session, buurt, first, last, now, tz)
    translator = get_translator(language)
    pdf = await asyncio.to_thread(render_pdf, data, translator)
    async with context.session() as session:
        audit.record(session, update.effective_user.id, "inbreng.made", "buurt", buurt[:40], months=months, language=language)
    stem = file_stem(buurt, last)
    await query.message.reply_document(pdf, filename=f"{stem}.pdf", caption=caption(data, translator),
                                       reply_markup=language_markup(parts[1], months, language))
    await query.message.reply_document(markdown(data, translator).encode("utf-8"), filename=f"{stem}.md")


def caption(data: Inbreng, translator) -> str:  # noqa: ANN001
    text = "<b>" + escape(title(data, translator)) + "</b>\n" + "\n".join("• " + escape(line) for line in summary_lines(data, translator))
    return text + "\n\n" + translator.gettext("Om te printen: de PDF. Om te bewerken: het Markdown-bestand.")


def language_markup(slug: str, months: int, current: str) -> InlineKeyboardMarkup:
    """The same document in another language: one button per language."""
    buttons = [InlineKeyboardButton(language_name(code), callback_data=f"inp:{slug}:{months}:{code}")
               for code in available_languages() if code != current]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


def register(application: Application) -> None:
    application.add_handler(CommandHandler(COMMANDS[0].names(), start))
    application.add_handler(CallbackQueryHandler(buurt_chosen, pattern=r"^inb:[a-z0-9_]+$"))
    application.add_handler(CallbackQueryHandler(make, pattern=r"^inp:"))
