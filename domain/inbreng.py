"""The input document ("inbreng") a coordinator brings to the wijkraad: pure composition.

Data classes in (a buurt, a period, its published signals with their support counts, the poll
results, the numbers of active initiatives and activities), text out: Markdown and CSV here, the
printable PDF in domain/inbreng_pdf.py from the same `sections()`. Residents are never named:
quotes are the published texts with e-mail addresses, phone numbers, @names and links taken out,
and never say who wrote or supported them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date

from domain.i18n_markers import Translator, language_of
from domain.polls import PollResult
from domain.voice import get_progress_status, get_theme

QUOTES_PER_THEME = 2
QUOTE_MAX = 180
POLLS_MAX = 6  # a printable one or two pages: the newest polls

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w{3,}")
_PHONE = re.compile(r"(?<!\w)\+?\d[\d \-().]{7,}\d")


@dataclass(frozen=True)
class SignalEntry:
    """A published signal: its theme code, text, support count and latest progress code (if any)."""

    theme: str
    text: str
    supports: int
    progress: str | None = None


@dataclass(frozen=True)
class Inbreng:
    buurt: str
    since: date
    until: date
    signals: tuple[SignalEntry, ...] = ()
    polls: tuple[PollResult, ...] = ()
    initiatives: int = 0
    activities: int = 0
    meetings: tuple[tuple[str, date], ...] = ()  # upcoming (kind label msgid, day)
    made_on: date | None = None


@dataclass(frozen=True)
class ThemeSummary:
    theme: str
    label: str
    signals: int
    supports: int
    quotes: tuple[tuple[str, int], ...] = field(default_factory=tuple)  # (anonymised text, supports)


def anonymise(text: str, limit: int = QUOTE_MAX) -> str:
    """A quote without contact details or names of accounts, on one line, at most `limit` characters."""
    cleaned = _EMAIL.sub("…", text)
    cleaned = _URL.sub("…", cleaned)
    cleaned = _HANDLE.sub("…", cleaned)
    cleaned = _PHONE.sub("…", cleaned)
    cleaned = re.sub(r"…[.…]+", "…", " ".join(cleaned.split()))
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return cleaned


def theme_name(code: str, translator: Translator) -> str:
    theme = get_theme(code)
    return translator.gettext(theme.name) if theme else code


def by_theme(signals: tuple[SignalEntry, ...], translator: Translator) -> list[ThemeSummary]:
    """Themes with their signals and supports, most supported first; each with a few quotes."""
    grouped: dict[str, list[SignalEntry]] = {}
    for signal in signals:
        grouped.setdefault(signal.theme, []).append(signal)
    summaries = []
    for code, entries in grouped.items():
        ranked = sorted(entries, key=lambda s: (-s.supports, s.text))
        quotes = tuple((anonymise(s.text), s.supports) for s in ranked[:QUOTES_PER_THEME])
        summaries.append(ThemeSummary(code, theme_name(code, translator), len(entries), sum(s.supports for s in entries), quotes))
    return sorted(summaries, key=lambda t: (-t.supports, -t.signals, t.label))


def day(value: date, translator: Translator) -> str:
    return format_date(value, "d MMMM y", locale=language_of(translator))


def title(data: Inbreng, translator: Translator) -> str:
    return translator.gettext("Inbreng van {buurt}").format(buurt=data.buurt)


def subtitle(data: Inbreng, translator: Translator) -> str:
    period = translator.gettext("{since} tot en met {until}").format(since=day(data.since, translator), until=day(data.until, translator))
    return translator.gettext("Wat bewoners vragen en vinden, {period}.").format(period=period)


def summary_lines(data: Inbreng, translator: Translator) -> list[str]:
    supports = sum(s.supports for s in data.signals)
    voters = sum(p.voters for p in data.polls)
    return [
        translator.ngettext("{n} idee of vraag van bewoners", "{n} ideeën en vragen van bewoners", len(data.signals)).format(n=len(data.signals))
        + ", " + translator.ngettext("samen {n} keer gesteund", "samen {n} keer gesteund", supports).format(n=supports),
        translator.ngettext("{n} peiling", "{n} peilingen", len(data.polls)).format(n=len(data.polls)) + ", "
        + translator.ngettext("{n} keer ingevuld", "{n} keer ingevuld", voters).format(n=voters),
        translator.ngettext("{n} actief initiatief", "{n} actieve initiatieven", data.initiatives).format(n=data.initiatives) + ", "
        + translator.ngettext("{n} activiteit", "{n} activiteiten", data.activities).format(n=data.activities),
    ]


def theme_heading(summary: ThemeSummary, translator: Translator) -> str:
    return translator.ngettext("{theme}: {n} signaal", "{theme}: {n} signalen", summary.signals).format(theme=summary.label, n=summary.signals) \
        + ", " + translator.ngettext("{n} keer gesteund", "{n} keer gesteund", summary.supports).format(n=summary.supports)


def quote_line(text: str, supports: int, translator: Translator) -> str:
    return "“" + text + "” " + translator.ngettext("({n} steunt dit)", "({n} steunen dit)", supports).format(n=supports)


def poll_rows(result: PollResult) -> list[tuple[str, int, int]]:
    return result.ranked()


def poll_footer(result: PollResult, translator: Translator) -> str:
    groups = len(result.groups)
    text = translator.ngettext("{n} persoon deed mee", "{n} mensen deden mee", result.voters).format(n=result.voters) + ", " + \
        translator.ngettext("in {n} groep", "in {n} groepen", groups).format(n=groups) + "."
    if not result.closed:
        text += " " + translator.gettext("De peiling loopt nog.")
    return text[:1].upper() + text[1:]


def progress_counts(data: Inbreng, translator: Translator) -> list[tuple[str, int]]:
    """(status label, signals) of the signals that already have progress recorded."""
    counts: dict[str, int] = {}
    for signal in data.signals:
        status = get_progress_status(signal.progress)
        if status is not None:
            label = translator.gettext(status.name)
            counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def footer(translator: Translator) -> str:
    return translator.gettext("Gemaakt met Knooppunt. Er staan geen namen van bewoners in.")


def markdown(data: Inbreng, translator: Translator) -> str:
    """The document in Markdown (for chat, e-mail or a wiki)."""
    _ = translator.gettext
    out = [f"# {title(data, translator)}", "", f"_{subtitle(data, translator)}_", ""]
    for kind, when in data.meetings:
        out.append("- " + _("Voor: {meeting} op {day}").format(meeting=_(kind), day=day(when, translator)))
    if data.meetings:
        out.append("")
    out += ["## " + _("In het kort"), ""] + [f"- {line}" for line in summary_lines(data, translator)] + [""]
    out += ["## " + _("Wat de buurt vraagt"), ""]
    themes = by_theme(data.signals, translator)
    if not themes:
        out += [_("In deze periode zijn geen ideeën of vragen gepubliceerd."), ""]
    for summary in themes:
        out += [f"### {theme_heading(summary, translator)}", ""]
        out += [f"> {quote_line(text, supports, translator)}" for text, supports in summary.quotes]
        out.append("")
    progress = progress_counts(data, translator)
    if progress:
        out += ["### " + _("Wat ermee gedaan is"), ""] + [f"- {label}: {n}" for label, n in progress] + [""]
    out += ["## " + _("Peilingen"), ""]
    if not data.polls:
        out += [_("In deze periode waren er geen peilingen."), ""]
    for result in data.polls[:POLLS_MAX]:
        out += [f"### {result.question}", "", f"| {_('Antwoord')} | {_('Stemmen')} | % |", "| --- | ---: | ---: |"]
        out += [f"| {option} | {count} | {percent} |" for option, count, percent in poll_rows(result)]
        out += ["", poll_footer(result, translator), ""]
    out += ["---", f"_{footer(translator)}_", ""]
    return "\n".join(out)


def csv_text(data: Inbreng, translator: Translator) -> str:
    """The same numbers as rows: one per signal and one per poll answer, for a spreadsheet."""
    _ = translator.gettext
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_("soort"), _("buurt"), _("thema of vraag"), _("tekst of antwoord"), _("aantal"), "%", _("stand")])
    for signal in sorted(data.signals, key=lambda s: (theme_name(s.theme, translator), -s.supports, s.text)):
        status = get_progress_status(signal.progress)
        writer.writerow([_("signaal"), data.buurt, theme_name(signal.theme, translator), anonymise(signal.text, 500), signal.supports, "",
                         _(status.name) if status else ""])
    for result in data.polls:
        for option, count, percent in poll_rows(result):
            writer.writerow([_("peiling"), data.buurt, result.question, option, count, percent, _("gesloten") if result.closed else _("loopt nog")])
    writer.writerow([_("initiatieven"), data.buurt, "", "", data.initiatives, "", ""])
    writer.writerow([_("activiteiten"), data.buurt, "", "", data.activities, "", ""])
    return buffer.getvalue()

