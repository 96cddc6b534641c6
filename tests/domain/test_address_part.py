import pytest

from domain.address_part import address_part


@pytest.mark.parametrize(("text", "address"), [
    ("zoek koffie bij Gravin Zwaluwstraat 77", "Gravin Zwaluwstraat 77"),
    ("Spanjaardstraat 1", "Spanjaardstraat 1"),
    ("spanjaardstraat 1", "spanjaardstraat 1"),
    ("taalcafé in de buurt van Schiedamseweg 10a, Rotterdam", "Schiedamseweg 10a"),
    ("waar kan ik eten bij 1e Middellandstraat 5-B?", "1e Middellandstraat 5-B"),
    ("buurthuiskamer dichtbij 's-Gravendijkwal 12", "'s-Gravendijkwal 12"),
    ("hulp rond de Van der Takstraat 3 graag", "Van der Takstraat 3"),
    ("Ik woon op nieuwe binnenweg 200", "nieuwe binnenweg 200"),
])
def test_only_the_address_is_kept(text, address):
    assert address_part(text) == address


@pytest.mark.parametrize("text", ["", "koffie", "3027 AB", "12 mensen", "om 14 uur", "buurthuiskamer 3026 AB", "in 2e straat"])
def test_no_address(text):
    assert address_part(text) is None
