"""Coordinators decide about a new signal: publish, merge into a published one, or decline.

A card goes (through the outbox) to the coordinators of the networks of the signal's buurt, or to
the admins when it has none. Every press is authorised again on the server (a coordinator of that
buurt, or an admin) and the signal must still wait: the first decision wins, a forged or old press
changes nothing and is audited as denied. After a decision every card shows who decided, and the
author hears it (a decline with its reason) in their own language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator
from domain import voice as rules
from domain.htmltext import truncate
from domain.i18n_markers import Translator
from domain.ids import db_id_field
from handlers.core.common import Steps, add_conversation, escape
from handlers.voice.common import language_of, queue_notice, refuse_press, stem_link, wake_outbox
from storage.repositories import audit, outbox
from storage.repositories import voice as repo
from storage.tables_voice import VoiceSignal

logger = logging.getLogger(__name__)

END = ConversationHandler.END
MERGE, REASON = "merge", "reason"
CONVERSATION = "idee_besluit"
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
WORKING = "voice_deciding"  # user_data: the signal id being merged or declined
# Reasons with one tap; kept as their Dutch text and translated for the author.
QUICK_REASONS = {
    "p": N_("Er staan persoonsgegevens in, zoals een naam, adres of telefoonnummer."),
    "b": N_("Er staat een belediging in."),
    "n": N_("Het gaat niet over de buurt."),
}
# Their buttons: short, so they fit on a phone.
QUICK_REASON_BUTTONS = {
    "p": N_("🔒 Persoonsgegevens"),
    "b": N_("🤬 Belediging"),
    "n": N_("🏘 Niet over de buurt"),
}


def card_key(signal_id: int, user_id: int | None = None) -> str:
    """Cards are outbox rows with these keys; a decision edits the sent ones and drops the rest."""
    return f"voice-card:{signal_id}:" + ("" if user_id is None else str(user_id))


def card_edit_key(signal_id: int, chat_id: int, message_id: int) -> str:
    """The one edit of a sent card that shows the decision."""
    return f"voice-card-edit:{signal_id}:{chat_id}:{message_id}"


def card(signal: VoiceSignal, translator: Translator, outcome: str | None = None) -> tuple[str, InlineKeyboardMarkup | None]:
    """The card a coordinator gets, in their language; with `outcome` the decided version."""
    _ = translator.gettext
    who = rules.author_line(signal.buurt, signal.author_first_name, signal.show_first_name, translator)
    lines = [
        _("💡 <b>Nieuw idee uit {buurt}</b>").format(buurt=escape(signal.buurt)),
        "",
        f"<i>{escape(signal.text)}</i>",
        "",
        _("Thema: {theme}").format(theme=escape(rules.theme_label(signal.theme, translator))),
        _("Anderen zien: {who}").format(who=escape(who)),
    ]
    if outcome is not None:
        return "\n".join([*lines, "", outcome]), None
    lines += [
        "",
        _("Publiceer je het, dan staat het op /stem en kan de buurt het steunen."),
        _("Wijs het af als er persoonsgegevens in staan (namen, adressen, telefoonnummers) of beledigingen."),
        _("Lijkt het op een idee dat er al staat? Voeg het dan samen."),
    ]
    markup = InlineKeyboardMarkup([
        [InlineKeyboardButton(_("✅ Publiceren"), callback_data=f"vm:ok:{signal.id}")],
        [InlineKeyboardButton(_("🔗 Samenvoegen"), callback_data=f"vm:mg:{signal.id}"),
         InlineKeyboardButton(_("❌ Afwijzen"), callback_data=f"vm:no:{signal.id}")],
    ])
    return "\n".join(lines), markup


async def queue_cards(session: AsyncSession, context: KnooppuntContext, signal: VoiceSignal) -> list[int]:
    """A card for each coordinator of the buurt (admins when none), in the caller's transaction."""
    recipients = await repo.deciders_for_buurt(session, context.settings.admin_ids, signal.buurt)
    for user_id in recipients:
        text, markup = card(signal, get_translator(await language_of(session, context, user_id)))
        await outbox.enqueue(session, user_id, "voice", text, card_key(signal.id, user_id), context.now(),
                             reply_markup=markup.to_dict() if markup is not None else None)
    if not recipients:
        logger.warning("Nobody to ask about signal %s", signal.id)
    return recipients


# -- authorisation -------------------------------------------------------------------------------


async def authorised(update: Update, context: KnooppuntContext, signal_id: int | None, attempted: str) -> bool:
    """May this person decide about this signal, and does it still wait? Refusals are audited."""
    user_id = update.effective_user.id
    async with context.read_session() as session:
        signal = await repo.get_signal(session, signal_id) if signal_id is not None else None
        allowed = signal is not None and await repo.may_moderate(session, context.settings.admin_ids, user_id, signal.buurt)
        waiting = allowed and signal is not None and signal.status == rules.SUBMITTED
    if not allowed:
        await refuse_press(update, context, attempted, signal_id, "not allowed")
        return False
    if not waiting:
        await refuse_press(update, context, attempted, signal_id, "already decided")
        return False
    return True


# -- publish -------------------------------------------------------------------------------------


async def publish_pressed(update: Update, context: KnooppuntContext) -> None:
    signal_id = db_id_field(update.callback_query.data, 2)
    if not await authorised(update, context, signal_id, "signal_publish"):
        return
    await update.callback_query.answer()
    await decide(update, context, signal_id, rules.PUBLISHED)


# -- merge ---------------------------------------------------------------------------------------


async def merge_pressed(update: Update, context: KnooppuntContext) -> str | int:
    signal_id = db_id_field(update.callback_query.data, 2)
    if not await authorised(update, context, signal_id, "signal_merge"):
        return END
    await update.callback_query.answer()
    context.user_data[WORKING] = signal_id
    await ask_merge(update, context, MERGE)
    return MERGE


async def ask_merge(update: Update, context: KnooppuntContext, state: object) -> None:
    _ = context.gettext
    await context.bot.send_message(
        update.effective_chat.id,
        _("Met welk idee voeg je het samen? Typ een paar woorden uit dat idee, bijvoorbeeld: bankjes park.") + "\n\n"
        + STEPS.hint(context, MERGE),
    )


async def merge_search(update: Update, context: KnooppuntContext) -> str | int:
    _ = context.gettext
    signal_id = context.user_data.get(WORKING)
    if signal_id is None:
        return END
    async with context.read_session() as session:
        found = await repo.search_published(session, update.effective_message.text or "", exclude_id=signal_id, limit=6)
    if not found:
        await update.effective_message.reply_text(_("Ik vond geen gepubliceerd idee met die woorden. Probeer andere woorden, of typ /stop."))
        return MERGE
    rows = [[InlineKeyboardButton(f"{truncate(' '.join(s.text.split()), max(20, 37 - len(s.buurt)))} ({s.buurt})", callback_data=f"vm:in:{signal_id}:{s.id}")]
            for s in found]
    await update.effective_message.reply_text(_("Bij welk idee hoort het? Kies er een."), reply_markup=InlineKeyboardMarkup(rows))
    return MERGE


async def merge_into_pressed(update: Update, context: KnooppuntContext) -> int:
    data = update.callback_query.data
    signal_id, target_id = db_id_field(data, 2), db_id_field(data, 3)
    if not await authorised(update, context, signal_id, "signal_merge"):
        return END
    async with context.read_session() as session:
        target = await repo.get_published(session, target_id) if target_id is not None and target_id != signal_id else None
    if target is None:
        await refuse_press(update, context, "signal_merge", signal_id, "no such target")
        return END
    await update.callback_query.answer()
    context.user_data.pop(WORKING, None)
    await decide(update, context, signal_id, rules.MERGED, into_id=target.id)
    return END


# -- decline -------------------------------------------------------------------------------------


async def decline_pressed(update: Update, context: KnooppuntContext) -> str | int:
    signal_id = db_id_field(update.callback_query.data, 2)
    if not await authorised(update, context, signal_id, "signal_decline"):
        return END
    await update.callback_query.answer()
    context.user_data[WORKING] = signal_id
    await ask_reason(update, context, REASON)
    return REASON


async def ask_reason(update: Update, context: KnooppuntContext, state: object) -> None:
    _ = context.gettext
    signal_id = context.user_data.get(WORKING)
    rows = [[InlineKeyboardButton(_(QUICK_REASON_BUTTONS[code]), callback_data=f"vm:r:{signal_id}:{code}")] for code in QUICK_REASONS]
    await context.bot.send_message(
        update.effective_chat.id,
        _("Waarom wijs je het af? Kies een reden of typ een korte reden. De schrijver krijgt die te zien.") + "\n\n"
        + STEPS.hint(context, REASON),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def reason_typed(update: Update, context: KnooppuntContext) -> str | int:
    signal_id = context.user_data.get(WORKING)
    if signal_id is None:
        return END
    reason = rules.check_short_text(update.effective_message.text, rules.MAX_REASON_CHARS)
    if reason is None:
        await update.effective_message.reply_text(
            context.gettext("Typ een reden van hooguit {limit} tekens.").format(limit=rules.MAX_REASON_CHARS)
        )
        return REASON
    if not await authorised(update, context, signal_id, "signal_decline"):
        context.user_data.pop(WORKING, None)
        return END
    context.user_data.pop(WORKING, None)
    await decide(update, context, signal_id, rules.DECLINED, reason=reason)
    return END


async def reason_pressed(update: Update, context: KnooppuntContext) -> int:
    data = update.callback_query.data
    signal_id = db_id_field(data, 2)
    reason = QUICK_REASONS.get(data.rsplit(":", 1)[-1])
    if reason is None:
        await refuse_press(update, context, "signal_decline", signal_id, "no such reason")
        return END
    if not await authorised(update, context, signal_id, "signal_decline"):
        return END
    await update.callback_query.answer()
    context.user_data.pop(WORKING, None)
    await decide(update, context, signal_id, rules.DECLINED, reason=reason)
    return END


async def stop(update: Update, context: KnooppuntContext) -> int:
    context.user_data.pop(WORKING, None)
    await update.effective_message.reply_text(context.gettext("Goed, er is niets besloten. De kaart blijft staan."))
    return END


async def reask(update: Update, context: KnooppuntContext, state: object) -> None:
    await (ask_merge if state == MERGE else ask_reason)(update, context, state)


STEPS = Steps(CONVERSATION, N_("een besluit over een idee"), reask)


# -- the decision --------------------------------------------------------------------------------


def reason_text(gettext: Callable[[str], str], reason: str | None) -> str:
    """A quick reason (a Dutch msgid) in the reader's language; a typed reason as it was typed."""
    return gettext(reason) if reason else ""


def _outcome(gettext: Callable[[str], str], status: str, decider: str, reason: str | None) -> str:
    _ = gettext
    if status == rules.PUBLISHED:
        return _("✅ Gepubliceerd door {name}").format(name=escape(decider))
    if status == rules.MERGED:
        return _("🔗 Samengevoegd door {name}").format(name=escape(decider))
    text = _("❌ Afgewezen door {name}").format(name=escape(decider))
    return text + "\n" + _("Reden: {reason}").format(reason=escape(reason_text(gettext, reason)))


def _author_notice(signal: VoiceSignal, status: str, link: str, target: VoiceSignal | None):  # noqa: ANN202
    def build(_: Callable[[str], str], _n: Callable[[str, str, int], str]) -> str:
        quoted = f"<i>{escape(truncate(signal.text, 300))}</i>"
        if status == rules.PUBLISHED:
            return "\n".join([
                _("🎉 <b>Je idee staat op /stem.</b>"), quoted, "",
                _("Buurtbewoners kunnen het nu steunen. Deel deze link met je buren: {link}").format(link=link),
            ])
        if status == rules.MERGED and target is not None:
            return "\n".join([
                _("🔗 <b>Je idee lijkt op een idee dat al op /stem staat.</b>"), quoted, "",
                _("We hebben ze samengevoegd. Jij steunt nu dit idee:"),
                f"<i>{escape(truncate(target.text, 300))}</i>",
                _("Deel deze link met je buren: {link}").format(link=link),
            ])
        return "\n".join([
            _("Je idee is niet op /stem gezet."), quoted, "",
            _("Reden: {reason}").format(reason=escape(reason_text(_, signal.decline_reason))),
            _("Je mag het opnieuw insturen met /idee, zonder namen of beledigingen."),
        ])

    return build


async def decide(update: Update, context: KnooppuntContext, signal_id: int, status: str, *,
                 reason: str | None = None, into_id: int | None = None) -> None:
    """Record the decision (unless someone was first), update every card, tell the author."""
    user = update.effective_user
    decider = user.first_name or str(user.id)
    now = context.now()
    async with context.session() as session:
        if status == rules.PUBLISHED:
            won = await repo.publish(session, signal_id, user.id, now)
        elif status == rules.MERGED and into_id is not None:
            won = await repo.merge(session, signal_id, into_id, user.id, now)
        else:
            won = await repo.decline(session, signal_id, user.id, reason or "", now)
        if not won:
            audit.record_denied(session, user.id, f"signal_{status}", "signal", signal_id, why="already decided")
        else:
            detail = {"reason": reason} if reason else {"into": into_id} if into_id else {}
            audit.record(session, user.id, {"published": "signal_publish", "merged": "signal_merge"}.get(status, "signal_decline"),
                         "signal", signal_id, **detail)
            signal = await repo.get_signal(session, signal_id)
            assert signal is not None
            target = await repo.get_signal(session, into_id) if into_id is not None else None
            if signal.created_by is not None:
                link = stem_link(context, target.id if target is not None else signal.id)
                await queue_notice(session, context, signal.created_by, _author_notice(signal, status, link, target),
                                   f"voice-decision:{signal_id}")
            # The cards already sent show the decision; the unsent ones are dropped. The outbox
            # worker edits them (house rule: the handler only writes rows, in this transaction).
            card_rows = await outbox.sent_messages(session, card_key(signal_id))
            await outbox.cancel(session, card_key(signal_id), "decided")
            for chat_id, message_id in card_rows:
                translator = get_translator(await language_of(session, context, chat_id))
                outcome = _outcome(translator.gettext, status, decider, reason)
                await outbox.enqueue_edit(session, chat_id, message_id, "voice_card", card(signal, translator, outcome)[0],
                                          card_edit_key(signal_id, chat_id, message_id), now)
    if not won:
        await context.bot.send_message(update.effective_chat.id, context.gettext("Dit is al besloten."))
        return
    _ = context.gettext
    done = {
        rules.PUBLISHED: _("Gepubliceerd. Het staat nu op /stem en de schrijver krijgt bericht."),
        rules.MERGED: _("Samengevoegd. De schrijver steunt nu het andere idee en krijgt bericht."),
        rules.DECLINED: _("Afgewezen. De schrijver krijgt de reden te zien."),
    }[status]
    await context.bot.send_message(update.effective_chat.id, done)
    wake_outbox(context)


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(publish_pressed, pattern=r"^vm:ok:"))
    add_conversation(
        application,
        lambda: ConversationHandler(
            entry_points=[CallbackQueryHandler(merge_pressed, pattern=r"^vm:mg:"),
                          CallbackQueryHandler(decline_pressed, pattern=r"^vm:no:")],
            states={
                MERGE: [CallbackQueryHandler(merge_into_pressed, pattern=r"^vm:in:"), MessageHandler(TEXT, merge_search)],
                REASON: [CallbackQueryHandler(reason_pressed, pattern=r"^vm:r:"), MessageHandler(TEXT, reason_typed)],
            },
            fallbacks=STEPS.fallbacks(stop),
            name=CONVERSATION,
            allow_reentry=True,
        ),
    )
    # The same buttons after a restart (the conversation's memory is gone; the data carries the ids).
    application.add_handler(CallbackQueryHandler(merge_into_pressed, pattern=r"^vm:in:"))
    application.add_handler(CallbackQueryHandler(reason_pressed, pattern=r"^vm:r:"))
