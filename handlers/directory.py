"""Buurtplekken: "waar is een buurthuiskamer bij mij in de buurt?"

A resident shares a location, types a postcode or buurt, or asks a question in Dutch or English;
the bot answers with the nearest places (a card of five and a map pin for the nearest). This
module is registered last: its free-text handler takes private messages nothing else took.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.geocoder import GeocoderUnavailable, make_geocoder
from bot.i18n import N_
from domain.address_part import address_part
from domain.gazetteer import Location as GazetteerLocation
from domain.gazetteer import UnknownPostcode, normalize_text
from domain.geo import InvalidCoordinates, haversine_m, validate_coordinates
from domain.opening_hours import status_at
from domain.query import MAX_QUERY_CHARS, PlaceQuery, parse_query
from domain.taxonomy import get_category
from handlers.common import BUTTON_NEARBY, BUTTON_SEARCH, MenuCommand, button_filter, escape
from handlers.directory_cards import (
    FILTER_LANGUAGES,
    PAGE_SIZE,
    Origin,
    category_keyboard,
    category_label,
    language_keyboard,
    location_keyboard,
    place_lines,
    render_results,
    results_keyboard,
    venue_address,
)
from storage.repositories import directory
from storage.repositories.directory import PlaceFilter

COMMANDS = [
    MenuCommand("dichtbij", N_("Buurtplekken bij jou in de buurt"), private=True, group=True, english="near"),
    MenuCommand("zoek", N_("Zoek een initiatief op naam"), private=True, group=True, english="search"),
]
ORIGIN_VALID_FOR = timedelta(hours=2)  # a remembered location is reused for buttons this long
MAX_OFFSET = 200
_ADDRESS_LIKE = re.compile(r"[^\W\d_]{3,}[^\n]{0,80}?\s\d{1,5}\s*[a-zA-Z]?\b")  # "Schiedamseweg 10"

# user_data keys
CATEGORY, FILTER, ORIGIN, AWAITING = "dir_category", "dir_filter", "dir_origin", "dir_awaiting"



# -- state kept per resident -----------------------------------------------------------------------


def _filter(context: KnooppuntContext) -> PlaceFilter:
    stored = context.user_data.get(FILTER) or {}
    return PlaceFilter(
        category=context.user_data.get(CATEGORY),
        open_now=bool(stored.get("open_now")),
        language=stored.get("language"),
        wheelchair=bool(stored.get("wheelchair")),
    )


def _store_filter(context: KnooppuntContext, place_filter: PlaceFilter) -> None:
    context.user_data[CATEGORY] = place_filter.category
    context.user_data[FILTER] = {
        "open_now": place_filter.open_now, "language": place_filter.language, "wheelchair": place_filter.wheelchair
    }


def _origin(context: KnooppuntContext) -> Origin | None:
    stored = context.user_data.get(ORIGIN)
    if not stored or context.now() - stored["at"] > ORIGIN_VALID_FOR:
        return None
    return Origin(**stored["origin"])


def _remember_origin(context: KnooppuntContext, origin: Origin) -> None:
    context.user_data[ORIGIN] = {"origin": origin.to_dict(), "at": context.now()}


def _from_query(context: KnooppuntContext, query: PlaceQuery) -> PlaceFilter:
    """The words win for what they name; earlier filter choices stay for the rest."""
    earlier = _filter(context)
    return PlaceFilter(
        category=query.category or earlier.category,
        open_now=query.open_now or earlier.open_now,
        language=query.language or earlier.language,
        wheelchair=query.wheelchair or earlier.wheelchair,
    )


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
    await answer(update, context, Origin(lat, lon, _("jouw locatie"), approximate=False), _filter(context))


async def nearby_command(update: Update, context: KnooppuntContext) -> None:
    """/dichtbij [vraag] and /near [question]: the same flow as a typed question."""
    if update.effective_chat.type != ChatType.PRIVATE:
        await group_pointer(update, context)
        return
    text = " ".join(context.args or [])
    if text:
        await handle_question(update, context, text)
        return
    context.user_data[CATEGORY] = None
    await ask_category(update, context)


async def nearby_button_text(update: Update, context: KnooppuntContext) -> None:
    """The location button pressed where Telegram cannot share a location (it sends its label)."""
    await ask_place(update, context, _filter(context).category)


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
    _ = context.gettext
    text = text[:MAX_QUERY_CHARS]  # a question is a sentence; a pasted book is not read further
    query = parse_query(text)
    place_filter = _from_query(context, query)
    place = query.place
    if isinstance(place, UnknownPostcode):
        _store_filter(context, place_filter)
        await update.effective_message.reply_text(
            _("Postcode {postcode} ken ik niet. Typ een andere postcode, zoals 3024, of deel je locatie.").format(
                postcode=escape(place.postcode)
            ),
            reply_markup=location_keyboard(context),
        )
        return
    if isinstance(place, GazetteerLocation):
        label = place.buurt or (f"{place.postcode} ({place.name})" if place.postcode else place.name)
        await answer(update, context, Origin(place.lat, place.lon, label, approximate=True), place_filter)
        return
    understood = query.category or query.near_me or query.open_now or query.language or query.wheelchair
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
            await answer(update, context, origin, place_filter)
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
        _store_filter(context, place_filter)
        known = _origin(context)
        # "bij mij in de buurt" reuses a location the resident just shared, not a typed postcode.
        if known is not None and not (query.near_me and known.approximate):
            await answer(update, context, known, place_filter)
            return
        await ask_place(update, context, place_filter.category)
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
    async with context.session() as session:
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
    return Origin(lat, lon, found[2] or text, approximate=False)


async def ask_place(update: Update, context: KnooppuntContext, category: str | None) -> None:
    _ = context.gettext
    if context.bot_data.geocoder is None:
        how = _("Deel je locatie met de knop hieronder, of typ je postcode (zoals 3024) of je buurt.")
    else:
        how = _("Deel je locatie met de knop hieronder, of typ je postcode, buurt of adres.")
    question = _("Waar ben je? Dan zoek ik {category} bij jou in de buurt.").format(
        category=escape(category_label(context, category).lower())
    )
    await update.effective_message.reply_text(f"{question}\n{how}", reply_markup=location_keyboard(context))


async def ask_category(update: Update, context: KnooppuntContext) -> None:
    await update.effective_message.reply_text(context.gettext("Wat zoek je in de buurt?"), reply_markup=category_keyboard(context))


# -- answering -------------------------------------------------------------------------------------------


async def answer(update: Update, context: KnooppuntContext, origin: Origin, place_filter: PlaceFilter, offset: int = 0) -> None:
    """The card with the nearest places, and a pin for the nearest one on the first page."""
    _store_filter(context, place_filter)
    _remember_origin(context, origin)
    now = context.now()
    tz = context.settings.timezone

    def is_open(initiative) -> bool:  # noqa: ANN001
        schedule = directory.weekly_schedule(initiative)
        return schedule is not None and status_at(schedule, now, tz).is_open

    async with context.session() as session:
        result = await directory.nearest(
            session, origin.lat, origin.lon, now=now, limit=PAGE_SIZE, offset=offset, place_filter=place_filter, is_open=is_open
        )
    chat_id = update.effective_chat.id
    text = render_results(context, result, origin, place_filter, offset, now)
    await context.bot.send_message(chat_id, text, reply_markup=results_keyboard(context, result, place_filter, offset))
    if offset == 0 and result.places:
        nearest = result.places[0].initiative
        await context.bot.send_venue(
            chat_id,
            latitude=nearest.location.latitude,
            longitude=nearest.location.longitude,
            title=nearest.name[:100],
            address=venue_address(nearest)[:100],
        )


async def run_search(update: Update, context: KnooppuntContext, words: str) -> None:
    _ = context.gettext
    now = context.now()
    async with context.session() as session:
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
        lines += ["", *place_lines(context, number, initiative, distance, bool(origin and origin.approximate), now)]
    if len(found) > PAGE_SIZE:
        lines += ["", _("Er is meer. Typ meer woorden om beter te zoeken.")]
    await update.effective_message.reply_text("\n".join(lines))


# -- buttons ------------------------------------------------------------------------------------------------


async def on_button(update: Update, context: KnooppuntContext) -> None:
    """dir:c:<code> category, dir:m:<offset> next page, dir:f:o|w|l:<code> filters, dir:l language list."""
    query = update.callback_query
    await query.answer()
    parts = (query.data or "").split(":")
    place_filter = _filter(context)
    action = parts[1] if len(parts) > 1 else ""
    if action == "c" and len(parts) == 3 and (parts[2] == "*" or get_category(parts[2])):
        place_filter = PlaceFilter(
            category=None if parts[2] == "*" else parts[2],
            open_now=place_filter.open_now, language=place_filter.language, wheelchair=place_filter.wheelchair,
        )
        _store_filter(context, place_filter)
        origin = _origin(context)
        if origin is None:
            await ask_place(update, context, place_filter.category)
        else:
            await answer(update, context, origin, place_filter)
        return
    if action == "l" and len(parts) == 2:
        await query.message.reply_text(context.gettext("Welke taal moet er gesproken worden?"), reply_markup=language_keyboard(context))
        return
    offset = 0
    if action == "m" and len(parts) == 3 and parts[2].isdigit() and 0 < int(parts[2]) <= MAX_OFFSET:
        offset = int(parts[2])
    elif action == "f" and len(parts) >= 3:
        place_filter = _toggled(place_filter, parts[2:])
        if place_filter is None:
            await query.message.reply_text(context.gettext("Deze knop werkt niet meer. Vraag het opnieuw, bijvoorbeeld met /dichtbij."))
            return
    else:
        await query.message.reply_text(context.gettext("Deze knop werkt niet meer. Vraag het opnieuw, bijvoorbeeld met /dichtbij."))
        return
    origin = _origin(context)
    if origin is None:
        _store_filter(context, place_filter)
        await ask_place(update, context, place_filter.category)
        return
    await answer(update, context, origin, place_filter, offset)


def _toggled(place_filter: PlaceFilter, parts: list[str]) -> PlaceFilter | None:
    kind = parts[0]
    values = dict(category=place_filter.category, open_now=place_filter.open_now, language=place_filter.language, wheelchair=place_filter.wheelchair)
    if kind == "o" and len(parts) == 1:
        values["open_now"] = not place_filter.open_now
    elif kind == "w" and len(parts) == 1:
        values["wheelchair"] = not place_filter.wheelchair
    elif kind == "l" and len(parts) == 2 and (parts[1] in FILTER_LANGUAGES or parts[1] == "-"):
        values["language"] = None if parts[1] == "-" else parts[1]
    else:
        return None
    return PlaceFilter(**values)


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
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & private, on_text))

