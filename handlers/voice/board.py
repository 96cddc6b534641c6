"""/stem (/voice): the published signals, by buurt and theme, most supported first.

One message, edited in place: filter buttons (buurt, theme), pages of five, and under each
signal "👍 Ik steun dit" (pressed again: withdrawn). Only counts are shown, never who. Each
signal shows its timeline ("wat is ermee gedaan"). The view travels in the callback data
("vs:l:<buurt>:<theme>:<page>", 0 = all), so old messages keep working after a restart.
Deep link /start stem-<id> opens one signal with its support button.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_
from domain import gazetteer
from domain import voice as rules
from domain.htmltext import split_message
from domain.ids import db_id, db_id_field, page_number
from domain.paging import Page
from handlers.core.common import MenuCommand, escape, page_buttons, register_deep_link
from handlers.voice.common import DEEP_LINK_PREFIX, published_view, stem_link, views_of
from storage.repositories import voice as repo

logger = logging.getLogger(__name__)

COMMANDS = [
    MenuCommand("stem", N_("Ideeën uit de buurt bekijken en steunen"), private=True, english="voice"),
]
PAGE_SIZE = 5


def _index(text: str | None, count: int) -> int:
    """A filter index from callback data: 0 = all, 1..count = that buurt or theme; odd input = all."""
    value = db_id(text)
    return value if value is not None and value <= count else 0


class View:
    """Which buurt and theme (0 = all) and which page a /stem message shows."""

    def __init__(self, buurt: int = 0, theme: int = 0, page: int = 0) -> None:
        self.buurt = _index(str(buurt), len(gazetteer.buurten()))
        self.theme = _index(str(theme), len(rules.THEMES))
        self.page = page

    @classmethod
    def parse(cls, parts: list[str]) -> View:
        fields = [*parts, "", "", ""][:3]
        return cls(_index(fields[0], len(gazetteer.buurten())), _index(fields[1], len(rules.THEMES)), page_number(fields[2]))

    def data(self, page: int | None = None) -> str:
        return f"{self.buurt}:{self.theme}:{self.page if page is None else page}"

    @property
    def buurt_name(self) -> str | None:
        return gazetteer.buurten()[self.buurt - 1].name if self.buurt else None

    @property
    def theme_code(self) -> str | None:
        return rules.THEMES[self.theme - 1].code if self.theme else None


async def render(context: KnooppuntContext, user_id: int, view: View) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.gettext
    translator = context.translator
    tz = context.settings.timezone
    async with context.read_session() as session:
        total = await repo.count_published(session, view.buurt_name, view.theme_code)
        pages = max(1, -(-total // PAGE_SIZE))
        number = min(view.page, pages - 1)
        listed = await repo.list_published(session, user_id, buurt=view.buurt_name, theme=view.theme_code,
                                           offset=number * PAGE_SIZE, limit=PAGE_SIZE)
        shown = await views_of(session, [(item.signal, item.supports) for item in listed])
        coordinator_of = {item.signal.buurt for item in listed
                          if await repo.may_moderate(session, context.settings.admin_ids, user_id, item.signal.buurt)}
    page = Page(shown, number, pages, number * PAGE_SIZE + 1, total)
    view = View(view.buurt, view.theme, number)
    filters_line = " · ".join([
        _("Buurt: {buurt}").format(buurt=escape(view.buurt_name or _("alle buurten"))),
        _("Thema: {theme}").format(theme=escape(rules.theme_label(view.theme_code, translator) if view.theme_code else _("alle thema's"))),
    ])
    heading = _("🗳 <b>Wat de buurt vraagt</b>")
    if page.count > 1:
        heading += " " + _("({first}–{last} van {total})").format(first=page.first, last=page.last, total=page.total)
    lines = [heading, filters_line, ""]
    rows: list[list[InlineKeyboardButton]] = []
    if not shown:
        lines.append(_("Hier staan nog geen ideeën. Heb jij er een? Stuur het in met /idee."))
    for position, item in enumerate(shown, start=page.first):
        lines += [rules.signal_block(item, translator, tz, number=position, full=False), ""]
        mine = next(entry.mine for entry in listed if entry.signal.id == item.id)
        label = _("✅ Je steunt {number} (intrekken)") if mine else _("👍 Ik steun {number}")
        row = [InlineKeyboardButton(label.format(number=position), callback_data=f"vs:{'w' if mine else 'a'}:{item.id}:{view.data()}")]
        if item.buurt in coordinator_of:
            row.append(InlineKeyboardButton(_("📌 Voortgang {number}").format(number=position), callback_data=f"vp:n:{item.id}"))
        rows.append(row)
    if shown:
        lines.append("<i>" + _("Tik op 👍 om een idee te steunen. Nog een keer tikken trekt je steun in. Niemand ziet wie wat steunt.") + "</i>")
    paging = page_buttons(_, page, f"vs:l:{view.buurt}:{view.theme}:")
    if paging:
        rows.append(paging)
    rows.append([
        InlineKeyboardButton(_("🏘 Kies buurt"), callback_data=f"vs:fb:{view.data(0)}"),
        InlineKeyboardButton(_("🏷 Kies thema"), callback_data=f"vs:ft:{view.data(0)}"),
    ])
    return split_message("\n".join(lines).strip())[0], InlineKeyboardMarkup(rows)


async def stem(update: Update, context: KnooppuntContext) -> None:
    """/stem in a group gets handlers.groups.linking's pointer to the private chat (a private-only command)."""
    text, markup = await render(context, update.effective_user.id, View())
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _edit(update: Update, text: str, markup: InlineKeyboardMarkup) -> None:
    try:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:  # a double tap: the message already says this; or it is too old
        if "not modified" not in str(error).lower():
            await update.effective_chat.send_message(text, reply_markup=markup)


async def list_pressed(update: Update, context: KnooppuntContext) -> None:
    """vs:l:<buurt>:<theme>:<page>: show that view in the same message."""
    await update.callback_query.answer()
    view = View.parse(update.callback_query.data.split(":")[2:])
    text, markup = await render(context, update.effective_user.id, view)
    await _edit(update, text, markup)


async def filter_pressed(update: Update, context: KnooppuntContext) -> None:
    """vs:fb / vs:ft: pick a buurt or a theme (the list comes back after the choice)."""
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    kind, *rest = query.data.split(":")[1:]
    view = View.parse(rest)
    if kind == "fb":
        title = _("Kies een buurt:")
        buttons = [InlineKeyboardButton(_("Alle buurten"), callback_data=f"vs:l:0:{view.theme}:0")]
        buttons += [InlineKeyboardButton(b.name, callback_data=f"vs:l:{i}:{view.theme}:0") for i, b in enumerate(gazetteer.buurten(), 1)]
    else:
        title = _("Kies een thema:")
        buttons = [InlineKeyboardButton(_("Alle thema's"), callback_data=f"vs:l:{view.buurt}:0:0")]
        buttons += [InlineKeyboardButton(t.label(context.translator), callback_data=f"vs:l:{view.buurt}:{i}:0")
                    for i, t in enumerate(rules.THEMES, 1)]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    await _edit(update, title, InlineKeyboardMarkup(rows))


# Support buttons say what they do: "vs:a"/"vs:w" (add/withdraw, in the list) and "vs:A"/"vs:W" (on one
# idea), so a double tap or an old button changes nothing twice. "vs:s"/"vs:o" (sent before) toggle.
WANT = {"a": True, "w": False, "A": True, "W": False, "s": None, "o": None}


async def _toggle(update: Update, context: KnooppuntContext, signal_id: int | None, want: bool | None) -> bool | None:
    """Support or withdraw (toggle when `want` is None); None when the signal is not (or no longer) on /stem."""
    query = update.callback_query
    user_id = update.effective_user.id
    changed, gone = True, None
    async with context.session() as session:
        signal = await repo.get_published(session, signal_id) if signal_id is not None else None
        if signal is None:
            gone = await repo.get_signal(session, signal_id) if signal_id is not None else None
            now_supports = None
        elif want is None:
            now_supports = await repo.toggle_support(session, signal.id, user_id, context.now())
        else:
            changed = await repo.set_support(session, signal.id, user_id, want, context.now())
            now_supports = want
    _ = context.gettext
    if now_supports is None:
        if gone is not None and gone.status == rules.MERGED:
            await query.answer(_("Dit idee is samengevoegd met een ander idee. Zoek dat idee in /stem en steun het daar."),
                               show_alert=True)
        else:
            await query.answer(_("Dit idee staat niet (meer) op /stem."), show_alert=True)
    elif not changed:
        await query.answer(_("Je steunt dit idee al.") if now_supports else _("Je steunt dit idee niet. Er is niets veranderd."))
    elif now_supports:
        await query.answer(_("👍 Je steunt dit idee nu. Dank je!"))
    else:
        await query.answer(_("Je steun is ingetrokken."))
    return now_supports


async def support_pressed(update: Update, context: KnooppuntContext) -> None:
    """vs:a|w|s:<id>:<view>: support in the list, then redraw that list."""
    parts = update.callback_query.data.split(":")
    await _toggle(update, context, db_id_field(update.callback_query.data, 2), WANT.get(parts[1]))
    text, markup = await render(context, update.effective_user.id, View.parse(parts[3:]))
    await _edit(update, text, markup)


# -- one signal ----------------------------------------------------------------------------------


async def render_one(context: KnooppuntContext, user_id: int, signal_id: int) -> tuple[str, InlineKeyboardMarkup] | None:
    _ = context.gettext
    async with context.read_session() as session:
        view = await published_view(session, signal_id)
        if view is None:
            return None
        mine = await repo.supports(session, signal_id, user_id)
        coordinator = await repo.may_moderate(session, context.settings.admin_ids, user_id, view.buurt)
    text = "\n".join([
        _("🗳 <b>Een idee uit {buurt}</b>").format(buurt=escape(view.buurt)),
        "",
        rules.signal_block(view, context.translator, context.settings.timezone),
        "",
        "<i>" + _("Niemand ziet wie wat steunt. Deel dit idee: {link}").format(link=stem_link(context, signal_id)) + "</i>",
    ])
    label = _("✅ Je steunt dit (tik om in te trekken)") if mine else _("👍 Ik steun dit")
    rows = [[InlineKeyboardButton(label, callback_data=f"vs:{'W' if mine else 'A'}:{signal_id}")]]
    if coordinator:
        rows.append([InlineKeyboardButton(_("📌 Voortgang toevoegen"), callback_data=f"vp:n:{signal_id}")])
    rows.append([InlineKeyboardButton(_("📋 Alle ideeën"), callback_data="vs:l:0:0:0")])
    return split_message(text)[0], InlineKeyboardMarkup(rows)


async def open_deep_link(update: Update, context: KnooppuntContext, payload: str) -> None:
    shown = await render_one(context, update.effective_user.id, db_id(payload) or 0) if db_id(payload) else None
    if shown is None:
        await update.effective_message.reply_text(context.gettext("Dit idee staat niet (meer) op /stem. Kijk in /stem wat er nu staat."))
        return
    await update.effective_message.reply_text(shown[0], reply_markup=shown[1])


async def support_one_pressed(update: Update, context: KnooppuntContext) -> None:
    """vs:A|W|o:<id>: support on a single signal's message, then redraw it."""
    signal_id = db_id_field(update.callback_query.data, 2)
    if await _toggle(update, context, signal_id, WANT.get(update.callback_query.data.split(":")[1])) is None or signal_id is None:
        return
    shown = await render_one(context, update.effective_user.id, signal_id)
    if shown is not None:
        await _edit(update, *shown)


register_deep_link(DEEP_LINK_PREFIX, open_deep_link)  # once per process: the table is module-wide


def register(application: Application) -> None:
    application.add_handler(CommandHandler(["stem", "voice"], stem, filters=filters.ChatType.PRIVATE))
    application.add_handler(CallbackQueryHandler(list_pressed, pattern=r"^vs:l:"))
    application.add_handler(CallbackQueryHandler(filter_pressed, pattern=r"^vs:f[bt]:"))
    application.add_handler(CallbackQueryHandler(support_pressed, pattern=r"^vs:[saw]:"))
    application.add_handler(CallbackQueryHandler(support_one_pressed, pattern=r"^vs:[oAW]:"))
