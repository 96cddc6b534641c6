"""domain.inbreng: the input document composed from plain data, without names of residents."""

from __future__ import annotations

import csv
import gettext
import io
from datetime import date, datetime, timezone

from pypdf import PdfReader

from domain.inbreng import Inbreng, SignalEntry, anonymise, by_theme, csv_text, markdown
from domain.inbreng_pdf import render_pdf
from domain.meetings import CALL_BEFORE, call_at, call_due, get_kind
from domain.polls import GroupTally, PollResult

DUTCH = gettext.NullTranslations()
DATA = Inbreng(
    buurt="Spangen", since=date(2026, 9, 1), until=date(2026, 11, 30),
    signals=(SignalEntry("groen", "Meer bomen op het plein, bel 06-12345678", 5, "ingebracht"),
             SignalEntry("groen", "Minder zwerfafval", 2),
             SignalEntry("groen", "Geveltuinen", 1),
             SignalEntry("jeugd", "Een plek voor tieners", 6)),
    polls=(PollResult("Welke avond?", ("di", "wo"), (GroupTally("A", (3, 1), 4),), closed=False),),
    initiatives=3, activities=7, meetings=(("Wijkraad", date(2026, 12, 14)),), made_on=date(2026, 11, 30),
)


def test_quotes_lose_contact_details_and_long_texts_are_cut_at_a_word():
    assert anonymise("Mail jan@example.org of bel +31 6 1234 5678, of @janbuurt, zie www.x.nl/a") == "Mail … of bel …, of …, zie …"
    cut = anonymise("woord " * 60, limit=40)
    assert len(cut) <= 40 and cut.endswith("woord…")


def test_themes_are_ranked_by_support_with_the_most_supported_quotes():
    themes = by_theme(DATA.signals, DUTCH)
    assert [(t.label, t.signals, t.supports) for t in themes] == [("Groen en schoon", 3, 8), ("Jeugd", 1, 6)]
    assert [q for q, _n in themes[0].quotes] == ["Meer bomen op het plein, bel …", "Minder zwerfafval"]


def test_markdown_has_the_summary_signals_polls_and_meeting():
    text = markdown(DATA, DUTCH)
    assert text.startswith("# Inbreng van Spangen\n")
    assert "- Voor: Wijkraad op 14 december 2026" in text
    assert "- 4 ideeën en vragen van bewoners, samen 14 keer gesteund" in text
    assert "- 3 actieve initiatieven, 7 activiteiten" in text
    assert "### Groen en schoon: 3 signalen, 8 keer gesteund" in text
    assert "> “Een plek voor tieners” (6 steunen dit)" in text
    assert "- Ingebracht: 1" in text
    assert "| di | 3 | 75 |" in text and "4 mensen deden mee, in 1 groep. De peiling loopt nog." in text
    assert "06-12345678" not in text


def test_an_empty_period_says_so():
    empty = markdown(Inbreng("Bospolder", date(2026, 1, 1), date(2026, 2, 1)), DUTCH)
    assert "In deze periode zijn geen ideeën of vragen gepubliceerd." in empty
    assert "In deze periode waren er geen peilingen." in empty


def test_csv_has_one_row_per_signal_and_per_poll_answer():
    rows = list(csv.reader(io.StringIO(csv_text(DATA, DUTCH))))
    assert rows[0] == ["soort", "buurt", "thema of vraag", "tekst of antwoord", "aantal", "%", "stand"]
    assert ["signaal", "Spangen", "Jeugd", "Een plek voor tieners", "6", "", ""] in rows
    assert ["peiling", "Spangen", "Welke avond?", "di", "3", "75", "loopt nog"] in rows
    assert rows[-2:] == [["initiatieven", "Spangen", "", "", "3", "", ""], ["activiteiten", "Spangen", "", "", "7", "", ""]]


def test_pdf_is_one_page_here_and_holds_the_words():
    reader = PdfReader(io.BytesIO(render_pdf(DATA, DUTCH)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Inbreng van Spangen" in text and "Een plek voor tieners" in text and "Welke avond?" in text


def test_meeting_calls_go_two_weeks_before_and_never_after_the_start():
    start = datetime(2027, 1, 15, 18, 30, tzinfo=timezone.utc)
    assert CALL_BEFORE.days == 14
    assert call_at(start, datetime(2026, 12, 1, tzinfo=timezone.utc)) == datetime(2027, 1, 1, 18, 30, tzinfo=timezone.utc)
    late = datetime(2027, 1, 10, tzinfo=timezone.utc)
    assert call_at(start, late) == late
    assert not call_due(start, datetime(2027, 1, 1, 18, 29, tzinfo=timezone.utc))
    assert call_due(start, datetime(2027, 1, 1, 18, 30, tzinfo=timezone.utc))
    assert not call_due(start, start)
    assert get_kind("wijkraad").name == "Wijkraad" and get_kind("borrel") is None


def test_the_pdf_leaves_out_what_its_font_cannot_draw_and_keeps_our_languages_letters():
    from domain.inbreng_pdf import printable

    assert printable("Meer bomen 🌳 graag 👍 — ğüşıöç łźżń ãõç عربي 你好") == "Meer bomen graag — ğüşıöç łźżń ãõç عربي"
