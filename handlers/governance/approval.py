"""Coordinators decide: approval cards for new initiatives and for changes that need a look.

Cards go to the coordinators of the initiative's networks (admins when there are none). The first
decision wins (a conditional UPDATE); every card is then edited to show who decided, and the
applicant is told. Every press is authorised again on the server; refusals are audited.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler

from domain.ids import db_id
from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator, user_language
from domain import registration as rules
from handlers.core.common import Steps, add_typed_answer, escape, step_hint
from handlers.governance.initiative_text import FIELD_LABELS, as_data, category_label, summary
from storage.repositories import audit, networks, outbox, registrations, roles, stewardship, users

logger = logging.getLogger(__name__)

END = ConversationHandler.END
REASON = "reason"


async def language_of(session: AsyncSession, user_id: int, default: str) -> str:
    user = await users.get_user(session, user_id)
    return user_language(user, default)


async def deciders(session: AsyncSession, admin_ids: frozenset[int], network_ids: list[int]) -> list[int]:
    """Coordinators of these networks; the admins when nobody coordinates them."""
    found = await networks.coordinator_ids(session, network_ids)
    return found or sorted(admin_ids)


async def queue_to(session: AsyncSession, context: KnooppuntContext, user_id: int, language: str, build: Callable, key: str | None = None) -> None:  # noqa: ANN001
    """Queue `build(gettext)` -> (text, markup) for a person in the caller's transaction (the outbox sends it)."""
    text, markup = build(get_translator(language).gettext)
    await outbox.enqueue(session, user_id, "approval", text, key or f"approval:{user_id}:{uuid.uuid4().hex}", context.now(),
                         reply_markup=markup.to_dict() if markup is not None else None)


def card_key(kind: str, subject_id: int, user_id: int | None = None) -> str:
    """Cards are outbox rows with these keys; a decision edits the sent ones and drops the rest."""
    return f"card:{kind}:{subject_id}:" + ("" if user_id is None else str(user_id))


# -- cards for a new initiative ------------------------------------------------------------------


def _registration_card(data: dict, names: list[str], applicant: str, initiative_id: int, language: str, outcome: str | None = None):  # noqa: ANN202
    def build(_):  # noqa: ANN001, ANN202
        lines = [_("📝 <b>Nieuwe aanmelding</b> van {name}").format(name=escape(applicant)), "", summary(data, names, _, language)]
        if outcome:
            lines += ["", _outcome_text(_, outcome)]
            return "\n".join(lines), None
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(_("✅ Goedkeuren"), callback_data=f"apr:ok:{initiative_id}"),
              InlineKeyboardButton(_("❌ Afwijzen"), callback_data=f"apr:no:{initiative_id}")]]
        )
        return "\n".join(lines), markup

    return build


def _outcome_text(_, outcome: str) -> str:  # noqa: ANN001
    kind, _sep, who = outcome.partition(":")
    if kind == "approved":
        return _("✅ Goedgekeurd door {name}").format(name=escape(who))
    return _("❌ Afgewezen door {name}").format(name=escape(who))


async def _registration_view(session: AsyncSession, initiative_id: int) -> tuple[dict, list[str], str] | None:
    initiative = await registrations.load_initiative(session, initiative_id)
    if initiative is None:
        return None
    data = as_data(initiative)
    names = await registrations.network_names(session, data["networks"])
    applicant = await users.get_user(session, initiative.created_by) if initiative.created_by else None
    applicant_name = applicant.first_name if applicant and applicant.first_name else str(initiative.created_by)
    return data, names, applicant_name


async def queue_registration_cards(session: AsyncSession, context: KnooppuntContext, initiative_id: int) -> None:
    """A card for each decider, queued in the transaction that registered the initiative."""
    default = context.settings.default_language
    data, names, applicant = await _registration_view(session, initiative_id)
    recipients = await deciders(session, context.settings.admin_ids, data["networks"])
    for user_id in recipients:
        language = await language_of(session, user_id, default)
        await queue_to(session, context, user_id, language, _registration_card(data, names, applicant, initiative_id, language),
                       card_key("reg", initiative_id, user_id))
    if not recipients:
        logger.warning("No coordinator or admin to ask about initiative %s", initiative_id)


# -- cards for a change -------------------------------------------------------------------------


def _value_text(field: str, value, _, names: dict[int, str]) -> str:  # noqa: ANN001
    if field == "category":
        return escape(category_label(value, _))
    if field == "networks":
        return escape(", ".join(names.get(n, str(n)) for n in value))
    return escape(str(value))


def _change_card(initiative_name: str, field: str, old, new, requester: str, request_id: int, names: dict[int, str], outcome: str | None = None):  # noqa: ANN001, ANN202
    def build(_):  # noqa: ANN001, ANN202
        lines = [
            _("✏️ <b>Wijziging</b> voor {initiative}, gevraagd door {name}").format(initiative=escape(initiative_name), name=escape(requester)),
            "",
            f"{_(FIELD_LABELS[field])}:",
            _("was: {value}").format(value=_value_text(field, old, _, names)),
            _("wordt: {value}").format(value=_value_text(field, new, _, names)),
        ]
        if outcome:
            return "\n".join([*lines, "", _outcome_text(_, outcome)]), None
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(_("✅ Goedkeuren"), callback_data=f"chg:ok:{request_id}"),
              InlineKeyboardButton(_("❌ Afwijzen"), callback_data=f"chg:no:{request_id}")]]
        )
        return "\n".join(lines), markup

    return build


async def _change_view(session: AsyncSession, request_id: int):  # noqa: ANN202
    request = await stewardship.get_change_request(session, request_id)
    if request is None:
        return None
    initiative = await registrations.load_initiative(session, request.initiative_id)
    current = as_data(initiative)
    requester = await users.get_user(session, request.requested_by)
    names = {n.id: n.name for n in await networks.list_networks(session)}
    new_value = request.value["value"]
    old_value = current[request.field]
    # Only those who may decide get a card: the coordinators of the networks it is in now (roles.may_decide_on_initiative).
    network_ids = sorted(current["networks"])
    requester_name = requester.first_name if requester and requester.first_name else str(request.requested_by)
    return request, initiative, old_value, new_value, requester_name, names, network_ids


async def queue_change_cards(session: AsyncSession, context: KnooppuntContext, request_id: int) -> None:
    """A card for each decider, queued in the transaction that asked for the change."""
    default = context.settings.default_language
    request, initiative, old, new, requester, names, network_ids = await _change_view(session, request_id)
    for user_id in await deciders(session, context.settings.admin_ids, network_ids):
        language = await language_of(session, user_id, default)
        await queue_to(session, context, user_id, language, _change_card(initiative.name, request.field, old, new, requester, request_id, names),
                       card_key("chg", request_id, user_id))


async def queue_for_coordinators(session: AsyncSession, context: KnooppuntContext, initiative_id: int, build: Callable) -> None:  # noqa: ANN001
    """A note (not a card) to the coordinators of an initiative's networks, each in their language."""
    default = context.settings.default_language
    network_ids = await stewardship.network_ids_of(session, initiative_id)
    for user_id in await deciders(session, context.settings.admin_ids, network_ids):
        await queue_to(session, context, user_id, await language_of(session, user_id, default), build)


# -- decisions ----------------------------------------------------------------------------------


async def refuse(update: Update, context: KnooppuntContext, attempted: str, subject_type: str, subject_id: object, why: str) -> None:
    """Answer politely, change nothing, and record the attempt."""
    async with context.session() as session:
        audit.record_denied(session, update.effective_user.id, attempted, subject_type, subject_id, why=why)
    _ = context.gettext
    if why == "already decided":
        text = _("Dit is al besloten.")
    elif why == "gone":
        text = _("Dit initiatief bestaat niet meer. Er is niets te besluiten.") if subject_type == "initiative" else _(
            "Deze wijziging bestaat niet meer. Er is niets te besluiten.")
    else:
        text = _("Dit mag je niet doen.")
    await update.callback_query.answer(text, show_alert=True)


def _subject_id(data: str) -> int | None:
    return db_id(data.rsplit(":", 1)[-1])


async def _authorised(update: Update, context: KnooppuntContext, kind: str, subject_id: int | None, attempted: str) -> bool:
    """Is this person allowed to decide on this registration (kind 'reg') or change ('chg'), still open?

    An old card whose initiative (or change) was deleted since: coordinators and admins, who get
    such cards, hear that it no longer exists; anyone else hears "not allowed", exactly as for a
    subject that exists, so a press never tells a non-coordinator whether an id exists. Both are
    refusals and recorded as denied.
    """
    user_id = update.effective_user.id
    subject_type = "initiative" if kind == "reg" else "change_request"
    async with context.session() as session:
        allowed = False
        still_open = False
        gone = False
        if subject_id is not None:
            if kind == "reg":
                initiative = await registrations.load_initiative(session, subject_id)
                if initiative is not None:
                    allowed = await roles.may(session, context.settings.admin_ids, user_id, roles.DECIDE, subject_id)
                    still_open = initiative.status == "pending"
                gone = initiative is None
            else:
                request = await stewardship.get_change_request(session, subject_id)
                if request is not None:
                    allowed = await roles.may(session, context.settings.admin_ids, user_id, roles.DECIDE, request.initiative_id)
                    still_open = request.status == "pending"
                gone = request is None
            gone = gone and (roles.is_admin(context.settings.admin_ids, user_id) or await roles.is_coordinator(session, user_id))
    if gone:
        await refuse(update, context, attempted, subject_type, subject_id, "gone")
        return False
    if not allowed:
        await refuse(update, context, attempted, subject_type, subject_id, "not allowed")
        return False
    if not still_open:
        await refuse(update, context, attempted, subject_type, subject_id, "already decided")
        return False
    return True


async def approve_pressed(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    kind = query.data.split(":", 1)[0]  # apr / chg
    kind = "reg" if kind == "apr" else "chg"
    subject_id = _subject_id(query.data)
    if not await _authorised(update, context, kind, subject_id, "approve"):
        return
    await query.answer()
    await decide(update, context, kind, subject_id, approve=True, reason=None)


async def reject_pressed(update: Update, context: KnooppuntContext) -> str | int:
    query = update.callback_query
    kind = "reg" if query.data.startswith("apr:") else "chg"
    subject_id = _subject_id(query.data)
    if not await _authorised(update, context, kind, subject_id, "reject"):
        return END
    await query.answer()
    context.user_data["rejecting"] = (kind, subject_id)
    await ask_reason(update, context, REASON)
    return REASON


async def ask_reason(update: Update, context: KnooppuntContext, state: object) -> None:
    _ = context.gettext
    await context.bot.send_message(
        update.effective_chat.id,
        _("Waarom wijs je het af? Typ een korte reden. De aanvrager krijgt die te zien.") + "\n\n" + step_hint(_, back=False),
    )


STEPS = Steps("afwijzen", N_("een afwijzing"), ask_reason)


async def reason_given(update: Update, context: KnooppuntContext) -> str | int:
    kind, subject_id = context.user_data.get("rejecting", (None, None))
    if kind is None:
        return END
    try:
        reason = rules.clean_reason(update.effective_message.text)
    except rules.FieldError as error:
        await update.effective_message.reply_text(rules.describe_field_error(error, context.translator))
        return REASON
    context.user_data.pop("rejecting", None)
    await decide(update, context, kind, subject_id, approve=False, reason=reason)
    return END


async def reason_cancelled(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop("rejecting", None)
    await update.effective_message.reply_text(context.gettext("Goed, er is niets afgewezen. De kaart blijft staan."))
    return END


async def decide(update: Update, context: KnooppuntContext, kind: str, subject_id: int, approve: bool, reason: str | None) -> None:
    """Record the decision (unless someone was first), update every card, tell the applicant."""
    user = update.effective_user
    decider = user.first_name or str(user.id)
    async with context.session() as session:
        if kind == "reg":
            won = await registrations.decide(session, subject_id, user.id, approve, reason, context.now())
        else:
            won = await stewardship.decide_change(session, subject_id, user.id, approve, reason, context.now())
        if not won:
            audit.record_denied(session, user.id, "approve" if approve else "reject",
                                "initiative" if kind == "reg" else "change_request", subject_id, why="already decided")
        else:
            action = ("approve" if approve else "reject") + ("" if kind == "reg" else "_change")
            detail = {"reason": reason} if reason else {}
            audit.record(session, user.id, action, "initiative" if kind == "reg" else "change_request", subject_id, **detail)
            await _queue_decided(session, context, kind, subject_id, approve, reason, decider)
    if not won:
        await context.bot.send_message(update.effective_chat.id, context.gettext("Dit is al besloten."))
        return
    await context.bot.send_message(
        update.effective_chat.id,
        context.gettext("Dank je! Je besluit is bewaard en de aanvrager krijgt bericht."),
    )
    context.bot_data.outbox.wake()


def card_edit_key(kind: str, subject_id: int, chat_id: int, message_id: int) -> str:
    """The one edit of a sent card that shows the decision."""
    return f"card-edit:{kind}:{subject_id}:{chat_id}:{message_id}"


async def _queue_decided(session: AsyncSession, context: KnooppuntContext, kind: str, subject_id: int,  # noqa: PLR0913
                         approve: bool, reason: str | None, decider: str) -> None:
    """In the decision's transaction: edit rows for every sent card (the outbox worker edits them,
    the handler never does), drop the unsent cards, and a notice for the applicant."""
    default = context.settings.default_language
    outcome = f"{'approved' if approve else 'rejected'}:{decider}"
    if kind == "reg":
        data, names, applicant = await _registration_view(session, subject_id)
        initiative = await registrations.load_initiative(session, subject_id)
        applicant_id, initiative_name = initiative.created_by, initiative.name
        build_for = lambda language: _registration_card(data, names, applicant, subject_id, language, outcome)  # noqa: E731
    else:
        request, initiative, old, new, requester, names_by_id, _ids = await _change_view(session, subject_id)
        applicant_id, initiative_name = request.requested_by, initiative.name
        build_for = lambda language: _change_card(initiative.name, request.field, old, new, requester, subject_id, names_by_id, outcome)  # noqa: E731
    # Cards sent before the outbox (approval_cards) and cards the outbox sent; unsent ones are dropped.
    card_rows = [(card.chat_id, card.message_id) for card in await registrations.cards(session, kind, subject_id)]
    card_rows += await outbox.sent_messages(session, card_key(kind, subject_id))
    await outbox.cancel(session, card_key(kind, subject_id), "decided")
    for chat_id, message_id in card_rows:
        language = await language_of(session, chat_id, default)
        text, _markup = build_for(language)(get_translator(language).gettext)
        await outbox.enqueue_edit(session, chat_id, message_id, "approval", text,
                                  card_edit_key(kind, subject_id, chat_id, message_id), context.now())
    if applicant_id:
        applicant_language = await language_of(session, applicant_id, default)
        await queue_to(session, context, applicant_id, applicant_language,
                       _outcome_for_applicant(kind, approve, initiative_name, reason), f"decision:{kind}:{subject_id}")


def _outcome_for_applicant(kind: str, approve: bool, name: str, reason: str | None):  # noqa: ANN202
    def build(_):  # noqa: ANN001, ANN202
        if kind == "reg" and approve:
            text = _("🎉 Goed nieuws! <b>{name}</b> is goedgekeurd. Bewoners kunnen het nu vinden in Knooppunt. Bekijk en wijzig het met /mijn.")
        elif kind == "reg":
            text = _("Je aanmelding van <b>{name}</b> is helaas afgewezen.")
        elif approve:
            text = _("Je wijziging van <b>{name}</b> is goedgekeurd. Bewoners zien het nu zo.")
        else:
            text = _("Je wijziging van <b>{name}</b> is afgewezen.")
        text = text.format(name=escape(name))
        if reason:
            text += "\n" + _("Reden: {reason}").format(reason=escape(reason))
        return text, None

    return build


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(approve_pressed, pattern=r"^(apr|chg):ok:"))
    add_typed_answer(application, STEPS, r"^(apr|chg):no:", reject_pressed, REASON, reason_given, reason_cancelled)
