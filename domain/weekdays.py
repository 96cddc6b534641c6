"""The one weekday table: names, abbreviations and typing errors, Dutch and English.

Activity dates (``domain.when``), opening hours (``domain.opening_hours``) and digest times
(``domain.digest_slots``) all read weekdays through this module, so "vrijd", "donderdga" and
"maandags" mean the same day everywhere. Typos are matched with the gazetteer's edit distance.
"""

from __future__ import annotations

from domain.gazetteer import edit_distance

# Monday first, as Python's weekday() and iCalendar's BYDAY codes (RFC 5545) count.
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # APScheduler's CronTrigger day_of_week

# Monday first. The first name of each entry is the Dutch name, the second the English one (what
# people type; names shown come from Babel: domain.datefmt.weekday_name).
WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("maandag", "monday", "ma", "maa", "maan", "mon", "mo", "maandags", "mondays"),
    ("dinsdag", "tuesday", "di", "din", "dins", "tue", "tues", "tu", "dinsdags", "tuesdays"),
    ("woensdag", "wednesday", "wo", "woe", "woen", "woens", "wed", "we", "woensdags", "wednesdays"),
    ("donderdag", "thursday", "do", "don", "dond", "dnd", "thu", "thur", "thurs", "th", "donderdags", "thursdays"),
    ("vrijdag", "friday", "vr", "vrij", "vrijd", "vrd", "fri", "fr", "vrijdags", "fridays"),
    ("zaterdag", "saturday", "za", "zat", "zatd", "sat", "sa", "zaterdags", "saturdays"),
    ("zondag", "sunday", "zo", "zon", "zond", "sun", "su", "zondags", "sundays"),
)
# Two-letter English abbreviations ("we", "th", "su") are ordinary words in sentences; the
# readers of free sentences (activities) use only the longer names.
SHORT_ENGLISH = frozenset({"mo", "tu", "we", "th", "fr", "sa", "su"})

WEEKDAY_OF: dict[str, int] = {name: day for day, names in enumerate(WEEKDAYS) for name in names}
_FULL_NAMES = tuple((names[0], day) for day, names in enumerate(WEEKDAYS)) + tuple(
    (names[1], day) for day, names in enumerate(WEEKDAYS)
)


def typo_limit(word: str) -> int:
    """How many typing errors a weekday-like word may have: none below 5 letters, else 1 or 2."""
    return 0 if len(word) < 5 else 1 if len(word) < 7 else 2


def fuzzy_weekday(word: str) -> int | None:
    """The weekday a mistyped name means ("donderdga", "zatedag", "wensday"), or None.

    Only a single closest day counts: a word as near to two days is not guessed.
    """
    word = word.lower()
    if word in WEEKDAY_OF:
        return WEEKDAY_OF[word]
    limit = typo_limit(word)
    if limit == 0:
        return None
    stem = word[:-1] if word.endswith("s") and len(word) > 6 else word  # "vrijdgs", "zatrdags"
    candidates = {word, stem, word.replace("y", "ij")}  # Dutch writes "ij" as "y" too ("vrydag")
    best: dict[int, int] = {}
    for name, day in _FULL_NAMES:
        for candidate in candidates:
            distance = edit_distance(candidate, name, limit)
            if distance <= limit:
                best[day] = min(best.get(day, limit + 1), distance)
    if not best:
        return None
    nearest = min(best.values())
    days = [day for day, distance in best.items() if distance == nearest]
    return days[0] if len(days) == 1 else None
