"""Activities organised together: the posting initiative invites another; its members accept or decline.

Buttons (checked on the server; refusals audited):
  tc:i:<activity>               "🤝 Samen organiseren" on the card: candidates (same networks)
  tc:q:<activity>               search by name (asks for a typed name)
  tc:p:<activity>:<initiative>  invite that initiative
  tc:a:<activity>:<initiative>  the invited initiative accepts
  tc:d:<activity>:<initiative>  ... or declines
An accepted co-organiser shows on the card ("Samen met: …"), the activity appears in both
initiatives' lists and in the digests of all their networks, and members of either may edit it.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator
from domain.ids import db_id
from handlers.core.common import PRIVATE, Steps, add_conversation, escape, show_result, step_hint
from handlers.together import posts
from storage.models import Activity
from storage.repositories import activities as activities_repo
from storage.repositories import audit, outbox
from storage.repositories import together as repo

SEARCH = 70
END = ConversationHandler.END
SEARCHING = "together_search"


def _ids(data: str, pattern: str) -> tuple[int, int | None] | None:
    match = re.fullmatch(pattern, data)
    if match is None or db_id(match.group(1)) is None:
        return None
    second = match.group(2) if match.lastindex and match.lastindex >= 2 else None
    if second is not None and db_id(second) is None:
        return None
    return int(match.group(1)), int(second) if second is not None else None


async def _own_activity(update: Update, context: KnooppuntContext, activity_id: int, attempted: str) -> Activity | None:
    """The activity when the presser is a member of the (active) initiative that posted it."""
    user_id = update.effective_user.id
    async with context.session() as session:
        activity = await activities_repo.get_activity(session, activity_id)
        allowed = activity is not None and activity.status != "cancelled" and await repo.is_active_member(
            session, user_id, activity.initiative_id)
        if not allowed:
            audit.record_denied(session, user_id, attempted, "activity", activity_id)
    if not allowed:
        await update.callback_query.answer(context.gettext("Dit mag je niet doen."), show_alert=True)
        return None
    return activity


def _candidate_markup(context: KnooppuntContext, activity_id: int, found: list) -> InlineKeyboardMarkup:  # noqa: ANN001
    rows = [[InlineKeyboardButton(initiative.name, callback_data=f"tc:p:{activity_id}:{initiative.id}")] for initiative in found]
    rows.append([InlineKeyboardButton(context.gettext("🔎 Zoek op naam"), callback_data=f"tc:q:{activity_id}")])
    return InlineKeyboardMarkup(rows)


async def candidates(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    ids = _ids(query.data, r"tc:i:(\d{1,10})")
    activity = await _own_activity(update, context, ids[0], "together.invite") if ids else None
    if activity is None:
        if ids is None:
            await query.answer()
        return
    await query.answer()
    async with context.read_session() as session:
        found = await repo.coorganiser_candidates(session, activity)
    _ = context.gettext
    text = _("Met welk initiatief organiseer je <b>{title}</b> samen? Zij krijgen een uitnodiging.").format(title=escape(activity.title))
    if not found:
        text += "\n" + _("In jullie netwerken is er geen ander initiatief om uit te nodigen. Zoek op naam.")
    await query.message.reply_text(text, reply_markup=_candidate_markup(context, activity.id, found))


async def search_start(update: Update, context: KnooppuntContext) -> int:
    query = update.callback_query
    ids = _ids(query.data, r"tc:q:(\d{1,10})")
    activity = await _own_activity(update, context, ids[0], "together.invite") if ids else None
    if activity is None:
        if ids is None:
            await query.answer()
        return END
    await query.answer()
    context.user_data[SEARCHING] = activity.id
    await ask(update, context, SEARCH)
    return SEARCH


async def ask(update: Update, context: KnooppuntContext, state: object) -> None:
    await update.effective_message.reply_text(context.gettext("Typ (een deel van) de naam van het initiatief.") + "\n\n"
                                              + step_hint(context.gettext, back=False))


async def search_text(update: Update, context: KnooppuntContext) -> int:
    _ = context.gettext
    activity_id = context.user_data.get(SEARCHING)
    words = " ".join((update.effective_message.text or "").split())[:60]
    if activity_id is None:
        return END
    if len(words) < 2:
        await update.effective_message.reply_text(_("Typ minstens twee letters."))
        return SEARCH
    async with context.read_session() as session:
        activity = await activities_repo.get_activity(session, activity_id)
        found = await repo.coorganiser_candidates(session, activity, search=words) if activity is not None else []
    if not found:
        await update.effective_message.reply_text(_("Ik vind geen actief initiatief met \"{words}\". Probeer een ander woord.").format(
            words=escape(words)))
        return SEARCH
    context.user_data.pop(SEARCHING, None)
    await update.effective_message.reply_text(_("Kies het initiatief:"), reply_markup=_candidate_markup(context, activity_id, found))
    return END


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop(SEARCHING, None)
    await update.effective_message.reply_text(context.gettext("Gestopt. Er is niets veranderd."))
    return END


STEPS = Steps("together_search", N_("een uitnodiging om samen te organiseren"), ask)


async def invite(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    _ = context.gettext
    ids = _ids(query.data, r"tc:p:(\d{1,10}):(\d{1,10})")
    activity = await _own_activity(update, context, ids[0], "together.invite") if ids else None
    if activity is None or ids is None:
        if ids is None:
            await query.answer()
        return
    invited_id = ids[1]
    user_id = update.effective_user.id
    now = context.now()
    default = context.settings.default_language
    async with context.session() as session:
        invited_ok = invited_id != activity.initiative_id and await _is_active(session, invited_id)
        new = invited_ok and await repo.invite_coorganiser(session, activity.id, invited_id, user_id, now)
        if new:
            audit.record(session, user_id, "together.invited", "activity", activity.id, initiative=invited_id)
            inviter = await repo.initiative_name(session, activity.initiative_id)
            for member in await repo.member_ids(session, invited_id):
                language = await posts.language_of(session, member, default)
                gettext = get_translator(language).gettext
                text = gettext("🤝 <b>{initiative}</b> vraagt jullie om samen <b>{title}</b> te organiseren. Doen jullie mee?").format(
                    initiative=escape(inviter), title=escape(activity.title))
                markup = InlineKeyboardMarkup([[
                    InlineKeyboardButton(gettext("✅ Ja, samen"), callback_data=f"tc:a:{activity.id}:{invited_id}"),
                    InlineKeyboardButton(gettext("Nee dank je"), callback_data=f"tc:d:{activity.id}:{invited_id}")]])
                await outbox.enqueue(session, member, "together", text, f"card:tco:{activity.id}-{invited_id}:{member}", now,
                                     reply_markup=markup.to_dict())
            name = await repo.initiative_name(session, invited_id)
        elif not invited_ok:
            audit.record_denied(session, user_id, "together.invite", "initiative", invited_id)
    await query.answer()
    if not invited_ok:
        await query.message.reply_text(_("Dat initiatief kun je niet uitnodigen."))
        return
    if not new:
        await query.message.reply_text(_("Dat initiatief is al uitgenodigd."))
        return
    context.bot_data.outbox.wake()
    await show_result(update, context, _("Uitnodiging verstuurd naar {initiative}. Je hoort het als ze antwoorden.").format(
        initiative=escape(name)))


async def _is_active(session, initiative_id: int) -> bool:  # noqa: ANN001
    from storage.models import Initiative

    initiative = await session.get(Initiative, initiative_id)
    return initiative is not None and initiative.status == "active"


async def answer(update: Update, context: KnooppuntContext) -> None:
    """The invited initiative's member accepts or declines; the inviting members hear it."""
    query = update.callback_query
    _ = context.gettext
    ids = _ids(query.data, r"tc:[ad]:(\d{1,10}):(\d{1,10})")
    action = "accept" if query.data.startswith("tc:a:") else "decline"
    user_id = update.effective_user.id
    now = context.now()
    default = context.settings.default_language
    outcome = "denied"
    async with context.session() as session:
        if ids is not None and await repo.is_active_member(session, user_id, ids[1]):
            activity = await activities_repo.get_activity(session, ids[0])
            if activity is None or not await repo.decide_invitation(session, ids[0], ids[1], action, user_id, now):
                outcome = "already"
            else:
                outcome = action
                audit.record(session, user_id, "together.coorganise_" + ("accepted" if action == "accept" else "declined"),
                             "activity", activity.id, initiative=ids[1])
                await outbox.cancel(session, f"card:tco:{ids[0]}-{ids[1]}:", "decided")
                invited = await repo.initiative_name(session, ids[1])
                for member in await repo.member_ids(session, activity.initiative_id):
                    language = await posts.language_of(session, member, default)
                    gettext = get_translator(language).gettext
                    text = (gettext("🤝 {initiative} organiseert <b>{title}</b> samen met jullie.") if action == "accept" else
                            gettext("{initiative} doet niet mee met <b>{title}</b>.")).format(
                        initiative=escape(invited), title=escape(activity.title))
                    await outbox.enqueue(session, member, "together", text, f"decision:tco:{ids[0]}-{ids[1]}:{member}", now)
        else:
            audit.record_denied(session, user_id, f"together.coorganise_{action}", "activity", ids[0] if ids else None)
    if outcome == "denied":
        await query.answer(_("Dit mag je niet doen."), show_alert=True)
        return
    await query.answer()
    if outcome == "already":
        await query.message.reply_text(_("Dit is al besloten."))
        return
    context.bot_data.outbox.wake()
    text = (_("✅ Jullie organiseren <b>{title}</b> samen. Jullie kunnen de activiteit nu ook wijzigen.") if outcome == "accept"
            else _("Oké, jullie doen niet mee met <b>{title}</b>.")).format(title=escape(activity.title))
    await show_result(update, context, text)


def register(application: Application) -> None:
    add_conversation(
        application,
        lambda: ConversationHandler(
            entry_points=[CallbackQueryHandler(search_start, pattern=r"^tc:q:")],
            states={SEARCH: [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, search_text)]},
            fallbacks=STEPS.fallbacks(stop),
            name="together_search",
            allow_reentry=True,
        ),
    )
    application.add_handler(CallbackQueryHandler(candidates, pattern=r"^tc:i:"))
    application.add_handler(CallbackQueryHandler(invite, pattern=r"^tc:p:"))
    application.add_handler(CallbackQueryHandler(answer, pattern=r"^tc:[ad]:"))
