"""The rules of vraag & aanbod: limits, dates, expiry, the state machines, lists, digest and overview."""

from __future__ import annotations

import gettext
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import together as rules
from domain.when import WhenError

TZ = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)
DUTCH = gettext.NullTranslations()


def item(item_id: int, kind: str = "lend", direction: str = rules.ASK, created: datetime = NOW, text: str = "Een partytent",
         initiative: str = "Huiskamer") -> rules.ListedItem:
    return rules.ListedItem(item_id, direction, kind, initiative, text, created, rules.expires_at(date(2026, 12, 5), TZ))


def test_at_most_five_open_items():
    assert rules.room_for_another(4)
    assert not rules.room_for_another(5)
    assert not rules.room_for_another(7)


@pytest.mark.parametrize(("text", "problem"), [("", "short"), ("tent", "short"), ("Een partytent", None), ("x" * 301, "long"),
                                               ("  veel   spaties   hier  ", None)])
def test_text_problems(text, problem):
    assert rules.text_problem(text) == problem


@pytest.mark.parametrize(("text", "expected"), [
    ("zaterdag", date(2026, 12, 5)),
    ("12 december", date(2026, 12, 12)),
    ("morgen", date(2026, 12, 4)),
    ("vandaag", date(2026, 12, 3)),
    ("1 januari", date(2027, 1, 1)),
    ("volgende week vrijdag", date(2026, 12, 11)),
    ("zaterdag 14:00", date(2026, 12, 5)),
])
def test_last_day_is_read_with_the_date_reader(text, expected):
    assert rules.read_last_day(text, NOW, TZ) == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    # Digits mean day-month (-year) in every language; without a year the coming date.
    ("31-1", "nl", date(2027, 1, 31)), ("5-12", "tr", date(2026, 12, 5)), ("5/12", "ar", date(2026, 12, 5)),
    ("24.12", "pl", date(2026, 12, 24)), ("1-2", "nl", date(2027, 2, 1)), ("31-12-2026", "pt", date(2026, 12, 31)),
    ("5/12/26", "en", date(2026, 12, 5)), ("1-12", "nl", date(2026, 12, 1)),  # just gone: this year's (then "past")
    # Weekdays, today and tomorrow in the person's language (and Dutch, which everyone here sees).
    ("cumartesi", "tr", date(2026, 12, 5)), ("السبت", "ar", date(2026, 12, 5)), ("sobota", "pl", date(2026, 12, 5)),
    ("sábado", "pt", date(2026, 12, 5)), ("Saturday", "en", date(2026, 12, 5)), ("donderdag", "tr", date(2026, 12, 3)),
    ("yarın", "tr", date(2026, 12, 4)), ("غدا", "ar", date(2026, 12, 4)), ("t/m zaterdag", "nl", date(2026, 12, 5)),
    # Month names as babel writes them for that language.
    ("5 Aralık", "tr", date(2026, 12, 5)), ("5 ديسمبر", "ar", date(2026, 12, 5)), ("24 grudnia", "pl", date(2026, 12, 24)),
    ("5 de dezembro", "pt", date(2026, 12, 5)), ("December 5", "en", date(2026, 12, 5)), ("12 aralık 2026", "tr", date(2026, 12, 12)),
])
def test_last_day_typed_in_each_language(text, language, expected):
    assert rules.read_last_day(text, NOW, TZ, language) == expected


@pytest.mark.parametrize("text", ["elke dinsdag", "blabla", "", "31-2", "5 aralık 3 ocak"])
def test_unreadable_last_days_raise(text):
    with pytest.raises(WhenError):
        rules.read_last_day(text, NOW, TZ)


def test_until_problems():
    today = date(2026, 12, 3)
    assert rules.until_problem(date(2026, 12, 2), today) == "past"
    assert rules.until_problem(today, today) is None
    assert rules.until_problem(today + timedelta(days=183), today) is None
    assert rules.until_problem(today + timedelta(days=184), today) == "far"


def test_expiry_is_the_midnight_after_the_last_day_in_amsterdam():
    expires = rules.expires_at(date(2026, 12, 5), TZ)
    assert expires == datetime(2026, 12, 6, 0, 0, tzinfo=TZ)
    assert expires.tzinfo is not None and expires.utcoffset() == timedelta(0)
    assert rules.last_day(expires, TZ) == date(2026, 12, 5)
    # Summer time: still the local midnight.
    assert rules.expires_at(date(2027, 7, 1), TZ) == datetime(2027, 7, 2, 0, 0, tzinfo=TZ)


def test_reminder_comes_at_ten_the_day_before_the_last_day():
    expires = rules.expires_at(date(2026, 12, 5), TZ)
    assert rules.remind_at(expires) == datetime(2026, 12, 4, 10, 0, tzinfo=TZ)


def test_extend_once_while_open():
    expires = rules.expires_at(date(2026, 12, 5), TZ)
    assert rules.may_extend(rules.OPEN, False, expires, NOW)
    assert not rules.may_extend(rules.OPEN, True, expires, NOW)
    assert not rules.may_extend(rules.SETTLED, False, expires, NOW)
    assert not rules.may_extend(rules.OPEN, False, expires, expires)
    assert rules.extended_expiry(expires) - expires == timedelta(days=14)


def test_listed_and_due_to_expire():
    expires = rules.expires_at(date(2026, 12, 5), TZ)
    assert rules.is_listed(rules.OPEN, expires, NOW)
    assert not rules.is_listed(rules.OPEN, expires, expires)
    assert not rules.is_listed(rules.SETTLED, expires, NOW)
    assert rules.is_due_to_expire(rules.OPEN, expires, expires)
    assert not rules.is_due_to_expire(rules.EXPIRED, expires, expires)


def test_state_machines():
    assert rules.next_status(rules.ITEM_STEPS, rules.OPEN, "settle") == rules.SETTLED
    assert rules.next_status(rules.RESPONSE_STEPS, rules.PENDING, "accept") == rules.ACCEPTED
    assert rules.next_status(rules.RESPONSE_STEPS, rules.PENDING, "decline") == rules.DECLINED
    assert rules.next_status(rules.COORGANISER_STEPS, rules.INVITED, "accept") == rules.ACCEPTED
    for steps, current, action in [(rules.ITEM_STEPS, rules.SETTLED, "settle"), (rules.ITEM_STEPS, rules.EXPIRED, "extend"),
                                   (rules.RESPONSE_STEPS, rules.ACCEPTED, "decline"), (rules.RESPONSE_STEPS, rules.PENDING, "settle"),
                                   (rules.COORGANISER_STEPS, rules.DECLINED, "accept")]:
        assert not rules.may_step(steps, current, action)
        with pytest.raises(rules.StepRefused):
            rules.next_status(steps, current, action)


def test_only_another_initiative_may_respond():
    assert rules.may_respond([2], 1)
    assert rules.may_respond([1, 2], 1)
    assert not rules.may_respond([1], 1)
    assert not rules.may_respond([], 1)
    assert rules.responding_initiative([1, 3], 1) == 3
    assert rules.responding_initiative([1], 1) is None


def test_closed_items_are_deleted_after_ninety_days():
    closed = NOW
    assert not rules.deletable(rules.OPEN, None, NOW - timedelta(days=400), NOW)
    assert not rules.deletable(rules.SETTLED, closed, closed, closed + timedelta(days=89))
    assert rules.deletable(rules.SETTLED, closed, closed, closed + timedelta(days=90))
    assert rules.deletable(rules.EXPIRED, None, closed, closed + timedelta(days=91))


def test_lists_by_kind_newest_first():
    found = rules.ordered([item(1, "other"), item(2, "lend", created=NOW - timedelta(days=2)), item(3, "lend"), item(4, "room")])
    assert [entry.item_id for entry in found] == [3, 2, 4, 1]


def test_digest_section_groups_by_kind_escapes_and_links():
    section = rules.digest_section([item(1, text="Tent <groot> & stevig"), item(2, "room", rules.OFFER, initiative="Zaal & Co")],
                                   DUTCH, "nl", TZ, link={1: "https://t.me/bot?start=tg-1"})
    assert section is not None
    lines = section.splitlines()
    assert lines[0] == "<b>Vraag &amp; aanbod tussen initiatieven</b>"
    assert lines[1] == "📦 Spullen lenen"
    assert "Tent &lt;groot&gt; &amp; stevig" in lines[2] and "zoekt" in lines[2] and 'href="https://t.me/bot?start=tg-1"' in lines[2]
    assert "zaterdag 5 december" in lines[2]
    assert lines[3] == "🏠 Ruimte" and "<b>Zaal &amp; Co</b> biedt" in lines[4]
    assert rules.digest_section([], DUTCH, "nl", TZ) is None


def test_digest_section_says_how_many_more():
    section = rules.digest_section([item(number) for number in range(1, 12)], DUTCH, "nl", TZ, shown=8)
    assert section is not None and section.endswith("… en nog 3 andere. Kijk bij /vraagaanbod.")


def test_coordinator_overview_names_the_requests_open_longest():
    items = [item(1, created=NOW - timedelta(days=20), text="Vrijwilligers kerstdiner"), item(2, created=NOW - timedelta(days=3)),
             item(3, direction=rules.OFFER, created=NOW - timedelta(days=40))]
    longest = rules.longest_open(items, NOW)
    assert longest == [("Huiskamer", "Vrijwilligers kerstdiner", 20), ("Huiskamer", "Een partytent", 3)]
    lines = rules.overview_lines(rules.ExchangeFacts(matched=2, open_count=3, open_longest=longest), DUTCH)
    text = "\n".join(lines)
    assert "2 keer geholpen deze week" in text and "3 vragen of aanbiedingen staan open" in text
    assert "Vrijwilligers kerstdiner (20 dagen)" in text
    assert rules.overview_lines(rules.ExchangeFacts(0, 0, []), DUTCH) == []


def test_contact_link():
    assert rules.contact_link(42, "Ans <3", "ans_b") == '<a href="tg://user?id=42">Ans &lt;3</a> (@ans_b)'
    assert rules.contact_link(42, None, None) == '<a href="tg://user?id=42">42</a>'
