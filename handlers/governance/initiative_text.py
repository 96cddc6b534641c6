"""How an initiative reads in a message: the summary shared by registration, cards and /mijn.

Everything works on a plain dict (a draft's data, or `as_data(initiative)`), so the volunteer's
summary and the coordinator's card can never drift apart.
"""

from __future__ import annotations

from babel import Locale

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.i18n_markers import Translator
from domain.opening_hours import OpeningHoursError, WeeklySchedule, describe_choice, describe_error, describe_week, parse_free_text
from domain.taxonomy import get_category
from handlers.core.common import escape, join_address
from bot.i18n import N_, get_translator
from storage.models import Initiative

WHEELCHAIR_LABELS = {
    "yes": N_("Ja, goed toegankelijk"),
    "limited": N_("Deels toegankelijk"),
    "no": N_("Nee, niet toegankelijk"),
    "unknown": N_("Weet ik niet"),
}
STATUS_LABELS = {
    "pending": N_("wacht op goedkeuring"),
    "active": N_("actief"),
    "paused": N_("gepauzeerd"),
    "closed": N_("gesloten"),
    "rejected": N_("afgewezen"),
}
FIELD_LABELS = {
    "name": N_("Naam"),
    "category": N_("Soort"),
    "description": N_("Beschrijving"),
    "networks": N_("Netwerken"),
    "place": N_("Plaats"),
    "phone": N_("Telefoon"),
    "email": N_("E-mail"),
    "website": N_("Website"),
    "hours": N_("Openingstijden"),
    "languages": N_("Talen"),
    "wheelchair": N_("Rolstoel"),
}


def language_label(code: str, language: str) -> str:
    try:
        return Locale.parse(code).get_display_name(language) or code
    except (ValueError, TypeError):
        return code


def category_label(code: str | None, gettext) -> str:  # noqa: ANN001
    category = get_category(code) if code else None
    return gettext(category.name) if category else (code or "")


def parse_hours(text: str | None) -> WeeklySchedule | None:
    """None for no hours given; raises OpeningHoursError for text we cannot read."""
    return parse_free_text(text) if text else None


def hours_lines(text: str | None, gettext, language: str = "nl") -> list[str]:  # noqa: ANN001
    """The hours read back in short lines ("ma t/m vr 09:00–17:00"), or the text as typed."""
    _ = gettext
    if not text:
        return [_("niet opgegeven")]
    try:
        schedule = parse_free_text(text)
    except OpeningHoursError:
        return [escape(text)]
    return describe_week(schedule, GettextTranslator(gettext, language), language) or [_("niet opgegeven")]


class GettextTranslator:
    """Adapts a bare gettext function to the domain's Translator protocol (the one adapter for it)."""

    def __init__(self, gettext, language: str) -> None:  # noqa: ANN001
        self.gettext = gettext
        self.language = language

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # gettext alone cannot choose among plural forms (Arabic has six, Polish three): ask the language's rules.
        return get_translator(self.language).ngettext(singular, plural, n)


def hours_question(error: OpeningHoursError, translator: Translator, language: str,
                   prefix: str) -> tuple[str, InlineKeyboardMarkup | None, list[str]]:
    """The answer to hours we could not read: the problem in the writer's words, and for two
    possible readings a button for each (callback ``prefix`` + 0/1) and their stored texts."""
    text = escape(describe_error(error, translator))
    if error.reason != "ambiguous" or len(error.options) < 2:
        return text, None, []
    options = error.options[:2]
    buttons = [InlineKeyboardButton(describe_choice(option, translator, language), callback_data=f"{prefix}{index}")
               for index, option in enumerate(options)]
    return text, InlineKeyboardMarkup([buttons]), [option.to_osm() for option in options]


def place_label(place: dict | None) -> str:
    if not place:
        return ""
    label = join_address(place.get("address"), place.get("postcode"), place.get("buurt") or place.get("city"))
    return label or f"{place['lat']:.5f}, {place['lon']:.5f}"


def summary(data: dict, network_names: list[str], gettext, language: str) -> str:  # noqa: ANN001
    """The full details as HTML, every user value escaped."""
    _ = gettext
    none = _("niet opgegeven")
    languages = ", ".join(language_label(code, language) for code in data.get("languages") or []) or none
    lines = [
        f"<b>{escape(data.get('name'))}</b>",
        f"{_('Soort')}: {escape(category_label(data.get('category'), gettext))}",
        "",
        escape(data.get("description")),
        "",
        f"{_('Netwerken')}: {escape(', '.join(network_names)) or none}",
        f"{_('Plaats')}: {escape(place_label(data.get('place'))) or none}",
        f"{_('Telefoon')}: {escape(data.get('phone')) or none}",
        f"{_('E-mail')}: {escape(data.get('email')) or none}",
        f"{_('Website')}: {escape(data.get('website')) or none}",
        f"{_('Openingstijden')}:",
        *[f"  {line}" for line in hours_lines(data.get("hours"), gettext, language)],
        f"{_('Talen')}: {escape(languages)}",
        f"{_('Rolstoel')}: {_(WHEELCHAIR_LABELS.get(data.get('wheelchair') or 'unknown', WHEELCHAIR_LABELS['unknown']))}",
    ]
    return "\n".join(lines)


def as_data(initiative: Initiative) -> dict:
    """An initiative loaded with location, languages and networks, as summary data."""
    location = initiative.location
    place = None
    if location is not None:
        place = {
            "lat": location.latitude, "lon": location.longitude, "address": location.address,
            "postcode": location.postcode, "city": location.city, "buurt": location.buurt,
            "approximate": location.approximate,
        }
    return {
        "name": initiative.name,
        "category": initiative.category,
        "description": initiative.description,
        "networks": [link.network_id for link in initiative.networks],
        "place": place,
        "phone": initiative.phone,
        "email": initiative.email,
        "website": initiative.website,
        "hours": initiative.hours_note,
        "languages": sorted(link.language for link in initiative.languages),
        "wheelchair": initiative.wheelchair,
    }
