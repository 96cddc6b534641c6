"""Dutch words residents use (lowercase; typos are handled by the matcher, not listed here)."""

CATEGORIES: dict[str, tuple[str, ...]] = {
    "buurthuiskamer": ("buurthuiskamer", "huiskamer", "buurthuis", "wijkcentrum", "buurtcentrum", "koffie drinken", "koffie"),
    "inloophuis": ("inloophuis", "inloop", "inloopcentrum", "inloopochtend"),
    "speeltuin": ("speeltuin", "speelplek", "speelplaats", "spelen", "speeltuintje"),
    "groenplek": ("groene plek", "buurttuin", "moestuin", "tuin", "stadstuin", "groen", "tuinieren", "park"),
    "kunstatelier": ("kunstatelier", "atelier", "kunst", "schilderen", "tekenen", "knutselen"),
    "sportclub": ("sportclub", "sport", "sporten", "sportvereniging", "voetbal", "fitness", "bewegen"),
    "zelforganisatie": ("zelforganisatie", "migrantenorganisatie", "culturele groep", "etnische groep"),
    "straatvereniging": ("straatvereniging", "bewonersvereniging", "bewonersorganisatie"),
    "voedselhulp": ("voedselhulp", "voedselbank", "voedselpakket", "gratis eten", "eten"),
    "taalcafe": ("taalcafe", "taalcafé", "taalles", "taalmaatje", "nederlands leren", "taal oefenen"),
    "huiswerkbegeleiding": ("huiswerkbegeleiding", "huiswerkklas", "huiswerkhulp", "huiswerk", "bijles"),
    "repaircafe": ("repair cafe", "repaircafe", "reparatiecafe", "repareren", "maken"),
}

INTENTS: dict[str, tuple[str, ...]] = {
    "help": ("help", "hulp", "hoe werkt dit", "hoe werkt het", "wat kan je", "wat kun je", "wat kan jij",
             "wat kun jij", "wat doe je", "uitleg", "ik snap het niet", "menu"),
    "agenda": ("agenda", "te doen", "activiteit", "activiteiten", "evenement", "evenementen", "wat is er",
               "gebeurt er", "wat gebeurt", "uitje", "uitjes", "programma", "feest", "bijeenkomst", "markt"),
    "places": ("plek", "plekken", "buurtplek", "buurtplekken", "waar is", "waar kan ik", "waar vind ik", "adres",
               "locatie"),
    "near_me": ("bij mij in de buurt", "bij mij", "in de buurt", "dichtbij", "dicht bij", "in mijn buurt",
                "hier in de buurt", "om de hoek"),
    "open_now": ("nu open", "open nu", "nu geopend", "is er nu", "nu iets open", "op dit moment open"),
    "register": ("aanmelden", "initiatief aanmelden", "mijn initiatief", "initiatief toevoegen", "registreren",
                 "inschrijven initiatief"),
    "idea": ("ik heb een idee", "heb een idee", "idee voor de buurt", "idee voor de wijk", "mijn idee", "iets voorstellen",
             "ik wil iets voorstellen", "voorstel doen", "een voorstel doen", "ik heb een voorstel", "suggestie",
             "idee insturen", "idee indienen", "idee delen"),
    "today": ("vandaag", "vanmiddag", "vanavond", "vanochtend", "vanmorgen"),
    "tomorrow": ("morgen", "morgenavond", "morgenmiddag", "morgenochtend"),
    "weekend": ("weekend", "dit weekend", "het weekend", "zaterdag en zondag"),
    "this_week": ("deze week", "komende week", "de komende dagen", "week"),
    "children": ("kinderen", "kind", "kids", "kinder", "jeugd", "jongeren", "tieners", "peuters", "gezin"),
    "language": ("taal", "andere taal", "english", "engels"),
    "greeting": ("hallo", "hoi", "hey", "hee", "goedemorgen", "goedemiddag", "goedenavond", "dag", "salaam",
                 "salam", "hai"),
    "thanks": ("dank", "dank je", "dank je wel", "dankjewel", "bedankt", "dankuwel", "dank u wel", "top",
               "super", "fijn", "thx"),
}

WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("maandag", "ma", "maandagavond", "maandagmiddag", "maandagochtend"),
    ("dinsdag", "di", "dinsdagavond", "dinsdagmiddag", "dinsdagochtend"),
    ("woensdag", "wo", "woensdagavond", "woensdagmiddag", "woensdagochtend"),
    ("donderdag", "do", "donderdagavond", "donderdagmiddag", "donderdagochtend"),
    ("vrijdag", "vr", "vrijdagavond", "vrijdagmiddag", "vrijdagochtend"),
    ("zaterdag", "za", "zaterdagavond", "zaterdagmiddag", "zaterdagochtend"),
    ("zondag", "zo", "zondagavond", "zondagmiddag", "zondagochtend"),
)
