"""What a resident sees of the directory: the short list, the full card of one place, their buttons.

Every button under an answer carries that answer's question (domain.query.Question) in its
callback data, so it acts on the message it sits under, however late it is pressed.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import quote_plus

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, WebAppInfo

from bot.context import KnooppuntContext
from bot.i18n import SOURCE_LANGUAGE, N_, language_name, language_name_in
from domain.geo import describe_trip, format_distance
from domain.opening_hours import describe_status, status_at
from domain.query import Origin, Question
from domain.ranking import speaks
from domain.taxonomy import CATEGORIES, get_category
from handlers.core.common import BUTTON_MAP, escape, join_address, main_keyboard, mini_app_url
from storage.models import Initiative, Location
from storage.repositories.directory import NearbyResult, PlaceFilter, weekly_schedule

PAGE_SIZE = 5
REACH_M = 3000.0  # further than this is "not nearby": say so, and still show the nearest
FILTER_LANGUAGES = ("en", "ar", "tr", "pl", "es", "fr", "de", "pt", "so", "uk", "fa", "ti")
MAP_SEARCH_URL = "https://www.openstreetmap.org/search?query="
SPOKEN_HERE = N_("🗣 Hier spreken ze {language}")


def resident_language(context: KnooppuntContext) -> str | None:
    """The language a resident would like spoken at a place: theirs, unless it is Dutch (spoken everywhere)."""
    return context.language if context.language != SOURCE_LANGUAGE and context.language in FILTER_LANGUAGES else None


def place_filter_of(question: Question) -> PlaceFilter:
    return PlaceFilter(
        category=question.category, open_now=question.open_now, language=question.language, wheelchair=question.wheelchair
    )


def origin_label(context: KnooppuntContext, origin: Origin) -> str:
    """What the answer says it measured from; a button's question has no address label, so it says so plainly."""
    if origin.kind == "here":
        return context.gettext("jouw locatie")
    return origin.label or context.gettext("het adres dat je typte")


def category_label(context: KnooppuntContext, code: str | None) -> str:
    category = get_category(code) if code else None
    return category.display_name(context.translator) if category else context.gettext("alle buurtplekken")


def upper_first(text: str) -> str:
    """'alle buurtplekken' -> 'Alle buurtplekken' (a heading starts with a capital)."""
    return text[:1].upper() + text[1:]


def language_label(context: KnooppuntContext, code: str) -> str:
    return language_name_in(code, context.language)


# -- the list ---------------------------------------------------------------------------------------


def render_list(context: KnooppuntContext, result: NearbyResult, question: Question, now: datetime) -> str:
    """At most ~15 lines for five places: name and kind, then distance and open status. The rest is behind ℹ️."""
    _ = context.gettext
    origin = question.origin
    own = resident_language(context)
    lines = [
        _("📍 <b>{category}</b> dichtbij {place}").format(
            category=escape(upper_first(category_label(context, question.category))), place=escape(origin_label(context, origin))
        )
    ]
    active = filter_labels(context, question)
    if active:
        lines.append(_("Filter: {filters}").format(filters=escape(", ".join(active))))
    if not result.places:
        lines += ["", _("Ik vond hier geen plekken die passen.")]
        if question.has_filters:
            lines.append(_("Haal een filter weg met de knoppen hieronder."))
        return "\n".join(lines)
    if question.offset == 0 and result.places[0].distance_m > REACH_M:
        lines += ["", _("Binnen {distance} vond ik niets. Deze plekken zijn het dichtstbij:").format(
            distance=format_distance(REACH_M, context.translator)
        )]
    lines.append("")
    for number, place in enumerate(result.places, start=question.offset + 1):
        initiative = place.initiative
        lines.append(f"{number}. <b>{escape(initiative.name)}</b> – {escape(category_label(context, initiative.category))}")
        second = ["📏 " + describe_trip(place.distance_m, context.translator, approximate=origin.approximate)]
        status = status_line(context, initiative, now)
        if status:
            second.append(status)
        lines.append("    " + " · ".join(second))
        if own and speaks([lang.language for lang in initiative.languages], own):
            lines.append("    " + _(SPOKEN_HERE).format(language=escape(language_label(context, own))))
    if origin.approximate:
        lines += ["", _("De afstand is ongeveer. Ik reken vanaf het midden van {place}.").format(place=escape(origin_label(context, origin)))]
    return "\n".join(lines)


def status_line(context: KnooppuntContext, initiative: Initiative, now: datetime) -> str:
    schedule = weekly_schedule(initiative)
    if schedule is not None:
        return "🕒 " + escape(describe_status(status_at(schedule, now, context.settings.timezone), context.translator))
    if initiative.hours_note:
        return "🕒 " + escape(initiative.hours_note)
    return ""


def filter_labels(context: KnooppuntContext, question: Question) -> list[str]:
    """The filters asked for, as words ('nu open', 'rolstoel'); anything with those three fields will do."""
    _ = context.gettext
    labels = []
    if question.open_now:
        labels.append(_("nu open"))
    if question.wheelchair:
        labels.append(_("rolstoel"))
    if question.language:
        labels.append(_("spreekt {language}").format(language=language_label(context, question.language)))
    return labels


@lru_cache(maxsize=4096)
def map_button(label: str, initiative_id: int) -> InlineKeyboardButton:
    """📍 of a place: the same for every answer that lists it (Telegram objects are immutable), so
    built once instead of on every answer."""
    return InlineKeyboardButton(label, callback_data=f"dir:k:{initiative_id}")


def list_keyboard(context: KnooppuntContext, result: NearbyResult, question: Question) -> InlineKeyboardMarkup:
    """Per place: ℹ️ (the full card) and 📍 (the map, on request). Then paging, filters, and the
    chosen category and filters as ✕ buttons that remove them."""
    _ = context.gettext
    state = question.encode()
    rows = [
        [
            InlineKeyboardButton(f"ℹ️ {number}. {place.initiative.name}", callback_data=f"dir:i:{place.initiative.id}:{state}"),
            map_button(_("📍 Kaart"), place.initiative.id),
        ]
        for number, place in enumerate(result.places, start=question.offset + 1)
    ]
    origin = question.origin
    app_url = mini_app_url(context.language, lat=round(origin.lat, 4), lon=round(origin.lon, 4))
    if app_url:  # the same places on a map, as a Telegram Mini App (only with an https PUBLIC_URL)
        rows.append([InlineKeyboardButton(_(BUTTON_MAP), web_app=WebAppInfo(app_url))])
    paging = []
    if question.offset > 0:
        previous = question.changed(offset=max(0, question.offset - PAGE_SIZE))
        paging.append(InlineKeyboardButton(_("◀ Vorige"), callback_data=f"dir:v:{previous.encode()}"))
    if result.has_more:
        following = question.changed(offset=question.offset + PAGE_SIZE)
        label = context.ngettext("Volgende {count} ▶", "Volgende {count} ▶", PAGE_SIZE).format(count=PAGE_SIZE)
        paging.append(InlineKeyboardButton(label, callback_data=f"dir:v:{following.encode()}"))
    if paging:
        rows.append(paging)
    toggles = []
    if not question.open_now:
        toggles.append(InlineKeyboardButton(_("🕒 Nu open"), callback_data=f"dir:v:{question.changed(open_now=True).encode()}"))
    if not question.wheelchair:
        toggles.append(InlineKeyboardButton(_("♿ Rolstoel"), callback_data=f"dir:v:{question.changed(wheelchair=True).encode()}"))
    if not question.language:
        toggles.append(InlineKeyboardButton(_("🗣 Taal"), callback_data=f"dir:l:{question.encode()}"))
    if toggles:
        rows.append(toggles)
    own = resident_language(context)
    if own:  # "speaks my language" is one tap, named in the language itself; tapping it again clears it
        mine = question.language == own
        rows.append([InlineKeyboardButton(("✅ " if mine else "") + "🗣 " + language_name(own),
                                          callback_data=f"dir:v:{question.changed(language=None if mine else own).encode()}")])
    chips = []
    if question.category:
        chips.append(InlineKeyboardButton("✕ " + category_label(context, question.category), callback_data=f"dir:v:{question.changed(category=None).encode()}"))
    if question.open_now:
        chips.append(InlineKeyboardButton("✕ " + _("nu open"), callback_data=f"dir:v:{question.changed(open_now=False).encode()}"))
    if question.wheelchair:
        chips.append(InlineKeyboardButton("✕ " + _("rolstoel"), callback_data=f"dir:v:{question.changed(wheelchair=False).encode()}"))
    if question.language and question.language != own:
        chips.append(InlineKeyboardButton("✕ " + language_label(context, question.language), callback_data=f"dir:v:{question.changed(language=None).encode()}"))
    if len(chips) > 1:
        cleared = question.changed(category=None, open_now=False, wheelchair=False, language=None)
        chips.append(InlineKeyboardButton(_("Alles wissen"), callback_data=f"dir:v:{cleared.encode()}"))
    rows += [chips[i : i + 3] for i in range(0, len(chips), 3)]
    return InlineKeyboardMarkup(rows)


def language_keyboard(context: KnooppuntContext, question: Question) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(language_label(context, code), callback_data=f"dir:v:{question.changed(language=code).encode()}")
        for code in FILTER_LANGUAGES
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([InlineKeyboardButton(context.gettext("◀ Terug"), callback_data=f"dir:v:{question.encode()}")])
    return InlineKeyboardMarkup(rows)


# -- one place ----------------------------------------------------------------------------------------


def place_lines(
    context: KnooppuntContext, number: int | None, initiative: Initiative, distance_m: float | None, approximate: bool, now: datetime
) -> list[str]:
    """The full card of one place: what ℹ️ shows, and what /zoek lists."""
    _ = context.gettext
    prefix = f"{number}. " if number is not None else ""
    lines = [f"{prefix}<b>{escape(initiative.name)}</b> – {escape(category_label(context, initiative.category))}"]
    if distance_m is not None:
        lines.append("📏 " + describe_trip(distance_m, context.translator, approximate=approximate))
    status = status_line(context, initiative, now)
    if status:
        lines.append(status)
    location = initiative.location
    address = join_address(location.address, location.postcode) if location else ""
    if address:
        lines.append("🏠 " + escape(address))
    contact = [f"☎️ {escape(initiative.phone)}" if initiative.phone else "", f"✉️ {escape(initiative.email)}" if initiative.email else ""]
    if initiative.website:
        contact.append(f"🌐 {escape(initiative.website)}")
    if any(contact):
        lines.append(" · ".join(part for part in contact if part))
    if initiative.wheelchair == "yes":
        lines.append(_("♿ Toegankelijk met rolstoel"))
    elif initiative.wheelchair == "limited":
        lines.append(_("♿ Deels toegankelijk met rolstoel"))
    own = resident_language(context)
    if own and speaks([lang.language for lang in initiative.languages], own):
        lines.append(_(SPOKEN_HERE).format(language=escape(language_label(context, own))))
    if initiative.languages:
        names = sorted(language_label(context, lang.language) for lang in initiative.languages)
        lines.append(_("🗣 Talen: {languages}").format(languages=escape(", ".join(names))))
    return lines


def render_place(context: KnooppuntContext, initiative: Initiative, distance_m: float, question: Question, now: datetime) -> str:
    _ = context.gettext
    lines = place_lines(context, None, initiative, distance_m, question.origin.approximate, now)
    if initiative.description:
        lines[1:1] = [escape(initiative.description[:300])]
    if initiative.location is not None and initiative.location.approximate:
        lines.append(_("📍 Ik weet alleen de postcode: de plek op de kaart is ongeveer."))
    return "\n".join(lines)


def place_keyboard(context: KnooppuntContext, initiative: Initiative, question: Question) -> InlineKeyboardMarkup:
    _ = context.gettext
    return InlineKeyboardMarkup(
        [[
            InlineKeyboardButton(_("📍 Kaart"), callback_data=f"dir:k:{initiative.id}"),
            InlineKeyboardButton(_("◀ Terug"), callback_data=f"dir:v:{question.encode()}"),
        ]]
    )


def map_search_url(location: Location, fallback: str) -> str:
    """A map search for the street address, for a place whose point is only its postcode's centre."""
    address = join_address(location.address, location.postcode) or fallback
    return MAP_SEARCH_URL + quote_plus(f"{address}, Rotterdam")


async def send_map(context: KnooppuntContext, chat_id: int, name: str, location: Location, address: str) -> None:
    """The map of a place, asked for with a 📍 or Route button: a pin where the point is exact; for a
    point that is only its postcode's centre a map search for the address, and the honest word that
    its place on the map is approximate (a pin there would look exact and be wrong)."""
    if location.approximate:
        text = context.gettext(
            "📍 <b>{name}</b>: ik weet alleen de postcode, dus de plek op de kaart is ongeveer.\n"
            "<a href=\"{url}\">Zoek het adres op de kaart</a>"
        ).format(name=escape(name), url=escape(map_search_url(location, name)))
        await context.bot.send_message(chat_id, text, disable_web_page_preview=True)
        return
    await context.bot.send_venue(chat_id, latitude=location.latitude, longitude=location.longitude, title=name[:100], address=address[:100])


# -- other keyboards -------------------------------------------------------------------------------------


def category_keyboard(context: KnooppuntContext) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(category.display_name(context.translator), callback_data=f"dir:c:{category.code}")
        for category in CATEGORIES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton(context.gettext("Alles in de buurt"), callback_data="dir:c:*")])
    return InlineKeyboardMarkup(rows)


def location_keyboard(context: KnooppuntContext) -> ReplyKeyboardMarkup:
    """The main keyboard: its first, biggest button shares the location."""
    return main_keyboard(context.language)


def venue_address(initiative: Initiative) -> str:
    location = initiative.location
    return (join_address(location.address, location.postcode, location.buurt) if location else "") or initiative.name
