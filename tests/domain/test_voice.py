"""The voice rules without the bot: themes, statuses, what a resident may type, how an author is
shown, the daily limit's day, meeting dates, the digest section and the coordinator's counts."""

from __future__ import annotations

import gettext
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from domain import voice
from domain.intent import IDEA, understand
from domain.voice_digest import VoiceDigestItem, compose_voice_section, signal_count_lines

NL = gettext.NullTranslations()
TZ = ZoneInfo("Europe/Amsterdam")


def test_the_theme_taxonomy_is_the_issues_list_with_unique_codes():
    assert [theme.name for theme in voice.THEMES] == [
        "Ontmoeten", "Eenzaamheid", "Armoede en geldzorgen", "Jeugd", "Ouderen", "Groen en schoon", "Veiligheid",
        "Gezondheid", "Taal", "Anders",
    ]
    codes = [theme.code for theme in voice.THEMES]
    assert len(set(codes)) == len(codes) and all(len(f"vi:t:{code}") <= 64 for code in codes)
    assert voice.get_theme("groen").label(NL) == "🌳 Groen en schoon"
    assert voice.get_theme("evil") is None and voice.theme_label("evil", NL) == "evil"


def test_progress_steps_and_only_ingebracht_asks_for_a_meeting():
    assert [s.code for s in voice.PROGRESS_STATUSES] == ["ingebracht", "toegezegd", "wijkakkoord", "gerealiseerd", "niet_gelukt"]
    assert [s.code for s in voice.PROGRESS_STATUSES if s.needs_meeting] == ["ingebracht"]
    assert voice.progress_label("wijkakkoord", NL) == "📜 In het wijkakkoord"


@pytest.mark.parametrize(("typed", "kept"), [
    ("  Meer   bankjes in\nhet   park  ", "Meer bankjes in\nhet park"),
    ("Eerste alinea.\n\n\n\nTweede alinea.", "Eerste alinea.\n\nTweede alinea."),
    ("x" * 500, "x" * 500),
])
def test_signal_text_is_tidied(typed, kept):
    assert voice.check_signal_text(typed) == kept


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Schrijf in een paar zinnen"),
    ("   \n ", "Schrijf in een paar zinnen"),
    ("hoi", "Dat is wel heel kort"),
    ("x" * 501, "Dat is te lang"),
])
def test_empty_short_or_long_signals_get_a_reason(typed, message):
    with pytest.raises(voice.SignalTextError) as raised:
        voice.check_signal_text(typed)
    assert raised.value.message.startswith(message)


def test_short_texts_for_reasons_and_progress():
    assert voice.check_short_text("  Er staat  een naam in. ", 300) == "Er staat een naam in."
    assert voice.check_short_text("", 300) is None and voice.check_short_text("x" * 301, 300) is None


def test_the_author_is_a_resident_of_the_buurt_unless_they_chose_their_first_name():
    assert voice.author_line("Spangen", "Fatima", False, NL) == "een bewoner van Spangen"
    assert voice.author_line("Spangen", "Fatima", True, NL) == "Fatima uit Spangen"
    assert voice.author_line("Spangen", None, True, NL) == "een bewoner van Spangen"  # forgotten: anonymous


def test_the_daily_limit_counts_from_local_midnight():
    late = datetime(2026, 6, 1, 22, 30, tzinfo=timezone.utc)  # 00:30 on 2 June in Amsterdam (summer time)
    assert voice.day_start_utc(late, TZ) == datetime(2026, 6, 2, tzinfo=TZ)
    assert voice.may_submit(2) and not voice.may_submit(3)


@pytest.mark.parametrize(("typed", "expected"), [
    ("vandaag", date(2026, 11, 30)),
    ("Gisteren", date(2026, 11, 29)),
    ("27-11-2026", date(2026, 11, 27)),
    ("27-11", date(2026, 11, 27)),  # no year: the closest such date
    ("3/1", date(2027, 1, 3)),
    ("3.1.27", date(2027, 1, 3)),
    ("30-02-2026", None),  # no such day
    ("12-01-2029", None),  # more than a year away
    ("volgende week", None),
])
def test_meeting_dates(typed, expected):
    assert voice.read_meeting_date(typed, date(2026, 11, 30)) == expected


def test_search_words_leave_out_filler():
    assert voice.search_words("een bankje in het park, park") == ["bankje", "park"]
    assert voice.search_words("De   Speeltuin!") == ["speeltuin"]
    assert voice.search_words("in") == ["in"]


def test_a_signal_block_shows_counts_and_timeline_never_who():
    step = voice.ProgressStep("ingebracht", "Besproken <b>&</b> genoteerd", "Wijkraad", date(2026, 11, 27),
                              datetime(2026, 11, 28, 9, tzinfo=timezone.utc))
    view = voice.SignalView(7, "Bankje <hier> & daar", "groen", "Spangen", "Fatima", False, 3, (step,))
    block = voice.signal_block(view, NL, TZ, number=2)
    assert block.splitlines() == [
        "2. <i>Bankje &lt;hier&gt; &amp; daar</i>",
        "🌳 Groen en schoon · een bewoner van Spangen",
        "👍 3 steunen dit",
        "📣 Ingebracht, 27 november 2026 (Wijkraad): Besproken &lt;b&gt;&amp;&lt;/b&gt; genoteerd",
    ]
    long = voice.SignalView(8, "woord " * 100, "taal", "Bospolder", None, False, 1)
    assert len(voice.signal_block(long, NL, TZ, full=False).splitlines()[0]) < voice.LIST_TEXT_CHARS + 20


def test_free_text_in_every_language_starts_an_idea_but_no_idea_does_not():
    for text in ("ik heb een idee", "Ik wil iets voorstellen", "I have an idea", "bir fikrim var", "عندي فكرة", "mam pomysł",
                 "tenho uma ideia", "ik heb een idee voor een speeltuin in Spangen"):
        assert understand(text).route == IDEA, text
    for text in ("geen idee waar de speeltuin is", "is er een voorstelling zaterdag", "speeltuin in spangen"):
        assert understand(text).route != IDEA, text


def test_the_digest_section_links_each_new_signal_and_says_what_changed():
    new = [VoiceDigestItem("Een bankje bij de speeltuin", "Spangen", 3, "https://t.me/bot?start=stem-1")]
    changed = [VoiceDigestItem("Schone stoepen", "Bospolder", 5, "https://t.me/bot?start=stem-2", "toegezegd", "De gemeente <veegt>")]
    section = compose_voice_section(new, changed, NL)
    assert section is not None
    assert section.splitlines() == [
        "<b>Wat de buurt vraagt</b>",
        "Nieuwe ideeën. Tik erop en steun ze met één tik:",
        '• <a href="https://t.me/bot?start=stem-1">Een bankje bij de speeltuin</a> (Spangen, 👍 3)',
        "Wat er deze week mee gedaan is:",
        '• <a href="https://t.me/bot?start=stem-2">Schone stoepen</a>: 🤝 Toegezegd. De gemeente &lt;veegt&gt;',
        "Zelf een idee voor de buurt? Stuur het in met /idee.",
    ]
    assert compose_voice_section([], [], NL) is None


def test_the_coordinator_counts_per_status():
    assert signal_count_lines({}, NL) == []
    assert signal_count_lines({"submitted": 2, "published": 1, "ingebracht": 1}, NL) == [
        "<b>Ideeën uit de buurt</b>", "• 2 ideeën wachten op een besluit", "• 1 idee staat op /stem", "   📣 Ingebracht: 1",
    ]


def test_a_list_of_five_long_signals_with_long_timelines_fits_one_message():
    steps = tuple(voice.ProgressStep("ingebracht", "stap " * 100, "M" * 120, date(2026, 11, 27), datetime(2026, 11, 28, tzinfo=timezone.utc))
                  for _ in range(8))
    views = [voice.SignalView(n, "woord " * 90, "groen", "Oud-Mathenesse", "F" * 64, True, 999, steps) for n in range(5)]
    blocks = [voice.signal_block(view, NL, TZ, number=n + 1, full=False) for n, view in enumerate(views)]
    assert all(block.count("Ingebracht") == 1 for block in blocks)
    assert len("\n\n".join(blocks)) < 3600  # room for the heading, filters and the hint
    alone = voice.signal_block(views[0], NL, TZ)
    assert alone.count("Ingebracht") == voice.FULL_STEPS
