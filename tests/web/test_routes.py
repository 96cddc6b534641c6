"""Every route of the web app, through the real Starlette app on the production Application."""

from __future__ import annotations

import re
from datetime import timedelta, timezone
from html.parser import HTMLParser

import httpx
from icalendar import Calendar
from sqlalchemy import select

from bot.places_cli import import_records
from domain.places_csv import read_places
from storage.models import Initiative, Location
from tests.directory_data import NOW
from web import app as web_app
from web.app import create_app


class Places(HTMLParser):
    """The list items of the place list, with their data attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
        attributes = dict(attrs)
        if tag == "li" and "place" in (attributes.get("class") or "").split():
            self.items.append({**attributes, "text": ""})
            self._depth = 1
        elif self._depth and tag == "li":
            self._depth += 1

    def handle_endtag(self, tag) -> None:  # noqa: ANN001
        if self._depth and tag == "li":
            self._depth -= 1

    def handle_data(self, data) -> None:  # noqa: ANN001
        if self._depth and self.items:
            self.items[-1]["text"] += data


def places_in(html: str) -> list[dict]:
    parser = Places()
    parser.feed(html)
    return parser.items


def names(html: str) -> list[str]:
    return [item["data-name"] for item in places_in(html)]


async def test_buurtgids_lists_every_visible_place_with_what_residents_need(web, world):
    response = await web.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="nl" dir="ltr">' in html
    assert "<h1>Buurtplekken in Delfshaven</h1>" in html
    assert '<label for="q">Zoek een plek</label>' in html and 'role="search"' in html
    items = {item["data-name"]: item for item in places_in(html)}
    assert len(items) == 10 and "<h2 id=\"list-title\">10 plekken</h2>" in html
    spangen = items["Huiskamer Spangen"]
    assert (spangen["data-lat"], spangen["data-lon"]) == ("51.917", "4.4365")
    text = " ".join(spangen["text"].split())
    assert "Buurthuiskamer · Spanjaardstraat 1, 3027 AB" in text
    assert "Nu open, tot 16:00" in text  # Wednesday 12:00
    assert "Talen: Arabisch, Nederlands" in text
    assert "♿ Toegankelijk met rolstoel" in text
    assert "Gesloten. Morgen open vanaf 10:00" in " ".join(items["Huiskamer Tussendijken"]["text"].split())
    # No cookies, no tracking, no third-party scripts; OSM tiles only as images.
    assert "set-cookie" not in response.headers
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/leaflet/leaflet.js", "/static/map.js"]
    assert "CC BY 4.0" in html and "OpenStreetMap" in html


async def test_search_chips_and_buurt_filter(web, world, bot):
    assert names((await web.get("/", params={"q": "klimrek"})).text) == ["Speeltuin Spangen"]
    assert names((await web.get("/", params={"q": "étoile"})).text) == ["Buurthuiskamer Café Étoile"]
    chip = await web.get("/", params={"cat": "inloophuis"})
    assert names(chip.text) == ["Inloophuis Het Anker"]
    assert '<a href="/?cat=inloophuis" aria-current="true">Inloophuis</a>' in chip.text
    async with bot.session_factory() as session:
        in_spangen = sorted(await session.scalars(
            select(Initiative.name).join(Location, Location.id == Initiative.location_id).where(Location.buurt == "Spangen")
        ))
    assert in_spangen and sorted(names((await web.get("/", params={"buurt": "Spangen"})).text)) == in_spangen
    assert names((await web.get("/", params={"buurt": "Nergens"})).text) == names((await web.get("/")).text)
    assert "Geen plekken gevonden" in (await web.get("/", params={"q": "zzzz"})).text


async def test_other_languages_and_right_to_left(web, world, monkeypatch):
    english = (await web.get("/", params={"lang": "en"})).text
    assert '<html lang="en" dir="ltr">' in english and "<h1>Local places in Delfshaven</h1>" in english
    assert "Open now, until 16:00" in english and "Languages: Arabic, Dutch" in english
    assert 'href="/agenda?lang=en"' in english  # the language stays on every link
    assert '<html lang="nl"' in (await web.get("/", params={"lang": "xx"})).text
    monkeypatch.setattr(web_app, "available_languages", lambda: ("nl", "en", "ar"))
    assert '<html lang="ar" dir="rtl">' in (await web.get("/", params={"lang": "ar"})).text


async def test_place_page_shows_its_coming_activities_only(web, world):
    page = await web.get(f"/p/{world['spangen']}")
    assert page.status_code == 200
    assert "<h1>Huiskamer Spangen</h1>" in page.text
    assert "Koffieochtend" in page.text and "Taalles" in page.text
    assert "Verborgen ding" not in page.text
    assert f'href="/ical/activity/{world["coffee"]}.ics"' in page.text
    assert "Buurthuiskamers Delfshaven" in page.text
    for missing in ("/p/999", "/p/99999999999999999999", "/p/2147483648"):
        response = await web.get(missing)
        assert response.status_code == 404, missing
        assert "Deze pagina bestaat niet" in response.text


async def test_agenda_by_day_with_filters_and_ics_links(web, world):
    html = (await web.get("/agenda")).text
    days = re.findall(r"<h2>([^<]+)</h2>", html)  # h1, then a heading per day
    assert days[:3] == ["vandaag", "morgen", "zaterdag 5 december"]
    assert "Verborgen ding" not in html
    kids = (await web.get("/agenda", params={"kids": "1"})).text
    assert "Speelmiddag" in kids and "Koffieochtend" not in kids
    network = (await web.get("/agenda", params={"network": world["network"]})).text
    assert "Koffieochtend" in network and "Speelmiddag" not in network
    assert f'href="/ical/network/{world["network"]}.ics"' in network
    category = (await web.get("/agenda", params={"cat": "speeltuin"})).text
    assert "Speelmiddag" in category and "Taalles" not in category
    buurt = (await web.get("/agenda", params={"buurt": "Spangen"})).text
    assert "Koffieochtend" in buurt and 'href="/ical/buurt/Spangen.ics"' in buurt
    assert (await web.get("/agenda", params={"network": "99999999999999"})).status_code == 200
    for link in set(re.findall(r'href="(/ical/activity/\d+\.ics)"', html)):
        calendar = Calendar.from_ical((await web.get(link)).content)
        assert len(calendar.walk("VEVENT")) == 1


async def test_networks_page(web, world):
    html = (await web.get("/netwerken")).text
    assert "<h2>Buurthuiskamers Delfshaven</h2>" in html and "<h2>Netwerk Speeltuinen</h2>" in html
    assert f'<a href="/p/{world["speeltuin"]}">Speeltuin Spangen</a>' in html


async def test_places_csv_is_the_import_format_and_round_trips(web, world, bot):
    response = await web.get("/data/places.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    records = read_places(response.content)  # the importer's own checks
    assert len(records) == 10
    settings = bot.app.bot_data.settings
    counts = await import_records(settings.database_url, records, now=NOW.astimezone(timezone.utc))
    assert (counts.added, counts.updated, counts.unchanged) == (0, 0, 10)
    assert (await web.get("/data/places.csv")).content == response.content


# Field names of Open Referral HSDS 3.0 (schema/*.json) for the objects we publish.
HSDS_FIELDS = {
    "organization": {"id", "name", "alternate_name", "description", "email", "website", "additional_websites", "tax_status",
                     "tax_id", "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id", "funding",
                     "contacts", "phones", "locations", "programs", "organization_identifiers", "attributes", "metadata",
                     "services"},
    "service": {"id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "additional_urls",
                "email", "status", "interpretation_services", "application_process", "fees_description", "wait_time",
                "fees", "accreditations", "eligibility_description", "minimum_age", "maximum_age", "assured_date",
                "assurer_email", "licenses", "alert", "last_modified", "phones", "schedules", "service_areas",
                "service_at_locations", "languages", "organization", "funding", "cost_options", "program",
                "required_documents", "contacts", "capacities", "attributes", "metadata"},
    "location": {"id", "location_type", "url", "organization_id", "name", "alternate_name", "description", "transportation",
                 "latitude", "longitude", "external_identifier", "external_identifier_type", "languages", "addresses",
                 "contacts", "accessibility", "phones", "schedules", "attributes", "metadata"},
    "address": {"id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
                "postal_code", "country", "address_type", "attributes", "metadata"},
    "schedule": {"id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
                 "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday",
                 "byyearday", "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes",
                 "attributes", "metadata"},
    "language": {"id", "service_id", "location_id", "phone_id", "name", "code", "note", "attributes", "metadata"},
    "accessibility": {"id", "location_id", "description", "details", "url", "attributes", "metadata"},
    "phone": {"id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number",
              "extension", "type", "description", "languages", "attributes", "metadata"},
    "service_at_location": {"id", "service_id", "description", "service_areas", "contacts", "phones", "schedules",
                            "location", "location_id", "attributes", "metadata"},
    "attribute": {"id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value", "taxonomy_term", "label",
                  "metadata"},
    "taxonomy_term": {"id", "code", "name", "description", "parent_id", "taxonomy", "taxonomy_detail", "language",
                      "taxonomy_id", "term_uri", "metadata"},
    "organization_identifier": {"id", "organization_id", "identifier_scheme", "identifier_type", "identifier",
                                "attributes", "metadata"},
}


def check_hsds(kind: str, item: dict) -> None:
    extra = set(item) - HSDS_FIELDS[kind]
    assert not extra, f"{kind} has non-HSDS fields {extra}"
    nested = {"services": "service", "locations": "location", "addresses": "address", "schedules": "schedule",
              "languages": "language", "accessibility": "accessibility", "phones": "phone",
              "service_at_locations": "service_at_location", "attributes": "attribute",
              "organization_identifiers": "organization_identifier"}
    for key, child in nested.items():
        for sub in item.get(key) or []:
            check_hsds(child, sub)
    if kind == "attribute":
        check_hsds("taxonomy_term", item["taxonomy_term"])


async def test_places_json_is_hsds_shaped_licensed_and_impersonal(web, world):
    response = await web.get("/data/places.json")
    document = response.json()
    assert document["license"] == "CC BY 4.0" and document["hsds_version"] == "3.0"
    assert document["count"] == len(document["organizations"]) == 10
    for organization in document["organizations"]:
        check_hsds("organization", organization)
    spangen = next(o for o in document["organizations"] if o["name"] == "Huiskamer Spangen")
    [service] = spangen["services"]
    assert service["status"] == "active"
    assert [(s["freq"], s["byday"], s["opens_at"], s["closes_at"]) for s in service["schedules"]] == [
        ("WEEKLY", "MO,TU,WE,TH,FR", "10:00", "16:00")]
    assert sorted(lang["code"] for lang in service["languages"]) == ["ar", "nl"]
    [location] = spangen["locations"]
    assert location["addresses"][0]["postal_code"] == "3027 AB"
    assert location["accessibility"][0]["details"] == "yes"
    assert {a["taxonomy_term"]["code"] for a in service["attributes"]} >= {"buurthuiskamer"}
    text = response.text
    for personal in ("user_id", "created_by", "rsvp", "members", "1001"):
        assert personal not in text


async def test_activities_json_has_coming_public_activities_without_attendance(web, world, bot):
    from storage.tables_activities import ActivityRsvp

    from storage.models import Activity

    async with bot.session_factory.begin() as session:
        coffee = await session.get(Activity, world["coffee"])
        session.add(ActivityRsvp(activity_id=coffee.id, user_id=1001, status="going", occurrence_at=coffee.starts_at))
    document = (await web.get("/data/activities.json")).json()
    assert document["license"] == "CC BY 4.0"
    titles = {item["name"] for item in document["activities"]}
    assert titles == {"Koffieochtend", "Taalles", "Speelmiddag"}
    assert "1001" not in str(document) and "going" not in str(document)


async def test_ical_feeds_are_valid_and_filtered(web, world):
    async def events(path: str) -> set[str]:
        response = await web.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        assert calendar.walk("VTIMEZONE")
        assert b"spangen@example.org" not in response.content  # the feeds name no person's address
        return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}

    assert await events("/ical/all.ics") == {"Koffieochtend", "Taalles", "Speelmiddag"}
    assert await events(f"/ical/network/{world['network']}.ics") == {"Koffieochtend", "Taalles"}
    assert await events("/ical/buurt/Spangen.ics") >= {"Koffieochtend", "Taalles"}
    assert await events(f"/ical/initiative/{world['speeltuin']}.ics") == {"Speelmiddag"}
    for missing in ("/ical/network/999.ics", "/ical/buurt/Nergens.ics", "/ical/initiative/99999999999.ics",
                    f"/ical/activity/{world['hidden']}.ics"):
        assert (await web.get(missing)).status_code == 404, missing


async def test_open_data_caching_etag_last_modified_and_304(web, world, bot):
    first = await web.get("/data/places.json")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["content-encoding"] == "gzip"  # compressed once, kept with the built feed
    assert (await web.get("/data/places.json", headers={"Accept-Encoding": "identity"})).json() == first.json()
    assert first.headers["cache-control"] == "public, max-age=300"
    again = await web.get("/data/places.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert (await web.get("/data/places.json", headers={"If-Modified-Since": modified})).status_code == 304
    for path in ("/data/places.csv", "/data/activities.json", "/ical/all.ics"):
        response = await web.get(path)
        assert (await web.get(path, headers={"If-None-Match": response.headers["etag"]})).status_code == 304, path
    async with bot.session_factory.begin() as session:
        place = await session.get(Initiative, world["spangen"])
        place.name = "Huiskamer Spangen-Noord"
        place.updated_at = NOW + timedelta(minutes=5)
    changed = await web.get("/data/places.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert "Huiskamer Spangen-Noord" in changed.text


async def test_page_weighs_under_100_kb_before_tiles(web, world):
    """The buurtgids with its styles and scripts, as a browser fetches it (gzip), before any tile."""
    async def transferred(path: str) -> int:
        async with web.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
            assert response.status_code == 200, path
            await response.aread()
            return response.num_bytes_downloaded

    page = await web.get("/")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page.text)
    assert len(assets) == 4
    total = await transferred("/") + sum([await transferred(asset) for asset in assets])
    print(f"\nbuurtgids page with styles and scripts: {total} bytes (gzip)")
    assert total < 100 * 1024, f"{total} bytes"


async def test_mini_app_page_is_centred_and_offers_ik_kom(web, world):
    html = (await web.get("/app", params={"postcode": "3027", "lang": "en"})).text
    assert 'data-centre="51.9' in html and '<html lang="en"' in html
    assert f'data-activity="{world["coffee"]}"' in html and "I&#39;m coming" in html
    assert '<script src="/static/app.js" defer></script>' in html
    assert 'data-centre="51.91,4.44"' in (await web.get("/app", params={"lat": "51.91", "lon": "4.44"})).text
    assert "data-centre" not in (await web.get("/app", params={"lat": "999", "lon": "4"})).text


async def test_webhook_route_of_the_web_app(bot, world):
    import dataclasses
    import json

    settings = dataclasses.replace(bot.app.bot_data.settings, webhook_secret="s3cret")
    app = create_app(bot.app, settings, webhook_path="/telegram")
    update = {"update_id": 5, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hoi"}}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        body = json.dumps(update)
        assert (await client.post("/telegram", content=body, headers={"Content-Type": "application/json"})).status_code == 403
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        assert (await client.post("/telegram", content=body, headers={**headers, "Content-Type": "text/plain"})).status_code == 415
        big = {**headers, "Content-Type": "application/json", "Content-Length": str(2 * 1024 * 1024)}
        assert (await client.post("/telegram", content=body, headers=big)).status_code == 413
        ok = await client.post("/telegram", content=body, headers={**headers, "Content-Type": "application/json; charset=utf-8"})
        assert ok.status_code == 200
        queued = bot.app.update_queue.get_nowait()
        assert queued.update_id == 5 and queued.message.text == "hoi"
        assert (await client.get("/")).status_code == 200  # the same server has the pages
