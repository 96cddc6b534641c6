"""What a resident sees of the directory: the answer card, its buttons, and the place pin."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.context import KnooppuntContext
from bot.i18n import SOURCE_LANGUAGE, N_, language_name
from domain.geo import format_distance, walking_minutes
from domain.opening_hours import describe_status, status_at
from domain.ranking import speaks
from domain.taxonomy import CATEGORIES, get_category
from handlers.common import escape, join_address, main_keyboard
from storage.models import Initiative
from storage.repositories.directory import NearbyResult, PlaceFilter, weekly_schedule

PAGE_SIZE = 5
REACH_M = 3000.0  # further than this is "not nearby": say so, and still show the nearest
FILTER_LANGUAGES = ("en", "ar", "tr", "pl", "es", "fr", "de", "pt", "so", "uk", "fa", "ti")
SPOKEN_HERE = N_("🗣 Hier spreken ze {language}")


def resident_language(context: KnooppuntContext) -> str | None:
    """The language a resident would like spoken at a place: theirs, unless it is Dutch (spoken everywhere)."""
    return context.language if context.language != SOURCE_LANGUAGE and context.language in FILTER_LANGUAGES else None


@dataclass(frozen=True)
class Origin:
    """Where the resident is (or said): a shared location is exact, a postcode or buurt is not."""

    lat: float
    lon: float
    label: str
    approximate: bool

    def to_dict(self) -> dict:
        return asdict(self)


def category_label(context: KnooppuntContext, code: str | None) -> str:
    category = get_category(code) if code else None
    return category.display_name(context.translator) if category else context.gettext("alle buurtplekken")


def upper_first(text: str) -> str:
    """'alle buurtplekken' -> 'Alle buurtplekken' (a heading starts with a capital)."""
    return text[:1].upper() + text[1:]


def language_label(context: KnooppuntContext, code: str) -> str:
    try:
        return Locale.parse(code).get_display_name(context.language) or code
    except (ValueError, LookupError):
        return code


def render_results(
    context: KnooppuntContext, result: NearbyResult, origin: Origin, place_filter: PlaceFilter, offset: int, now: datetime
) -> str:
    _ = context.gettext
    lines = [
        _("📍 <b>{category}</b> dichtbij {place}").format(
            category=escape(upper_first(category_label(context, place_filter.category))), place=escape(origin.label)
        )
    ]
    active = filter_labels(context, place_filter)
    if active:
        lines.append(_("Filter: {filters}").format(filters=escape(", ".join(active))))
    if not result.places:
        lines += ["", _("Ik vond hier geen plekken die passen.")]
        if active:
            lines.append(_("Zet een filter uit met de knoppen hieronder."))
        return "\n".join(lines)
    if offset == 0 and result.places[0].distance_m > REACH_M:
        lines += ["", _("Binnen {distance} vond ik niets. Dit zijn de dichtstbijzijnde:").format(
            distance=format_distance(REACH_M, context.translator)
        )]
    for number, place in enumerate(result.places, start=offset + 1):
        lines += ["", *place_lines(context, number, place.initiative, place.distance_m, origin.approximate, now)]
    if origin.approximate:
        lines += ["", _("Afstanden zijn ongeveer: gemeten vanaf het midden van {place}.").format(place=escape(origin.label))]
    return "\n".join(lines)


def place_lines(
    context: KnooppuntContext, number: int, initiative: Initiative, distance_m: float | None, approximate: bool, now: datetime
) -> list[str]:
    _ = context.gettext
    lines = [f"{number}. <b>{escape(initiative.name)}</b> – {escape(category_label(context, initiative.category))}"]
    if distance_m is not None:
        lines.append(
            _("📏 {distance} · {minutes} min lopen").format(
                distance=format_distance(distance_m, context.translator, approximate=approximate),
                minutes=walking_minutes(distance_m),
            )
        )
    schedule = weekly_schedule(initiative)
    if schedule is not None:
        status = status_at(schedule, now, context.settings.timezone)
        lines.append("🕒 " + escape(describe_status(status, context.translator)))
    elif initiative.hours_note:
        lines.append("🕒 " + escape(initiative.hours_note))
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


def filter_labels(context: KnooppuntContext, place_filter: PlaceFilter) -> list[str]:
    _ = context.gettext
    labels = []
    if place_filter.open_now:
        labels.append(_("nu open"))
    if place_filter.wheelchair:
        labels.append(_("rolstoel"))
    if place_filter.language:
        labels.append(_("spreekt {language}").format(language=language_label(context, place_filter.language)))
    return labels


def results_keyboard(context: KnooppuntContext, result: NearbyResult, place_filter: PlaceFilter, offset: int) -> InlineKeyboardMarkup:
    _ = context.gettext
    rows = []
    if result.has_more:
        rows.append([InlineKeyboardButton(_("Volgende {count} ▶").format(count=PAGE_SIZE), callback_data=f"dir:m:{offset + PAGE_SIZE}")])
    tick = "✅ "
    rows.append(
        [
            InlineKeyboardButton((tick if place_filter.open_now else "") + _("🕒 Nu open"), callback_data="dir:f:o"),
            InlineKeyboardButton((tick if place_filter.wheelchair else "") + _("♿ Rolstoel"), callback_data="dir:f:w"),
            InlineKeyboardButton((tick if place_filter.language else "") + _("🗣 Taal"), callback_data="dir:l"),
        ]
    )
    own = resident_language(context)
    if own:  # "speaks my language" is one tap, named in the language itself
        mine = place_filter.language == own
        rows.append([InlineKeyboardButton((tick if mine else "") + "🗣 " + language_name(own),
                                          callback_data="dir:f:l:" + ("-" if mine else own))])
    return InlineKeyboardMarkup(rows)


def language_keyboard(context: KnooppuntContext) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(language_label(context, code), callback_data=f"dir:f:l:{code}") for code in FILTER_LANGUAGES]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([InlineKeyboardButton(context.gettext("Geen taalfilter"), callback_data="dir:f:l:-")])
    return InlineKeyboardMarkup(rows)


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
