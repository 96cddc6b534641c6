"""Buurtplekken: "waar is een buurthuiskamer bij mij in de buurt?"

A resident shares a location, types a postcode or buurt, or asks a question in Dutch or English;
the bot answers with ONE message: the nearest places, five at a time. Paging, filters and the
card of one place edit that message; a map pin comes only when a 📍 button asks for it. Every
button carries its message's question (domain.query.Question), so it acts on that message only,
and a new typed question starts fresh: only what it names counts.

This module is registered last: its free-text handler takes private messages nothing else took.
Other capabilities that understand text themselves call `answer_place_question`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.geocoder import GeocoderUnavailable, make_geocoder
from bot.i18n import N_
from domain.address_part import address_part
from domain.gazetteer import Location as GazetteerLocation
from domain.gazetteer import UnknownPostcode, normalize_text
from domain.geo import InvalidCoordinates, haversine_m, out_of_area, validate_coordinates
from domain.opening_hours import status_at
from domain.query import MAX_QUERY_CHARS, Origin, PlaceQuery, Question, parse_query
from domain.taxonomy import get_category
from handlers.core.common import BUTTON_NEARBY, BUTTON_SEARCH, MenuCommand, button_filter, escape, refuse, show_result
from handlers.directory.cards import (
    PAGE_SIZE,
    category_keyboard,
    category_label,
    filter_labels,
    language_keyboard,
    list_keyboard,
    location_keyboard,
    place_filter_of,
    place_keyboard,
    place_lines,
    render_list,
    render_place,
    resident_language,
    send_map,
    venue_address,
)
from storage.repositories import directory

COMMANDS = [
    MenuCommand("dichtbij", N_("Buurtplekken bij jou in de buurt"), private=True, group=True, english="near"),
    MenuCommand("zoek", N_("Zoek een initiatief op naam"), private=True, group=True, english="search"),
]
ORIGIN_VALID_FOR = timedelta(hours=2)  # a shared location is reused for "bij mij in de buurt" this long
PIN_AGAIN_AFTER = timedelta(minutes=1)  # a second 📍 press within this sends no second pin
_ADDRESS_LIKE = re.compile(r"[^\W\d_]{3,}[^\n]{0,80}?\s\d{1,5}\s*[a-zA-Z]?\b")  # "Schiedamseweg 10"

# user_data keys: the resident's own exact location (in memory only, 2 hours), a question waiting
# for "Waar ben je?", and the search button's next message. chat_data: pins sent recently.
ORIGIN, PENDING, AWAITING, PINS = "dir_origin", "dir_pending", "dir_awaiting", "dir_pins"



@dataclass(frozen=True)
class Wanted:
    """What a question asks for besides the place: the category and filters it names."""

    category: str | None = None
    open_now: bool = False
    wheelchair: bool = False
    language: str | None = None

    @classmethod
    def of(cls, query: PlaceQuery) -> Wanted:
        return cls(query.category, query.open_now, query.wheelchair, query.language)

    def at(self, origin: Origin) -> Question:
        return Question(origin, self.category, self.open_now, self.wheelchair, self.language)

    def __bool__(self) -> bool:
        return self != Wanted()


# -- state kept per resident (in memory only) ------------------------------------------------------


def _origin(context: KnooppuntContext) -> Origin | None:
    """The resident's own exact location (shared or a typed address) of the last 2 hours."""
    stored = context.user_data.get(ORIGIN)
    if not stored or context.now() - stored["at"] > ORIGIN_VALID_FOR:
        return None
    found = stored["origin"]
    return Origin(found["kind"], found["lat"], found["lon"], label=found.get("label"))


def _remember_origin(context: KnooppuntContext, origin: Origin) -> None:
    if not origin.approximate:
        context.user_data[ORIGIN] = {
            "origin": {"kind": origin.kind, "lat": origin.lat, "lon": origin.lon, "label": origin.label}, "at": context.now()
        }


def _wait_for_place(context: KnooppuntContext, wanted: Wanted) -> None:
    context.user_data[PENDING] = wanted


def _waiting(context: KnooppuntContext) -> Wanted:
    """The question the bot asked "Waar ben je?" about; answered once, then gone."""
    return context.user_data.pop(PENDING, None) or Wanted()


# -- entry points ---------------------------------------------------------------------------------------


async def group_pointer(update: Update, context: KnooppuntContext) -> None:
    await update.effective_message.reply_text(
        context.gettext("Buurtplekken zoeken doe je in een privégesprek met mij: @{bot}").format(bot=context.bot.username)
    )


async def on_location(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    shared = update.effective_message.location
    try:
        lat, lon = validate_coordinates(shared.latitude, shared.longitude)
    except InvalidCoordinates:
        await update.effective_message.reply_text(_("Deze locatie klopt niet. Deel je locatie opnieuw of typ je postcode."))
        return
    context.user_data.pop(AWAITING, None)
    await send_answer(update, context, _waiting(context).at(Origin("here", lat, lon)))


async def nearby_command(update: Update, context: KnooppuntContext) -> None:
    """/dichtbij [vraag] and /near [question]: the same flow as a typed question."""
    if update.effective_chat.type != ChatType.PRIVATE:
        await group_pointer(update, context)
        return
    text = " ".join(context.args or [])
    if text:
        await handle_question(update, context, text)
        return
    context.user_data.pop(PENDING, None)
    await ask_category(update, context)


async def nearby_button_text(update: Update, context: KnooppuntContext) -> None:
    """The location button pressed where Telegram cannot share a location (it sends its label)."""
    await ask_place(update, context, _waiting(context))


async def search_button(update: Update, context: KnooppuntContext) -> None:
    context.user_data[AWAITING] = "search"
    await update.effective_message.reply_text(
        context.gettext("Wat zoek je? Typ een naam of een woord, bijvoorbeeld: <i>koffie</i> of <i>De Kroon</i>.")
    )


async def search_command(update: Update, context: KnooppuntContext) -> None:
    if update.effective_chat.type != ChatType.PRIVATE:
        await group_pointer(update, context)
        return
    words = " ".join(context.args or [])
    if not words.strip():
        await search_button(update, context)
        return
    await run_search(update, context, words)


async def on_text(update: Update, context: KnooppuntContext) -> None:
    text = update.effective_message.text or ""
    if context.user_data.pop(AWAITING, None) == "search":
        await run_search(update, context, text)
        return
    await handle_question(update, context, text)


# -- understanding a question ------------------------------------------------------------------------


async def handle_question(update: Update, context: KnooppuntContext, text: str) -> None:
    text = text[:MAX_QUERY_CHARS]  # a question is a sentence; a pasted book is not read further
    await answer_place_question(update, context, parse_query(text), text)


async def answer_place_question(update: Update, context: KnooppuntContext, query: PlaceQuery, text: str = "") -> None:
    """Answer an already-parsed place question in a private chat with ONE new message.

    The entry point for other capabilities that understand free text themselves (call it with the
    PlaceQuery they parsed; pass the original `text` too so a street address in it can be looked up).
    Only what `query` names counts: no category or filter of an earlier question is carried over.
    Where: the postcode or buurt in `query.place`, else a street address in `text` (with a geocoder),
    else the resident's own location shared in the last 2 hours; otherwise the bot asks "Waar ben
    je?" and answers this question when they say. A query that names nothing gets the category buttons.
    """
    _ = context.gettext
    wanted = Wanted.of(query)
    if wanted:
        context.user_data.pop(PENDING, None)  # a new question: the one waiting for a place is dropped
    place = query.place
    if isinstance(place, UnknownPostcode):
        _wait_for_place(context, wanted or _waiting(context))
        await update.effective_message.reply_text(
            _("Postcode {postcode} ken ik niet. Typ een andere postcode, zoals 3024, of deel je locatie.").format(
                postcode=escape(place.postcode)
            ),
            reply_markup=location_keyboard(context),
        )
        return
    if isinstance(place, GazetteerLocation):
        await send_answer(update, context, (wanted or _waiting(context)).at(Origin.of_place(place)))
        return
    understood = bool(wanted) or query.near_me
    if _ADDRESS_LIKE.search(text) and context.bot_data.geocoder is not None:
        try:
            origin = await geocode_address(context, text)
        except GeocoderUnavailable:
            await update.effective_message.reply_text(
                _("Ik kan adressen nu niet opzoeken. Typ je postcode, zoals 3024, of deel je locatie."),
                reply_markup=location_keyboard(context),
            )
            return
        if origin is not None:
            await send_answer(update, context, (wanted or _waiting(context)).at(origin))
            return
        if not understood:
            await update.effective_message.reply_text(
                _("Dit adres vond ik niet. Typ je postcode, zoals 3024, of deel je locatie."),
                reply_markup=location_keyboard(context),
            )
            return
    elif _ADDRESS_LIKE.search(text) and not understood:
        await update.effective_message.reply_text(
            _("Deze plek ken ik niet. Typ je postcode, zoals 3024, of je buurt, of deel je locatie met de knop."),
            reply_markup=location_keyboard(context),
        )
        return
    if understood:
        wanted = wanted or _waiting(context)
        known = _origin(context)
        if known is not None:  # the resident's own location, shared a moment ago: "bij mij" is there
            await send_answer(update, context, wanted.at(known))
            return
        await ask_place(update, context, wanted)
        return
    await update.effective_message.reply_text(
        _("Dat begrijp ik niet helemaal. 🙂 Wat zoek je? Kies hieronder, of typ bijvoorbeeld: <i>buurthuiskamer 3026</i>."),
        reply_markup=category_keyboard(context),
    )


async def geocode_address(context: KnooppuntContext, text: str) -> Origin | None:
    """A street address through the online geocoder, cached; None when it knows no such place.

    Raises GeocoderUnavailable when the service does not answer (nothing is cached then).
    """
    geocoder = context.bot_data.geocoder
    text = address_part(text) or text[:MAX_QUERY_CHARS]  # the geocoder and its cache see the address only
    key = normalize_text(text)[:200]
    now = context.now()
    async with context.read_session() as session:
        cached = await directory.cached_geocode(session, geocoder.name, key, now)
    if cached is not None:
        found = (cached.latitude, cached.longitude, cached.label) if cached.latitude is not None else None
    else:
        place = await geocoder.geocode(text)
        found = (place.lat, place.lon, place.label) if place else None
        async with context.session() as session:
            await directory.store_geocode(session, geocoder.name, key, now, found[:2] if found else None, found[2] if found else None)
    if found is None:
        return None
    try:
        lat, lon = validate_coordinates(found[0], found[1])
    except InvalidCoordinates:
        return None
    return Origin("address", lat, lon, label=found[2] or text)


async def ask_place(update: Update, context: KnooppuntContext, wanted: Wanted) -> None:
    """"Waar ben je?", remembering the question until the resident shares a location or names a place."""
    _ = context.gettext
    _wait_for_place(context, wanted)
    if context.bot_data.geocoder is None:
        how = _("Deel je locatie met de knop hieronder, of typ je postcode (zoals 3024) of je buurt.")
    else:
        how = _("Deel je locatie met de knop hieronder, of typ je postcode, buurt of adres.")
    what = ", ".join([category_label(context, wanted.category), *filter_labels(context, wanted)])
    lines = [_("🔎 Je zoekt: <b>{what}</b>").format(what=escape(what)), _("Waar ben je?"), how]
    await update.effective_message.reply_text("\n".join(lines), reply_markup=location_keyboard(context))


async def ask_category(update: Update, context: KnooppuntContext) -> None:
    await update.effective_message.reply_text(context.gettext("Wat zoek je in de buurt?"), reply_markup=category_keyboard(context))


# -- answering -------------------------------------------------------------------------------------------


async def render_answer(context: KnooppuntContext, question: Question) -> tuple[str, InlineKeyboardMarkup | None]:
    """The answer to `question` as text and buttons; the keyboard is None for a point outside the area."""
    now = context.now()
    tz = context.settings.timezone

    def is_open(initiative) -> bool:  # noqa: ANN001
        schedule = directory.weekly_schedule(initiative)
        return schedule is not None and status_at(schedule, now, tz).is_open

    origin = question.origin
    async with context.read_session() as session:
        result = await directory.nearest(
            session, origin.lat, origin.lon, now=now, limit=PAGE_SIZE, offset=question.offset,
            place_filter=place_filter_of(question), is_open=is_open,
            prefer_language=resident_language(context),
        )
        nearest_m = result.places[0].distance_m if result.places and question.offset == 0 else None
        if nearest_m is None or out_of_area(nearest_m):
            anything = await directory.nearest(session, origin.lat, origin.lon, now=now, limit=1)
            nearest_m = anything.places[0].distance_m if anything.places else None
            if out_of_area(nearest_m):
                return outside_area_text(context), None
    return render_list(context, result, question, now), list_keyboard(context, result, question)


def outside_area_text(context: KnooppuntContext) -> str:
    _ = context.gettext
    return "\n".join([
        _("📍 Dat is ver weg van de plekken die ik ken."),
        _("Knooppunt kent buurtplekken in Delfshaven en de rest van Rotterdam."),
        _("Typ je postcode (zoals 3024) of je buurt (zoals Spangen), dan zoek ik daar."),
    ])


async def send_answer(update: Update, context: KnooppuntContext, question: Question) -> None:
    """A new answer message (no pin: 📍 buttons send one on request)."""
    _remember_origin(context, question.origin)
    text, keyboard = await render_answer(context, question)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=keyboard or location_keyboard(context))


async def run_search(update: Update, context: KnooppuntContext, words: str) -> None:
    _ = context.gettext
    now = context.now()
    async with context.read_session() as session:
        found = await directory.search(session, words[:MAX_QUERY_CHARS], now=now, limit=PAGE_SIZE + 1)
    if not found:
        await update.effective_message.reply_text(
            _("Niets gevonden voor “{words}”. Probeer een ander woord, of zoek dichtbij met /dichtbij.").format(
                words=escape(words[:60])
            )
        )
        return
    origin = _origin(context)
    lines = [_("🔎 Gevonden voor “{words}”:").format(words=escape(words[:60]))]
    for number, initiative in enumerate(found[:PAGE_SIZE], start=1):
        distance = None
        if origin is not None and initiative.location is not None:
            distance = haversine_m(origin.lat, origin.lon, initiative.location.latitude, initiative.location.longitude)
        lines += ["", *place_lines(context, number, initiative, distance, False, now)]
    if len(found) > PAGE_SIZE:
        lines += ["", _("Er is meer. Typ meer woorden om beter te zoeken.")]
    await update.effective_message.reply_text("\n".join(lines))


# -- buttons ------------------------------------------------------------------------------------------------


async def on_button(update: Update, context: KnooppuntContext) -> None:
    """dir:v:<question> show the list · dir:i:<id>:<question> one place · dir:l:<question> languages ·
    dir:k:<id> map pin · dir:c:<code> a category from the category buttons.

    The question travels in the button, so the message it sits under is the one that changes.
    Anything else (an old or forged button) gets "Deze knop is verlopen" and changes nothing.
    """
    query = update.callback_query
    action, _sep, rest = (query.data or "").removeprefix("dir:").partition(":")
    if action == "c" and (rest == "*" or get_category(rest)):
        await query.answer()
        await chosen_category(update, context, None if rest == "*" else rest)
        return
    if action == "k" and rest.isdigit():
        await send_pin(update, context, int(rest))
        return
    if action == "i":
        place_id, _sep, rest = rest.partition(":")
        question = Question.decode(rest) if place_id.isdigit() else None
        if question is not None:
            await query.answer()
            await show_place(update, context, int(place_id), question)
            return
    question = Question.decode(rest) if action in ("v", "l") else None
    if question is None:
        await refuse(update, context.gettext("Deze knop is verlopen. Vraag het opnieuw."))
        return
    await query.answer()
    if action == "l":
        await show_result(update, context, context.gettext("Welke taal wil je spreken? Ik zoek plekken waar ze die taal spreken."), language_keyboard(context, question))
        return
    text, keyboard = await render_answer(context, question)
    await show_result(update, context, text, keyboard)


async def chosen_category(update: Update, context: KnooppuntContext, category: str | None) -> None:
    """A category button: answer from the resident's own location in place of the buttons, or ask where."""
    wanted = Wanted(category=category)
    known = _origin(context)
    if known is None:
        await ask_place(update, context, wanted)
        return
    text, keyboard = await render_answer(context, wanted.at(known))
    await show_result(update, context, text, keyboard)


async def show_place(update: Update, context: KnooppuntContext, place_id: int, question: Question) -> None:
    now = context.now()
    async with context.read_session() as session:
        initiative = await directory.get_visible(session, place_id, now=now)
    if initiative is None or initiative.location is None:
        text, keyboard = await render_answer(context, question)
        await show_result(update, context, context.gettext("Deze plek staat niet meer in de lijst.") + "\n\n" + text, keyboard)
        return
    location = initiative.location
    distance = haversine_m(question.origin.lat, question.origin.lon, location.latitude, location.longitude)
    await show_result(update, context, render_place(context, initiative, distance, question, now), place_keyboard(context, initiative, question))


async def send_pin(update: Update, context: KnooppuntContext, place_id: int) -> None:
    """The map for one place, on request: a pin where the point is exact; for a point that is only
    its postcode's centre, a map search for the address and the honest word that it is approximate."""
    _ = context.gettext
    query = update.callback_query
    now = context.now()
    async with context.read_session() as session:
        initiative = await directory.get_visible(session, place_id, now=now)
    if initiative is None or initiative.location is None:
        await refuse(update, _("Deze plek staat niet meer in de lijst."))
        return
    pins = {i: at for i, at in context.chat_data.get(PINS, {}).items() if now - at < PIN_AGAIN_AFTER}
    context.chat_data[PINS] = pins
    if place_id in pins:
        await query.answer(_("De kaart staat al hieronder."))
        return
    pins[place_id] = now
    await query.answer()
    await send_map(context, update.effective_chat.id, initiative.name, initiative.location, venue_address(initiative))


# -- registration ---------------------------------------------------------------------------------------------


def register(application: Application) -> None:
    settings = application.bot_data.settings
    application.bot_data.geocoder = make_geocoder(settings.geocoder, settings.geocoder_user_agent, settings.geocoder_url)
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler(["dichtbij", "near"], nearby_command))
    application.add_handler(CommandHandler(["zoek", "search"], search_command))
    application.add_handler(MessageHandler(filters.LOCATION & private, on_location))
    application.add_handler(MessageHandler(filters.LOCATION & ~private, group_pointer))
    application.add_handler(MessageHandler(button_filter(BUTTON_SEARCH), search_button))
    application.add_handler(MessageHandler(button_filter(BUTTON_NEARBY), nearby_button_text))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^dir:"))
    # Free text is entered through handlers.core.conversation (domain.intent routes it here or elsewhere).

