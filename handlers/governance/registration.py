"""/aanmelden (/register): a volunteer registers an initiative, step by step, in a private chat.

Every answer is saved with the step it leads to (registration_drafts), in one transaction; the
ConversationHandler is persistent and storage.persistence reads those steps back at start-up, so
a restart loses nothing. A draft that stays silent for a day expires (see on_startup's job).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain.ids import db_id
from bot.context import KnooppuntContext
from bot.i18n import N_, user_language
from domain import gazetteer, registration as rules
from domain.geo import InvalidCoordinates, validate_coordinates
from domain.opening_hours import OpeningHoursError
from domain.taxonomy import CATEGORIES, get_category, match_category
from handlers.governance import approval
from handlers.core.common import (
    BUTTON_REGISTER,
    SKIP_COMMANDS,
    MenuCommand,
    Steps,
    add_conversation,
    button_filter,
    escape,
    main_keyboard,
    ConversationOver,
    step_hint,
)
from handlers.governance.initiative_text import WHEELCHAIR_LABELS, hours_question, language_label, parse_hours, place_label, summary
from storage.persistence import ConversationStore, register_conversation_store
from storage.repositories import audit, networks, registrations

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("aanmelden", N_("Meld je initiatief aan"), private=True, english="register")]  # for anyone: it makes volunteers
CONVERSATION = "aanmelden"
ORDER = ("name", "category", "description", "networks", "place", "place_ok", "phone", "email", "website",
         "hours", "languages", "wheelchair", "confirm")
# /terug from these steps skips the in-between confirmation.
BACK_OVERRIDES = {"phone": "place", "place_ok": "place"}
END = ConversationHandler.END
SKIPPABLE = ("phone", "email", "website", "hours")
BUTTON_LOCATION = N_("📍 Stuur mijn locatie")
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND


def now() -> datetime:
    return datetime.now(timezone.utc)


def _hint(context: KnooppuntContext, step: str) -> str:
    return step_hint(context.gettext, back=step != ORDER[0], skip=step in SKIPPABLE)


def _skip_button(context: KnooppuntContext) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(context.gettext("Overslaan ⏭"), callback_data="reg:skip")]


async def ask(update: Update, context: KnooppuntContext, step: str, data: dict) -> None:
    """Send the question of `step`, with its buttons and how to go back or stop."""
    _ = context.gettext
    chat_id = update.effective_chat.id
    markup = None
    if step == "name":
        text = context.ngettext("Hoe heet je initiatief? (hoogstens {limit} teken)", "Hoe heet je initiatief? (hoogstens {limit} tekens)", rules.NAME_MAX).format(limit=rules.NAME_MAX)
    elif step == "category":
        text = _("Wat voor soort initiatief is het? Kies hieronder.")
        buttons = [InlineKeyboardButton(_(c.name), callback_data=f"reg:cat:{c.code}") for c in CATEGORIES]
        markup = InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
    elif step == "description":
        text = context.ngettext("Vertel in een paar zinnen wat jullie doen. (hoogstens {limit} teken)", "Vertel in een paar zinnen wat jullie doen. (hoogstens {limit} tekens)", rules.DESCRIPTION_MAX).format(limit=rules.DESCRIPTION_MAX)
    elif step == "networks":
        text = _("Bij welke netwerken hoort je initiatief? Tik om te kiezen, dan op Klaar.")
        markup = await _networks_markup(context, data.get("networks", []))
    elif step == "place":
        text = _("Waar is het? Stuur je locatie met de knop, of typ een postcode of adres met postcode. Bijvoorbeeld: <i>Schiedamseweg 10, 3026 AB</i>")
        markup = ReplyKeyboardMarkup(
            [[KeyboardButton(_(BUTTON_LOCATION), request_location=True)]], resize_keyboard=True, one_time_keyboard=True
        )
    elif step == "place_ok":
        await _send_place_pin(update, context, data)
        text = _("Klopt deze plek?")
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(_("✅ Ja, klopt"), callback_data="reg:place:ok"),
              InlineKeyboardButton(_("✏️ Nee, opnieuw"), callback_data="reg:place:again")]]
        )
    elif step == "phone":
        text = _("Op welk telefoonnummer zijn jullie te bereiken?")
        markup = InlineKeyboardMarkup([_skip_button(context)])
    elif step == "email":
        text = _("Wat is jullie e-mailadres?")
        markup = InlineKeyboardMarkup([_skip_button(context)])
    elif step == "website":
        text = _("Hebben jullie een website?")
        markup = InlineKeyboardMarkup([_skip_button(context)])
    elif step == "hours":
        text = _("Wanneer zijn jullie open? Bijvoorbeeld: <i>ma en wo 10-16, za 12-17</i> of <i>op afspraak</i>")
        markup = InlineKeyboardMarkup([_skip_button(context)])
    elif step == "languages":
        text = _("Welke talen spreken jullie? Tik om te kiezen, dan op Klaar.")
        markup = _languages_markup(context, data.get("languages", []))
    elif step == "wheelchair":
        text = _("Kun je er met een rolstoel in?")
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(_(label), callback_data=f"reg:wc:{code}")] for code, label in WHEELCHAIR_LABELS.items()]
        )
    else:  # confirm
        async with context.read_session() as session:
            names = await registrations.network_names(session, data.get("networks", []))
        text = "\n".join([_("<b>Klopt alles?</b>"), "", summary(data, names, _, context.language), "",
                          _("Tik op Versturen. Dan kijkt een coördinator ernaar.")])
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("📨 Versturen"), callback_data="reg:send")]])
    await context.bot.send_message(chat_id, f"{text}\n\n{_hint(context, step)}", reply_markup=markup)


async def _networks_markup(context: KnooppuntContext, chosen: list[int]) -> InlineKeyboardMarkup:
    async with context.read_session() as session:
        found = await networks.list_networks(session)
    rows = [[InlineKeyboardButton(("✅ " if n.id in chosen else "▫️ ") + n.name, callback_data=f"reg:net:{n.id}")] for n in found]
    rows.append([InlineKeyboardButton(context.gettext("Klaar ✔️"), callback_data="reg:net:done")])
    return InlineKeyboardMarkup(rows)


def _languages_markup(context: KnooppuntContext, chosen: list[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(("✅ " if code in chosen else "") + language_label(code, context.language), callback_data=f"reg:lang:{code}")
        for code in rules.LANGUAGE_CHOICES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton(context.gettext("Klaar ✔️"), callback_data="reg:lang:done")])
    return InlineKeyboardMarkup(rows)


async def _send_place_pin(update: Update, context: KnooppuntContext, data: dict) -> None:
    place = data["place"]
    _ = context.gettext
    address = place_label(place)
    if place.get("approximate"):
        address = _("{place} (ongeveer)").format(place=address)
    await context.bot.send_venue(
        update.effective_chat.id, latitude=place["lat"], longitude=place["lon"],
        title=data.get("name") or _("Jouw initiatief"), address=address[:256],
        reply_markup=main_keyboard(context.language),
    )


# -- the draft --------------------------------------------------------------------------------


async def _load(update: Update, context: KnooppuntContext) -> dict | None:
    """The draft's data, or None when it has expired or is gone; the conversation then ends.

    An expired draft the expiry job has not seen yet gets the friendly word here (the job tells
    the others). Either way a message still gets the answer it would get outside a registration.
    """
    async with context.session() as session:
        draft = await registrations.get_draft(session, update.effective_user.id)
        if draft is not None and draft.updated_at >= now() - rules.DRAFT_EXPIRES_AFTER:
            return dict(draft.data)
        if draft is not None:
            await registrations.delete_draft(session, update.effective_user.id)
    if draft is not None or update.callback_query is not None:
        await context.bot.send_message(
            update.effective_chat.id,
            context.gettext("Je aanmelding is verlopen, omdat het een dag stil was. Begin opnieuw met /aanmelden."),
            reply_markup=main_keyboard(context.language),
        )
    if update.effective_message is not None and update.callback_query is None:
        # The message was meant for the bot as a whole now: it still gets its usual answer.
        raise ConversationOver
    return None


async def _advance(update: Update, context: KnooppuntContext, data: dict, step: str) -> str:
    """Save the answer together with the next step, then ask it."""
    async with context.session() as session:
        await registrations.save_draft(session, update.effective_user.id, update.effective_chat.id, step, data, now())
    await ask(update, context, step, data)
    return step


def _next(step: str) -> str:
    return ORDER[ORDER.index(step) + 1]


async def _tell(update: Update, text: str) -> None:
    await update.effective_message.reply_text(text)


async def _field_error(update: Update, context: KnooppuntContext, error: rules.FieldError) -> None:
    await _tell(update, rules.describe_field_error(error, context.translator))


# -- entry, stop, back --------------------------------------------------------------------------


async def start(update: Update, context: KnooppuntContext) -> str | int:
    _ = context.gettext
    user_id = update.effective_user.id
    async with context.read_session() as session:
        draft = await registrations.get_draft(session, user_id, not_before=now() - rules.DRAFT_EXPIRES_AFTER)
        pending = await registrations.pending_count(session, user_id)
    if draft is not None:
        await _tell(update, _("Je was al bezig met een aanmelding. We gaan verder waar je was."))
        await ask(update, context, draft.step, dict(draft.data))
        return draft.step
    if pending >= rules.MAX_PENDING_PER_PERSON:
        await _tell(update, context.ngettext(
            "Je hebt al {count} aanmelding die wacht op goedkeuring. Wacht tot een coördinator ernaar heeft gekeken.",
            "Je hebt al {count} aanmeldingen die wachten op goedkeuring. Wacht tot een coördinator ernaar heeft gekeken.",
            pending).format(count=pending))
        return END
    await _tell(update, _("Leuk dat je je initiatief aanmeldt! Ik stel je een paar vragen. Een coördinator kijkt er daarna naar."))
    return await _advance(update, context, {}, "name")


async def stop(update: Update, context: KnooppuntContext) -> int:
    async with context.session() as session:
        await registrations.delete_draft(session, update.effective_user.id)
    await context.bot.send_message(
        update.effective_chat.id,
        context.gettext("Gestopt. Je aanmelding is niet bewaard. Opnieuw beginnen? Typ /aanmelden."),
        reply_markup=main_keyboard(context.language),
    )
    return END


async def back(update: Update, context: KnooppuntContext) -> str | int:
    data = await _load(update, context)
    if data is None:
        return END
    async with context.read_session() as session:
        draft = await registrations.get_draft(session, update.effective_user.id)
    step = draft.step
    if step == ORDER[0]:
        await STEPS.first_question(update, context)
        return step
    previous = BACK_OVERRIDES.get(step) or ORDER[ORDER.index(step) - 1]
    if previous == "networks" and not data.get("has_networks", True):
        previous = "description"
    return await _advance(update, context, data, previous)


async def stale_button(update: Update, context: KnooppuntContext) -> None:
    """A button of an earlier step: say so; the current question stays."""
    await update.callback_query.answer(context.gettext("Deze knop hoort bij een andere vraag."), show_alert=True)


# -- the steps -----------------------------------------------------------------------------------


async def got_name(update: Update, context: KnooppuntContext) -> str | int:
    data = await _load(update, context)
    if data is None:
        return END
    try:
        data["name"] = rules.clean_name(update.effective_message.text)
    except rules.FieldError as error:
        await _field_error(update, context, error)
        return "name"
    return await _advance(update, context, data, "category")


async def got_category_button(update: Update, context: KnooppuntContext) -> str | int:
    query = update.callback_query
    await query.answer()
    code = query.data.removeprefix("reg:cat:")
    if get_category(code) is None:
        await _tell(update, context.gettext("Die keuze ken ik niet. Kies een van de knoppen."))
        return "category"
    return await _chose_category(update, context, code)


async def got_category_text(update: Update, context: KnooppuntContext) -> str | int:
    category = match_category(update.effective_message.text)
    if category is None:
        await _tell(update, context.gettext("Die soort ken ik niet. Kies een van de knoppen."))
        return "category"
    return await _chose_category(update, context, category.code)


async def _chose_category(update: Update, context: KnooppuntContext, code: str) -> str | int:
    data = await _load(update, context)
    if data is None:
        return END
    data["category"] = code
    return await _advance(update, context, data, "description")


async def got_description(update: Update, context: KnooppuntContext) -> str | int:
    data = await _load(update, context)
    if data is None:
        return END
    try:
        data["description"] = rules.clean_description(update.effective_message.text)
    except rules.FieldError as error:
        await _field_error(update, context, error)
        return "description"
    async with context.read_session() as session:
        data["has_networks"] = bool(await networks.list_networks(session))
    if not data["has_networks"]:  # nothing to choose from: an admin will look at it
        data["networks"] = []
        return await _advance(update, context, data, "place")
    return await _advance(update, context, data, "networks")


async def got_network_button(update: Update, context: KnooppuntContext) -> str | int:
    query = update.callback_query
    await query.answer()
    data = await _load(update, context)
    if data is None:
        return END
    choice = query.data.removeprefix("reg:net:")
    chosen: list[int] = list(data.get("networks", []))
    if choice == "done":
        if not chosen:
            await _tell(update, context.gettext("Kies minstens één netwerk."))
            return "networks"
        return await _advance(update, context, data, "place")
    async with context.read_session() as session:
        network = await networks.get_network(session, db_id(choice)) if db_id(choice) is not None else None
    if network is None:
        await _tell(update, context.gettext("Die keuze ken ik niet. Kies een van de knoppen."))
        return "networks"
    chosen.remove(network.id) if network.id in chosen else chosen.append(network.id)
    data["networks"] = chosen
    async with context.session() as session:
        await registrations.save_draft(session, update.effective_user.id, update.effective_chat.id, "networks", data, now())
    try:
        await query.edit_message_reply_markup(await _networks_markup(context, chosen))
    except TelegramError:
        logger.debug("Could not update the network buttons", exc_info=True)
    return "networks"


async def choose_by_button_please(update: Update, context: KnooppuntContext) -> None:
    await _tell(update, context.gettext("Kies met de knoppen hierboven, en tik dan op Klaar."))


async def got_location(update: Update, context: KnooppuntContext) -> str | int:
    data = await _load(update, context)
    if data is None:
        return END
    location = update.effective_message.location
    try:
        lat, lon = validate_coordinates(location.latitude, location.longitude)
    except InvalidCoordinates:
        await _tell(update, context.gettext("Deze locatie kan ik niet gebruiken. Typ een postcode."))
        return "place"
    buurt = gazetteer.buurt_for_point(lat, lon)
    data["place"] = {"lat": lat, "lon": lon, "buurt": buurt.name if buurt else None, "approximate": False}
    return await _advance(update, context, data, "place_ok")


async def got_address(update: Update, context: KnooppuntContext) -> str | int:
    data = await _load(update, context)
    if data is None:
        return END
    text = " ".join(update.effective_message.text.split())
    place = place_from_text(text)
    if place is None:
        await _tell(update, context.gettext("Die plek vind ik niet. Typ een postcode (zoals 3026 AB) of stuur je locatie."))
        return "place"
    if "unknown_postcode" in place:
        await _tell(update, context.gettext("Postcode {postcode} ken ik niet. Klopt hij? Of stuur je locatie.").format(postcode=escape(place["unknown_postcode"])))
        return "place"
    data["place"] = place
    return await _advance(update, context, data, "place_ok")


def place_from_text(text: str) -> dict | None:
    """A postcode, an address with a postcode, or a buurt name; always an approximate point."""
    found = gazetteer.geocode(text)
    address = None
    if found is None:
        match = gazetteer.find_place_in_text(text)
        if match is None:
            return None
        found = match.result
        address = text[:200]
    if isinstance(found, gazetteer.UnknownPostcode):
        return {"unknown_postcode": found.postcode}
    return {
        "lat": found.lat, "lon": found.lon, "address": address, "postcode": found.postcode,
        "city": found.name if found.pc4 and not found.buurt else None, "buurt": found.buurt, "approximate": True,
    }


async def got_place_answer(update: Update, context: KnooppuntContext) -> str | int:
    query = update.callback_query
    await query.answer()
    data = await _load(update, context)
    if data is None:
        return END
    if query.data == "reg:place:ok":
        return await _advance(update, context, data, "phone")
    return await _advance(update, context, data, "place")


def _text_step(step: str, cleaner):  # noqa: ANN001, ANN202
    async def handler(update: Update, context: KnooppuntContext) -> str | int:
        data = await _load(update, context)
        if data is None:
            return END
        try:
            data[step] = cleaner(update.effective_message.text)
        except rules.FieldError as error:
            await _field_error(update, context, error)
            return step
        return await _advance(update, context, data, _next(step))

    return handler


def _check_hours(text: str) -> str:
    cleaned = " ".join(text.split())
    parse_hours(cleaned)  # raises OpeningHoursError
    return cleaned


async def got_hours(update: Update, context: KnooppuntContext) -> str | int:
    data = await _load(update, context)
    if data is None:
        return END
    try:
        data["hours"] = _check_hours(update.effective_message.text)
    except OpeningHoursError as error:
        question, markup, choices = hours_question(error, context.translator, context.language, "reg:hours:")
        sent = await update.effective_message.reply_text(question, reply_markup=markup)
        if choices:  # the buttons belong to this question only
            data["hours_choices"] = {"message_id": sent.message_id, "texts": choices}
            async with context.session() as session:
                await registrations.save_draft(session, update.effective_user.id, update.effective_chat.id, "hours", data, now())
        return "hours"
    data.pop("hours_choices", None)
    return await _advance(update, context, data, "languages")


async def got_hours_choice(update: Update, context: KnooppuntContext) -> str | int:
    """One of the two readings of the hours, tapped; a button of an older question is refused."""
    query = update.callback_query
    await query.answer()
    data = await _load(update, context)
    if data is None:
        return END
    choices = data.get("hours_choices") or {}
    index = int(query.data.removeprefix("reg:hours:"))
    if choices.get("message_id") != query.message.message_id or index >= len(choices.get("texts", [])):
        await _tell(update, context.gettext("Die knop hoort bij een oudere vraag. Typ de openingstijden opnieuw."))
        return "hours"
    data["hours"] = choices["texts"][index]
    data.pop("hours_choices")
    return await _advance(update, context, data, "languages")


def _skip(step: str):  # noqa: ANN202
    async def handler(update: Update, context: KnooppuntContext) -> str | int:
        if update.callback_query:
            await update.callback_query.answer()
        data = await _load(update, context)
        if data is None:
            return END
        data[step] = None
        return await _advance(update, context, data, _next(step))

    return handler


async def got_language_button(update: Update, context: KnooppuntContext) -> str | int:
    query = update.callback_query
    await query.answer()
    data = await _load(update, context)
    if data is None:
        return END
    choice = query.data.removeprefix("reg:lang:")
    if choice == "done":
        data.setdefault("languages", [])
        return await _advance(update, context, data, "wheelchair")
    if choice not in rules.LANGUAGE_CHOICES:
        await _tell(update, context.gettext("Die keuze ken ik niet. Kies een van de knoppen."))
        return "languages"
    chosen = list(data.get("languages", []))
    chosen.remove(choice) if choice in chosen else chosen.append(choice)
    data["languages"] = chosen
    async with context.session() as session:
        await registrations.save_draft(session, update.effective_user.id, update.effective_chat.id, "languages", data, now())
    try:
        await query.edit_message_reply_markup(_languages_markup(context, chosen))
    except TelegramError:
        logger.debug("Could not update the language buttons", exc_info=True)
    return "languages"


async def got_wheelchair(update: Update, context: KnooppuntContext) -> str | int:
    query = update.callback_query
    await query.answer()
    choice = query.data.removeprefix("reg:wc:")
    if choice not in rules.WHEELCHAIR_CHOICES:
        await _tell(update, context.gettext("Die keuze ken ik niet. Kies een van de knoppen."))
        return "wheelchair"
    data = await _load(update, context)
    if data is None:
        return END
    data["wheelchair"] = choice
    return await _advance(update, context, data, "confirm")


async def submit(update: Update, context: KnooppuntContext) -> str | int:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    data = await _load(update, context)
    if data is None:
        return END
    user_id = update.effective_user.id
    missing = [key for key in ("name", "category", "description", "place") if not data.get(key)]
    if missing:  # cannot happen through the steps; a tampered draft goes back to the start
        return await _advance(update, context, data, "name")
    async with context.session() as session:
        if await registrations.pending_count(session, user_id) >= rules.MAX_PENDING_PER_PERSON:
            await _tell(update, context.ngettext(
                "Je hebt al {count} aanmelding die wacht op goedkeuring. Wacht tot een coördinator ernaar heeft gekeken.",
                "Je hebt al {count} aanmeldingen die wachten op goedkeuring. Wacht tot een coördinator ernaar heeft gekeken.",
                rules.MAX_PENDING_PER_PERSON).format(count=rules.MAX_PENDING_PER_PERSON))
            return "confirm"
        valid_networks = {n.id for n in await networks.list_networks(session)}
        data["networks"] = [n for n in data.get("networks", []) if n in valid_networks]
        initiative = await registrations.create_pending_initiative(session, user_id, data, parse_hours(data.get("hours")), now())
        audit.record(session, user_id, "register", "initiative", initiative.id, name=initiative.name)
        await registrations.delete_draft(session, user_id)
        await approval.queue_registration_cards(session, context, initiative.id)
    try:
        await query.edit_message_reply_markup(None)
    except TelegramError:
        logger.debug("Could not remove the send button", exc_info=True)
    await context.bot.send_message(
        update.effective_chat.id,
        _("Dank je! Je aanmelding is verstuurd. Een coördinator kijkt ernaar. Je hoort van mij wat er besloten is."),
        reply_markup=main_keyboard(context.language),
    )
    context.bot_data.outbox.wake()
    return END


async def in_group(update: Update, context: KnooppuntContext) -> None:
    await update.effective_message.reply_text(
        context.gettext("Aanmelden doe je in een privégesprek met mij: @{bot}").format(bot=context.bot.username)
    )


async def load_draft_steps(session) -> dict:  # noqa: ANN001
    """For storage.persistence: the drafts still alive, as conversation states."""
    return await registrations.active_draft_steps(session, now() - rules.DRAFT_EXPIRES_AFTER)


async def save_draft_step(session, key: tuple, state: object | None) -> None:  # noqa: ANN001
    """For storage.persistence: PTB's state of (chat_id, user_id). The steps wrote the draft with each
    answer already; a conversation that ended leaves no draft behind."""
    user_id = key[-1]
    if state is None:
        await registrations.delete_draft(session, user_id)
    else:
        await registrations.set_step(session, user_id, str(state))


register_conversation_store(CONVERSATION, ConversationStore(load=load_draft_steps, save=save_draft_step))


async def expire_drafts(context: KnooppuntContext) -> None:
    """Job 'registration-drafts-expiry': drafts silent for a day are removed, with a friendly word."""
    from bot.i18n import get_translator
    from storage.repositories import users

    async with context.session() as session:
        expired = await registrations.expired_drafts(session, now() - rules.DRAFT_EXPIRES_AFTER)
        targets = []
        for draft in expired:
            user = await users.get_user(session, draft.user_id)
            targets.append((draft.chat_id, user_language(user, context.settings.default_language)))
            await registrations.delete_draft(session, draft.user_id)
    for chat_id, language in targets:
        _ = get_translator(language).gettext
        try:
            await context.bot.send_message(
                chat_id, _("Je aanmelding is verlopen, omdat het een dag stil was. Begin opnieuw met /aanmelden.")
            )
        except TelegramError:
            logger.info("Could not tell chat %s that its draft expired", chat_id)


async def _alive(update: Update, context: KnooppuntContext) -> bool:
    async with context.read_session() as session:
        draft = await registrations.get_draft(session, update.effective_user.id, not_before=now() - rules.DRAFT_EXPIRES_AFTER)
    return draft is not None


async def _reask(update: Update, context: KnooppuntContext, state: object) -> None:
    async with context.read_session() as session:
        draft = await registrations.get_draft(session, update.effective_user.id)
    if draft is not None:
        await ask(update, context, draft.step, dict(draft.data))


async def _resume(update: Update, context: KnooppuntContext) -> str | None:
    """After a restart: the step of the draft (the conversation itself is persistent)."""
    async with context.read_session() as session:
        draft = await registrations.get_draft(session, update.effective_user.id, not_before=now() - rules.DRAFT_EXPIRES_AFTER)
    return draft.step if draft is not None else None


STEPS = Steps(CONVERSATION, N_("je aanmelding"), _reask, takes_location=lambda context, state: state == "place", alive=_alive,
              resume=_resume)


def build_conversation() -> ConversationHandler:
    button = CallbackQueryHandler
    states = {
        "name": [MessageHandler(TEXT, got_name)],
        "category": [button(got_category_button, pattern=r"^reg:cat:"), MessageHandler(TEXT, got_category_text)],
        "description": [MessageHandler(TEXT, got_description)],
        "networks": [button(got_network_button, pattern=r"^reg:net:"), MessageHandler(TEXT, choose_by_button_please)],
        "place": [MessageHandler(PRIVATE & filters.LOCATION, got_location), MessageHandler(TEXT, got_address)],
        "place_ok": [button(got_place_answer, pattern=r"^reg:place:(ok|again)$")],
        "phone": [button(_skip("phone"), pattern=r"^reg:skip$"), CommandHandler(SKIP_COMMANDS, _skip("phone"), filters=PRIVATE),
                  MessageHandler(TEXT, _text_step("phone", rules.clean_phone))],
        "email": [button(_skip("email"), pattern=r"^reg:skip$"), CommandHandler(SKIP_COMMANDS, _skip("email"), filters=PRIVATE),
                  MessageHandler(TEXT, _text_step("email", rules.clean_email))],
        "website": [button(_skip("website"), pattern=r"^reg:skip$"), CommandHandler(SKIP_COMMANDS, _skip("website"), filters=PRIVATE),
                  MessageHandler(TEXT, _text_step("website", rules.clean_website))],
        "hours": [button(_skip("hours"), pattern=r"^reg:skip$"), CommandHandler(SKIP_COMMANDS, _skip("hours"), filters=PRIVATE),
                  button(got_hours_choice, pattern=r"^reg:hours:[01]$"), MessageHandler(TEXT, got_hours)],
        "languages": [button(got_language_button, pattern=r"^reg:lang:"), MessageHandler(TEXT, choose_by_button_please)],
        "wheelchair": [button(got_wheelchair, pattern=r"^reg:wc:")],
        "confirm": [button(submit, pattern=r"^reg:send$")],
    }
    return ConversationHandler(
        entry_points=[
            CommandHandler(["aanmelden", "register"], start, filters=PRIVATE),
            MessageHandler(button_filter(BUTTON_REGISTER), start),
        ],
        states=states,
        fallbacks=[*STEPS.fallbacks(stop, back), CallbackQueryHandler(stale_button, pattern=r"^reg:")],
        name=CONVERSATION,
        persistent=True,
        allow_reentry=True,
    )


def register(application: Application) -> None:
    add_conversation(application, build_conversation)
    application.add_handler(CommandHandler(["aanmelden", "register"], in_group, filters=~PRIVATE))
