"""/mijn: owners and editors keep their initiatives current.

Edits to name, category or networks become a change request for a coordinator; other edits apply
at once and the coordinators get a note. Owners also pause, close, and invite co-owners with a
one-time deep link. Once a month owners are asked "Klopt dit nog?" (job 'freshness-check').
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timezone

from apscheduler.triggers.cron import CronTrigger
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from domain.ids import db_id, db_id_field, page_number
from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator
from domain import registration as rules
from domain.htmltext import split_message
from domain.opening_hours import OpeningHoursError
from domain.paging import page_of
from domain.taxonomy import CATEGORIES, get_category, match_category
from handlers.governance import approval
from handlers.core.common import (
    PAGE_SIZE,
    MenuCommand,
    Steps,
    add_conversation,
    deep_link,
    escape,
    page_buttons,
    page_heading,
    refuse,
    register_deep_link,
    step_hint,
)
from handlers.governance.initiative_text import (FIELD_LABELS, STATUS_LABELS, WHEELCHAIR_LABELS, as_data, hours_question, language_label,
                                     parse_hours, summary)
from handlers.governance.registration import place_from_text
from storage.repositories import audit, networks, registrations, roles, stewardship

logger = logging.getLogger(__name__)

COMMANDS = [MenuCommand("mijn", N_("Jouw initiatieven bekijken en wijzigen"), private=True, audience="volunteer", english="mine")]
END = ConversationHandler.END
EDIT_TEXT, EDIT_CHOICE = "edit_text", "edit_choice"
PRIVATE = filters.ChatType.PRIVATE
TEXT_FIELDS = ("name", "description", "phone", "email", "website", "hours", "place")
CHOICE_FIELDS = ("category", "networks", "languages", "wheelchair")
FRESHNESS_JOB = "freshness-check"
DRAFT_EXPIRY_JOB = "registration-drafts-expiry"


def now() -> datetime:
    return datetime.now(timezone.utc)


def _ids(data: str) -> tuple[int | None, str | None]:
    """'own:<action>:<id>[:<field>]' -> (id, field)."""
    parts = data.split(":")
    return db_id_field(data, 2), (parts[3] if len(parts) > 3 else None)


async def _allowed(update: Update, context: KnooppuntContext, action: str, initiative_id: int | None, attempted: str) -> bool:
    async with context.session() as session:
        ok = initiative_id is not None and await roles.may(session, context.settings.admin_ids, update.effective_user.id, action, initiative_id)
        if not ok:
            audit.record_denied(session, update.effective_user.id, attempted, "initiative", initiative_id)
    if not ok:
        text = context.gettext("Dit mag je niet doen.")
        await refuse(update, text)
    return ok


# -- /mijn and the initiative card -------------------------------------------------------------


async def _mine_page(context: KnooppuntContext, user_id: int, number: int) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """One page (PAGE_SIZE) of the person's initiatives; None when they have none."""
    _ = context.gettext
    async with context.session() as session:
        found = await roles.member_initiatives(session, user_id, statuses=("active", "paused", "closed"))
        waiting = await registrations.pending_of(session, user_id)
    if not found and not waiting:
        return None
    entries = [(i, i.status) for i in found] + [(i, "pending") for i in waiting]
    page = page_of(entries, number, PAGE_SIZE)
    lines = [page_heading(_, _("Jouw initiatieven"), page)]
    lines += [f"• {escape(i.name)} – {_(STATUS_LABELS[status])}" for i, status in page.items]
    rows = [[InlineKeyboardButton(f"✏️ {i.name}", callback_data=f"own:v:{i.id}")]
            for i, status in page.items if status not in ("closed", "pending")]
    if nav := page_buttons(_, page, "own:l:"):
        rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


async def mine(update: Update, context: KnooppuntContext) -> None:
    shown = await _mine_page(context, update.effective_user.id, 0)
    if shown is None:
        await update.effective_message.reply_text(context.gettext("Je hebt nog geen initiatieven. Meld er een aan met /aanmelden."))
        return
    await update.effective_message.reply_text(shown[0], reply_markup=shown[1])


async def mine_page(update: Update, context: KnooppuntContext) -> None:
    """Vorige/Volgende under /mijn: only ever the presser's own initiatives."""
    query = update.callback_query
    await query.answer()
    tail = query.data.removeprefix("own:l:")
    shown = await _mine_page(context, update.effective_user.id, page_number(tail))
    if shown is None:
        await query.edit_message_text(context.gettext("Je hebt nog geen initiatieven. Meld er een aan met /aanmelden."))
        return
    await query.edit_message_text(shown[0], reply_markup=shown[1])


async def _card(context: KnooppuntContext, initiative_id: int, user_id: int) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.gettext
    async with context.read_session() as session:
        initiative = await registrations.load_initiative(session, initiative_id)
        data = as_data(initiative)
        names = await registrations.network_names(session, data["networks"])
        role = await roles.member_role(session, user_id, initiative_id)
    text = "\n".join([summary(data, names, _, context.language), "", _("Status: {status}").format(status=_(STATUS_LABELS[initiative.status]))])
    rows = [[InlineKeyboardButton(_("✏️ Wijzigen"), callback_data=f"own:f:{initiative_id}"),
             InlineKeyboardButton(_("✅ Ja, klopt"), callback_data=f"own:ok:{initiative_id}")]]
    if role == "owner":
        pause = (_("▶️ Weer openen"), f"own:r:{initiative_id}") if initiative.status == "paused" else (_("⏸ Pauzeren"), f"own:p:{initiative_id}")
        rows.append([InlineKeyboardButton(pause[0], callback_data=pause[1]),
                     InlineKeyboardButton(_("🚪 Sluiten"), callback_data=f"own:x:{initiative_id}")])
        rows.append([InlineKeyboardButton(_("👥 Mede-eigenaar uitnodigen"), callback_data=f"own:i:{initiative_id}")])
    from handlers.together.exchange import mine_section  # open vraag & aanbod, activities organised together

    extra_lines, extra_rows = await mine_section(context, initiative_id)
    if extra_lines:
        text += "\n\n" + "\n".join(extra_lines)
    return text, InlineKeyboardMarkup(rows + extra_rows)


async def show(update: Update, context: KnooppuntContext) -> None:
    initiative_id, _field = _ids(update.callback_query.data)
    if not await _allowed(update, context, roles.EDIT, initiative_id, "view_own"):
        return
    await update.callback_query.answer()
    text, markup = await _card(context, initiative_id, update.effective_user.id)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def field_menu(update: Update, context: KnooppuntContext) -> None:
    initiative_id, _field = _ids(update.callback_query.data)
    if not await _allowed(update, context, roles.EDIT, initiative_id, "edit"):
        return
    await update.callback_query.answer()
    _ = context.gettext
    buttons = [InlineKeyboardButton(_(label), callback_data=f"own:e:{initiative_id}:{field}") for field, label in FIELD_LABELS.items()]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    await context.bot.send_message(
        update.effective_chat.id,
        _("Wat wil je wijzigen? Naam, soort en netwerken gaan eerst langs een coördinator."),
        reply_markup=InlineKeyboardMarkup(rows),
    )


# -- editing one field --------------------------------------------------------------------------


async def start_edit(update: Update, context: KnooppuntContext) -> str | int:
    initiative_id, field = _ids(update.callback_query.data)
    if field not in FIELD_LABELS or not await _allowed(update, context, roles.EDIT, initiative_id, "edit"):
        if field not in FIELD_LABELS:
            await update.callback_query.answer()
        return END
    await update.callback_query.answer()
    async with context.read_session() as session:
        current = as_data(await registrations.load_initiative(session, initiative_id))
    context.user_data["editing"] = {"id": initiative_id, "field": field, "chosen": current[field] if field in ("networks", "languages") else None}
    return await _ask(update, context, EDIT_TEXT if field in TEXT_FIELDS else EDIT_CHOICE)


async def _ask(update: Update, context: KnooppuntContext, state: object) -> str | int:
    """The question for the field being edited (also when it is asked again)."""
    _ = context.gettext
    editing = context.user_data.get("editing")
    if not editing:
        return END
    field = editing["field"]
    hint = "\n\n" + step_hint(_, back=False)
    if field in TEXT_FIELDS:
        prompts = {
            "name": context.ngettext("Typ de nieuwe naam (hoogstens {limit} teken).", "Typ de nieuwe naam (hoogstens {limit} tekens).", rules.NAME_MAX).format(limit=rules.NAME_MAX),
            "description": context.ngettext("Typ de nieuwe beschrijving (hoogstens {limit} teken).", "Typ de nieuwe beschrijving (hoogstens {limit} tekens).", rules.DESCRIPTION_MAX).format(limit=rules.DESCRIPTION_MAX),
            "phone": _("Typ het nieuwe telefoonnummer, of - om het weg te halen."),
            "email": _("Typ het nieuwe e-mailadres, of - om het weg te halen."),
            "website": _("Typ de nieuwe website, of - om hem weg te halen."),
            "hours": _("Typ de nieuwe openingstijden. Bijvoorbeeld: <i>ma en wo 10-16, za 12-17</i> of <i>op afspraak</i>. Of - om ze weg te halen."),
            "place": _("Stuur de nieuwe locatie, of typ een postcode of adres met postcode."),
        }
        await context.bot.send_message(update.effective_chat.id, prompts[field] + hint)
        return EDIT_TEXT
    await context.bot.send_message(update.effective_chat.id, _("Kies hieronder.") + hint, reply_markup=await _choice_markup(context, field, editing["chosen"]))
    return EDIT_CHOICE


def _takes_location(context: KnooppuntContext, state: object) -> bool:
    return state == EDIT_TEXT and (context.user_data.get("editing") or {}).get("field") == "place"


STEPS = Steps("wijzigen", N_("een wijziging"), _ask, takes_location=_takes_location)


async def _choice_markup(context: KnooppuntContext, field: str, chosen) -> InlineKeyboardMarkup:  # noqa: ANN001
    _ = context.gettext
    done = [InlineKeyboardButton(_("Klaar ✔️"), callback_data="ed:done")]
    if field == "category":
        buttons = [InlineKeyboardButton(_(c.name), callback_data=f"ed:{c.code}") for c in CATEGORIES]
        return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
    if field == "wheelchair":
        return InlineKeyboardMarkup([[InlineKeyboardButton(_(label), callback_data=f"ed:{code}")] for code, label in WHEELCHAIR_LABELS.items()])
    if field == "networks":
        async with context.read_session() as session:
            found = await networks.list_networks(session)
        return InlineKeyboardMarkup([[InlineKeyboardButton(("✅ " if n.id in chosen else "▫️ ") + n.name, callback_data=f"ed:{n.id}")] for n in found] + [done])
    buttons = [InlineKeyboardButton(("✅ " if code in chosen else "") + language_label(code, context.language), callback_data=f"ed:{code}")
               for code in rules.LANGUAGE_CHOICES]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)] + [done])


async def got_text(update: Update, context: KnooppuntContext) -> str | int:
    editing = context.user_data.get("editing")
    if not editing:
        return END
    _ = context.gettext
    field, message = editing["field"], update.effective_message
    if field == "place":
        if message.location:
            from domain.gazetteer import buurt_for_point

            buurt = buurt_for_point(message.location.latitude, message.location.longitude)
            value = {"lat": message.location.latitude, "lon": message.location.longitude, "buurt": buurt.name if buurt else None, "approximate": False}
        else:
            value = place_from_text(" ".join((message.text or "").split()))
            if value is None or "unknown_postcode" in value:
                await message.reply_text(_("Die plek vind ik niet. Typ een postcode (zoals 3026 AB) of stuur je locatie."))
                return EDIT_TEXT
        return await _save(update, context, value)
    text = (message.text or "").strip()
    if not text:
        await message.reply_text(_("Typ je antwoord als tekst.") + "\n\n" + step_hint(_, back=False))
        return EDIT_TEXT
    cleaners = {"name": rules.clean_name, "description": rules.clean_description, "phone": rules.clean_phone,
                "email": rules.clean_email, "website": rules.clean_website}
    try:
        if field == "hours":
            hours = None if text == "-" else " ".join(text.split())
            value = {"text": hours, "schedule": parse_hours(hours)}
        elif text == "-" and field in ("phone", "email", "website"):
            value = None
        else:
            value = cleaners[field](text)
    except rules.FieldError as error:
        await message.reply_text(rules.describe_field_error(error, context.translator))
        return EDIT_TEXT
    except OpeningHoursError as error:
        question, markup, choices = hours_question(error, context.translator, context.language, "ed:hours:")
        sent = await message.reply_text(question, reply_markup=markup)
        editing["hours_choices"] = {"message_id": sent.message_id, "texts": choices}
        return EDIT_TEXT
    return await _save(update, context, value)


async def got_hours_choice(update: Update, context: KnooppuntContext) -> str | int:
    """One of the two readings of the hours, tapped; a button of an older question is refused."""
    query = update.callback_query
    await query.answer()
    editing = context.user_data.get("editing")
    if not editing or editing.get("field") != "hours":
        return END
    choices = editing.get("hours_choices") or {}
    index = int(query.data.removeprefix("ed:hours:"))
    if choices.get("message_id") != query.message.message_id or index >= len(choices.get("texts", [])):
        await query.message.reply_text(context.gettext("Die knop hoort bij een oudere vraag. Typ de openingstijden opnieuw."))
        return EDIT_TEXT
    text = choices["texts"][index]
    return await _save(update, context, {"text": text, "schedule": parse_hours(text)})


async def got_choice(update: Update, context: KnooppuntContext) -> str | int:
    query = update.callback_query
    await query.answer()
    editing = context.user_data.get("editing")
    if not editing:
        return END
    field, choice = editing["field"], query.data.removeprefix("ed:")
    if field == "category":
        if get_category(choice) is None:
            return EDIT_CHOICE
        return await _save(update, context, choice)
    if field == "wheelchair":
        if choice not in rules.WHEELCHAIR_CHOICES:
            return EDIT_CHOICE
        return await _save(update, context, choice)
    chosen = list(editing["chosen"])
    if choice == "done":
        if field == "networks" and not chosen:
            await context.bot.send_message(update.effective_chat.id, context.gettext("Kies minstens één netwerk."))
            return EDIT_CHOICE
        return await _save(update, context, sorted(chosen))
    if field == "networks":
        async with context.read_session() as session:
            valid = {n.id for n in await networks.list_networks(session)}
        if db_id(choice) not in valid:
            return EDIT_CHOICE
        item = db_id(choice)
    elif choice in rules.LANGUAGE_CHOICES:
        item = choice
    else:
        return EDIT_CHOICE
    chosen.remove(item) if item in chosen else chosen.append(item)
    editing["chosen"] = chosen
    try:
        await query.edit_message_reply_markup(await _choice_markup(context, field, chosen))
    except TelegramError:
        logger.debug("Could not update the choice buttons", exc_info=True)
    return EDIT_CHOICE


async def got_category_text(update: Update, context: KnooppuntContext) -> str | int:
    editing = context.user_data.get("editing")
    if editing and editing["field"] == "category":
        category = match_category(update.effective_message.text or "")
        if category is not None:
            return await _save(update, context, category.code)
    await update.effective_message.reply_text(context.gettext("Kies met de knoppen hierboven.") + "\n\n" + step_hint(context.gettext, back=False))
    return EDIT_CHOICE


async def _save(update: Update, context: KnooppuntContext, value) -> int:  # noqa: ANN001
    """Apply at once, or ask a coordinator (name, category, networks). Authorised again here."""
    editing = context.user_data.pop("editing", None)
    _ = context.gettext
    initiative_id, field = editing["id"], editing["field"]
    user_id = update.effective_user.id
    if not await _allowed(update, context, roles.EDIT, initiative_id, "edit"):
        return END
    async with context.session() as session:
        initiative = await registrations.load_initiative(session, initiative_id)
        name = initiative.name
        if field in stewardship.FIELDS_NEEDING_APPROVAL:
            request = await stewardship.request_change(session, initiative_id, field, value, user_id, now())
            audit.record(session, user_id, "edit_requested", "initiative", initiative_id, field=field, request=request.id)
            await approval.queue_change_cards(session, context, request.id)
            request_id = request.id
        else:
            await stewardship.apply_change(session, initiative, field, value, now())
            audit.record(session, user_id, "edit", "initiative", initiative_id, field=field)
            who = update.effective_user.first_name or str(user_id)
            await approval.queue_for_coordinators(session, context, initiative_id, _edited_note(who, name, field))
            request_id = None
    context.bot_data.outbox.wake()
    if request_id is not None:
        await context.bot.send_message(update.effective_chat.id, _("Dank je! Een coördinator kijkt naar deze wijziging. Je hoort het als die is goedgekeurd."))
        return END
    await context.bot.send_message(update.effective_chat.id, _("Bewaard! Bewoners zien het nu zo."))
    text, markup = await _card(context, initiative_id, user_id)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    return END


def _edited_note(who: str, name: str, field: str):  # noqa: ANN202
    def build(_):  # noqa: ANN001, ANN202
        return _("ℹ️ {who} heeft bij {initiative} dit gewijzigd: {field}.").format(
            who=escape(who), initiative=escape(name), field=_(FIELD_LABELS[field])), None

    return build


async def cancel_edit(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop("editing", None)
    await update.effective_message.reply_text(context.gettext("Gestopt. Er is niets veranderd."))
    return END


# -- pause, resume, close, verify --------------------------------------------------------------


async def change_status(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    action = query.data.split(":")[1]
    initiative_id, _field = _ids(query.data)
    _ = context.gettext
    if action == "x":  # closing is final: ask once more
        if not await _allowed(update, context, roles.MANAGE_INITIATIVE, initiative_id, "close"):
            return
        await query.answer()
        await context.bot.send_message(
            update.effective_chat.id,
            _("Weet je het zeker? Na sluiten kunnen bewoners het initiatief niet meer vinden in Knooppunt."),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(_("🚪 Ja, sluiten"), callback_data=f"own:xx:{initiative_id}")]]),
        )
        return
    transitions = {"p": (("active",), "paused", "pause"), "r": (("paused",), "active", "resume"), "xx": (("active", "paused"), "closed", "close")}
    if action not in transitions:
        await query.answer()
        return
    from_statuses, to_status, audit_action = transitions[action]
    if not await _allowed(update, context, roles.MANAGE_INITIATIVE, initiative_id, audit_action):
        return
    await query.answer()
    async with context.session() as session:
        changed = await stewardship.set_status(session, initiative_id, from_statuses, to_status, now())
        name = (await registrations.load_initiative(session, initiative_id)).name
        if changed:
            audit.record(session, update.effective_user.id, audit_action, "initiative", initiative_id)
            who = update.effective_user.first_name or str(update.effective_user.id)
            await approval.queue_for_coordinators(session, context, initiative_id, _status_note(who, name, to_status))
    context.bot_data.outbox.wake()
    if not changed:
        await context.bot.send_message(update.effective_chat.id, _("Dat kan nu niet meer. Kijk bij /mijn hoe het ervoor staat."))
        return
    texts = {"paused": _("Gepauzeerd. Bewoners kunnen het niet meer vinden, tot je het weer opent."),
             "active": _("Weer open! Bewoners kunnen het weer vinden."),
             "closed": _("Gesloten. Dank je voor alles wat jullie gedaan hebben!")}
    await context.bot.send_message(update.effective_chat.id, texts[to_status])


def _status_note(who: str, name: str, status: str):  # noqa: ANN202
    def build(_):  # noqa: ANN001, ANN202
        return _("ℹ️ {who} heeft de status van {initiative} veranderd in: {status}.").format(
            who=escape(who), initiative=escape(name), status=_(STATUS_LABELS[status])), None

    return build


async def verify(update: Update, context: KnooppuntContext) -> None:
    initiative_id, _field = _ids(update.callback_query.data)
    if not await _allowed(update, context, roles.VERIFY, initiative_id, "verify"):
        return
    await update.callback_query.answer()
    async with context.session() as session:
        await stewardship.verify(session, initiative_id, now())
        audit.record(session, update.effective_user.id, "verify", "initiative", initiative_id)
    await context.bot.send_message(update.effective_chat.id, context.gettext("Dank je! We weten nu dat alles klopt."))


# -- co-owners -------------------------------------------------------------------------------------


async def invite(update: Update, context: KnooppuntContext) -> None:
    initiative_id, _field = _ids(update.callback_query.data)
    if not await _allowed(update, context, roles.MANAGE_INITIATIVE, initiative_id, "invite"):
        return
    await update.callback_query.answer()
    token = secrets.token_urlsafe(16)
    async with context.session() as session:
        await stewardship.create_invitation(session, initiative_id, update.effective_user.id, token, now() + rules.INVITATION_VALID_FOR)
        audit.record(session, update.effective_user.id, "invite", "initiative", initiative_id)
    link = deep_link(context.bot.username, "inv", token)
    await context.bot.send_message(
        update.effective_chat.id,
        context.gettext("Stuur deze link naar je mede-eigenaar. De link werkt één keer en is 7 dagen geldig:\n{link}").format(link=link),
    )


# Said to the inviter in their own language (approval.queue_to translates it): N_ so the extractor sees it.
JOINED = N_("{who} is nu mede-eigenaar van {initiative}.")


async def accept_invitation(update: Update, context: KnooppuntContext, payload: str) -> None:
    _ = context.gettext
    user = update.effective_user
    async with context.session() as session:
        outcome, invitation = await stewardship.redeem_invitation(session, payload, user.id, now())
        if outcome == "ok":
            audit.record(session, user.id, "join", "initiative", invitation.initiative_id, invited_by=invitation.created_by)
            name = (await registrations.load_initiative(session, invitation.initiative_id)).name
            inviter_language = await approval.language_of(session, invitation.created_by, context.settings.default_language)
            who = user.first_name or str(user.id)
            await approval.queue_to(
                session, context, invitation.created_by, inviter_language,
                lambda g: (g(JOINED).format(who=escape(who), initiative=escape(name)), None),
                f"joined:{invitation.initiative_id}:{user.id}")
        else:
            audit.record_denied(session, user.id, "join", "invitation", None, why=outcome)
    if outcome != "ok":
        texts = {"member": _("Je hoort al bij dit initiatief. Kijk bij /mijn."),
                 "expired": _("Deze uitnodiging is verlopen. Vraag om een nieuwe link."),
                 "used": _("Deze uitnodiging is al gebruikt. Vraag om een nieuwe link.")}
        await update.effective_message.reply_text(texts.get(outcome, _("Deze uitnodiging ken ik niet. Vraag om een nieuwe link.")))
        return
    context.bot_data.outbox.wake()
    await update.effective_message.reply_text(_("Welkom! Je bent nu mede-eigenaar van <b>{name}</b>. Kijk bij /mijn.").format(name=escape(name)))


# -- freshness --------------------------------------------------------------------------------------


async def freshness_check(context: KnooppuntContext) -> None:
    """Job 'freshness-check' (monthly): ask owners "Klopt dit nog?"; flag stale ones to coordinators."""
    moment = now()
    default = context.settings.default_language
    asked = 0
    flagged: dict[int, list[tuple[str, int, bool]]] = {}
    month = moment.strftime("%Y-%m")  # one check a month: a second run (restart, other process) queues nothing
    async with context.session() as session:
        for item in await stewardship.live_initiatives(session):
            initiative = await registrations.load_initiative(session, item.id)
            data = as_data(initiative)
            names = await registrations.network_names(session, data["networks"])
            for owner in await stewardship.owner_ids(session, item.id):
                language = await approval.language_of(session, owner, default)
                await approval.queue_to(session, context, owner, language, _ask_owner(item.id, data, names, language),
                                        f"freshness:{month}:{item.id}:{owner}")
                asked += 1
            if rules.is_flagged(initiative.last_verified_at, initiative.created_at, moment):
                days = rules.days_unverified(initiative.last_verified_at, initiative.created_at, moment)
                hidden = rules.is_hidden(initiative.last_verified_at, initiative.created_at, moment)
                for coordinator in await approval.deciders(session, context.settings.admin_ids, data["networks"]):
                    flagged.setdefault(coordinator, []).append((initiative.name, days, hidden))
        for coordinator, items in flagged.items():
            # Many stale initiatives (an import, an admin who gets every network) make a long note: in parts.
            language = await approval.language_of(session, coordinator, default)
            note, _markup = _flag_note(items, language)(get_translator(language).gettext)
            for index, part in enumerate(split_message(note)):
                await approval.queue_to(session, context, coordinator, language, lambda _g, text=part: (text, None),
                                        f"freshness-flag:{month}:{coordinator}:{index}")
        audit.record(session, None, "freshness_check", asked=asked, flagged=sum(len(v) for v in flagged.values()))
    context.bot_data.outbox.wake()


def _ask_owner(initiative_id: int, data: dict, names: list[str], language: str):  # noqa: ANN202
    def build(_):  # noqa: ANN001, ANN202
        text = "\n".join([_("<b>Klopt dit nog?</b>"), "", summary(data, names, _, language)])
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("✅ Ja, klopt"), callback_data=f"own:ok:{initiative_id}"),
                                        InlineKeyboardButton(_("✏️ Wijzigen"), callback_data=f"own:f:{initiative_id}")]])
        return text, markup

    return build


def _flag_note(items: list[tuple[str, int, bool]], language: str):  # noqa: ANN202
    ngettext = get_translator(language).ngettext

    def build(_):  # noqa: ANN001, ANN202
        lines = [_("⚠️ Deze initiatieven zijn lang niet bevestigd door hun eigenaar:")]
        for name, days, hidden in items:
            line = ngettext("• {name}: {days} dag", "• {name}: {days} dagen", days).format(name=escape(name), days=days)
            if hidden:
                line += " " + _("(niet meer zichtbaar voor bewoners)")
            lines.append(line)
        return "\n".join(lines), None

    return build


async def on_startup(application: Application) -> None:
    """Jobs: the monthly freshness check (1st of the month, 10:00) and the hourly draft expiry."""
    job_queue = application.job_queue
    if job_queue is None:
        return
    from handlers.governance.registration import expire_drafts

    timezone_ = application.bot_data.settings.timezone
    job_queue.run_custom(
        freshness_check, name=FRESHNESS_JOB,
        job_kwargs={"trigger": CronTrigger(day=1, hour=10, minute=0, timezone=timezone_), "id": FRESHNESS_JOB,
                    "replace_existing": True, "misfire_grace_time": 6 * 3600, "coalesce": True},
    )
    job_queue.run_repeating(
        expire_drafts, interval=3600, first=60, name=DRAFT_EXPIRY_JOB,
        job_kwargs={"id": DRAFT_EXPIRY_JOB, "replace_existing": True, "misfire_grace_time": 600, "coalesce": True},
    )


register_deep_link("inv", accept_invitation)  # once per process: the table is module-wide


def register(application: Application) -> None:
    add_conversation(
        application,
        lambda: ConversationHandler(
                entry_points=[CallbackQueryHandler(start_edit, pattern=r"^own:e:")],
                states={
                    EDIT_TEXT: [MessageHandler(PRIVATE & (filters.LOCATION | (filters.TEXT & ~filters.COMMAND)), got_text),
                                CallbackQueryHandler(got_hours_choice, pattern=r"^ed:hours:[01]$")],
                    EDIT_CHOICE: [CallbackQueryHandler(got_choice, pattern=r"^ed:"),
                                  MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, got_category_text)],
                },
                fallbacks=STEPS.fallbacks(cancel_edit),
                name="wijzigen",
                allow_reentry=True,
            ),
    )
    application.add_handler(CommandHandler(["mijn", "mine"], mine, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(mine_page, pattern=r"^own:l:"))
    application.add_handler(CallbackQueryHandler(show, pattern=r"^own:v:"))
    application.add_handler(CallbackQueryHandler(field_menu, pattern=r"^own:f:"))
    application.add_handler(CallbackQueryHandler(verify, pattern=r"^own:ok:"))
    application.add_handler(CallbackQueryHandler(invite, pattern=r"^own:i:"))
    application.add_handler(CallbackQueryHandler(change_status, pattern=r"^own:(p|r|x|xx):"))
