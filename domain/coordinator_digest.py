"""The coordinator's weekly overview with names, not only counts: which initiatives wait for
approval and which listings were not checked for 90 days (the first few by name, "en nog N"
after that). Extends domain.digest, whose picture only counts what waits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.datefmt import format_day
from domain.htmltext import TELEGRAM_LIMIT, escape, split_message
from domain.i18n_markers import Translator
from domain.together import ExchangeFacts, overview_lines
from domain.voice_digest import signal_count_lines

SHOWN = 10  # names per list; more would bury the rest of the overview


@dataclass(frozen=True)
class CoordinatorOverview:
    network: str
    week_start: date
    awaiting_approval: Sequence[str]  # names, oldest request first
    new_initiatives: int
    upcoming_activities: int
    unverified_listings: Sequence[str]
    unreachable_groups: Sequence[str]
    unverified_days: int = 90
    signal_counts: Mapping[str, int] = field(default_factory=dict)  # signals of the network's buurten per status
    exchange: ExchangeFacts | None = None  # vraag & aanbod between initiatives


def _bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def named_list(names: Sequence[str], translator: Translator, shown: int = SHOWN) -> list[str]:
    """Bullet lines for the first `shown` names, then one line "en nog N"."""
    lines = [f"• {escape(name)}" for name in names[:shown]]
    rest = len(names) - shown
    if rest > 0:
        lines.append(escape(translator.gettext("… en nog {n}").format(n=rest)))
    return lines


def compose_overview(o: CoordinatorOverview, *, translator: Translator, locale: str, shown: int = SHOWN,
                     limit: int = TELEGRAM_LIMIT) -> list[str]:
    _ = translator.gettext
    ngettext = translator.ngettext
    lines = [
        _bold(_("Weekoverzicht {network}").format(network=o.network)),
        escape(_("Week van {day}").format(day=format_day(o.week_start, locale=locale))),
        "",
        "• " + escape(ngettext("{n} nieuw initiatief", "{n} nieuwe initiatieven", o.new_initiatives).format(n=o.new_initiatives)),
        "• " + escape(ngettext("{n} activiteit komt eraan", "{n} activiteiten komen eraan",
                               o.upcoming_activities).format(n=o.upcoming_activities)),
    ]
    if o.awaiting_approval:
        count = len(o.awaiting_approval)
        lines += ["", _bold(ngettext("{n} initiatief wacht op goedkeuring", "{n} initiatieven wachten op goedkeuring",
                                     count).format(n=count))]
        lines += named_list(o.awaiting_approval, translator, shown)
    if o.unverified_listings:
        count = len(o.unverified_listings)
        lines += ["", _bold(ngettext("Al {days} dag niet gecontroleerd", "Al {days} dagen niet gecontroleerd",
                                     o.unverified_days).format(days=o.unverified_days)) + f" ({count})"]
        lines += named_list(o.unverified_listings, translator, shown)
    if o.unreachable_groups:
        lines += ["", _bold(_("Groepen die ik niet kon bereiken"))]
        lines += [f"• {escape(name)}" for name in o.unreachable_groups]
    if not (o.awaiting_approval or o.unverified_listings or o.unreachable_groups):
        lines += ["", escape(_("Alle buurtplekken zijn gecontroleerd en alle groepen zijn bereikt."))]
    signals = signal_count_lines(o.signal_counts, translator)
    if signals:
        lines += ["", *signals]
    if o.exchange is not None:
        lines += overview_lines(o.exchange, translator)
    return split_message("\n".join(lines), limit)
