"""Test places around Delfshaven, as the documented CSV, and a fixed Amsterdam clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

# Wednesday 2 December 2026, 12:00 in Amsterdam.
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

HEADER = "external_id,name,category,description,address,postcode,latitude,longitude,phone,email,website,networks,opening_hours,languages,wheelchair"
PLACES_CSV = "\n".join(
    [
        HEADER,
        'bhk-spangen,Huiskamer Spangen,buurthuiskamer,Koffie en een praatje,Spanjaardstraat 1,3027 AB,51.9170,4.4365,010-1111111,spangen@example.org,https://spangen.example.org,Buurthuiskamers Delfshaven,Mo-Fr 10:00-16:00,nl;ar,yes',
        "bhk-tussendijken,Huiskamer Tussendijken,buurthuiskamer,,Schiedamseweg 2,3026 AA,51.9128,4.4427,,,,Buurthuiskamers Delfshaven,Th 10:00-16:00,tr,no",
        "bhk-oudmat,Huiskamer Oud-Mathenesse,buurthuiskamer,,,3028,51.9167,4.4208,,,,,Sa 12:00-17:00,,limited",
        "bhk-middelland,Huiskamer Middelland,buurthuiskamer,,,3021,51.9165,4.4595,,,,,,,",
        "bhk-delfshaven,Huiskamer Delfshaven,buurthuiskamer,,,3024,51.9054,4.4570,,,,,Mo-Su 09:00-21:00,,",
        "bhk-nw,Huiskamer Nieuwe Westen,buurthuiskamer,,,3022,51.9161,4.4500,,,,,,,",
        "bhk-far,Huiskamer Amsterdam,buurthuiskamer,,Dam 1,1012 JS,52.3730,4.8930,,,,,,,",
        ",Buurthuiskamer Café Étoile,buurthuiskamer,\"Koffie, thee en gezelligheid\",,3024,,,,,,,,,",
        "sp-spangen,Speeltuin Spangen,speeltuin,Speeltuin met klimrek,,3027,51.9175,4.4355,,,,Netwerk Speeltuinen,24/7,,",
        "inloop-anker,Inloophuis Het Anker,inloophuis,,,3026,51.9130,4.4430,,,,,Mo-Su 09:00-13:00,,",
    ]
) + "\n"
