"""Polish words residents use for places and questions (lowercase; Polish letters optional when typed).

Glossary: bot/locales/pl/glossary.md. Polish declines nouns (plac zabaw, placu zabaw, placów zabaw):
list the common forms; small typos are tolerated by the matcher.
"""

CATEGORIES: dict[str, tuple[str, ...]] = {
    "buurthuiskamer": ("świetlica sąsiedzka", "świetlica", "świetlicy", "dom sąsiedzki", "centrum sąsiedzkie",
                       "dom kultury", "kawiarenka sąsiedzka"),
    "inloophuis": ("dom otwarty", "punkt otwarty", "punkt spotkań", "punkt porad", "porady"),
    "speeltuin": ("plac zabaw", "placu zabaw", "place zabaw", "placów zabaw", "plac zabaw dla dzieci", "huśtawki",
                  "zjeżdżalnia"),
    "groenplek": ("zielone miejsce", "ogród", "ogródek", "ogród społeczny", "ogródki działkowe", "zieleń"),
    "kunstatelier": ("pracownia artystyczna", "pracownia", "sztuka", "malarstwo", "warsztaty artystyczne"),
    "sportclub": ("klub sportowy", "sport", "piłka nożna", "siłownia", "pływanie", "fitness"),
    "zelforganisatie": ("organizacja społeczna", "stowarzyszenie", "polonia", "polska organizacja", "fundacja"),
    "straatvereniging": ("stowarzyszenie ulicy", "stowarzyszenie mieszkańców", "rada mieszkańców", "sąsiedzi"),
    "voedselhulp": ("pomoc żywnościowa", "bank żywności", "paczka żywnościowa", "darmowe jedzenie", "jedzenie"),
    "taalcafe": ("kawiarenka językowa", "kurs językowy", "nauka niderlandzkiego", "kurs niderlandzkiego",
                 "lekcje języka", "niderlandzki"),
    "huiswerkbegeleiding": ("pomoc w lekcjach", "pomoc w odrabianiu lekcji", "odrabianie lekcji", "korepetycje",
                            "zadanie domowe", "praca domowa"),
    "repaircafe": ("kawiarnia naprawcza", "naprawa", "naprawy", "warsztat naprawczy", "naprawić"),
}

INTENTS: dict[str, tuple[str, ...]] = {
    "help": ("pomoc", "pomocy", "pomóż", "pomoz", "pomóż mi", "jak to działa", "nie rozumiem", "co umiesz"),
    "agenda": ("wydarzenia", "wydarzenie", "co się dzieje", "co jest", "kalendarz", "program", "imprezy"),
    "places": ("miejsce", "miejsca", "gdzie", "gdzie jest"),
    "near_me": ("w pobliżu", "blisko mnie", "koło mnie", "obok mnie", "w mojej okolicy", "w okolicy", "niedaleko",
                "blisko", "najbliższy", "najbliższa"),
    "open_now": ("teraz otwarte", "otwarte teraz", "teraz otwarty", "otwarty teraz", "czynne teraz", "teraz czynne",
                 "jest otwarte"),
    "register": ("zgłoś", "zgłosić", "zgłoszenie", "zarejestruj", "rejestracja"),
    "idea": ("mam pomysł", "mam propozycję", "propozycja", "chcę coś zaproponować", "pomysł na osiedle",
             "pomysł dla dzielnicy", "sugestia", "mój pomysł"),
    "today": ("dzisiaj", "dziś"),
    "tomorrow": ("jutro",),
    "weekend": ("weekend", "w weekend", "ten weekend", "sobota i niedziela"),
    "this_week": ("ten tydzień", "w tym tygodniu"),
    "children": ("dzieci", "dziecko", "dla dzieci", "młodzież"),
    "language": ("język", "polski", "zmień język"),
    "greeting": ("cześć", "dzień dobry", "witam", "hej", "dobry wieczór"),
    "thanks": ("dziękuję", "dzięki", "dziękuje", "dziekuje", "wielkie dzięki"),
}

WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("poniedziałek", "pon", "pn"),
    ("wtorek", "wt"),
    ("środa", "środę", "śr"),
    ("czwartek", "czw"),
    ("piątek", "pt", "pią"),
    ("sobota", "sobotę", "sob"),
    ("niedziela", "niedzielę", "niedz", "nd"),
)

LANGUAGE_NAMES: dict[str, str] = {
    "polski": "pl", "po polsku": "pl", "polsku": "pl", "turecki": "tr", "arabski": "ar", "portugalski": "pt",
    "angielski": "en", "niderlandzki": "nl", "holenderski": "nl", "ukraiński": "uk", "rosyjski": "ru",
}
