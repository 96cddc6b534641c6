"""Open data: Open Referral HSDS 3 JSON of the places and the coming activities (the CSV is export-places').

Only active, visible places and published activities; nothing personal (no RSVPs, members or
Telegram ids). Field names follow HSDS 3.0 (organization, service, location, address, phone,
schedule, language, accessibility, attribute/taxonomy_term).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from bot.config import Settings
from bot.i18n import language_name_in
from domain.opening_hours import OSM_DAYS
from domain.taxonomy import TAXONOMY_NAME, get_category
from storage.activity_facts import upcoming, where_words
from storage.models import Activity, Initiative
from storage.repositories.directory import weekly_schedule

HSDS_VERSION = "3.0"
ATTRIBUTION = "Knooppunt / Welzijnscoalitie Delfshaven"
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _meta(settings: Settings) -> dict:
    """Licence and attribution (no build time, so an unchanged feed keeps its ETag)."""
    return {"license": settings.data_license, "attribution": ATTRIBUTION}


def _schedules(initiative: Initiative, service_id: str, location_id: str) -> list[dict]:
    schedule = weekly_schedule(initiative)
    if schedule is None:
        return []
    base = {"service_id": service_id, "location_id": location_id, "timezone": "Europe/Amsterdam", "freq": "WEEKLY"}
    if schedule.always_open:
        return [{**base, "id": f"{service_id}-always", "byday": ",".join(_BYDAY), "opens_at": "00:00", "closes_at": "24:00",
                 "description": "24/7"}]
    # Days with the same hours share one WEEKLY row (byday "MO,TU,WE"), as HSDS schedules allow.
    same_hours: dict[tuple, list[int]] = {}
    for day, ranges in enumerate(schedule.days):
        for r in ranges:
            same_hours.setdefault((r.start, r.end), []).append(day)
    rows = [
        {**base, "id": f"{service_id}-{OSM_DAYS[days[0]]}-{start:04d}", "byday": ",".join(_BYDAY[d] for d in days),
         "opens_at": f"{start // 60:02d}:{start % 60:02d}", "closes_at": f"{end // 60:02d}:{end % 60:02d}"}
        for (start, end), days in sorted(same_hours.items(), key=lambda item: (item[1][0], item[0]))
    ]
    if schedule.by_appointment:
        rows.append({**base, "id": f"{service_id}-appointment", "byday": None, "opens_at": None, "closes_at": None,
                     "description": "by appointment", "attending_type": "by appointment"})
    return rows


def _network_attributes(initiative: Initiative, service_id: str, network_names: dict[int, str]) -> list[dict]:
    """The networks an initiative belongs to, as HSDS attributes of a 'knooppunt-networks' taxonomy."""
    return [
        {"id": f"{service_id}-network-{row.network_id}", "link_id": service_id, "link_type": "service",
         "link_entity": "service", "taxonomy_term_id": f"knooppunt-networks:{row.network_id}",
         "taxonomy_term": {"id": f"knooppunt-networks:{row.network_id}", "code": str(row.network_id),
                           "name": network_names[row.network_id], "description": network_names[row.network_id],
                           "taxonomy": "knooppunt-networks"},
         "value": None}
        for row in sorted(initiative.networks, key=lambda r: r.network_id)
    ]


def hsds_organization(initiative: Initiative, network_names: dict[int, str], link: Callable[[str], str]) -> dict:
    """One initiative as an HSDS organization with one service at one location."""
    org_id = f"knooppunt-{initiative.id}"
    service_id = f"{org_id}-service"
    location_id = f"{org_id}-location"
    location = initiative.location
    category = get_category(initiative.category)
    languages = [
        {"id": f"{service_id}-lang-{row.language}", "service_id": service_id, "location_id": None, "phone_id": None,
         "name": language_name_in(row.language, "en"), "code": row.language, "note": None}
        for row in sorted(initiative.languages, key=lambda r: r.language)
    ]
    phones = [{"id": f"{org_id}-phone", "organization_id": org_id, "number": initiative.phone, "type": "voice",
               "languages": []}] if initiative.phone else []
    return {
        "id": org_id,
        "name": initiative.name,
        "alternate_name": None,
        "description": initiative.description or initiative.name,
        "email": initiative.email,
        "website": initiative.website,
        "phones": phones,
        "organization_identifiers": [{
            "id": f"{org_id}-external-id", "organization_id": org_id, "identifier_scheme": "knooppunt",
            "identifier_type": "external_id", "identifier": initiative.external_id,
        }] if initiative.external_id else [],
        "services": [{
            "id": service_id,
            "organization_id": org_id,
            "name": initiative.name,
            "description": initiative.description,
            "url": link(f"/p/{initiative.id}"),
            "email": initiative.email,
            "status": "active",
            "last_modified": initiative.updated_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
            "languages": languages,
            "schedules": _schedules(initiative, service_id, location_id),
            "attributes": [*_network_attributes(initiative, service_id, network_names), {
                "id": f"{service_id}-category", "link_id": service_id, "link_type": "service", "link_entity": "service",
                "taxonomy_term_id": f"{TAXONOMY_NAME}:{initiative.category}",
                "taxonomy_term": {"id": f"{TAXONOMY_NAME}:{initiative.category}", "code": initiative.category,
                                  "name": category.name_en if category else initiative.category,
                                  "description": category.name_en if category else initiative.category,
                                  "taxonomy": TAXONOMY_NAME},
                "value": None,
            }],
            "service_at_locations": [{"id": f"{org_id}-sal", "service_id": service_id, "location_id": location_id}],
        }],
        "locations": [{
            "id": location_id,
            "organization_id": org_id,
            "location_type": "physical",
            "name": location.name or initiative.name,
            "latitude": round(location.latitude, 6),
            "longitude": round(location.longitude, 6),
            "external_identifier": location.buurt,
            "external_identifier_type": "buurt" if location.buurt else None,
            "addresses": [{
                "id": f"{location_id}-address", "location_id": location_id, "attention": None,
                "address_1": location.address or "", "address_2": None, "city": location.city or "Rotterdam",
                "region": location.buurt, "state_province": "Zuid-Holland", "postal_code": location.postcode or "",
                "country": "NL", "address_type": "physical",
            }],
            "accessibility": [{
                "id": f"{location_id}-wheelchair", "location_id": location_id,
                "description": f"wheelchair: {initiative.wheelchair}", "details": initiative.wheelchair, "url": None,
            }],
        }],
    }


def _without_nulls(value):  # noqa: ANN001, ANN202 - JSON data
    """HSDS leaves out what is unknown; dropping nulls keeps 10k places small."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def places_hsds(organizations: list[dict], *, settings: Settings) -> dict:
    """The document around hsds_organization()'s items: licence, attribution, HSDS version."""
    items = [_without_nulls(organization) for organization in organizations]
    return {**_meta(settings), "hsds_version": HSDS_VERSION, "count": len(items), "organizations": items}


def activities_document(activities: Iterable[Activity], *, settings: Settings, now: datetime,
                        link: Callable[[str], str]) -> dict:
    """The coming activities: what, when (next times), where, which initiative; no attendance."""
    items = []
    for activity in activities:
        slots = upcoming(activity, now, settings.timezone)
        location = activity.location
        items.append({
            "id": f"activity-{activity.id}",
            "name": activity.title,
            "description": activity.description,
            "organization_id": f"knooppunt-{activity.initiative_id}",
            "organization_name": activity.initiative.name,
            "starts_at": activity.starts_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
            "ends_at": activity.ends_at.astimezone(timezone.utc).isoformat(timespec="seconds") if activity.ends_at else None,
            "rrule": activity.rrule,
            "next_occurrences": [slot.start.isoformat(timespec="seconds") for slot in slots],
            "cost": activity.cost,
            "location": None if location is None else {
                "name": where_words(activity), "latitude": round(location.latitude, 6),
                "longitude": round(location.longitude, 6), "buurt": location.buurt,
            },
            "ical": link(f"/ical/activity/{activity.id}.ics"),
            "url": link(f"/p/{activity.initiative_id}"),
        })
    return {**_meta(settings), "count": len(items), "activities": items}
