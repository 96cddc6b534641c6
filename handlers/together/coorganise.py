"""Activities organised together: the posting initiative invites another; its members accept or decline.

Buttons (checked on the server; refusals audited):
  tc:i:<activity>               "🤝 Samen organiseren" on the card: candidates (same networks)
  tc:q:<activity>               search by name (asks for a typed name)
  tc:p:<activity>:<initiative>  invite that initiative
  tc:a:<activity>:<initiative>  the invited initiative accepts
  tc:d:<activity>:<initiative>  ... or declines
  tc:w:<activity>:<initiative>  the posting initiative withdraws an invitation not answered yet
  tc:l:<activity>:<initiative>  a co-organising initiative's member: "stop organising together?"
  tc:L:<activity>:<initiative>  ... yes: the initiative leaves the activity
Every step is one conditional UPDATE (domain.together.COORGANISER_STEPS), audited, and the other
initiative's members hear it through the outbox.
An accepted co-organiser shows on the card ("Samen met: …"), the activity appears in both
initiatives' lists and in the digests of all their networks, and members of either may edit it.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator
from domain import together as rules
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
        waiting = await repo.open_invitations(session, activity.id)
    _ = context.gettext
    text = _("Met welk initiatief organiseer je <b>{title}</b> samen? Zij krijgen een uitnodiging.").format(title=escape(activity.title))
    if not found:
        text += "\n" + _("In jullie netwerken is er geen ander initiatief om uit te nodigen. Zoek op naam.")
    markup = _candidate_markup(context, activity.id, found)
    if waiting:
        text += "\n\n" + _("Uitgenodigd, nog geen antwoord: {names}").format(names=escape(", ".join(name for _id, name in waiting)))
        rows = [[InlineKeyboardButton(_("↩️ Intrekken: {initiative}").format(initiative=name[:40]),
                                      callback_data=f"tc:w:{activity.id}:{initiative_id}")] for initiative_id, name in waiting]
        markup = InlineKeyboardMarkup([*markup.inline_keyboard, *rows])
    await query.message.reply_text(text, reply_markup=markup)


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
    initiative = await activities_repo.get_initiative(session, initiative_id)
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
    status = None
    async with context.session() as session:
        if ids is not None and await repo.is_active_member(session, user_id, ids[1]):
            activity = await activities_repo.get_activity(session, ids[0])
            if activity is None or not await repo.decide_invitation(session, ids[0], ids[1], action, user_id, now):
                outcome = "already"
                row = await repo.coorganiser(session, ids[0], ids[1])
                status = row.status if row is not None else None
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
        await query.message.reply_text(_invitation_state(context, status))
        return
    context.bot_data.outbox.wake()
    text = (_("✅ Jullie organiseren <b>{title}</b> samen. Jullie kunnen de activiteit nu ook wijzigen.") if outcome == "accept"
            else _("Oké, jullie doen niet mee met <b>{title}</b>.")).format(title=escape(activity.title))
    await show_result(update, context, text)


def _invitation_state(context: KnooppuntContext, status: str | None) -> str:
    """Why a press on an invitation's button changes nothing: what the invitation is now."""
    _ = context.gettext
    if status == rules.ACCEPTED:
        return _("Jullie hebben dit al aangenomen. Jullie organiseren het samen.")
    if status == rules.DECLINED:
        return _("Jullie hebben al nee gezegd op deze uitnodiging.")
    if status == rules.WITHDRAWN:
        return _("Deze uitnodiging is ingetrokken. Er is niets veranderd.")
    if status == rules.LEFT:
        return _("Jullie zijn gestopt met samen organiseren. Er is niets veranderd.")
    return _("Deze uitnodiging bestaat niet meer.")


async def _tell_members(session, initiative_id: int, key: str, now, default: str, write) -> None:  # noqa: ANN001
    """One outbox row per member of an initiative, in their own language: write(gettext) -> text."""
    for member in await repo.member_ids(session, initiative_id):
        language = await posts.language_of(session, member, default)
        await outbox.enqueue(session, member, "together", write(get_translator(language).gettext), f"{key}:{member}", now)


async def withdraw(update: Update, context: KnooppuntContext) -> None:
    """The posting initiative withdraws an invitation the other has not answered yet."""
    query = update.callback_query
    _ = context.gettext
    ids = _ids(query.data, r"tc:w:(\d{1,10}):(\d{1,10})")
    activity = await _own_activity(update, context, ids[0], "together.withdraw") if ids else None
    if activity is None or ids is None or ids[1] is None:
        if ids is None:
            await query.answer()
        return
    invited_id = ids[1]
    user_id = update.effective_user.id
    now = context.now()
    async with context.session() as session:
        done = await repo.decide_invitation(session, activity.id, invited_id, "withdraw", user_id, now)
        name = await repo.initiative_name(session, invited_id)
        if done:
            audit.record(session, user_id, "together.invitation_withdrawn", "activity", activity.id, initiative=invited_id)
            await outbox.cancel(session, f"card:tco:{activity.id}-{invited_id}:", "withdrawn")
            inviter = await repo.initiative_name(session, activity.initiative_id)
            await _tell_members(
                session, invited_id, f"decision:tcw:{activity.id}-{invited_id}", now, context.settings.default_language,
                lambda gettext: gettext("{initiative} vraagt jullie niet meer om samen <b>{title}</b> te organiseren. "
                                        "De uitnodiging is ingetrokken.").format(initiative=escape(inviter), title=escape(activity.title)))
            status = None
        else:
            row = await repo.coorganiser(session, activity.id, invited_id)
            status = row.status if row is not None else None
    await query.answer()
    if not done:
        await query.message.reply_text(_invitation_answer(context, status, name))
        return
    context.bot_data.outbox.wake()
    await show_result(update, context, _("De uitnodiging aan {initiative} is ingetrokken. Zij krijgen een bericht.").format(
        initiative=escape(name)))


def _invitation_answer(context: KnooppuntContext, status: str | None, name: str) -> str:
    """Why withdrawing changes nothing: the invitation was answered or withdrawn before."""
    _ = context.gettext
    if status == rules.ACCEPTED:
        return _("{initiative} heeft al ja gezegd. Jullie organiseren het samen.").format(initiative=escape(name))
    if status == rules.DECLINED:
        return _("{initiative} heeft al nee gezegd.").format(initiative=escape(name))
    if status == rules.WITHDRAWN:
        return _("Deze uitnodiging is al ingetrokken.")
    return _("Deze uitnodiging bestaat niet meer.")


async def _coorganising(update: Update, context: KnooppuntContext, data: str, pattern: str) -> tuple[Activity, int] | None:
    """(activity, initiative) when the presser is a member of that active initiative, which organises
    the activity together with the posting one; otherwise a pop-up (and an audit entry when not a member)."""
    query = update.callback_query
    _ = context.gettext
    user_id = update.effective_user.id
    ids = _ids(data, pattern)
    async with context.session() as session:
        member = ids is not None and ids[1] is not None and await repo.is_active_member(session, user_id, ids[1])
        activity = await activities_repo.get_activity(session, ids[0]) if member and ids is not None else None
        row = await repo.coorganiser(session, ids[0], ids[1]) if member and ids is not None and ids[1] is not None else None
        if not member:
            audit.record_denied(session, user_id, "together.leave", "activity", ids[0] if ids else None)
    if not member:
        await query.answer(_("Dit mag je niet doen."), show_alert=True)
        return None
    if activity is None or row is None or row.status != rules.ACCEPTED or ids is None or ids[1] is None:
        await query.answer()
        await query.message.reply_text(_invitation_state(context, row.status if row is not None else None))
        return None
    return activity, ids[1]


async def leave_ask(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    _ = context.gettext
    found = await _coorganising(update, context, query.data, r"tc:l:(\d{1,10}):(\d{1,10})")
    if found is None:
        return
    activity, initiative_id = found
    await query.answer()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(_("🚪 Ja, stoppen"), callback_data=f"tc:L:{activity.id}:{initiative_id}")]])
    await query.message.reply_text(
        _("Wil je stoppen met samen organiseren van <b>{title}</b>? Jullie kunnen de activiteit dan niet meer wijzigen. "
          "De andere organisator krijgt een bericht.").format(title=escape(activity.title)),
        reply_markup=markup)


async def leave(update: Update, context: KnooppuntContext) -> None:
    """The co-organising initiative leaves: the card no longer names it, its members no longer edit."""
    query = update.callback_query
    _ = context.gettext
    found = await _coorganising(update, context, query.data, r"tc:L:(\d{1,10}):(\d{1,10})")
    if found is None:
        return
    activity, initiative_id = found
    user_id = update.effective_user.id
    now = context.now()
    async with context.session() as session:
        done = await repo.decide_invitation(session, activity.id, initiative_id, "leave", user_id, now)
        if done:
            audit.record(session, user_id, "together.coorganise_left", "activity", activity.id, initiative=initiative_id)
            leaving = await repo.initiative_name(session, initiative_id)
            await _tell_members(
                session, activity.initiative_id, f"decision:tcl:{activity.id}-{initiative_id}", now,
                context.settings.default_language,
                lambda gettext: gettext("{initiative} organiseert <b>{title}</b> niet meer samen met jullie.").format(
                    initiative=escape(leaving), title=escape(activity.title)))
    await query.answer()
    if not done:
        await query.message.reply_text(_invitation_state(context, rules.LEFT))
        return
    context.bot_data.outbox.wake()
    await show_result(update, context, _("Oké, jullie organiseren <b>{title}</b> niet meer samen. De andere organisator weet het.").format(
        title=escape(activity.title)))


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
    application.add_handler(CallbackQueryHandler(withdraw, pattern=r"^tc:w:"))
    application.add_handler(CallbackQueryHandler(leave_ask, pattern=r"^tc:l:"))
    application.add_handler(CallbackQueryHandler(leave, pattern=r"^tc:L:"))
