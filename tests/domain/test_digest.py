import gettext
from datetime import date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from domain.digest import (
    ANNOUNCEMENT_LIMIT,
    DigestActivity,
    DigestAnnouncement,
    DigestInitiative,
    compose_group_digest,
)
from domain.htmltext import is_valid_telegram_html, utf16_len
from domain.recurrence import TZ
from tests.domain.test_datefmt import ENGLISH, PO_FILE

DUTCH = gettext.NullTranslations()
WEEK = date(2026, 12, 7)  # a Monday
LINK = "https://t.me/knooppunt_bot?start=act_"


def at(*args):
    return datetime(*args, tzinfo=TZ)


ACTIVITIES = [
    DigestActivity("Koffie & taart", at(2026, 12, 8, 10), at(2026, 12, 8, 12), "Buurtkamer <West>", LINK + "12"),
    DigestActivity("Taalcafé", at(2026, 12, 7, 19, 30), None, None, LINK + "13"),
    DigestActivity("Buurtborrel", at(2026, 12, 8, 17), None, "De Schilderstraat", LINK + "14"),
    DigestActivity("Volgende week", at(2026, 12, 14, 0, 0), None, None, LINK + "15"),
    DigestActivity("Vorige week", at(2026, 12, 6, 23, 59), None, None, LINK + "16"),
]
INITIATIVES = [DigestInitiative("Repair Café", "Duurzaam")]
ANNOUNCEMENTS = [DigestAnnouncement("Voedselbank", "We zoeken   vrijwilligers\nvoor de uitgifte.")]


def test_group_digest_in_dutch():
    messages = compose_group_digest("BoTu", WEEK, ACTIVITIES, INITIATIVES, ANNOUNCEMENTS, translator=DUTCH, locale="nl")
    assert messages == [
        "<b>Deze week in BoTu</b>\n"
        "\n"
        "<b>maandag 7 december</b>\n"
        '19:30  <a href="https://t.me/knooppunt_bot?start=act_13">Taalcafé</a>\n'
        "\n"
        "<b>dinsdag 8 december</b>\n"
        '10:00 – 12:00  <a href="https://t.me/knooppunt_bot?start=act_12">Koffie &amp; taart</a> · Buurtkamer &lt;West&gt;\n'
        '17:00  <a href="https://t.me/knooppunt_bot?start=act_14">Buurtborrel</a> · De Schilderstraat\n'
        "\n"
        "<b>Nieuw in de buurt</b>\n"
        "• Repair Café (Duurzaam)\n"
        "\n"
        "<b>Berichten</b>\n"
        "• <i>Voedselbank</i>: We zoeken vrijwilligers voor de uitgifte."
    ]
    assert is_valid_telegram_html(messages[0])


def test_group_digest_in_english_without_activities():
    messages = compose_group_digest("BoTu", WEEK, ACTIVITIES[3:], INITIATIVES, [], translator=ENGLISH, locale="en")
    assert messages == [
        "<b>This week in BoTu</b>\n\nNo activities are planned this week.\n\n"
        "<b>New in the neighbourhood</b>\n• Repair Café (Duurzaam)"
    ]


def test_empty_week_invites_or_stays_silent():
    assert compose_group_digest("Spangen & Tussendijken", WEEK, [], [], [], translator=DUTCH, locale="nl") == [
        "Deze week staat er nog niets op de agenda van Spangen &amp; Tussendijken. Organiseer je iets? "
        "Zet het erin met /activiteit, dan ziet de buurt het."
    ]
    assert compose_group_digest("BoTu", WEEK, ACTIVITIES[3:], [], [], translator=ENGLISH, locale="en") == [
        "Nothing is planned in BoTu this week yet. Organising something? Add it with /event, so the neighbourhood can see it."
    ]
    assert compose_group_digest("BoTu", WEEK, [], [], [], translator=DUTCH, locale="nl", skip_empty=True) is None


def test_days_follow_local_time_in_dst_week():
    # Given in UTC: 23:30 UTC on Sunday 25 October is 00:30 on Monday 26 October in Rotterdam.
    activity = DigestActivity("Nachtwandeling", datetime.fromisoformat("2026-10-25T23:30+00:00"), None, None, LINK + "1")
    earlier = DigestActivity("Zondag", datetime.fromisoformat("2026-10-25T22:59+00:00"), None, None, LINK + "2")
    messages = compose_group_digest("BoTu", date(2026, 10, 26), [activity, earlier], [], [], translator=DUTCH, locale="nl")
    assert messages == [
        "<b>Deze week in BoTu</b>\n\n<b>maandag 26 oktober</b>\n"
        '00:30  <a href="https://t.me/knooppunt_bot?start=act_1">Nachtwandeling</a>'
    ]


def test_long_announcement_is_truncated_after_escaping_safely():
    text = "Help & doe mee " * 40
    messages = compose_group_digest("BoTu", WEEK, [], [], [DigestAnnouncement("Buurtteam", text)],
                                    translator=DUTCH, locale="nl")
    line = messages[0].splitlines()[-1]
    shown = line.removeprefix("• <i>Buurtteam</i>: ").replace("&amp;", "&")
    assert shown.endswith("…")
    assert len(shown) <= ANNOUNCEMENT_LIMIT
    assert text.startswith(shown.removesuffix("…"))


def test_busy_week_is_split_into_valid_messages():
    busy = [DigestActivity(f"Activiteit {n} met een lange naam", at(2026, 12, 7 + n % 7, 8 + n % 12), None,
                           "Buurthuis", LINK + str(n)) for n in range(120)]
    messages = compose_group_digest("BoTu", WEEK, busy, [], [], translator=DUTCH, locale="nl", limit=1000)
    assert len(messages) > 1
    assert all(utf16_len(m) <= 1000 and is_valid_telegram_html(m) for m in messages)
    assert sum(m.count("<a href=") for m in messages) == 120


def test_english_catalog_matches_the_texts_in_these_modules():
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
    domain = Path(__file__).resolve().parents[2] / "domain"
    used = {
        message
        for module in ("when", "recurrence", "datefmt", "digest", "schedule", "htmltext")
        for _line, message, _comments, _context in extract_from_file("python", domain / f"{module}.py", keywords=keywords)
    }
    with PO_FILE.open("rb") as handle:
        translated = {m.id for m in read_po(handle, locale="en") if m.id and m.string}
    assert used == translated
