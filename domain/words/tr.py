"""Turkish words residents use for places and questions (lowercase; accents optional when typed).

Glossary: bot/locales/tr/glossary.md. Turkish glues endings to words (parkı, parkında, yakınımda):
list the common forms; small typos are tolerated by the matcher.
"""

CATEGORIES: dict[str, tuple[str, ...]] = {
    "buurthuiskamer": ("mahalle oturma odası", "oturma odası", "mahalle evi", "semt evi", "mahalle salonu",
                       "toplum merkezi", "mahalle merkezi", "kahve içmek", "çay içmek"),
    "inloophuis": ("uğrak evi", "açık ev", "buluşma evi", "buluşma yeri", "danışma", "danışma merkezi"),
    "speeltuin": ("çocuk parkı", "çocuk parkında", "çocuk parkları", "oyun parkı", "oyun alanı", "parkı",
                  "salıncak", "kaydırak"),
    "groenplek": ("yeşil alan", "bahçe", "mahalle bahçesi", "bostan", "sebze bahçesi", "yeşillik"),
    "kunstatelier": ("sanat atölyesi", "atölye", "sanat", "resim", "resim kursu"),
    "sportclub": ("spor kulübü", "spor", "futbol", "spor salonu", "yüzme", "fitness"),
    "zelforganisatie": ("topluluk örgütü", "dernek", "cemiyet", "kültür derneği", "türk derneği", "vakıf"),
    "straatvereniging": ("sokak derneği", "sakinler derneği", "mahalle derneği", "komşular"),
    "voedselhulp": ("gıda yardımı", "gıda bankası", "yiyecek yardımı", "gıda paketi", "erzak", "yemek yardımı"),
    "taalcafe": ("dil kafesi", "dil kursu", "hollandaca kursu", "hollandaca öğrenmek", "dil dersi", "felemenkçe"),
    "huiswerkbegeleiding": ("ödev yardımı", "ödev", "etüt", "ders yardımı", "ödev kulübü"),
    "repaircafe": ("tamir kafesi", "tamir", "onarım", "tamirci", "bisiklet tamiri"),
}

INTENTS: dict[str, tuple[str, ...]] = {
    "help": ("yardım", "yardim", "yardım et", "yardım lütfen", "nasıl çalışır", "ne yapabilirsin", "anlamadım"),
    "agenda": ("etkinlik", "etkinlikler", "ne var", "neler var", "ne yapılır", "program", "takvim", "etkinlik takvimi"),
    "places": ("yer", "yerler", "nerede", "neresi", "mahalle yerleri"),
    "near_me": ("yakınımda", "yakinimda", "yakınımdaki", "yakında", "bana yakın", "yakın", "buralarda",
                "yakınlarda", "civarımda", "etrafımda", "çevremde"),
    "open_now": ("şimdi açık", "şu an açık", "şu anda açık", "açık olan", "açık mı", "hâlâ açık"),
    "register": ("kaydet", "kayıt", "girişim kaydet", "kaydolmak", "başvuru"),
    "idea": ("bir fikrim var", "fikrim var", "önerim var", "bir önerim var", "öneri", "öneride bulunmak",
             "bir şey önermek istiyorum", "önermek istiyorum", "mahalle için fikir"),
    "today": ("bugün", "bu gün"),
    "tomorrow": ("yarın",),
    "weekend": ("hafta sonu", "haftasonu", "bu hafta sonu", "cumartesi pazar"),
    "this_week": ("bu hafta", "bu haftaki"),
    "children": ("çocuk", "çocuklar", "çocuklar için", "bebek", "genç", "gençler"),
    "language": ("dil", "türkçe", "dil seç", "dili değiştir"),
    "greeting": ("merhaba", "selam", "selamün aleyküm", "günaydın", "iyi akşamlar", "iyi günler"),
    "thanks": ("teşekkürler", "teşekkür ederim", "sağol", "sağ ol", "eyvallah", "çok teşekkürler"),
}

WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("pazartesi", "pzt"),
    ("salı", "sal"),
    ("çarşamba", "çar", "çrş"),
    ("perşembe", "per", "prş"),
    ("cuma", "cum"),
    ("cumartesi", "cmt"),
    ("pazar", "paz"),
)

LANGUAGE_NAMES: dict[str, str] = {
    "türkçe": "tr", "türkçe konuşulan": "tr", "arapça": "ar", "lehçe": "pl", "portekizce": "pt",
    "ingilizce": "en", "hollandaca": "nl", "felemenkçe": "nl", "kürtçe": "ku", "farsça": "fa",
}
