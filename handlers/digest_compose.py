"""The texts of the group digest and the coordinator digest (HTML, split for Telegram).

Data comes from storage.repositories.digest_data as plain values; everything a user typed is
escaped here; the result is split on whole lines by domain.htmltext.split_message.
"""

from __future__ import annotations

from itertools import groupby
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from bot.i18n import get_translator
from domain.htmltext import escape, escape_attr, split_message, truncate
from handlers.common import deep_link
from storage.repositories.digest_data import CoordinatorFacts, NetworkWeek

ACTIVITY_PREFIX = "act"  # deep links to an activity card (registered by the activities capability)


def _day_heading(moment, language: str) -> str:  # noqa: ANN001 - aware datetime
    return format_date(moment, "EEEE d MMMM", locale=language)


def group_digest(week: NetworkWeek, language: str, tz: ZoneInfo, bot_username: str, skip_empty: bool = False) -> list[str]:
    """The messages of one group digest; [] when the week is empty and the group chose silence."""
    _ = get_translator(language).gettext
    network = escape(week.network_name)
    if not (week.activities or week.new_initiatives or week.announcements):
        if skip_empty:
            return []
        return [
            "\n".join(
                [
                    _("🗓 Deze week staat er nog niets op de agenda van {network}.").format(network=network),
                    _("Organiseer je iets? Zet het in de bot via @{bot}, dan staat het volgende week hier.").format(bot=bot_username),
                ]
            )
        ]
    lines = [_("<b>📅 Deze week bij {network}</b>").format(network=network)]
    if week.activities:
        local = [(item.starts_at.astimezone(tz), item) for item in week.activities]
        for day, items in groupby(local, key=lambda pair: pair[0].date()):
            lines += ["", f"<b>{escape(_day_heading(day, language))}</b>"]
            for moment, item in items:
                link = escape_attr(deep_link(bot_username, ACTIVITY_PREFIX, str(item.activity_id)))
                title = escape(truncate(item.title, 120))
                line = f"{format_time(moment, 'HH:mm', locale=language)} <a href=\"{link}\">{title}</a>"
                if item.place:
                    line += f" – {escape(truncate(item.place, 80))}"
                lines.append(line)
    else:
        lines += ["", _("Er staan de komende 7 dagen geen activiteiten op de agenda.")]
    if week.new_initiatives:
        lines += ["", _("<b>🌱 Nieuw in het netwerk</b>")]
        lines += [f"• {escape(item.name)}" for item in week.new_initiatives]
    if week.announcements:
        lines += ["", _("<b>📣 Mededelingen</b>")]
        for item in week.announcements:
            lines.append(f"• <b>{escape(truncate(item.title, 120))}</b>")
            lines += [escape(line) for line in truncate(item.text, 1000).splitlines() if line.strip()]
    lines += ["", _("Meer weten of zelf iets organiseren? Open @{bot}.").format(bot=bot_username)]
    return split_message("\n".join(lines))


def coordinator_digest(facts: list[CoordinatorFacts], language: str) -> list[str]:
    """The weekly picture for one coordinator: one block per network they coordinate."""
    _ = get_translator(language).gettext
    lines = [_("<b>📋 Weekoverzicht voor coördinatoren</b>")]
    for network in facts:
        lines += ["", f"<b>{escape(network.network_name)}</b>"]
        lines.append(_("⏳ Wachten op goedkeuring: {count}").format(count=len(network.pending)))
        lines += [f"   • {escape(item.name)}" for item in network.pending]
        lines.append(_("🌱 Nieuw deze week: {count}").format(count=len(network.new_initiatives)))
        lines += [f"   • {escape(item.name)}" for item in network.new_initiatives]
        lines.append(_("📅 Activiteiten de komende 7 dagen: {count}").format(count=network.upcoming_activities))
        lines.append(_("🔎 Al 90 dagen niet gecontroleerd: {count}").format(count=len(network.unverified)))
        lines += [f"   • {escape(item.name)}" for item in network.unverified]
        if network.unreachable_groups:
            lines.append(_("⚠️ Groepen die ik niet kan bereiken: {count}").format(count=len(network.unreachable_groups)))
            lines += [f"   • {escape(title)}" for title in network.unreachable_groups]
            lines.append(_("Voeg mij opnieuw toe aan de groep en stuur daar /koppel."))
    if len(lines) == 1:
        return []
    return split_message("\n".join(lines))
