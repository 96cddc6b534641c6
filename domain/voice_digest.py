"""The "Wat de buurt vraagt" part of a group digest and the signal counts of the coordinator's
overview: plain data in, Telegram HTML out (no database, no Telegram)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from domain.htmltext import escape, escape_attr, truncate
from domain.i18n_markers import Translator
from domain.voice import DECLINED, MERGED, PROGRESS_STATUSES, PUBLISHED, SUBMITTED, progress_label

DIGEST_TEXT_CHARS = 120  # a signal's text in a digest; the rest is one tap away
DIGEST_STEP_CHARS = 140


@dataclass(frozen=True)
class DigestSignal:
    """A signal for a digest: new this week, or with progress this week."""

    id: int
    text: str
    theme: str
    buurt: str
    supports: int
    progress_status: str | None = None
    progress_text: str | None = None


@dataclass(frozen=True)
class VoiceDigestItem:
    """A published signal in a digest: new this week, or with a step recorded this week."""

    text: str
    buurt: str
    supports: int
    url: str  # deep link that opens the signal with its support button
    progress_status: str | None = None
    progress_text: str | None = None


def _link(item: VoiceDigestItem, limit: int) -> str:
    return f'<a href="{escape_attr(item.url)}">{escape(truncate(" ".join(item.text.split()), limit))}</a>'


def compose_voice_section(new: Sequence[VoiceDigestItem], changed: Sequence[VoiceDigestItem], translator: Translator) -> str | None:
    """New signals of the week (with a link to support them) and what changed; None when neither."""
    if not new and not changed:
        return None
    _ = translator.gettext
    title = _("Wat de buurt vraagt")
    lines = [f"<b>{escape(title)}</b>"]
    if new:
        lines.append(escape(_("Nieuwe ideeën. Tik erop en steun ze met één tik:")))
        for item in new:
            lines.append(f"• {_link(item, DIGEST_TEXT_CHARS)} ({escape(item.buurt)}, 👍 {item.supports})")
    if changed:
        lines.append(escape(_("Wat er deze week mee gedaan is:")))
        for item in changed:
            label = progress_label(item.progress_status or "", translator)
            step = truncate(" ".join((item.progress_text or "").split()), DIGEST_STEP_CHARS)
            lines.append(f"• {_link(item, DIGEST_TEXT_CHARS // 2)}: {escape(label)}. {escape(step)}")
    lines.append(escape(_("Zelf een idee voor de buurt? Stuur het in met /idee.")))
    return "\n".join(lines)


def signal_count_lines(counts: Mapping[str, int], translator: Translator) -> list[str]:
    """The coordinator's overview: signals per status, then published ones per latest step; [] when none."""
    if not any(counts.values()):
        return []
    ngettext = translator.ngettext
    title = translator.gettext("Ideeën uit de buurt")
    lines = [f"<b>{escape(title)}</b>"]
    texts: dict[str, Callable[[int], str]] = {
        SUBMITTED: lambda n: ngettext("{n} idee wacht op een besluit", "{n} ideeën wachten op een besluit", n),
        PUBLISHED: lambda n: ngettext("{n} idee staat op /stem", "{n} ideeën staan op /stem", n),
        MERGED: lambda n: ngettext("{n} idee samengevoegd", "{n} ideeën samengevoegd", n),
        DECLINED: lambda n: ngettext("{n} idee afgewezen", "{n} ideeën afgewezen", n),
    }
    for status, text in texts.items():
        if counts.get(status):
            lines.append("• " + escape(text(counts[status]).format(n=counts[status])))
    for step in PROGRESS_STATUSES:
        if counts.get(step.code):
            lines.append(f"   {escape(progress_label(step.code, translator))}: {counts[step.code]}")
    return lines
