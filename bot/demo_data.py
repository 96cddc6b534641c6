"""The demo's sample Delfshaven: fictional places, networks, activities, people and a group.

Everything here is made up (names, addresses, phone numbers); the buurten and postcodes are real.
The places go through the real CSV import, so the demo shows what an import produces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from domain.places_csv import COLUMNS, read_places
from storage.models import Activity, GroupChat, InitiativeMember, NetworkCoordinator
from storage.repositories import directory


@dataclass(frozen=True)
class Persona:
    key: str  # what /als takes
    label: str
    user: dict


RESIDENT = Persona("bewoner", "Fatima, bewoner uit Spangen", {"id": 101, "is_bot": False, "first_name": "Fatima", "language_code": "nl"})
VOLUNTEER = Persona("vrijwilliger", "Samira, vrijwilliger van Huiskamer Spangen", {"id": 102, "is_bot": False, "first_name": "Samira", "language_code": "nl"})
COORDINATOR = Persona("coordinator", "Jan, coördinator van Buurthuiskamers Delfshaven (en beheerder)", {"id": 103, "is_bot": False, "first_name": "Jan", "language_code": "nl"})
PERSONAS = (RESIDENT, VOLUNTEER, COORDINATOR)
ADMIN_IDS = frozenset({COORDINATOR.user["id"]})
GROUP = {"id": -1001000000777, "type": "supergroup", "title": "Buurthuiskamers Delfshaven (groep)"}
HOME = (51.9172, 4.4370)  # a street in Spangen: where "share my location" puts the resident

PLACES = [
    "demo-spangen,Huiskamer Spangen,buurthuiskamer,Koffie thee en een praatje; iedereen welkom,Spaansebocht 12,3027 BA,51.9165,4.4352,010-0000101,spangen@example.org,https://huiskamer-spangen.example.org,Buurthuiskamers Delfshaven,Mo-Fr 10:00-16:00,nl;ar;tr,yes",
    "demo-bospolder,Buurthuiskamer De Schans,buurthuiskamer,Samen eten op donderdag,Schansstraat 4,3025 AB,51.9088,4.4431,010-0000102,,,Buurthuiskamers Delfshaven,Mo-Th 09:30-15:30,nl;pl,limited",
    "demo-oudmat,Huiskamer Oud-Mathenesse,buurthuiskamer,,Hudsonstraat 2,3028,51.9160,4.4215,,,,Buurthuiskamers Delfshaven,We-Sa 12:00-17:00,nl,yes",
    "demo-inloop,Inloophuis De Haven,inloophuis,Een luisterend oor en hulp bij brieven,Havenstraat 8,3024 TA,51.9057,4.4566,010-0000104,dehaven@example.org,,Inloophuizen Delfshaven,Mo-Fr 09:00-13:00,nl;en;ar,yes",
    "demo-speeltuin,Speeltuin Het Klimrek,speeltuin,Speeltuin met klimrek en zandbak,,3027,51.9180,4.4340,,,,Speeltuinen West,Mo-Su 09:00-19:00,,yes",
    "demo-tuin,Buurttuin Tussendijken,groenplek,Samen tuinieren en oogsten,Tussendijkstraat 30,3026,51.9130,4.4420,,,,Groen in de Wijk,Sa 10:00-14:00,nl;tr,limited",
    "demo-taal,Taalcafé Middelland,taalcafe,Nederlands oefenen in een kleine groep,Middellandplein 5,3021,51.9162,4.4590,,taal@example.org,,Inloophuizen Delfshaven,Tu 19:00-21:00; Th 10:00-12:00,nl,yes",
    "demo-repair,Repair Café Nieuwe Westen,repaircafe,Samen spullen repareren,,3022,51.9158,4.4495,,,,Groen in de Wijk,Sa 13:00-16:00,nl;en,no",
]


@dataclass
class DemoWorld:
    group_chat_id: int
    activities: int


async def seed(session_factory, now: datetime, tz: ZoneInfo) -> DemoWorld:  # noqa: ANN001
    """Fill a fresh, migrated database with the sample neighbourhood."""
    csv_text = ",".join(COLUMNS) + "\n" + "\n".join(PLACES) + "\n"
    records = read_places(csv_text.encode())
    async with session_factory.begin() as session:
        await directory.import_places(session, records, now.astimezone(timezone.utc))
        ids = {row.external_id: row for row in await directory.all_places(session)}
        networks = {name: network_id for network_id, name in (await directory.network_names(session)).items()}
        spangen, haven, tuin = ids["demo-spangen"], ids["demo-inloop"], ids["demo-tuin"]
        session.add_all([
            InitiativeMember(initiative_id=spangen.id, user_id=VOLUNTEER.user["id"], role="owner"),
            NetworkCoordinator(network_id=networks["Buurthuiskamers Delfshaven"], user_id=COORDINATOR.user["id"]),
            GroupChat(chat_id=GROUP["id"], title=GROUP["title"], network_id=networks["Buurthuiskamers Delfshaven"],
                      active=True, linked_by=COORDINATOR.user["id"], linked_at=now.astimezone(timezone.utc)),
        ])
        today = now.astimezone(tz).date()

        def at(days: int, hour: int, minute: int = 0) -> datetime:
            return datetime.combine(today + timedelta(days=days), time(hour, minute), tzinfo=tz)

        saturday = (5 - today.weekday()) % 7 or 7
        activities = [
            Activity(initiative_id=spangen.id, title="Koffieochtend", description="Koffie, thee en een praatje.",
                     starts_at=at(1, 10), ends_at=at(1, 12), rrule="FREQ=WEEKLY", location_id=spangen.location_id,
                     created_by=VOLUNTEER.user["id"]),
            Activity(initiative_id=spangen.id, title="Samen koken", description="We koken met wat de buurttuin oogst.",
                     starts_at=at(2, 17, 30), ends_at=at(2, 20), location_id=spangen.location_id, max_attendees=12,
                     created_by=VOLUNTEER.user["id"]),
            Activity(initiative_id=haven.id, title="Hulp bij brieven", starts_at=at(3, 10), location_id=haven.location_id),
            Activity(initiative_id=haven.id, title="Avondinloop", description="Even binnenlopen voor thee en een praatje.",
                     starts_at=at(0 if now.astimezone(tz).hour < 19 else 1, 19, 30), ends_at=at(0 if now.astimezone(tz).hour < 19 else 1, 21),
                     location_id=haven.location_id),
            Activity(initiative_id=tuin.id, title="Oogstfeest in de buurttuin", description="Muziek, soep en een ruilmarkt.",
                     starts_at=at(saturday, 11), ends_at=at(saturday, 15), location_id=tuin.location_id),
        ]
        session.add_all(activities)
    return DemoWorld(group_chat_id=GROUP["id"], activities=len(activities))
