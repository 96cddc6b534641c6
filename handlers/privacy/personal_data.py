"""Privacy (AVG): /privacy explains, /mijngegevens exports, /vergeetmij erases; a daily retention job."""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from datetime import datetime, timezone

from babel import Locale, UnknownLocaleError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import KnooppuntContext
from bot.i18n import N_, get_translator
from domain.datefmt import format_full_date
from domain.htmltext import truncate
from handlers.core.common import MenuCommand, escape, show_result
from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories import audit, outbox, personal_data, retention, together

logger = logging.getLogger(__name__)

COMMANDS = [
    MenuCommand("privacy", N_("Wat we bewaren en waarom"), private=True, group=True),
    MenuCommand("mijngegevens", N_("Al je gegevens als bestand"), private=True, english="mydata"),
    MenuCommand("vergeetmij", N_("Verwijder je gegevens"), private=True, english="forgetme"),
]
FORGET_PREFIX = "fgt:"
NONCE_KEY = "forget_nonce"
STALE_LOCATION_SWEEP_S = 600  # a remembered location lives at most its window plus ten minutes


def privacy_text(context: KnooppuntContext) -> str:
    """The short version: what a resident needs to know, on one phone screen."""
    _ = context.gettext
    return "\n".join(
        [
            _("<b>Privacy: wat Knooppunt over jou bewaart</b>"),
            _("• Je voornaam, je taal en je Telegram-nummer. Niet je telefoonnummer."),
            _("• Voor welke activiteiten je komt. Dat wissen we 30 dagen na de activiteit."),
            _("• Wanneer je de bot voor het eerst en het laatst gebruikte (per uur)."),
            _("• Ben je vrijwilliger of coördinator: wat je aanmeldt, wijzigt en besluit."),
            _("Je locatie en wat je typt om te zoeken, bewaren we niet. Een locatie die je deelt, onthoudt de bot 2 uur, alleen in zijn geheugen. De knoppen onder een antwoord dragen zelf je vraag."),
            _("We delen niets met anderen en we tonen geen reclame."),
            "",
            _("/mijngegevens – zie wat we over je bewaren"),
            _("/vergeetmij – wis je gegevens"),
        ]
    )


def privacy_more_text(context: KnooppuntContext) -> str:
    """The rest, behind the "Meer uitleg" button: who sees what, how long, and addresses."""
    _ = context.gettext
    return "\n".join(
        [
            privacy_text(context),
            "",
            _("<b>Meer uitleg</b>"),
            _("• Zeg je \"Ik kom\" of zet je herinneringen uit? Dat bewaren we, en welke herinneringen je kreeg."),
            _("• Belangrijke acties, zoals een initiatief goedkeuren: wie het deed en wanneer."),
            _("• Typ je een adres? Dan zoekt een kaartdienst dat adres op, zonder je naam of nummer."),
            _("• Het initiatief ziet hoeveel mensen komen, niet wie."),
            _("• Je ideeën (/idee) en wat je steunt (/stem). Anderen zien alleen hoeveel mensen een idee steunen, nooit wie."),
            _("• Coördinatoren zien wie een initiatief aanmeldt of wijzigt."),
            _("• De beheerders van Knooppunt zien alles, alleen voor onderhoud."),
            _("• Alles behalve aanmeldingen bewaren we tot je zegt dat het weg moet."),
            _("Een vraag? Stel die aan de coördinator van je netwerk."),
        ]
    )


def privacy_buttons(context: KnooppuntContext, more: bool) -> InlineKeyboardMarkup:
    _ = context.gettext
    if more:
        return InlineKeyboardMarkup([[InlineKeyboardButton(_("Minder"), callback_data="pv:less")]])
    return InlineKeyboardMarkup([[InlineKeyboardButton(_("Meer uitleg"), callback_data="pv:more")]])


async def privacy(update: Update, context: KnooppuntContext) -> None:
    await update.effective_message.reply_text(privacy_text(context), reply_markup=privacy_buttons(context, more=False))


async def privacy_toggle(update: Update, context: KnooppuntContext) -> None:
    """"Meer uitleg" and "Minder" edit the same message; nothing new is sent."""
    query = update.callback_query
    await query.answer()
    more = query.data == "pv:more"
    text = privacy_more_text(context) if more else privacy_text(context)
    try:
        await show_result(update, context, text, reply_markup=privacy_buttons(context, more))
    except BadRequest as error:  # a double tap: the message already says this
        if "not modified" not in str(error).lower():
            raise


async def _private_only(update: Update, context: KnooppuntContext) -> bool:
    """Personal data only in the private chat; in a group, point there."""
    if update.effective_chat.type == ChatType.PRIVATE:
        return True
    _ = context.gettext
    await update.effective_message.reply_text(
        _("Dit gaat over jouw gegevens. Stuur mij een privébericht: @{bot}").format(bot=context.bot.username)
    )
    return False


async def my_data(update: Update, context: KnooppuntContext) -> None:
    if not await _private_only(update, context):
        return
    _ = context.gettext
    user_id = update.effective_user.id
    async with context.read_session() as session:
        tables = await personal_data.export(session, user_id)
        found = await personal_data.summary(session, user_id)
        exchange = await together.person_summary(session, user_id)
    await update.effective_message.reply_text(readable_data(context, found, exchange))
    document = {
        "about": f"Knooppunt: everything stored about Telegram user {user_id}",
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "telegram_user_id": user_id,
        "tables": tables,
    }
    payload = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode()
    await update.effective_message.reply_document(
        InputFile(payload, filename=f"knooppunt-{user_id}.json"),
        caption=_("Hetzelfde als bestand, voor wie het precies wil zien. Uitleg: /privacy"),
    )


def readable_data(context: KnooppuntContext, found: personal_data.Summary, exchange: together.ExchangeSummary | None = None) -> str:
    """What we keep about this person, in sentences in their language, with names and dates."""
    _, ngettext = context.gettext, context.ngettext
    tz = context.settings.timezone
    locale = context.language

    def day(moment: datetime) -> str:
        return format_full_date(moment.astimezone(tz).date(), locale=locale)

    lines = [_("<b>Dit weet Knooppunt over jou</b>")]
    user = found.user
    if user is None:
        lines.append(_("Niets. Je staat niet bij ons ingeschreven."))
        return "\n".join(lines)
    lines.append(_("• Je voornaam: {name}.").format(name=escape(user.first_name or "–")))
    language = user.language or user.telegram_language
    lines.append(_("• Je taal: {language}.").format(language=escape(language_name(language, locale)) if language else "–"))
    first, last = day(user.first_seen_at), day(user.last_seen_at)
    if first == last:
        lines.append(_("• Je gebruikte de bot op {day}.").format(day=first))
    else:
        lines.append(_("• Je gebruikte de bot voor het eerst op {first} en het laatst op {last}.").format(first=first, last=last))
    lines.append(_("• Herinneringen staan aan.") if user.reminders_enabled else _("• Herinneringen staan uit."))
    if found.reminders_received:
        lines.append(ngettext("• Je kreeg {n} herinnering.", "• Je kreeg {n} herinneringen.", found.reminders_received).format(
            n=found.reminders_received))
    for title, moment, status in found.rsvps:
        text = _("• Je komt naar {title} op {day}.") if status == "going" else _("• Je staat op de wachtlijst voor {title} op {day}.")
        lines.append(text.format(title=f"<b>{escape(title)}</b>", day=day(moment)))
    for name, role in found.initiatives:
        text = _("• Je bent eigenaar van {name}.") if role == "owner" else _("• Je helpt mee bij {name}.")
        lines.append(text.format(name=f"<b>{escape(name)}</b>"))
    for name in found.networks:
        lines.append(_("• Je bent coördinator van {name}.").format(name=f"<b>{escape(name)}</b>"))
    lines += signal_lines(context, found)
    lines += together_lines(context, exchange)
    lines += ["", _("Alles weghalen? Typ /vergeetmij.")]
    return "\n".join(lines)[:4096]


SIGNAL_STATES = {
    "submitted": N_("een coördinator kijkt ernaar"),
    "published": N_("staat op /stem"),
    "declined": N_("afgewezen"),
    "merged": N_("samengevoegd met een ander idee"),
}


def signal_lines(context: KnooppuntContext, found: personal_data.Summary) -> list[str]:
    """The ideas this person sent (/idee) and supports (/stem): no one else sees who supports what."""
    _ = context.gettext
    lines = []
    for text, status in found.signals:
        lines.append(_("• Je stuurde dit idee in: {text} ({state}).").format(
            text=f"<i>{escape(truncate(text, 80))}</i>", state=escape(_(SIGNAL_STATES.get(status, status)))))
    for text in found.supports:
        lines.append(_("• Je steunt dit idee: {text}.").format(text=f"<i>{escape(truncate(text, 80))}</i>"))
    return lines


def together_lines(context: KnooppuntContext, exchange: together.ExchangeSummary | None) -> list[str]:
    """Vraag & aanbod (handlers.together): how often the person responded, and what they posted."""
    if exchange is None:
        return []
    responses, posted = exchange.responses, exchange.items_posted
    lines = []
    if responses:
        lines.append(context.ngettext("• Je reageerde {n} keer op vraag & aanbod van initiatieven.",
                                      "• Je reageerde {n} keer op vraag & aanbod van initiatieven.", responses).format(n=responses))
    if posted:
        lines.append(context.ngettext("• Je plaatste {n} vraag of aanbod voor je initiatief.",
                                      "• Je plaatste {n} vragen of aanbiedingen voor je initiatief.", posted).format(n=posted))
    return lines


def language_name(code: str, locale: str) -> str:
    """"Nederlands", "Engels": the language's name in the reader's language."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(locale) or code
    except (ValueError, UnknownLocaleError):
        return code


async def forget_me(update: Update, context: KnooppuntContext) -> None:
    if not await _private_only(update, context):
        return
    _ = context.gettext
    nonce = secrets.token_urlsafe(6)
    context.user_data[NONCE_KEY] = nonce
    buttons = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("🗑 Ja, verwijder mijn gegevens"), callback_data=f"{FORGET_PREFIX}ok:{nonce}")],
            [InlineKeyboardButton(_("Nee, niets doen"), callback_data=f"{FORGET_PREFIX}no:{nonce}")],
        ]
    )
    text = "\n".join(
        [
            _("<b>Wil je dat Knooppunt je vergeet?</b>"),
            _("Ik verwijder dan je gegevens, je aanmeldingen voor activiteiten en je herinneringen."),
            _("Je steun voor ideeën gaat weg. Ideeën die je instuurde blijven staan, maar zonder je naam."),
            _("Ben je de enige eigenaar van een initiatief? Dan gaat het naar een mede-eigenaar. Is die er niet, dan zet ik het op pauze en vertel ik het de coördinator."),
            _("Dit kun je niet ongedaan maken."),
        ]
    )
    await update.effective_message.reply_text(text, reply_markup=buttons)


async def forget_answer(update: Update, context: KnooppuntContext) -> None:
    query = update.callback_query
    await query.answer()
    _ = context.gettext
    _prefix, _sep, rest = query.data.partition(":")
    choice, _sep, nonce = rest.partition(":")
    expected = context.user_data.get(NONCE_KEY) if context.user_data is not None else None
    user_id = update.effective_user.id
    if expected is None or not secrets.compare_digest(nonce.encode(), expected.encode()) or choice not in ("ok", "no"):
        async with context.session() as session:
            audit.record_denied(session, user_id, "forget", "user", user_id, data=query.data[:64])
        await query.edit_message_text(_("Deze knop werkt niet meer. Begin opnieuw met /vergeetmij."))
        return
    del context.user_data[NONCE_KEY]
    if choice == "no":
        await query.edit_message_text(_("Goed, ik heb niets verwijderd."))
        return
    async with context.session() as session:
        handovers = await personal_data.hand_over_initiatives(session, user_id)
        for handover in handovers:
            audit.record(session, None, "initiative_handed_over" if handover.new_owner_id else "initiative_paused",
                         "initiative", handover.initiative_id, reason="owner_forgotten")
            coordinators = await personal_data.coordinators_of(session, handover.network_ids, excluding=user_id)
            await _queue_handover_notes(session, context, handover, coordinators)
        counts = await personal_data.erase(session, user_id)
        await outbox.forget_chat(session, user_id)  # messages to them, waiting or sent, go too
        audit.record(session, None, "user_forgotten", "user", None, rows=sum(counts.values()))
    # Their drafts are gone from the database; clearing user_data ends every conversation they were in
    # too (handlers.core.common.add_conversation: a step without its noted state is not an answer).
    context.user_data.clear()
    logger.info("User %s was forgotten (%s rows)", user_id, sum(counts.values()))
    await show_result(update, context,
        _("Klaar. Ik heb je gegevens verwijderd. Stuur je mij later weer een bericht, dan begin ik opnieuw met alleen je id en taal.")
    )
    context.bot_data.outbox.wake()


async def _queue_handover_notes(session: AsyncSession, context: KnooppuntContext, handover: personal_data.Handover, coordinators: set[int]) -> None:
    """Queued with the erasure; a blocked bot or an unreachable chat cannot undo it."""
    language = context.settings.default_language
    _ = get_translator(language).gettext
    name = escape(handover.name)
    messages: list[tuple[int, str]] = []
    if handover.new_owner_id is not None:
        messages.append(
            (handover.new_owner_id, _("De eigenaar van <b>{name}</b> heeft zijn of haar gegevens laten verwijderen. Jij bent nu de eigenaar.").format(name=name))
        )
    else:
        text = _("De enige eigenaar van <b>{name}</b> heeft zijn of haar gegevens laten verwijderen. Het initiatief staat nu op pauze. Zoek je een nieuwe eigenaar?").format(name=name)
        messages.extend((coordinator, text) for coordinator in sorted(coordinators))
    for chat_id, text in messages:
        await outbox.enqueue(session, chat_id, "privacy", text, f"handover:{handover.initiative_id}:{chat_id}:{uuid.uuid4().hex}", context.now())


async def retention_job(context: KnooppuntContext) -> None:
    async with context.session() as session:
        removed = await retention.purge(session, datetime.now(timezone.utc), context.settings.timezone)
    logger.info("Retention: removed %s", removed)


async def forget_stale_locations(context: KnooppuntContext) -> None:
    """The directory remembers a resident's last location in memory so its buttons (more, filters)
    keep working; once that window has passed nothing needs it, so it is dropped here."""
    from handlers.directory import search as directory

    now = context.now()
    for data in context.application.user_data.values():
        stored = data.get(directory.ORIGIN)
        if stored is not None and now - stored["at"] > directory.ORIGIN_VALID_FOR:
            del data[directory.ORIGIN]


async def on_startup(application: Application) -> None:
    from datetime import time

    settings = application.bot_data.settings
    application.job_queue.run_repeating(
        forget_stale_locations, interval=STALE_LOCATION_SWEEP_S, first=STALE_LOCATION_SWEEP_S,
        name="forget_stale_locations", job_kwargs={"id": "forget_stale_locations", "replace_existing": True},
    )
    application.job_queue.run_daily(
        retention_job,
        time(4, 15, tzinfo=settings.timezone),  # outside the DST-ambiguous hour
        name="retention",
        job_kwargs={"id": "retention", "replace_existing": True, "misfire_grace_time": 6 * 3600},
    )


def register(application: Application) -> None:
    application.add_handler(CommandHandler("privacy", privacy))
    application.add_handler(CallbackQueryHandler(privacy_toggle, pattern=r"^pv:(more|less)$"))
    application.add_handler(CommandHandler(["mijngegevens", "mydata"], my_data))
    application.add_handler(CommandHandler(["vergeetmij", "forgetme"], forget_me))
    application.add_handler(CallbackQueryHandler(forget_answer, pattern=f"^{FORGET_PREFIX}"))
