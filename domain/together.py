"""Vraag & aanbod between initiatives, and activities organised together: the rules, without a database.

An *item* is a request ("vraag") or an offer ("aanbod") of one initiative: a kind, a short text and
a last day. It is open until its initiative marks it settled ("geregeld") or its last day has
passed; the owner may extend it once, from the reminder the day before. A member of another
initiative *responds* ("Ik kan helpen" / "Ik heb interesse"); the asking initiative accepts or
declines, and only an accepted response makes the two exchange contact details.

The state machines below are the one place that says which step may follow which: the handlers
ask them and the repository writes the change only when the current status still matches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_month_names

from domain.datefmt import format_day
from domain.gazetteer import normalize_text
from domain.htmltext import escape, escape_attr, truncate
from domain.i18n_markers import N_, Translator
from domain.when import WhenError, parse_when
from domain.words import words_for

ASK = "ask"  # a request: "wij zoeken ..."
OFFER = "offer"  # an offer: "wij hebben ..."
DIRECTIONS = (ASK, OFFER)

# The kinds, in the order the buttons and the lists show them.
KINDS: dict[str, str] = {
    "lend": N_("📦 Spullen lenen"),
    "room": N_("🏠 Ruimte"),
    "volunteers": N_("🙋 Vrijwilligers"),
    "knowledge": N_("💡 Kennis"),
    "together": N_("🤝 Samenwerken"),
    "other": N_("✨ Anders"),
}

MAX_OPEN_PER_INITIATIVE = 5
TEXT_MIN = 5
TEXT_MAX = 300
MAX_AHEAD = timedelta(days=183)  # "until when" at most half a year ahead: older questions go stale
DEFAULT_DAYS = 30  # the suggested last day when someone does not know
EXTENSION = timedelta(days=14)  # one extension from the reminder
# The owner is asked at 10:00 the day before the last day (expiry is the midnight after the last day).
REMIND_BEFORE = timedelta(hours=24 + 14)
KEEP_AFTER_CLOSED = timedelta(days=90)  # settled and expired items are deleted after this
LONGEST_OPEN_SHOWN = 5  # in the coordinators' overview

# Item statuses and the steps between them.
OPEN, SETTLED, EXPIRED = "open", "settled", "expired"
ITEM_STEPS: dict[str, dict[str, str]] = {
    OPEN: {"settle": SETTLED, "expire": EXPIRED, "extend": OPEN},
}
# Response statuses.
PENDING, ACCEPTED, DECLINED = "pending", "accepted", "declined"
RESPONSE_STEPS: dict[str, dict[str, str]] = {
    PENDING: {"accept": ACCEPTED, "decline": DECLINED},
}
# Co-organiser invitations: the invited initiative accepts or declines, the inviting one may
# withdraw an invitation not answered yet, and a co-organiser may leave again. An initiative is
# invited to an activity once: after declining, a withdrawal or leaving it is not asked again.
INVITED, WITHDRAWN, LEFT = "invited", "withdrawn", "left"
COORGANISER_STEPS: dict[str, dict[str, str]] = {
    INVITED: {"accept": ACCEPTED, "decline": DECLINED, "withdraw": WITHDRAWN},
    ACCEPTED: {"leave": LEFT},
}


def step_from(steps: dict[str, dict[str, str]], action: str) -> str:
    """The one status `action` starts from (each action of these machines has exactly one)."""
    found = [current for current, actions in steps.items() if action in actions]
    if len(found) != 1:
        raise StepRefused(f"{action!r} has no single starting status")
    return found[0]


class StepRefused(ValueError):
    """The step is not possible from the current status (already decided, settled, expired...)."""


def next_status(steps: dict[str, dict[str, str]], current: str, action: str) -> str:
    """The status after `action`, or StepRefused when that action does not apply to `current`."""
    following = steps.get(current, {}).get(action)
    if following is None:
        raise StepRefused(f"{action!r} is not possible when {current!r}")
    return following


def may_step(steps: dict[str, dict[str, str]], current: str, action: str) -> bool:
    return action in steps.get(current, {})


# -- posting ---------------------------------------------------------------------------------------


def kind_label(code: str) -> str:
    """The (untranslated) label of a kind; unknown codes read as "anders"."""
    return KINDS.get(code, KINDS["other"])


def clean_text(text: str) -> str:
    return " ".join(text.split())


def text_problem(text: str) -> str | None:
    """'short', 'long' or None."""
    cleaned = clean_text(text)
    if len(cleaned) < TEXT_MIN:
        return "short"
    if len(cleaned) > TEXT_MAX:
        return "long"
    return None


def room_for_another(open_count: int) -> bool:
    """At most MAX_OPEN_PER_INITIATIVE open items per initiative (requests and offers together)."""
    return open_count < MAX_OPEN_PER_INITIATIVE


def until_problem(until: date, today: date) -> str | None:
    """'past' (before today), 'far' (more than MAX_AHEAD) or None."""
    if until < today:
        return "past"
    if until > today + MAX_AHEAD:
        return "far"
    return None


_NUMERIC_DAY = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{4}|\d{2}))?")
_FILLER = frozenset({"de", "t", "m", "tm", "tot", "en", "met"})  # "5 de dezembro", "t/m 12 december"
RECENT_PAST = timedelta(days=60)  # "1-10" typed in December is last October (too late), not next year's


def _in_year(day: int, month: int, year: int | None, today: date) -> date | None:
    """The date of a day and month; without a year the coming one (a date just gone stays this year's)."""
    try:
        if year is not None:
            return date(year + 2000 if year < 100 else year, month, day)
        found = date(today.year, month, day)
        return found if found >= today - RECENT_PAST else date(today.year + 1, month, day)
    except ValueError:
        return None


@cache
def _month_names(language: str) -> dict[str, int]:
    """Month names people type in this language (and in Dutch and English), normalised -> 1..12."""
    found: dict[str, int] = {}
    for code in dict.fromkeys((language, "nl", "en")):
        try:
            for width in ("wide", "abbreviated"):
                for context in ("format", "stand-alone"):
                    for number, name in get_month_names(width, context, locale=code).items():
                        key = normalize_text(name)
                        if key:
                            found.setdefault(key, int(number))
        except (ValueError, LookupError):  # babel does not know this language
            continue
    return found


def typed_day(text: str, today: date, language: str = "nl") -> date | None:
    """A day as people type it in their own language: "31-1", "5/12/2026", "zaterdag", "cumartesi",
    "السبت", "morgen", "12 december", "5 Aralık", "5 de dezembro". None when it is none of those
    (domain.when then reads the rest, in Dutch: "volgende week vrijdag", ...)."""
    plain = text.strip().rstrip(".")
    numeric = _NUMERIC_DAY.fullmatch(plain)
    if numeric is not None:
        day, month, year = numeric.groups()
        return _in_year(int(day), int(month), int(year) if year else None, today)
    words = [word for word in normalize_text(plain).split() if word not in _FILLER]
    if not words:
        return None
    phrase = " ".join(words)
    for code in dict.fromkeys((language, "nl", "en")):
        known = words_for(code)
        if known is None:
            continue
        if known.intents.get(phrase) == "today":
            return today
        if known.intents.get(phrase) == "tomorrow":
            return today + timedelta(days=1)
        if phrase in known.weekdays:
            return today + timedelta(days=(known.weekdays[phrase] - today.weekday()) % 7)
    months = _month_names(language)
    numbers = [word for word in words if word.isdigit()]
    names = [word for word in words if not word.isdigit()]
    if len(names) == 1 and names[0] in months and 1 <= len(numbers) <= 2 and len(numbers[0]) <= 2:
        year = int(numbers[1]) if len(numbers) == 2 else None
        return _in_year(int(numbers[0]), months[names[0]], year, today)
    return None


def read_last_day(text: str, now: datetime, tz: ZoneInfo, language: str = "nl") -> date:
    """The last day in a typed text ("zaterdag", "12 december", "31-12", "cumartesi", "5 Aralık").

    First the forms every language shares (typed_day: digits, and weekdays, today/tomorrow and
    month names in the person's language), then the project's date reader domain.when (Dutch
    phrases). A date alone is what we ask for, so a missing time is no problem: the day is read as
    if its end were meant. Raises WhenError as domain.when does (ambiguous: the readings in
    `options`); a weekly rule is no last day ("unreadable").
    """
    today = now.astimezone(tz).date()
    found_day = typed_day(text, today, language)
    if found_day is not None:
        return found_day
    if _NUMERIC_DAY.fullmatch(text.strip().rstrip(".")) is not None:
        raise WhenError("unreadable")  # "31-2": digits, but no date
    try:
        found = parse_when(text, now, tz)
    except WhenError as error:
        if error.reason != "missing_time":
            raise
        found = parse_when(f"{text} 23:59", now, tz)
    if found.rrule is not None:
        raise WhenError("unreadable")
    return found.start.astimezone(tz).date()


def expires_at(until: date, tz: ZoneInfo) -> datetime:
    """The item is relevant through its last day: it expires at the local midnight after it."""
    return datetime.combine(until + timedelta(days=1), time(), tzinfo=tz).astimezone(ZoneInfo("UTC"))


def last_day(expires: datetime, tz: ZoneInfo) -> date:
    """The last day an item is relevant (the inverse of expires_at)."""
    return (expires.astimezone(tz) - timedelta(seconds=1)).date()


def remind_at(expires: datetime) -> datetime:
    """When the owner is asked whether to extend: 10:00 on the day before the last day."""
    return expires - REMIND_BEFORE


def may_extend(status: str, extended: bool, expires: datetime, now: datetime) -> bool:
    """Once, while it is still open and has not expired yet."""
    return status == OPEN and not extended and now < expires


def extended_expiry(expires: datetime) -> datetime:
    return expires + EXTENSION


def is_due_to_expire(status: str, expires: datetime, now: datetime) -> bool:
    return status == OPEN and expires <= now


def is_listed(status: str, expires: datetime, now: datetime) -> bool:
    """Open items whose last day has not passed are shown in lists, groups and digests."""
    return status == OPEN and now < expires


def may_respond(responder_initiatives: Sequence[int], item_initiative: int) -> bool:
    """A member of an active initiative other than the asking one may respond."""
    return any(initiative != item_initiative for initiative in responder_initiatives)


def responding_initiative(responder_initiatives: Sequence[int], item_initiative: int) -> int | None:
    """The initiative a response is made for: the first that is not the item's own."""
    for initiative in responder_initiatives:
        if initiative != item_initiative:
            return initiative
    return None


def deletable(status: str, closed_at: datetime | None, expires: datetime, now: datetime) -> bool:
    """Settled and expired items are deleted KEEP_AFTER_CLOSED after they closed."""
    if status == OPEN:
        return False
    return (closed_at or expires) <= now - KEEP_AFTER_CLOSED


# -- lists ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedItem:
    item_id: int
    direction: str  # ASK / OFFER
    kind: str
    initiative: str
    text: str
    created_at: datetime
    expires_at: datetime


def ordered(items: Sequence[ListedItem]) -> list[ListedItem]:
    """By kind (in KINDS order), newest first within a kind."""
    order = {code: index for index, code in enumerate(KINDS)}
    return sorted(items, key=lambda item: (order.get(item.kind, len(order)), -item.created_at.timestamp(), -item.item_id))


def item_line(item: ListedItem, translator: Translator, locale: str, tz: ZoneInfo, limit: int = 120) -> str:
    """'🙋 <b>Buurthuiskamer West</b> zoekt: een partytent (t/m za 12 dec)' as Telegram HTML."""
    _ = translator.gettext
    # Two whole sentences, not a verb put into one: word order and agreement differ per language.
    template = _("{initiative} zoekt: {text} (tot en met {day})") if item.direction == ASK else _(
        "{initiative} biedt: {text} (tot en met {day})")
    until = format_day(last_day(item.expires_at, tz), locale=locale)
    text = truncate(clean_text(item.text), limit)
    return template.format(initiative=f"<b>{escape(item.initiative)}</b>", text=escape(text), day=escape(until))


def digest_section(items: Sequence[ListedItem], translator: Translator, locale: str, tz: ZoneInfo,
                   link: dict[int, str] | None = None, shown: int = 8) -> str | None:
    """The "Vraag & aanbod" block of a group digest (None when nothing is open), grouped by kind."""
    if not items:
        return None
    _ = translator.gettext
    title = _("Vraag & aanbod tussen initiatieven")
    respond = _("Reageren")
    lines = [f"<b>{escape(title)}</b>"]
    current_kind = None
    for item in ordered(items)[:shown]:
        if item.kind != current_kind:
            current_kind = item.kind
            lines.append(escape(_(kind_label(item.kind))))
        line = "• " + item_line(item, translator, locale, tz)
        if link and item.item_id in link:
            line += f' <a href="{escape_attr(link[item.item_id])}">{escape(respond)}</a>'
        lines.append(line)
    rest = len(items) - shown
    if rest > 0:
        lines.append(escape(translator.ngettext("… en nog {n} andere. Kijk bij /vraagaanbod.",
                                                "… en nog {n} andere. Kijk bij /vraagaanbod.", rest).format(n=rest)))
    return "\n".join(lines)


# -- the coordinators' overview ----------------------------------------------------------------------


@dataclass(frozen=True)
class ExchangeFacts:
    """One network's exchange in the past week, for its coordinators."""

    matched: int  # responses accepted in the week
    open_count: int
    open_longest: Sequence[tuple[str, str, int]]  # (initiative, text, days open), longest first


def longest_open(items: Sequence[ListedItem], now: datetime, shown: int = LONGEST_OPEN_SHOWN) -> list[tuple[str, str, int]]:
    """The requests open longest: the ones a coordinator may want to call about."""
    oldest = sorted((item for item in items if item.direction == ASK), key=lambda item: (item.created_at, item.item_id))
    return [(item.initiative, item.text, max(0, (now - item.created_at).days)) for item in oldest[:shown]]


def overview_lines(facts: ExchangeFacts, translator: Translator) -> list[str]:
    """The lines the coordinators' weekly overview adds about vraag & aanbod (Telegram HTML)."""
    if not facts.matched and not facts.open_count:
        return []
    _ = translator.gettext
    ngettext = translator.ngettext
    title = _("Vraag & aanbod")
    lines = ["", f"<b>{escape(title)}</b>",
             "• " + escape(ngettext("{n} keer geholpen deze week", "{n} keer geholpen deze week", facts.matched).format(n=facts.matched)),
             "• " + escape(ngettext("{n} vraag of aanbod staat open", "{n} vragen of aanbiedingen staan open",
                                    facts.open_count).format(n=facts.open_count))]
    if facts.open_longest:
        lines.append(escape(_("Het langst open (misschien even bellen?):")))
        for initiative, text, days in facts.open_longest:
            days_text = ngettext("{n} dag", "{n} dagen", days).format(n=days)
            lines.append(f"• <i>{escape(initiative)}</i>: {escape(truncate(clean_text(text), 80))} ({escape(days_text)})")
    return lines


# -- contact ------------------------------------------------------------------------------------------


def contact_link(user_id: int, first_name: str | None, username: str | None) -> str:
    """A member's Telegram contact as HTML: a tg:// link on their name, and @username when known."""
    name = escape(first_name or str(user_id))
    link = f'<a href="tg://user?id={user_id}">{name}</a>'
    if username:
        link += f" (@{escape(username)})"
    return link
