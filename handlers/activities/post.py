"""/activiteit (/event): a member of an active initiative posts an activity, one question at a time.

initiative → title → when (read back in words, to confirm) → where → description → photo → cost →
preview → published. /stop cancels and /terug goes one question back, at every step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_
from domain import gazetteer
from domain import datefmt
from domain.ids import choice_index
from domain.when import When, WhenError, parse_when
from handlers.activities.card import CAPTION_LIMIT, card_text, series_words, short_day
from handlers.activities.agenda import send_card
from handlers.core.common import SKIP_COMMANDS, MenuCommand, Steps, add_conversation, deep_link, escape
from handlers.governance.initiative_text import GettextTranslator
from storage.models import Activity, Initiative, Location
from storage.repositories import activities as repo
from storage.repositories import audit, roles

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("activiteit", N_("Een activiteit plaatsen (voor initiatieven)"), private=True, audience="volunteer", english="event")]

INITIATIVE, TITLE, WHEN, WHEN_CONFIRM, WHERE, DESCRIPTION, PHOTO, COST, PREVIEW = range(9)
BACK = {TITLE: INITIATIVE, WHEN: TITLE, WHEN_CONFIRM: WHEN, WHERE: WHEN, DESCRIPTION: WHERE, PHOTO: DESCRIPTION,
        COST: PHOTO, PREVIEW: COST}
TITLE_MAX = 120
DESCRIPTION_MAX = 1000
COST_MAX = 100
DRAFT = "activity_draft"

WHEN_EXAMPLES = N_("Bijvoorbeeld:\n• zaterdag 14:00\n• morgen om 10 uur\n• 12 december 19.30 tot 21.30\n• elke dinsdag 10:00-12:00\n• iedere eerste zaterdag van de maand 11:00")
WHEN_PROBLEMS = {
    "unreadable": N_("Dat kan ik niet goed lezen."),
    "invalid_date": N_("Die datum bestaat niet, of de dag past niet bij de datum (zoals 31 februari)."),
    "in_past": N_("Dat moment is al voorbij. Kies een moment in de toekomst."),
    "too_far": N_("Dat is meer dan een jaar vooruit. Kies een datum binnen een jaar."),
    "missing_time": N_("Hoe laat begint het? Zet er een tijd bij."),
}


# -- checks shared with editing ------------------------------------------------------------------


def title_problem(text: str, translator) -> str | None:  # noqa: ANN001
    _ = translator.gettext
    if not text.strip():
        return _("Typ een naam voor de activiteit.")
    n = len(text.strip())
    if n > TITLE_MAX:
        return translator.ngettext("Die naam is {n} teken. Het mag hoogstens {max} tekens zijn. Maak hem korter.",
                                   "Die naam is {n} tekens. Het mag hoogstens {max} tekens zijn. Maak hem korter.", n).format(n=n, max=TITLE_MAX)
    return None


def description_problem(text: str, translator) -> str | None:  # noqa: ANN001
    n = len(text.strip())
    if n > DESCRIPTION_MAX:
        return translator.ngettext("Je tekst is {n} teken. Het mag hoogstens {max} tekens zijn. Maak hem korter.",
                                   "Je tekst is {n} tekens. Het mag hoogstens {max} tekens zijn. Maak hem korter.", n).format(n=n, max=DESCRIPTION_MAX)
    return None


def cost_problem(text: str, translator) -> str | None:  # noqa: ANN001
    if len(text.strip()) > COST_MAX:
        return translator.ngettext("Schrijf de prijs korter, maximaal {max} teken. Bijvoorbeeld: € 2,50", "Schrijf de prijs korter, maximaal {max} tekens. Bijvoorbeeld: € 2,50", COST_MAX).format(max=COST_MAX)
    return None


def when_dict(found: When) -> dict:
    """A reading as stored in the draft."""
    return {"start": found.start.isoformat(), "end": found.end.isoformat() if found.end else None, "rrule": found.rrule}


def when_problem(error: WhenError, text: str, context: KnooppuntContext, *, buttons: bool = False) -> str:
    """The answer to a time we could not read: what is wrong or what we ask, in the writer's words."""
    _ = context.gettext
    quoted = escape(" ".join(text.split())[:120])
    if error.reason == "ambiguous" and len(error.options) >= 2:
        first, second = (escape(choice_label(when_dict(o), context)) for o in error.options[:2])
        question = _("Bij \"{text}\" kan ik twee tijden lezen: {first} of {second}. Welke bedoel je?").format(
            text=quoted, first=first, second=second)
        if buttons:
            return question + " " + _("Tik op de goede knop, of typ het opnieuw.")
        return question + " " + _("Typ het opnieuw met 's ochtends, 's middags of 's avonds erbij.")
    if error.reason == "weekday_mismatch":
        return _("In \"{text}\" past de dag niet bij de datum. Welke klopt? Typ het opnieuw, bijvoorbeeld: "
                 "zaterdag 19 december 14:00").format(text=quoted)
    if error.reason == "movable_feast":
        return _("De datum van dat feest staat niet vast in onze kalender. Op welke datum is het? "
                 "Typ de datum, bijvoorbeeld: 20 maart 14:00")
    if error.reason == "day_range":
        return _("Is het elke week op die dagen, of één keer van de ene dag tot de andere? Typ bijvoorbeeld: "
                 "alle werkdagen 9-11, of: maandag 9:00 tot vrijdag 11:00")
    return _(WHEN_PROBLEMS.get(error.reason, WHEN_PROBLEMS["unreadable"])) + "\n" + _(WHEN_EXAMPLES)


def when_readback(when: dict, context: KnooppuntContext) -> str:
    """The moment in natural words: 'morgen (donderdag 3 december), 19:30 – 21:00', or the series
    and its first date."""
    _ = context.gettext
    tz = context.settings.timezone
    start = datetime.fromisoformat(when["start"])
    end = datetime.fromisoformat(when["end"]) if when["end"] else None
    first = datefmt.format_when(start, end, context.now(), translator=GettextTranslator(_, context.language),
                                locale=context.language, tz=tz)
    if when["rrule"] is None:
        return first
    probe = Activity(starts_at=start, ends_at=end, rrule=when["rrule"])
    return _("{series} (de eerste keer: {first})").format(series=series_words(probe, _, context.language, tz), first=first)


WHEN_CHOICES = "when_choices"  # draft key: the two readings offered as buttons, and their message


async def ask_when_again(update: Update, context: KnooppuntContext, error: WhenError, text: str, prefix: str) -> tuple[Message, list[dict]]:
    """Say what is unclear about a typed time; two readings get a button each (`prefix:0`, `prefix:1`)."""
    choices = [when_dict(option) for option in error.options[:2]] if error.reason == "ambiguous" else []
    if len(choices) != 2:
        choices = []
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(choice_label(c, context), callback_data=f"{prefix}:{i}")
                                    for i, c in enumerate(choices)]]) if choices else None
    sent = await update.effective_message.reply_text(when_problem(error, text, context, buttons=markup is not None),
                                                     reply_markup=markup)
    return sent, choices


async def ask_when_again_remembered(update: Update, context: KnooppuntContext, error: WhenError, text: str, prefix: str,
                                    remember: dict, option: Callable[[dict], object] = lambda choice: choice) -> None:
    """ask_when_again, and keep its two readings in `remember` (a draft) for `chosen_reading`."""
    sent, choices = await ask_when_again(update, context, error, text, prefix)
    if choices:
        remember[WHEN_CHOICES] = {"message_id": sent.message_id, "options": [option(choice) for choice in choices]}


def chosen_reading(query: CallbackQuery, remember: dict, prefix: str) -> Any | None:
    """The reading a button of the latest time question stands for (taken out of `remember`);
    None for a button of an older question, or a forged one."""
    choices = remember.get(WHEN_CHOICES) or {}
    index = choice_index(query.data.removeprefix(prefix + ":"), len(choices.get("options", [])))
    if query.message is None or choices.get("message_id") != query.message.message_id or index is None:
        return None
    remember.pop(WHEN_CHOICES)
    return choices["options"][index]


def choice_label(when: dict, context: KnooppuntContext) -> str:
    """A short button label for one reading: "za 5 dec 14:00–17:00"."""
    tz = context.settings.timezone
    label = short_day(datetime.fromisoformat(when["start"]), context.language, tz)
    if when["end"]:
        label += "–" + datefmt.format_time(datetime.fromisoformat(when["end"]), tz)
    return label


def place_from_text(text: str) -> dict | None:
    """A typed address or postcode as a location (the point is the postcode or buurt centre)."""
    match = gazetteer.find_place_in_text(text)
    if match is None or not isinstance(match.result, gazetteer.Location):
        return None
    found = match.result
    return {"name": None, "address": text.strip()[:200], "postcode": found.postcode, "lat": found.lat, "lon": found.lon,
            "buurt": found.buurt, "approximate": True}


def place_from_point(lat: float, lon: float) -> dict:
    buurt = gazetteer.buurt_for_point(lat, lon)
    return {"name": None, "address": None, "postcode": None, "lat": lat, "lon": lon,
            "buurt": buurt.name if buurt else None, "approximate": False}


def new_location(place: dict) -> Location:
    """The draft's place as an unsaved Location (the preview shows it)."""
    return repo.location_from_place(place)


# -- the questions ------------------------------------------------------------------------------


def draft(context: KnooppuntContext) -> dict:
    return context.user_data.setdefault(DRAFT, {})


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    await update.effective_message.reply_text(text, reply_markup=markup)


async def ask(update: Update, context: KnooppuntContext, state: int) -> int:
    """Ask the question of `state` (used going forward and by /terug)."""
    _ = context.gettext
    d = draft(context)
    steps = STEPS.hint(context, state)
    if state == INITIATIVE:
        async with context.read_session() as session:
            mine = await roles.member_initiatives(session, update.effective_user.id, ("active",))
        if len(mine) == 1:
            d["initiative_id"], d["initiative_name"], d["own_place"] = mine[0].id, mine[0].name, mine[0].location_id
            STEPS.begin_at(context, TITLE)  # nothing to choose: the title is the first question
            return await ask(update, context, TITLE)
        STEPS.begin_at(context, INITIATIVE)
        buttons = [[InlineKeyboardButton(i.name[:60], callback_data=f"pi:{i.id}")] for i in mine]
        await say(update, _("Voor welk initiatief is de activiteit?") + "\n\n" + STEPS.hint(context, state), InlineKeyboardMarkup(buttons))
    elif state == TITLE:
        await say(update, context.ngettext("Hoe heet de activiteit? Gebruik hoogstens {max} teken.", "Hoe heet de activiteit? Gebruik hoogstens {max} tekens.", TITLE_MAX).format(max=TITLE_MAX) + "\n\n" + steps)
    elif state == WHEN:
        await say(update, _("Wanneer is het?") + "\n" + _(WHEN_EXAMPLES) + "\n\n" + steps)
    elif state == WHEN_CONFIRM:
        buttons = InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Klopt"), callback_data="pw:ok"),
                                         InlineKeyboardButton(_("✏️ Anders"), callback_data="pw:no")]])
        await say(update, _("Ik lees: <b>{when}</b>\nKlopt dat? Of typ het opnieuw.").format(
            when=escape(when_readback(d["when"], context))), buttons)
    elif state == WHERE:
        buttons = None
        if d.get("own_place"):
            async with context.read_session() as session:
                place = await repo.get_location(session, d["own_place"])
            label = (place.name or place.address or d["initiative_name"]) if place else d["initiative_name"]
            buttons = InlineKeyboardMarkup([[InlineKeyboardButton("📍 " + label[:50], callback_data="pl:own")]])
        where = (_("Waar is het? Is het op jullie vaste plek? Tik dan op de knop. Of typ een adres met postcode, of stuur een locatie.")
                 if buttons else _("Waar is het? Typ een adres met postcode, of stuur een locatie."))
        await say(update, where + "\n\n" + steps, buttons)
    elif state == DESCRIPTION:
        await say(update, context.ngettext("Vertel kort wat er gebeurt. Gebruik hoogstens {max} teken.", "Vertel kort wat er gebeurt. Gebruik hoogstens {max} tekens.", DESCRIPTION_MAX).format(max=DESCRIPTION_MAX) + "\n\n" + STEPS.hint(context, state, skip=True))
    elif state == PHOTO:
        await say(update, _("Wil je er een foto bij? Stuur die dan. Dat hoeft niet.") + "\n\n" + STEPS.hint(context, state, skip=True))
    elif state == COST:
        buttons = InlineKeyboardMarkup([[InlineKeyboardButton(_("Gratis"), callback_data="pc:free")]])
        await say(update, _("Wat kost het? Tik op Gratis of typ een prijs, bijvoorbeeld: € 2,50") + "\n\n" + steps, buttons)
    elif state == PREVIEW:
        await show_preview(update, context)
    context.user_data["activity_step"] = state
    return state


def preview_activity(d: dict, context: KnooppuntContext, location: Location | None) -> Activity:
    activity = Activity(
        id=0, title=d["title"], description=d.get("description"), starts_at=datetime.fromisoformat(d["when"]["start"]),
        ends_at=datetime.fromisoformat(d["when"]["end"]) if d["when"]["end"] else None, rrule=d["when"]["rrule"],
        photo_file_id=d.get("photo"), cost=d.get("cost"), status="published",
    )
    activity.initiative = Initiative(name=d["initiative_name"])
    activity.location = location
    return activity


async def show_preview(update: Update, context: KnooppuntContext) -> None:
    _ = context.gettext
    d = draft(context)
    location = None
    if d.get("place") == "own" and d.get("own_place"):
        async with context.read_session() as session:
            location = await repo.get_location(session, d["own_place"])
    elif isinstance(d.get("place"), dict):
        location = new_location(d["place"])
    activity = preview_activity(d, context, location)
    text = card_text(activity, gettext=_, language=context.language, tz=context.settings.timezone,
                     now=context.now(), going=0, limit=CAPTION_LIMIT - 150 if d.get("photo") else 3900)
    text = _("<b>Zo komt je activiteit in de agenda:</b>") + "\n\n" + text + "\n\n" + _("Plaatsen?")
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Plaatsen"), callback_data="pp:ok"),
                                     InlineKeyboardButton(_("❌ Stoppen"), callback_data="pp:stop")]])
    if d.get("photo"):
        await update.effective_message.reply_photo(d["photo"], caption=text, reply_markup=buttons)
    else:
        await update.effective_message.reply_text(text, reply_markup=buttons)


# -- the answers --------------------------------------------------------------------------------


async def start(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    if update.effective_chat.type != ChatType.PRIVATE:
        await say(update, _("Een activiteit plaatsen doe je in een privébericht: @{bot}").format(bot=context.bot.username))
        return ConversationHandler.END
    user_id = update.effective_user.id
    async with context.session() as session:
        mine = await roles.member_initiatives(session, user_id, ("active",))
        if not mine:
            audit.record_denied(session, user_id, "activity.post")
    if not mine:
        await say(update, _("Alleen vrijwilligers van een goedgekeurd initiatief kunnen een activiteit plaatsen. Wil je je initiatief aanmelden? Tik op ➕ Initiatief aanmelden."))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    return await ask(update, context, INITIATIVE)


async def initiative_chosen(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    raw = query.data.removeprefix("pi:")
    async with context.session() as session:
        initiative = await roles.active_initiative_of_member(session, update.effective_user.id, raw)
        allowed = initiative is not None
        if not allowed:
            audit.record_denied(session, update.effective_user.id, "activity.post", "initiative", raw)
    if not allowed:
        await say(update, _("Voor dat initiatief mag je geen activiteit plaatsen. Kies een van de knoppen."))
        return INITIATIVE
    d = draft(context)
    d["initiative_id"], d["initiative_name"], d["own_place"] = initiative.id, initiative.name, initiative.location_id
    return await ask(update, context, TITLE)


async def title_given(update: Update, context: KnooppuntContext) -> int:
    text = update.effective_message.text
    problem = title_problem(text, context.translator)
    if problem:
        await say(update, problem)
        return TITLE
    draft(context)["title"] = " ".join(text.split())
    return await ask(update, context, WHEN)


async def when_given(update: Update, context: KnooppuntContext) -> int:
    text = update.effective_message.text
    d = draft(context)
    d.pop(WHEN_CHOICES, None)  # a new answer: buttons of an earlier question no longer count
    try:
        found = parse_when(text, context.now(), context.settings.timezone)
    except WhenError as exc:
        await ask_when_again_remembered(update, context, exc, text, "pw:c", d)
        return WHEN
    d["when"] = when_dict(found)
    return await ask(update, context, WHEN_CONFIRM)


async def when_chosen(update: Update, context: KnooppuntContext) -> int:
    """One of two readings tapped; then read back as usual. An older question's button is refused."""
    query = update.callback_query
    await query.answer()
    d = draft(context)
    reading = chosen_reading(query, d, "pw:c")
    if reading is None:
        await say(update, context.gettext("Die knop hoort bij een oudere vraag. Typ opnieuw wanneer het is."))
        return context.user_data.get("activity_step", WHEN)
    d["when"] = reading
    return await ask(update, context, WHEN_CONFIRM)


async def when_confirmed(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    if query.data == "pw:no" or "when" not in draft(context):
        return await ask(update, context, WHEN)
    return await ask(update, context, WHERE)


async def place_own(update: Update, context: KnooppuntContext) -> int:
    await update.callback_query.answer()
    d = draft(context)
    if not d.get("own_place"):
        return await ask(update, context, WHERE)
    d["place"] = "own"
    return await ask(update, context, DESCRIPTION)


async def place_typed(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    place = place_from_text(update.effective_message.text)
    if place is None:
        await say(update, _("Die plek kan ik niet vinden. Typ er een postcode bij, bijvoorbeeld: Pijlstraat 1, 3024 AB. Of stuur een locatie."))
        return WHERE
    draft(context)["place"] = place
    return await ask(update, context, DESCRIPTION)


async def place_shared(update: Update, context: KnooppuntContext) -> int:
    shared = update.effective_message.venue or update.effective_message.location
    if update.effective_message.venue:
        place = place_from_point(shared.location.latitude, shared.location.longitude)
        place["name"], place["address"] = shared.title[:120], shared.address[:200]
    else:
        place = place_from_point(shared.latitude, shared.longitude)
    draft(context)["place"] = place
    return await ask(update, context, DESCRIPTION)


async def description_given(update: Update, context: KnooppuntContext) -> int:
    text = update.effective_message.text
    problem = description_problem(text, context.translator)
    if problem:
        await say(update, problem)
        return DESCRIPTION
    draft(context)["description"] = text.strip()
    return await ask(update, context, PHOTO)


async def description_skipped(update: Update, context: KnooppuntContext) -> int:
    draft(context)["description"] = None
    return await ask(update, context, PHOTO)


async def photo_given(update: Update, context: KnooppuntContext) -> int:
    draft(context)["photo"] = update.effective_message.photo[-1].file_id
    return await ask(update, context, COST)


async def photo_skipped(update: Update, context: KnooppuntContext) -> int:
    draft(context)["photo"] = None
    return await ask(update, context, COST)


async def cost_given(update: Update, context: KnooppuntContext) -> int:
    text = update.effective_message.text
    problem = cost_problem(text, context.translator)
    if problem:
        await say(update, problem)
        return COST
    draft(context)["cost"] = " ".join(text.split()) or None
    return await ask(update, context, PREVIEW)


async def cost_free(update: Update, context: KnooppuntContext) -> int:
    await update.callback_query.answer()
    draft(context)["cost"] = None
    return await ask(update, context, PREVIEW)


async def publish(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    d = context.user_data.pop(DRAFT, {})
    if query.data == "pp:stop" or "when" not in d:
        await say(update, _("Gestopt. Er is niets geplaatst."))
        return ConversationHandler.END
    user_id = update.effective_user.id
    async with context.session() as session:
        initiative = await repo.get_initiative(session, d["initiative_id"])
        if initiative is None or initiative.status != "active" or await roles.member_role(session, user_id, initiative.id) is None:
            audit.record_denied(session, user_id, "activity.post", "initiative", d["initiative_id"])
            allowed = False
        else:
            allowed = True
            location_id = initiative.location_id if d.get("place") == "own" else None
            if isinstance(d.get("place"), dict):
                location_id = await repo.add_place(session, d["place"])
            activity = await repo.create_activity(session, initiative_id=initiative.id, draft=d, location_id=location_id,
                                                  created_by=user_id)
            audit.record(session, user_id, "activity.created", "activity", activity.id, initiative=initiative.id)
    if not allowed:
        await say(update, _("Je mag voor dit initiatief geen activiteit meer plaatsen. Er is niets geplaatst."))
        return ConversationHandler.END
    link = deep_link(context.bot.username, "act", str(activity.id))
    await say(update, _("Je activiteit staat in de agenda! 🎉\nDeel deze link: {link}").format(link=escape(link)))
    await send_card(update.effective_chat.id, context, activity.id, user_id)
    return ConversationHandler.END


# -- wrong input, /terug, /stop -----------------------------------------------------------------


async def expected_text(update: Update, context: KnooppuntContext) -> int:
    state = context.user_data.get("activity_step", TITLE)
    await say(update, context.gettext("Stuur je antwoord als tekst, of gebruik de knoppen.") + "\n\n" + STEPS.hint(context, context.user_data.get("activity_step")))
    return state


async def expected_photo(update: Update, context: KnooppuntContext) -> int:
    await say(update, context.gettext("Stuur een foto, of typ /overslaan."))
    return PHOTO


async def expected_place(update: Update, context: KnooppuntContext) -> int:
    await say(update, context.gettext("Typ een adres met postcode, stuur een locatie, of tik op de knop."))
    return WHERE


async def back(update: Update, context: KnooppuntContext) -> int:
    state = context.user_data.get("activity_step", TITLE)
    return await ask(update, context, BACK.get(state, INITIATIVE))


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop(DRAFT, None)
    await say(update, context.gettext("Gestopt. Er is niets geplaatst."))
    return ConversationHandler.END


async def reask(update: Update, context: KnooppuntContext, state: object) -> None:
    await ask(update, context, state)


STEPS = Steps("activity_post", N_("een nieuwe activiteit"), reask, takes_location=lambda context, state: state == WHERE)


def conversation() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    not_text = ~filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler(["activiteit", "event"], start)],
        states={
            INITIATIVE: [CallbackQueryHandler(initiative_chosen, pattern=r"^pi:")],
            TITLE: [MessageHandler(text, title_given)],
            WHEN: [MessageHandler(text, when_given), CallbackQueryHandler(when_chosen, pattern=r"^pw:c:[01]$")],
            WHEN_CONFIRM: [CallbackQueryHandler(when_confirmed, pattern=r"^pw:(ok|no)$"), MessageHandler(text, when_given)],
            WHERE: [CallbackQueryHandler(place_own, pattern=r"^pl:own$"),
                    MessageHandler(filters.LOCATION | filters.VENUE, place_shared), MessageHandler(text, place_typed),
                    MessageHandler(not_text, expected_place)],
            DESCRIPTION: [CommandHandler(SKIP_COMMANDS, description_skipped), MessageHandler(text, description_given)],
            PHOTO: [MessageHandler(filters.PHOTO, photo_given), CommandHandler(SKIP_COMMANDS, photo_skipped),
                    MessageHandler(filters.ALL & ~filters.COMMAND, expected_photo)],
            COST: [CallbackQueryHandler(cost_free, pattern=r"^pc:free$"), MessageHandler(text, cost_given)],
            PREVIEW: [CallbackQueryHandler(publish, pattern=r"^pp:(ok|stop)$")],
        },
        fallbacks=[*STEPS.fallbacks(stop, back), MessageHandler(not_text, expected_text)],
        name="activity_post",
        allow_reentry=True,
    )


def register(application: Application) -> None:
    add_conversation(application, conversation)
