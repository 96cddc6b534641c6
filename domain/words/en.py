"""English words residents use (lowercase; typos are handled by the matcher, not listed here)."""

CATEGORIES: dict[str, tuple[str, ...]] = {
    "buurthuiskamer": ("community living room", "living room", "community centre", "community center",
                       "neighbourhood centre", "coffee"),
    "inloophuis": ("drop in", "drop in centre", "drop in center", "walk in"),
    "speeltuin": ("playground", "play area", "play ground"),
    "groenplek": ("garden", "community garden", "green space", "gardening", "park"),
    "kunstatelier": ("art studio", "art", "painting", "drawing", "crafts"),
    "sportclub": ("sports club", "sports", "sport", "football", "soccer", "gym", "exercise"),
    "zelforganisatie": ("community organisation", "community organization", "cultural group"),
    "straatvereniging": ("street association", "residents association"),
    "voedselhulp": ("food bank", "food aid", "free food", "food parcel", "food"),
    "taalcafe": ("language cafe", "language class", "learn dutch", "dutch lessons", "dutch class"),
    "huiswerkbegeleiding": ("homework help", "homework club", "homework", "tutoring"),
    "repaircafe": ("repair cafe", "repair", "fix"),
}

INTENTS: dict[str, tuple[str, ...]] = {
    "help": ("help", "how does this work", "what can you do", "what do you do", "how does it work", "menu",
             "instructions"),
    "agenda": ("agenda", "what is on", "whats on", "what s on", "events", "event", "activities", "activity",
               "things to do", "to do", "happening", "going on", "calendar", "party", "market"),
    "places": ("place", "places", "where is", "where can i", "where do i find", "address", "location"),
    "near_me": ("near me", "nearby", "close to me", "around me", "close by", "around here", "near here"),
    "open_now": ("open now", "now open", "open right now", "open at the moment", "currently open"),
    "register": ("register", "register my initiative", "sign up my initiative", "add my initiative",
                 "my initiative"),
    "idea": ("i have an idea", "have an idea", "idea for the neighbourhood", "idea for the neighborhood", "my idea",
             "suggest something", "i want to suggest", "propose something", "i want to propose", "a suggestion",
             "suggestion", "a proposal", "share an idea"),
    "today": ("today", "tonight", "this evening", "this afternoon", "this morning"),
    "tomorrow": ("tomorrow", "tomorrow evening", "tomorrow morning", "tomorrow afternoon"),
    "weekend": ("weekend", "this weekend", "the weekend"),
    "this_week": ("this week", "coming week", "next few days", "week"),
    "children": ("children", "kids", "child", "family", "families", "youth", "teenagers", "toddlers"),
    "language": ("language", "dutch", "nederlands"),
    "greeting": ("hello", "hi", "hey", "good morning", "good afternoon", "good evening"),
    "thanks": ("thanks", "thank you", "thank you very much", "thx", "cheers", "great"),
}

WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("monday", "mon"),
    ("tuesday", "tue", "tues"),
    ("wednesday", "wed"),
    ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)
