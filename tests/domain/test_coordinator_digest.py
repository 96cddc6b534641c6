from datetime import date
from gettext import NullTranslations

from domain.coordinator_digest import CoordinatorOverview, compose_overview, named_list
from domain.htmltext import is_valid_telegram_html

T = NullTranslations()


def overview(**changes) -> CoordinatorOverview:
    values = dict(network="West", week_start=date(2026, 12, 7), awaiting_approval=[], new_initiatives=1,
                  upcoming_activities=4, unverified_listings=[], unreachable_groups=[])
    values.update(changes)
    return CoordinatorOverview(**values)


def test_names_up_to_ten_then_en_nog():
    names = [f"Initiatief {i}" for i in range(1, 14)]
    lines = named_list(names, T)
    assert lines[:2] == ["• Initiatief 1", "• Initiatief 2"] and lines[9] == "• Initiatief 10"
    assert lines[10:] == ["… en nog 3"]
    assert named_list(names[:10], T)[-1] == "• Initiatief 10"


def test_overview_names_waiting_and_unverified_and_escapes():
    [text] = compose_overview(overview(awaiting_approval=["Moestuin <Oost>", "Repair & Café"],
                                       unverified_listings=[f"Plek {i}" for i in range(12)],
                                       unreachable_groups=["Buren"]), translator=T, locale="nl")
    assert is_valid_telegram_html(text)
    assert "<b>2 initiatieven wachten op goedkeuring</b>\n• Moestuin &lt;Oost&gt;\n• Repair &amp; Café" in text
    assert "<b>Al 90 dagen niet gecontroleerd</b> (12)\n• Plek 0" in text and "• Plek 9\n… en nog 2" in text
    assert "Plek 10" not in text
    assert "• Buren" in text
    assert "maandag 7 december" in text


def test_overview_in_english_dates():
    [text] = compose_overview(overview(), translator=T, locale="en")
    assert "Monday, December 7" in text or "Monday 7 December" in text
    assert "Alle buurtplekken zijn gecontroleerd" in text
