"""/agenda: residents find activities (today, weekend, week, buurt, category, network, near me),
open a card, say "Ik kom", get an .ics file or a route. Also the "act" deep link and reminders."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain.ids import db_id, page_number
from bot.context import KnooppuntContext
from bot.i18n import N_
from domain import gazetteer
from domain.agenda import for_children, window
from domain.calendar_file import build_calendar, google_calendar_link
from domain.datefmt import format_day
from domain.geo import format_distance, haversine_m
from domain.recurrence import to_utc
from domain.taxonomy import CATEGORIES, get_category
from handlers.activities.card import (
    CAPTION_LIMIT,
    card_buttons,
    card_text,
    day_words,
    short_day,
    slot_in_window,
)
from handlers.activities.reminders import notify, schedule_reminder
from domain.rsvp_words import rsvp_answer
from storage.activity_facts import calendar_event, next_slot
from handlers.core.common import (
    BUTTON_AGENDA,
    MenuCommand,
    Steps,
    add_conversation,
    button_filter,
    deep_link,
    escape,
    main_keyboard,
    register_deep_link,
    step_hint,
)
from handlers.directory.cards import send_map
from storage.models import Activity
from storage.repositories import activities as repo

logger = logging.getLogger(__name__)

COMMANDS = [
    MenuCommand("agenda", N_("Wat is er te doen in de buurt?"), private=True, group=True, english="events"),
]

PAGE_SIZE = 5
NEAR_RADIUS_M = 2000.0
NEAR = 1
WINDOW_TITLES = {"today": N_("Vandaag"), "weekend": N_("Dit weekend"), "week": N_("Deze week")}
QUESTION_TITLES = {"today": N_("Vandaag"), "tomorrow": N_("Morgen"), "weekend": N_("Dit weekend"),
                   "week": N_("Deze week"), "month": N_("De komende 4 weken")}


@dataclass(frozen=True)
class AgendaQuestion:
    """A typed agenda question: a period and optional buurt, category and "for children".

    It travels in callback data as "ag:Q:<arg>:<page>" (arg e.g. "d5.3.speeltuin.k"), so every
    list message keeps its own question for its page buttons.
    """

    period: str = "month"  # today, tomorrow, weekend, week, month or day:<0..6>
    buurt: int | None = None  # index in gazetteer.buurten()
    category: str | None = None
    children: bool = False

    def arg(self) -> str:
        period = f"d{self.period[4:]}" if self.period.startswith("day:") else self.period
        return ".".join([period, "-" if self.buurt is None else str(self.buurt), self.category or "-", "k" if self.children else "-"])

    @classmethod
    def from_arg(cls, arg: str) -> AgendaQuestion | None:
        parts = arg.split(".")
        if len(parts) != 4:
            return None
        period, buurt, category, children = parts
        if re.fullmatch(r"d[0-6]", period):
            period = f"day:{period[1]}"
        elif period not in QUESTION_TITLES:
            return None
        if buurt != "-" and not (buurt.isdigit() and int(buurt) < len(gazetteer.buurten())):
            return None
        if category != "-" and get_category(category) is None:
            return None
        return cls(period, None if buurt == "-" else int(buurt), None if category == "-" else category, children == "k")


def buurt_index(name: str | None) -> int | None:
    return next((i for i, b in enumerate(gazetteer.buurten()) if b.name == name), None)


async def answer_question(update: Update, context: KnooppuntContext, question: AgendaQuestion) -> None:
    """A typed agenda question ("wat is er zaterdag te doen?") answered with its list."""
    await render_list(update.effective_message.reply_text, context, "Q", question.arg(), 0)


# -- the menu -----------------------------------------------------------------------------------


def menu_markup(_) -> InlineKeyboardMarkup:  # noqa: ANN001
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_("Vandaag"), callback_data="ag:w:today:0"),
         InlineKeyboardButton(_("Dit weekend"), callback_data="ag:w:weekend:0"),
         InlineKeyboardButton(_("Deze week"), callback_data="ag:w:week:0")],
        [InlineKeyboardButton(_("🏘 Per buurt"), callback_data="ag:b"),
         InlineKeyboardButton(_("🏷 Per soort"), callback_data="ag:c")],
        [InlineKeyboardButton(_("🤝 Per netwerk"), callback_data="ag:n"),
         InlineKeyboardButton(_("📍 Bij mij in de buurt"), callback_data="ag:near")],
    ])


async def agenda(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    if update.effective_chat.type != ChatType.PRIVATE:
        await update.effective_message.reply_text(
            _("Kijk in de agenda in een privébericht: @{bot}").format(bot=context.bot.username)
        )
        return
    await update.effective_message.reply_text(_("📅 <b>Agenda</b>\nWat wil je zien?"), reply_markup=menu_markup(_))


async def back_to_menu(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    await query.edit_message_text(_("📅 <b>Agenda</b>\nWat wil je zien?"), reply_markup=menu_markup(_))


async def choose_filter(update: Update, context: KnooppuntContext) -> None:
    """The buurt, category and network pickers."""
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    kind = query.data.split(":")[1]
    rows: list[list[InlineKeyboardButton]] = []
    if kind == "b":
        title = _("Kies een buurt:")
        rows = [[InlineKeyboardButton(b.name, callback_data=f"ag:B:{i}:0")] for i, b in enumerate(gazetteer.buurten())]
    elif kind == "c":
        title = _("Kies een soort:")
        rows = [[InlineKeyboardButton(c.display_name(context.translator), callback_data=f"ag:C:{c.code}:0")] for c in CATEGORIES]
    else:
        title = _("Kies een netwerk:")
        async with context.read_session() as session:
            networks = await repo.all_networks(session)
        rows = [[InlineKeyboardButton(n.name[:60], callback_data=f"ag:N:{n.id}:0")] for n in networks]
        if not rows:
            title = _("Er zijn nog geen netwerken.")
    rows.append([InlineKeyboardButton(_("↩️ Terug"), callback_data="ag:m")])
    await query.edit_message_text(title, reply_markup=InlineKeyboardMarkup(rows))


# -- the lists ----------------------------------------------------------------------------------


async def find_entries(context: KnooppuntContext, kind: str, arg: str) -> tuple[str, list[tuple[Activity, object, float | None]]] | None:
    """(heading, [(activity, slot, distance)]) for one filter; None when the filter is not valid."""
    _ = context.gettext
    tz = context.settings.timezone
    now = context.now()
    if kind == "w" and arg not in WINDOW_TITLES:
        return None
    question = AgendaQuestion.from_arg(arg) if kind == "Q" else None
    if kind == "Q" and question is None:
        return None
    lo, hi = window(arg if kind == "w" else question.period if question else "month", now, tz)
    filters_: dict[str, object] = {}
    heading = ""
    if kind == "w":
        heading = _(WINDOW_TITLES[arg])
    elif question is not None:
        heading = question_heading(context, question, lo)
        if question.buurt is not None:
            filters_["buurt"] = gazetteer.buurten()[question.buurt].name
        if question.category is not None:
            filters_["category"] = question.category
    elif kind == "B":
        names = gazetteer.buurten()
        if arg not in {str(index) for index in range(len(names))}:
            return None
        filters_["buurt"] = names[int(arg)].name
        heading = _("Buurt {name}, de komende 4 weken").format(name=escape(names[int(arg)].name))
    elif kind == "C":
        category = get_category(arg)
        if category is None:
            return None
        filters_["category"] = arg
        heading = _("{name}, de komende 4 weken").format(name=escape(category.display_name(context.translator)))
    elif kind == "N":
        if db_id(arg) is None:
            return None
        filters_["network_id"] = db_id(arg)
    elif kind == "G":
        point = context.user_data.get("agenda_point")
        if point is None:
            return None
        heading = _("Bij jou in de buurt, de komende 4 weken")
    else:
        return None
    async with context.read_session() as session:
        found = await repo.visible_activities(session, hi, lo - timedelta(hours=12), **filters_)
        if kind == "N":
            network = next((n for n in await repo.all_networks(session) if n.id == db_id(arg)), None)
            if network is None:
                return None
            heading = _("{name}, de komende 4 weken").format(name=escape(network.name))
    entries = []
    for activity in found:
        slot = slot_in_window(activity, lo, hi, now, tz)
        if slot is None:
            continue
        if question is not None and question.children and not for_children(
            activity.title, activity.description, activity.initiative.category
        ):
            continue
        distance = None
        if kind == "G":
            if activity.location is None:
                continue
            lat, lon = context.user_data["agenda_point"]
            distance = haversine_m(lat, lon, activity.location.latitude, activity.location.longitude)
            if distance > NEAR_RADIUS_M:
                continue
        entries.append((activity, slot, distance))
    entries.sort(key=lambda e: (to_utc(e[1].start), e[0].id))
    return heading, entries


def question_heading(context: KnooppuntContext, question: AgendaQuestion, day_start) -> str:  # noqa: ANN001
    """ "Zaterdag 5 december · Spangen · voor kinderen": what the list answers, in the user's words."""
    _ = context.gettext
    if question.period.startswith("day:"):
        day = format_day(day_start.astimezone(context.settings.timezone).date(), locale=context.language)
        parts = [day[:1].upper() + day[1:]]
    else:
        parts = [_(QUESTION_TITLES[question.period])]
    if question.buurt is not None:
        parts.append(gazetteer.buurten()[question.buurt].name)
    if question.category is not None:
        parts.append(get_category(question.category).display_name(context.translator))
    if question.children:
        parts.append(_("voor kinderen"))
    return escape(" · ".join(parts))


async def show_list(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    parts = query.data.split(":")
    if len(parts) != 4 or not re.fullmatch(r"[0-9]{1,4}", parts[3]):
        await query.edit_message_text(_("Deze knop werkt niet meer. Kies opnieuw met /agenda."))
        return
    _prefix, kind, arg, page_text = parts
    await render_list(query.edit_message_text, context, kind, arg, page_number(page_text))


async def render_list(send, context: KnooppuntContext, kind: str, arg: str, page: int) -> None:  # noqa: ANN001
    _ = context.gettext
    found = await find_entries(context, kind, arg)
    if found is None:
        await send(_("Deze knop werkt niet meer. Kies opnieuw met /agenda."))
        return
    heading, entries = found
    back = [InlineKeyboardButton(_("↩️ Agenda"), callback_data="ag:m")]
    if not entries:
        await send(
            _("📅 <b>{heading}</b>\nIk vond geen activiteiten. Kies iets anders.").format(heading=heading),
            reply_markup=InlineKeyboardMarkup([back]),
        )
        return
    pages = (len(entries) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    shown = entries[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    tz = context.settings.timezone
    lines = [_("📅 <b>{heading}</b>").format(heading=heading)]
    if pages > 1:  # "(1/1)" only puzzles people
        lines[0] += " " + _("(pagina {page} van {pages})").format(page=page + 1, pages=pages)
    rows = []
    for number, (activity, slot, distance) in enumerate(shown, start=page * PAGE_SIZE + 1):
        day = short_day(slot.start, context.language, tz)
        line = f"{number}. <b>{escape(activity.title)}</b> – {escape(day)} – {escape(activity.initiative.name)}"
        if distance is not None:
            line += " – " + escape(format_distance(distance, context.translator))
        lines.append(line)
        rows.append([InlineKeyboardButton(f"{number}. {activity.title[:40]} ({day})", callback_data=f"ac:o:{activity.id}")])
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(_("◀️ Vorige"), callback_data=f"ag:{kind}:{arg}:{page - 1}"))
    if page < pages - 1:
        nav.append(InlineKeyboardButton(_("Volgende ▶️"), callback_data=f"ag:{kind}:{arg}:{page + 1}"))
    if nav:
        rows.append(nav)
    rows.append(back)
    await send("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


# -- near me ------------------------------------------------------------------------------------


async def ask_location(update: Update, context: KnooppuntContext) -> int:
    await update.callback_query.answer()
    await reask_location(update, context, NEAR)
    return NEAR


async def reask_location(update: Update, context: KnooppuntContext, state: object) -> None:
    _ = context.gettext
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(_("📍 Stuur mijn locatie"), request_location=True)]], resize_keyboard=True, one_time_keyboard=True
    )
    await update.effective_message.reply_text(
        _("Stuur je locatie met de knop hieronder, of typ je postcode (bijvoorbeeld 3024).") + "\n\n" + step_hint(_, back=False),
        reply_markup=keyboard,
    )


NEAR_STEPS = Steps("agenda_near", N_("activiteiten in de buurt zoeken"), reask_location, takes_location=lambda context, state: True)


async def near_location(update: Update, context: KnooppuntContext) -> int:
    location = update.effective_message.location
    return await _near(update, context, location.latitude, location.longitude)


async def near_postcode(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    found = gazetteer.geocode(update.effective_message.text)
    if not isinstance(found, gazetteer.Location):
        await update.effective_message.reply_text(
            _("Die plek ken ik niet. Stuur je locatie, of typ een postcode zoals 3024 of een buurt zoals Spangen.")
            + "\n\n" + step_hint(_, back=False)
        )
        return NEAR
    return await _near(update, context, found.lat, found.lon)


async def _near(update: Update, context: KnooppuntContext, lat: float, lon: float) -> int:
    _ = context.gettext
    context.user_data["agenda_point"] = (lat, lon)
    await update.effective_message.reply_text(_("Dank je! Dit is er te doen:"), reply_markup=main_keyboard(context.language))
    await render_list(update.effective_message.reply_text, context, "G", "", 0)
    return ConversationHandler.END


async def near_other(update: Update, context: KnooppuntContext) -> int:
    await update.effective_message.reply_text(
        context.gettext("Stuur je locatie met de knop, of typ een postcode.") + "\n\n" + step_hint(context.gettext, back=False)
    )
    return NEAR


async def near_stop(update: Update, context: KnooppuntContext) -> int:
    await update.effective_message.reply_text(context.gettext("Gestopt."), reply_markup=main_keyboard(context.language))
    return ConversationHandler.END


# -- the card -----------------------------------------------------------------------------------


def is_public(activity) -> bool:  # noqa: ANN001
    """Hidden activities, and those of paused or closed initiatives, are only for members and moderators."""
    return activity.status != "hidden" and activity.initiative.status == "active"


async def shown_to(session, context: KnooppuntContext, activity, user_id: int) -> bool:  # noqa: ANN001
    if is_public(activity):
        return True
    return await repo.may_edit_activity(session, user_id, activity) or await repo.may_moderate(
        session, context.settings.admin_ids, user_id, activity
    )


async def load_card(context: KnooppuntContext, activity_id: int, user_id: int):  # noqa: ANN201
    """(activity, text, markup) or None when the activity is gone or not shown to this user."""
    _ = context.gettext
    async with context.session() as session:
        activity = await repo.get_activity(session, activity_id)
        if activity is None:
            return None
        member = await repo.may_edit_activity(session, user_id, activity)
        inviter = await repo.is_member(session, user_id, activity.initiative_id)
        together_with = await repo.coorganiser_names(session, activity.id)
        coorganiser = await repo.coorganising_initiative(session, user_id, activity.id)
        moderator = await repo.may_moderate(session, context.settings.admin_ids, user_id, activity)
        if not (is_public(activity) or member or moderator):
            return None
        now = context.now()
        tz = context.settings.timezone
        slot = next_slot(activity, now, tz)
        going, rsvp = 0, None
        if slot is not None:
            going = await repo.going_count(session, activity.id, to_utc(slot.start))
            rsvp = await repo.rsvp_of(session, activity.id, user_id, to_utc(slot.start))
    # A series counts per date, so the card says which date; a one-off has only one.
    going_on = day_words(slot.start, context.language, tz) if slot is not None and activity.rrule else None
    limit = CAPTION_LIMIT if activity.photo_file_id else 4096
    text = card_text(activity, gettext=_, language=context.language, tz=tz, now=now, going=going, limit=limit, going_on=going_on,
                     together_with=together_with)
    markup = card_buttons(activity, gettext=_, rsvp=rsvp.status if rsvp else None, going=going, member=member,
                          moderator=moderator, going_on=going_on, inviter=inviter, coorganiser=coorganiser)
    return activity, text, markup


async def send_card(chat_id: int, context: KnooppuntContext, activity_id: int, user_id: int) -> bool:
    loaded = await load_card(context, activity_id, user_id)
    if loaded is None:
        return False
    activity, text, markup = loaded
    if activity.photo_file_id:
        await context.bot.send_photo(chat_id, activity.photo_file_id, caption=text, reply_markup=markup)
    else:
        await context.bot.send_message(chat_id, text, reply_markup=markup)
    return True


def parse_id(data: str) -> int | None:
    match = re.fullmatch(r"ac:[a-zA-Z]:([0-9]{1,10})", data)
    return db_id(match.group(1)) if match else None


async def gone(query, context: KnooppuntContext) -> None:  # noqa: ANN001
    await query.message.reply_text(context.gettext("Deze activiteit bestaat niet meer. Kijk in /agenda wat er nu te doen is."))


async def open_card(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    activity_id = parse_id(query.data)
    if activity_id is None or not await send_card(update.effective_chat.id, context, activity_id, update.effective_user.id):
        await gone(query, context)


async def open_deep_link(update: Update, context: KnooppuntContext, payload: str) -> None:
    activity_id = db_id(payload)
    if activity_id is None or not await send_card(update.effective_chat.id, context, activity_id, update.effective_user.id):
        await update.effective_message.reply_text(
            context.gettext("Deze activiteit bestaat niet meer. Kijk in /agenda wat er nu te doen is.")
        )


async def refresh_card(query, context: KnooppuntContext, activity_id: int, user_id: int) -> None:  # noqa: ANN001
    """Redraw the card the button was on (new count, new button); a vanished message is fine."""
    loaded = await load_card(context, activity_id, user_id)
    if loaded is None:
        return
    _activity, text, markup = loaded
    try:
        if query.message.photo:
            await query.edit_message_caption(caption=text, reply_markup=markup)
        else:
            await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # "message is not modified" or too old to edit
        logger.debug("Card %s not redrawn: %s", activity_id, exc)


try_rsvp = repo.try_rsvp  # one rule for the bot's button and the Mini App (storage.repositories.activities)


async def rsvp(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    activity_id = parse_id(query.data)
    user_id = update.effective_user.id
    now = context.now()
    tz = context.settings.timezone
    slot = None
    reminders_on = True
    async with context.session() as session:
        activity, result, slot = await try_rsvp(session, activity_id, user_id, now, tz)
        if result == "going":
            person = await repo.get_user(session, user_id)
            reminders_on = person is None or person.reminders_enabled
    if result == "gone":
        await gone(query, context)
        return
    await query.message.reply_text(rsvp_answer(_, context.language, tz, result, slot, now, reminders_on))
    if result == "going":
        schedule_reminder(context.application, activity, now)
    if result in ("going", "waiting", "already"):
        await refresh_card(query, context, activity.id, user_id)


async def unrsvp(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    activity_id = parse_id(query.data)
    user_id = update.effective_user.id
    now = context.now()
    async with context.session() as session:
        activity = await repo.get_activity(session, activity_id) if activity_id else None
        slot = next_slot(activity, now, context.settings.timezone) if activity is not None else None
        if slot is None:
            removed, promoted = False, None
        else:
            removed, promoted = await repo.remove_rsvp(session, activity, user_id, to_utc(slot.start))
    if activity is None:
        await gone(query, context)
        return
    await query.message.reply_text(_("Je bent afgemeld.") if removed else _("Je was niet aangemeld."))
    if promoted is not None:
        await notify(context.application, promoted, N_("Er is een plek vrijgekomen! Je staat nu op de lijst voor: {title}"),
                     title=activity.title)
        schedule_reminder(context.application, activity, context.now())
    await refresh_card(query, context, activity.id, user_id)


async def _activity_for_presser(update: Update, context: KnooppuntContext):  # noqa: ANN202
    """The button's activity if the presser may see it; otherwise they are told it is gone (None)."""
    query = update.callback_query
    activity_id = parse_id(query.data)
    async with context.session() as session:
        activity = await repo.get_activity(session, activity_id) if activity_id else None
        shown = activity is not None and await shown_to(session, context, activity, update.effective_user.id)
    if not shown:
        await gone(query, context)
        return None
    return activity


async def send_ics(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    activity = await _activity_for_presser(update, context)
    if activity is None:
        return
    event = calendar_event(activity, bot_link=deep_link(context.bot.username, "act", str(activity.id)))
    data = build_calendar([event], tz=context.settings.timezone, now=context.now())
    slug = re.sub(r"[^a-z0-9]+", "-", activity.title.lower()).strip("-")[:40] or "activiteit"
    caption = _("Open dit bestand om de activiteit in je agenda te zetten.\nOf gebruik <a href=\"{link}\">Google Agenda</a>.").format(
        link=escape(google_calendar_link(event)).replace('"', "&quot;")
    )
    # Never cut this HTML: the limit counts visible text (two short lines), the long link is in an attribute.
    await context.bot.send_document(update.effective_chat.id, InputFile(data, filename=f"{slug}.ics", attach=True), caption=caption)


async def send_route(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    activity = await _activity_for_presser(update, context)
    if activity is None:
        return
    location = activity.location
    if location is None:
        await query.message.reply_text(context.gettext("Voor deze activiteit is geen plek bekend."))
        return
    await send_map(
        context, update.effective_chat.id, location.name or activity.title, location,
        location.address or location.postcode or location.buurt or activity.initiative.name,
    )


def near_me_conversation() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(ask_location, pattern=r"^ag:near$")],
        states={NEAR: [
            MessageHandler(filters.LOCATION, near_location),
            MessageHandler(filters.TEXT & ~filters.COMMAND, near_postcode),
            MessageHandler(~filters.COMMAND, near_other),
        ]},
        fallbacks=NEAR_STEPS.fallbacks(near_stop),
        name="agenda_near",
        allow_reentry=True,
    )


# Deep links live in a module-level table: register once, at import, not once per Application.
register_deep_link("act", open_deep_link)


def register(application: Application) -> None:
    add_conversation(application, near_me_conversation)
    application.add_handler(CommandHandler(["agenda", "events"], agenda))
    application.add_handler(MessageHandler(button_filter(BUTTON_AGENDA), agenda))
    application.add_handler(CallbackQueryHandler(back_to_menu, pattern=r"^ag:m$"))
    application.add_handler(CallbackQueryHandler(choose_filter, pattern=r"^ag:[bcn]$"))
    application.add_handler(CallbackQueryHandler(show_list, pattern=r"^ag:[wBCNGQ]:"))
    application.add_handler(CallbackQueryHandler(open_card, pattern=r"^ac:o:"))
    application.add_handler(CallbackQueryHandler(rsvp, pattern=r"^ac:r:"))
    application.add_handler(CallbackQueryHandler(unrsvp, pattern=r"^ac:x:"))
    application.add_handler(CallbackQueryHandler(send_ics, pattern=r"^ac:i:"))
    application.add_handler(CallbackQueryHandler(send_route, pattern=r"^ac:p:"))
