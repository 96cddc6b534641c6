from domain.audience import is_for_children


def test_children_by_category_or_words():
    assert is_for_children("speeltuin", "Zomerfeest")
    assert is_for_children("buurthuiskamer", "Kindermiddag", None)
    assert is_for_children("buurthuiskamer", "Knutselen", "Voor kinderen van 6 tot 12")
    assert is_for_children("sportclub", "Voetbal voor de jeugd")
    assert not is_for_children("buurthuiskamer", "Koffieochtend", "Voor iedereen")
